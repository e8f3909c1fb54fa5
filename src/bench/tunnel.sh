#!/usr/bin/env bash
# The SSH tunnel's cost, in one run on loopback: direct vs through the tunnel (Apache MINA SSHD client -> in-process
# MINA SSHD server -> upstream), and the gateway's cloud route plain vs through the tunnel. Latency medians and p99,
# throughput with 16 clients. Stops by itself; reaches nothing but 127.0.0.1.
# Usage: src/bench/tunnel.sh [extra JVM args, e.g. @packaging/jvm.options]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
  -Dexec.args="$* -cp %classpath dev.headroom.tunnel.TunnelBenchmark"
