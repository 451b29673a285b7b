#!/usr/bin/env bash
# Agents pipeline benchmarks: Redis Streams events consumed and acknowledged per second through one
# consumer group (StreamThroughputBenchmark), and session.ended -> evaluation stored with the model
# answering after a fixed 2 s (EvaluationLatencyBenchmark). Each writes its "## Agents pipeline: ..."
# section of docs/benchmarks.md. Uses TEST_DATABASE_URL / TEST_REDIS_URL when set, otherwise embedded
# Postgres and Redis. Set MVN_OFFLINE=-o to build offline.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# the benchmarks are JUnit classes outside the normal run (their names do not end in Test)
mvn -B -q ${MVN_OFFLINE-} -pl realtime,launcher -am test \
  -Dtest='StreamThroughputBenchmark,EvaluationLatencyBenchmark' -Dsurefire.failIfNoSpecifiedTests=false
grep -A12 '^## Agents pipeline' docs/benchmarks.md
