#!/usr/bin/env bash
# Operator console benchmark: seeds 100,000 sessions (5% with failures) into a fresh database, then
# times each admin read (session list with filters and cursor, session detail, analytics summary,
# trends, patterns) through the edge's HTTP API; p50/p95 go into the "## Operator console reads"
# section of docs/benchmarks.md (target p95 <= 200 ms). Uses TEST_DATABASE_URL / TEST_REDIS_URL when
# set, otherwise embedded Postgres and Redis. Set MVN_OFFLINE=-o to build offline; BENCH_SESSIONS to
# seed another number of sessions.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# a JUnit class outside the normal run (its name does not end in Test)
mvn -B -q ${MVN_OFFLINE-} -pl edge-api -am test -Dtest='AdminAnalyticsBenchmark' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.sessions="${BENCH_SESSIONS:-100000}"
grep -A20 '^## Operator console reads' docs/benchmarks.md
