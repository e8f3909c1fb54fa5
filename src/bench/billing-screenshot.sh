#!/usr/bin/env bash
# The README's "GCP bill" screenshot: runs the fake billing export and the fake Billing / Budget / Recommender APIs
# (test classes, the fixture month moved to the current hour) on loopback, points the real app at them through
# HEADROOM_* variables and takes src/bench/screenshot.sh of the Costs tab. Usage: src/bench/billing-screenshot.sh OUT.png
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(realpath -m "${1:?output png}")"
[ -f target/headroom.jar ] && [ -d target/test-classes/dev/headroom/billing ] || mvn -q -B -DskipTests package
cp=$(mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
env_file=$(mktemp)
java -cp "target/test-classes:target/classes:$cp" dev.headroom.billing.FakeBillingMain > "$env_file" & fpid=$!
trap 'kill $fpid 2>/dev/null; rm -f "$env_file"' EXIT
for _ in $(seq 100); do [ "$(wc -l < "$env_file")" -ge 7 ] && break; sleep 0.2; done
set -a; . "$env_file"; set +a
src/bench/screenshot.sh "$out" "${SHOT_WAIT:-40}" Costs
