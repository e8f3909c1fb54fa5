#!/usr/bin/env bash
# Durable usage ingest over HTTP (the real App, POST /usage, group commit), UsageIngestBench.
# Usage: src/bench/usage-ingest.sh [clients=32] [events per POST, comma list=1,10] [seconds=20] [warm-up seconds=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
  -Dexec.args="-Xmx512m -Djava.util.logging.config.file=/dev/null -cp %classpath dev.headroom.UsageIngestBench $*"
