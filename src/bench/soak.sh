#!/usr/bin/env bash
# Soak of the headless app under a light steady load: every minute, samples RSS, thread count, the H2 file size and
# the live heap (heap used right after a full GC that this script asks for with jcmd, once a minute), and counts the
# events answered 202. The JVM runs with the shipped packaging/jvm.options, as the installers do.
# Usage: src/bench/soak.sh [minutes=60] [out.csv] [requests/s=10] [events per request=5]
# Needs a built jar (mvn -B -DskipTests package). Runs the app from a copy, on its own HEADROOM_HOME and port,
# posts to 127.0.0.1 only, and stops everything it started when done (or on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes="${1:-60}"; out="${2:-target/soak.csv}"; rate="${3:-10}"; per="${4:-5}"
work="$(mktemp -d /tmp/headroom-soak.XXXXXX)"
cp -r target/headroom.jar target/lib "$work/"
port="${SOAK_PORT:-18410}"
mkdir -p "$work/home"
echo '{"gateway":{"port":'"$port"',"routes":[]}}' > "$work/home/config.json"
mapfile -t jvmopts < <(grep -v '^\s*#' packaging/jvm.options | grep -v '^\s*$')
HEADROOM_HOME="$work/home" java "${jvmopts[@]}" -jar "$work/headroom.jar" --headless > "$work/app.out" 2>&1 &
app=$!
cleanup() { kill "$load" 2>/dev/null || true; kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 1; done
body="["; for i in $(seq 1 "$per"); do body+='{"provider":"openai","model":"gpt-4o-mini","inputTokens":1200,"outputTokens":300}'; [ "$i" -lt "$per" ] && body+=","; done; body+="]"
( while true; do
    for _ in $(seq 1 "$rate"); do
      code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" \
        "http://127.0.0.1:$port/usage" || true)
      [ "$code" = 202 ] && echo "$per" >> "$work/accepted"
    done
    sleep 1
  done ) &
load=$!
echo "minute,rss_kib,threads,db_bytes,heap_after_gc_kib,events_202" > "$out"
for m in $(seq 0 "$minutes"); do
  rss=$(awk '/VmRSS/{print $2}' /proc/$app/status); thr=$(awk '/Threads/{print $2}' /proc/$app/status)
  db=$(stat -c %s "$work/home/data/headroom.mv.db" 2>/dev/null || echo 0)
  jcmd "$app" GC.run > /dev/null 2>&1 || true
  heap=$(jcmd "$app" GC.heap_info 2>/dev/null | awk '/total/ && /used/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub("K","",v); s+=v}} END {print s+0}')
  ok=$(awk '{s+=$1} END {print s+0}' "$work/accepted" 2>/dev/null || echo 0)
  echo "$m,$rss,$thr,$db,$heap,$ok" | tee -a "$out"
  [ "$m" -lt "$minutes" ] && sleep 60
done
echo "soak done; app log in $work/app.out"
