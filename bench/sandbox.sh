#!/usr/bin/env bash
# Sandbox runner benchmark: Python overhead, Java submission latency, sustained throughput (p50/p99),
# and an anchor measured in the same run: bare bubblewrap around the same program, as a ratio.
# Needs root (per-slot uids, cgroups, tmpfs work dirs) and bubblewrap (apt-get install -y bubblewrap).
# Writes its figures into docs/benchmarks.md under "## Sandbox runner" (BENCH_OUT overrides the file).
# With ioi/isolate installed (/usr/local/bin/isolate, cgroup v1 as Judge0 uses it) it also measures
# that Judge0-style anchor. It is in no package: `git clone https://github.com/ioi/isolate && cd
# isolate && git checkout v1.8.1 && apt-get install -y libcap-dev && make isolate && install -m 4755
# isolate /usr/local/bin/ && install -D -m 644 default.cf /usr/local/etc/isolate`.
# Run it on a quiet machine (check `uptime`). BENCH_JAVA_OPTS=-Dbench.scale=0.1 is a ten-times-shorter
# smoke run of the script, not a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
echo "load before the run: $(cat /proc/loadavg)"
mvn -B -q -pl sandbox-runner -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -cp "sandbox-runner/target/test-classes:sandbox-runner/target/classes:common/target/classes:$(cat sandbox-runner/target/bench.classpath)" \
  com.interviewroom.sandbox.bench.SandboxBenchmark "${BENCH_OUT:-docs/benchmarks.md}"
