#!/usr/bin/env bash
# Edge API benchmark: GET /api/problems/{slug} at 1,000 req/s, POST /api/sessions/start at 200 req/s,
# and the read endpoint's peak throughput against bare Vert.x routes doing the same query (and the same
# cached data path). The load generator runs in its own JVM.
# Writes the "## Edge API" section of docs/benchmarks.md. Uses TEST_DATABASE_URL / TEST_REDIS_URL
# when set, otherwise embedded Postgres and Redis. Tune with BENCH_OPTS, e.g.
#   BENCH_OPTS="-Dbench.readRate=500 -Dbench.seconds=20" bench/edge.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
MVN_OFFLINE="${MVN_OFFLINE-}"  # set MVN_OFFLINE=-o to build offline
CP_FILE="edge-api/target/bench-classpath.txt"
# the modules by name (not -am, which adds the parent pom, where the offline dependency plugin fails), so the
# class path points at this checkout's target/classes and nothing is installed into ~/.m2
mvn -B -q $MVN_OFFLINE -pl common,schema,session,testkit,sandbox-runner,edge-api test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:2.8:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
# the server runs in this JVM; EdgeBenchmark starts the load generator (LoadRunner) in a second one
exec "$JAVA_HOME/bin/java" -Xmx1g ${BENCH_OPTS:-} \
  -cp "edge-api/target/test-classes:edge-api/target/classes:$(cat "$CP_FILE")" \
  com.interviewroom.edge.bench.EdgeBenchmark "$PWD/docs/benchmarks.md"
