#!/usr/bin/env bash
# The H2 file under a burst: wrk posts usage to the headless app as fast as it takes it (every 202 is a durable group
# commit), then the app idles; the file size and RSS are printed every 10 s and wrk's totals at the end, so the
# effect of the once-a-minute compaction and of the whole-file rewrite (Database.REWRITE_ABOVE_BYTES) shows.
# Usage: src/bench/db-burst.sh [burst seconds=180] [idle seconds=180] [connections=16]
# Needs a built jar (mvn -B -DskipTests package) and wrk (apt-get install -y wrk). 127.0.0.1 only; stops what it starts.
set -euo pipefail
cd "$(dirname "$0")/../.."
burst="${1:-180}"; idle="${2:-180}"; conns="${3:-16}"
command -v wrk >/dev/null || { echo "needs: apt-get install -y wrk" >&2; exit 1; }
work="$(mktemp -d /tmp/headroom-burst.XXXXXX)"
cp -r target/headroom.jar target/lib "$work/"
port="${BURST_PORT:-18420}"
mkdir -p "$work/home"
echo '{"gateway":{"port":'"$port"',"routes":[]}}' > "$work/home/config.json"
mapfile -t jvmopts < <(grep -v '^\s*#' packaging/jvm.options | grep -v '^\s*$')
HEADROOM_HOME="$work/home" java "${jvmopts[@]}" -jar "$work/headroom.jar" --headless > "$work/app.out" 2>&1 &
app=$!
cleanup() { kill "${load:-}" 2>/dev/null || true; kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 1; done
cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '[{"provider":"openai","model":"gpt-4o-mini","inputTokens":1200,"outputTokens":300}]'
LUA
wrk -t2 -c"$conns" -d"${burst}s" -s "$work/post.lua" "http://127.0.0.1:$port/usage" > "$work/wrk.out" 2>&1 &
load=$!
db="$work/home/data/headroom.mv.db"
echo "second,phase,db_bytes,rss_kib"
for s in $(seq 0 10 $((burst + idle))); do
  phase=burst; [ "$s" -gt "$burst" ] && phase=idle
  size=$(stat -c %s "$db" 2>/dev/null || echo 0)
  rss=$(awk '/VmRSS/{print $2}' /proc/$app/status)
  echo "$s,$phase,$size,$rss"
  sleep 10
done
wait "$load" 2>/dev/null || true
echo "--- wrk"; cat "$work/wrk.out"
echo "--- rewrites"; grep -h 'Store file rewritten' "$work/app.out" "$work/home/data/logs/"*.log 2>/dev/null | sort -u || true
echo "burst done; app log in $work/app.out"
