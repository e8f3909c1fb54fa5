#!/usr/bin/env bash
# Screenshots of the tray under Xvfb with a real tray host (trayer) and notification daemon (dunst):
#   src/bench/tray-shot.sh OUTDIR
# writes OUTDIR/tray-menu.png (the tray menu open), OUTDIR/notification.png (the pressure notification) and prints the
# dashboard window's WM_CLASS (xprop). Needs: apt-get install -y xvfb xauth imagemagick libgtk-3-0 trayer dunst
# libnotify-bin xdotool x11-utils x11-xserver-utils dbus. Memory pressure is forced by a low threshold so the icon and
# notification show it; a budget notification comes from posting LLM usage over the $10 daily budget.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(realpath -m "${1:?output dir}")"; mkdir -p "$out"
[ -f target/headroom.jar ] || mvn -q -B -DskipTests package
home=$(mktemp -d)
export HEADROOM_HOME="$home" HEADROOM_GATEWAY_PORT=0 HEADROOM_MEMORY_THRESHOLD_PERCENT="${SHOT_THRESHOLD:-1}"
export HEADROOM_MEMORY_CRITICAL_PERCENT="${SHOT_CRITICAL:-99}"
echo '{}' > "$home/config.json"   # not a first run: no Preferences tab at start
disp=":$((80 + RANDOM % 9))"
Xvfb "$disp" -screen 0 1280x800x24 > /dev/null 2>&1 & xpid=$!
pids=()
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
  for _ in $(seq 80); do kill -0 "${pid:-0}" 2>/dev/null || break; sleep 0.1; done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  kill $xpid 2>/dev/null || true
  [ -n "${dbus_pid:-}" ] && kill "$dbus_pid" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT
sleep 1
export DISPLAY="$disp"
# dunst needs a session bus; notify-send talks to it over the same bus.
{ read -r DBUS_SESSION_BUS_ADDRESS; read -r dbus_pid; } < <(dbus-daemon --session --fork --print-address=1 --print-pid=1)
export DBUS_SESSION_BUS_ADDRESS
xsetroot -solid '#5b6b7a' 2>/dev/null || true
trayer --edge top --align right --widthtype request --height 32 --SetDockType true --transparent false \
  --tint 0xe8e8e8 --expand true > /dev/null 2>&1 & pids+=($!)
cat > "$home/dunstrc" <<'DUNST'
[global]
    geometry = "420x5-12+44"
    width = 420
    origin = top-right
    offset = 12x44
    font = DejaVu Sans 11
    frame_width = 1
    frame_color = "#888888"
[urgency_normal]
    background = "#ffffff"
    foreground = "#222222"
    timeout = 60
[urgency_critical]
    background = "#fff3e0"
    foreground = "#222222"
    timeout = 60
DUNST
dunst -config "$home/dunstrc" > /dev/null 2>&1 & pids+=($!)
sleep 1
java @packaging/jvm.options -Dprism.order=sw -jar target/headroom.jar > "$home/app.log" 2>&1 & pid=$!
sleep "${SHOT_WAIT:-25}"
port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$home/data/instance.json")
curl -s -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/usage" \
  --data '{"provider":"openai","model":"gpt-4o","inputTokens":0,"outputTokens":1037625}' > /dev/null
sleep 8
xsetroot -solid '#5b6b7a' 2>/dev/null || true
import -window root "$home/n.png"
convert "$home/n.png" -crop 640x240+640+0 "$out/notifications.png"
# Right-click the tray icon (AWT's embedded frame inside trayer's panel) to open the menu, then move off the icon.
icon=$(xwininfo -root -tree | awk '/JavaEmbeddedFrame/ {print $NF; exit}')   # +X+Y of the icon
ix=${icon#+}; iy=${ix#*+}; ix=${ix%%+*}
xdotool mousemove $((ix + 12)) $((iy + 15)) click 3
sleep 2
xdotool mousemove 1000 75
sleep 1.5
import -window root "$home/m.png"
convert "$home/m.png" -crop 640x300+640+0 "$out/tray-menu.png"
xdotool key Escape || true
# The dashboard's X11 class (second launch: the running app shows its dashboard).
java -jar target/headroom.jar >> "$home/app.log" 2>&1 || true
sleep 6
xwininfo -root -tree | grep -E '"Headroom":' || echo "no dashboard window found"
import -window root "$out/dashboard-second-launch.png"
echo "wrote $out"; grep -v DEBUG "$home/app.log" | tail -8
