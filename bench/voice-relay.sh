#!/usr/bin/env bash
# Voice relay through the whole server, measured by two generators, one command:
#  2. bench/voice-relay-node/run.mjs: an independent generator (Node + ws, half the browsers offering
#     permessage-deflate) against the packaged jar started as README says and as the Dockerfile runs
#     it, with a provider fake (Node) that sends the GA API's full response sequence, and the same load through
#     bench/voice-relay-floor/relay.c (the `floor`: a C relay doing only what any relay must; needs cc and OpenSSL's
#     headers, Debian's gcc and libssl-dev). Writes the
#     "## Voice relay (independent generator)" section of docs/benchmarks.md.
#  1. GatewayVoiceRelayBenchmark: our Java/Vert.x generator against BenchServer, with the same Node GA fake.
#     Writes the "## Voice relay (full gateway)" section. Both sections are read side by side.
# Levels default to 100 500 (1000 only on a quiet machine). Java generator: TEST_DATABASE_URL /
# TEST_REDIS_URL when set, otherwise embedded. Tune with BENCH_OPTS (Java generator), BENCH_MEASURE_MS,
# BENCH_WARMUP_MS, BENCH_PRIMING (sessions), BENCH_PRIMING_MS (its window), BENCH_VARIANTS=floor,dockerfile,readme, BENCH_SERVER_OPTS (Node run's server's JVM flags),
# BENCH_SERVER_ENV="K=V ..." (its settings, for an A/B of one), BENCH_DIRECT=0 (no baseline level; for profiling, see bench/voice-relay-profile.py),
# BENCH_TRACE=file (every round trip's send time and latency, per level; bench/voice-relay-trace.py tells a steady queue from stalls),
# BENCH_SKIP_JAVA=1 to run the independent generator only (the side-by-side table then uses the Java section already there).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
MVN_OFFLINE="${MVN_OFFLINE-}"  # set MVN_OFFLINE=-o to build offline
[ $# -gt 0 ] || set -- 100 500
# the packaged jar, as README builds it (package, not install: nothing lands in ~/.m2)
mvn -B -q $MVN_OFFLINE -pl launcher -am package -DskipTests
(cd bench/voice-relay-node && npm ci --no-audit --no-fund --silent)
# the floor relay is built by run.mjs; fail here, before the long Java part, when it cannot be
case ",${BENCH_VARIANTS:-floor,dockerfile,readme}," in
  *,floor,*)
    check="$(mktemp)"
    cc -O2 -o "$check" bench/voice-relay-floor/relay.c -lcrypto \
      || { echo "the floor relay needs gcc and libssl-dev (or BENCH_VARIANTS=dockerfile,readme)" >&2; exit 1; }
    rm -f "$check" ;;
esac
echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "${BENCH_SKIP_JAVA:-}" ]; then
# the modules by name (not -am, which adds the parent pom, where the offline dependency plugin fails), so the
# class path points at this checkout's target/classes, not at snapshots in ~/.m2
mvn -B -q $MVN_OFFLINE -pl common,schema,session,testkit,sandbox-runner,edge-api,realtime,launcher test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:2.8:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
# realtime's test classes hold the fake provider
CP="launcher/target/test-classes:launcher/target/classes:realtime/target/test-classes:$(cat launcher/target/bench-classpath.txt)"
"$JAVA_HOME/bin/java" -Xmx1g -Dbench.provider=node ${BENCH_OPTS:-} -cp "$CP" com.interviewroom.bench.GatewayVoiceRelayBenchmark "$@"
fi
# last, so its section can set the Java generator's figures just written beside its own
node bench/voice-relay-node/run.mjs --jar launcher/target/interviewroom.jar --java "$JAVA_HOME/bin/java" \
  --levels "$(IFS=,; echo "$*")" --out docs/benchmarks.md
