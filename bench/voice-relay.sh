#!/usr/bin/env bash
# Voice relay through the whole server: N simulated browsers -> /ws -> fake OpenAI Realtime (echo) -> back,
# against the same generator talking straight to the fake, at each level (default 100 500 1000).
# Three JVMs: this generator, the server (BenchServer) and the fake provider (EchoProvider).
# Writes the "## Voice relay (full gateway)" section of docs/benchmarks.md. Uses TEST_DATABASE_URL /
# TEST_REDIS_URL when set, otherwise embedded Postgres and Redis. Tune with BENCH_OPTS, e.g.
#   BENCH_OPTS="-Dbench.measureMs=5000 -Dbench.warmUpMs=2000" bench/voice-relay.sh 100 500
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
MVN_OFFLINE="${MVN_OFFLINE-}"  # set MVN_OFFLINE=-o to build offline
# the modules by name (not -am, which adds the parent pom, where the offline dependency plugin fails), so the
# class path points at this checkout's target/classes, not at snapshots in ~/.m2
mvn -B -q $MVN_OFFLINE -pl common,schema,testkit,sandbox-runner,edge-api,realtime,launcher test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:2.8:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
# realtime's test classes hold the fake provider
CP="launcher/target/test-classes:launcher/target/classes:realtime/target/test-classes:$(cat launcher/target/bench-classpath.txt)"
[ $# -gt 0 ] || set -- 100 500 1000
exec "$JAVA_HOME/bin/java" -Xmx1g ${BENCH_OPTS:-} -cp "$CP" \
  com.interviewroom.bench.GatewayVoiceRelayBenchmark "$@"
