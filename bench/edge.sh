#!/usr/bin/env bash
# Edge API benchmark: GET /api/problems/{slug} at 1,000 req/s, POST /api/sessions/start at 200 req/s,
# and the read endpoint's peak throughput against a bare Vert.x route doing the same query.
# Writes the "## Edge API" section of docs/benchmarks.md. Uses TEST_DATABASE_URL / TEST_REDIS_URL
# when set, otherwise embedded Postgres and Redis. Tune with BENCH_OPTS, e.g.
#   BENCH_OPTS="-Dbench.readRate=500 -Dbench.seconds=20" bench/edge.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
MVN_OFFLINE="${MVN_OFFLINE--o}"
CP_FILE="edge-api/target/bench-classpath.txt"
mvn -B -q $MVN_OFFLINE install -DskipTests -pl edge-api -am
mvn -B -q $MVN_OFFLINE -pl edge-api test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:2.8:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" -Xmx1g ${BENCH_OPTS:-} \
  -cp "edge-api/target/test-classes:edge-api/target/classes:$(cat "$CP_FILE")" \
  com.interviewroom.edge.bench.EdgeBenchmark "$PWD/docs/benchmarks.md"
