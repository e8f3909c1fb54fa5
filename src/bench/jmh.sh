#!/usr/bin/env bash
# Runs JMH benchmarks from the test sources. Usage: src/bench/jmh.sh [benchmark regex] [extra JMH args]
#   src/bench/jmh.sh MemorySample
#   src/bench/jmh.sh CostTick
#   src/bench/jmh.sh Gateway
set -euo pipefail
cd "$(dirname "$0")/../.."
pattern="${1:-.}"; shift || true
mvn -q -B test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
  -Dexec.args="-cp %classpath org.openjdk.jmh.Main $pattern $*"
