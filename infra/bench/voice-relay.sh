#!/usr/bin/env bash
# Voice bridge relay benchmark (provider side): direct vs through BridgedVoiceSession, written to
# docs/benchmarks-voice-relay.md. Usage: infra/bench/voice-relay.sh [sessions...]   (default 100 500 1000)
# Needs TEST_DATABASE_URL (or it starts embedded Postgres) like the tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl realtime test-compile dependency:build-classpath -Dmdep.outputFile=target/voice-cp.txt -Dmdep.includeScope=test
CP="realtime/target/test-classes:realtime/target/classes:$(cat realtime/target/voice-cp.txt)"
exec java -Xms512m -Xmx2g -Dbenchmark.out=docs/benchmarks-voice-relay.md -cp "$CP" \
  com.interviewroom.realtime.bench.VoiceRelayBenchmark ${@:-100 500 1000}
