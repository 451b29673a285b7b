#!/usr/bin/env bash
# Voice bridge relay benchmark (provider side): direct vs through BridgedVoiceSession, written to
# docs/benchmarks-voice-relay.md. Usage: infra/bench/voice-relay.sh [sessions...]   (default 100 500 1000)
# Needs TEST_DATABASE_URL (or it starts embedded Postgres) like the tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl common,schema,testkit,realtime -am test-compile && mvn -B -q -o -pl realtime dependency:build-classpath -Dmdep.outputFile=target/voice-cp.txt -Dmdep.includeScope=test
# the worktree's own modules first, so a concurrently re-installed ~/.m2 snapshot cannot interfere
CP="realtime/target/test-classes:realtime/target/classes:common/target/classes:schema/target/classes:testkit/target/classes:$(cat realtime/target/voice-cp.txt)"
exec java -Xms512m -Xmx2g -Dbenchmark.out=docs/benchmarks-voice-relay.md -cp "$CP" \
  com.interviewroom.realtime.bench.VoiceRelayBenchmark ${@:-100 500 1000}
