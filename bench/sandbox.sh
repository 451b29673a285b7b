#!/usr/bin/env bash
# Sandbox runner benchmark: Python overhead, Java submission latency, sustained throughput.
# Needs root (per-slot uids, cgroups, tmpfs work dirs) and bubblewrap (apt-get install -y bubblewrap).
# Writes its figures into docs/benchmarks.md under "## Sandbox runner".
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -B -q -pl sandbox-runner -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
"$JAVA_HOME/bin/java" -cp "sandbox-runner/target/test-classes:sandbox-runner/target/classes:common/target/classes:$(cat sandbox-runner/target/bench.classpath)" \
  com.interviewroom.sandbox.bench.SandboxBenchmark docs/benchmarks.md
