#!/usr/bin/env bash
# Measures the app's idle CPU (% of one core) and resident memory over a window, from /proc time deltas
# (DESIGN.md 5). Usage: src/bench/idle.sh [headless|tray|dashboard] [seconds=60] [warmup=15]
#   JVM options: packaging/jvm.options (what the README's run command and the installers use), or HEADROOM_JAVA_OPTS
#   (e.g. "@/tmp/other.options" to compare); HEADROOM_JAR (default target/headroom.jar) picks the build, e.g. a copy
#   with its lib/ so that a rebuild cannot change it between runs. After the window, the JIT's code cache use is printed
#   (jcmd), so a smaller -XX:ReservedCodeCacheSize can be checked against it.
#   headless   the engine without UI (java -jar ... --headless)
#   tray       the desktop app in the tray, window closed (needs xvfb-run and trayer)
#   dashboard  the desktop app with the dashboard open at 1 s sampling (needs xvfb-run)
set -euo pipefail
cd "$(dirname "$0")/../.."
mode="${1:-headless}"; window="${2:-60}"; warmup="${3:-15}"
jar="${HEADROOM_JAR:-target/headroom.jar}"
[ -f "$jar" ] || [ -n "${HEADROOM_JAR:-}" ] || mvn -q -B -DskipTests package
JAVA_OPTS=(${HEADROOM_JAVA_OPTS:-@packaging/jvm.options})
unset HEADROOM_JAR HEADROOM_JAVA_OPTS # the app reads HEADROOM_* as settings
home=$(mktemp -d)
export HEADROOM_HOME="$home" HEADROOM_GATEWAY_PORT=0
# Stop the app before its X server: killing Xvfb under a live JavaFX app crashes GTK.
cleanup() {
  if [ -n "${pid:-}" ]; then kill "$pid" 2>/dev/null; for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; fi
  [ -n "${tpid:-}" ] && kill "$tpid" 2>/dev/null
  [ -n "${xpid:-}" ] && kill "$xpid" 2>/dev/null
  rm -rf "$home"
}
trap cleanup EXIT
case "$mode" in
  headless)
    java "${JAVA_OPTS[@]}" -jar "$jar" --headless > "$home/app.log" 2>&1 & pid=$! ;;
  tray|dashboard)
    command -v Xvfb >/dev/null || { echo "needs Xvfb: apt-get install -y xvfb trayer" >&2; exit 1; }
    # Xvfb picks a free display itself (others may run theirs) and writes its number once it is ready.
    Xvfb -displayfd 3 -screen 0 1280x800x24 3> "$home/display" > /dev/null 2>&1 & xpid=$!
    for _ in $(seq 100); do [ -s "$home/display" ] && break; sleep 0.1; done
    [ -s "$home/display" ] || { echo "Xvfb did not start" >&2; exit 1; }
    export DISPLAY=":$(cat "$home/display")"
    if [ "$mode" = tray ]; then
      # A config file marks the first run as done: without one the app opens its dashboard on Preferences (the
      # first-run screen), and this would measure that window instead of the tray.
      echo '{}' > "$HEADROOM_HOME/config.json"
      command -v trayer >/dev/null && { trayer --edge top --align right > /dev/null 2>&1 & tpid=$!; sleep 1; }
      java "${JAVA_OPTS[@]}" -Dprism.order=sw -jar "$jar" > "$home/app.log" 2>&1 & pid=$!
    else
      java "${JAVA_OPTS[@]}" -Dprism.order=sw -jar "$jar" --dashboard > "$home/app.log" 2>&1 & pid=$!
    fi ;;
  *) echo "unknown mode $mode" >&2; exit 64 ;;
esac
tck=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
sleep "$warmup"
kill -0 "$pid" 2>/dev/null || { echo "app exited:"; cat "$home/app.log"; exit 1; }
c0=$(cpu); r0=$(rss); t0=$(date +%s.%N)
sleep "$window"
c1=$(cpu); r1=$(rss); t1=$(date +%s.%N)
awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v tck="$tck" -v r0="$r0" -v r1="$r1" -v m="$mode" 'BEGIN {
  printf "mode=%s window=%.0fs cpu=%.2f%% of one core rss_start=%.0fMB rss_end=%.0fMB\n", m, t1-t0, 100*(c1-c0)/tck/(t1-t0), r0/1024, r1/1024 }'
echo "  jvm: ${JAVA_OPTS[*]}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
command -v jcmd > /dev/null && jcmd "$pid" Compiler.codecache 2>/dev/null | awk '/^CodeCache|size=/ {sub(/^ +/, ""); print "  codecache: " $0; exit}' || true
