#!/usr/bin/env bash
# Takes a screenshot of the real dashboard window under Xvfb, on a tab. Usage: src/bench/screenshot.sh OUT.png [seconds=40] [tab]
# SHOT_SETUP: a shell command run 8 s after start (e.g. curl to feed the gateway); SHOT_HOME: reuse a data dir.
# SHOT_SIZE: window (and screen) size, e.g. 800x500 (default 1280x800); SHOT_THEME: light or dark (default system).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(realpath -m "${1:?output png}")"; wait_s="${2:-40}"; tab="${3:-}"
size="${SHOT_SIZE:-1280x800}"
[ -f target/headroom.jar ] || mvn -q -B -DskipTests package
home=$(mktemp -d)
export HEADROOM_HOME="${SHOT_HOME:-$home}" HEADROOM_GATEWAY_PORT="${HEADROOM_GATEWAY_PORT:-0}"
[ -n "${SHOT_THEME:-}" ] && export HEADROOM_UI_THEME="$SHOT_THEME"
disp="${SHOT_DISPLAY:-:$((70 + RANDOM % 9))}"
Xvfb "$disp" -screen 0 "${size}x24" > /dev/null 2>&1 & xpid=$!
# Stop the app before its X server: killing Xvfb under a live JavaFX app crashes GTK.
trap 'kill $pid 2>/dev/null; for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done; kill $xpid 2>/dev/null; rm -rf "$home"' EXIT
sleep 1
DISPLAY="$disp" java @packaging/jvm.options -Dprism.order=sw -Dheadroom.windowSize="$size" -jar target/headroom.jar --dashboard "${tab:-Memory}" > "$home/app.log" 2>&1 & pid=$!
if [ -n "${SHOT_SETUP:-}" ]; then sleep 8; bash -c "$SHOT_SETUP"; fi
sleep "$wait_s"
DISPLAY="$disp" import -window root "$out"
echo "wrote $out"; tail -5 "$home/app.log"
