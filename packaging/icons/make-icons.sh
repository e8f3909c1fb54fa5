#!/usr/bin/env bash
# Regenerates every icon under icons/ from the drawing below (ImageMagick 6/7 + png2icns from icnsutils).
#
#   packaging/icons/make-icons.sh            # writes icons/ next to packaging/
#
# The glyph is the tray's ring gauge (TrayController.render) drawn as a speedometer: a 270-degree track, a green arc
# filled to about 62 % (memory in use) and an up arrow in the middle (the headroom that is left). Output is
# deterministic: fixed geometry, no text/fonts, and -strip drops the timestamp chunks ImageMagick would add.
# The build does not run this script; the generated files are committed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/icons"
TRAY="$OUT/tray"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need convert || ! need png2icns; then
  if need apt-get; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq imagemagick icnsutils >/dev/null
  else
    echo "make-icons: needs ImageMagick (convert) and png2icns (icnsutils)" >&2
    exit 1
  fi
fi

mkdir -p "$OUT" "$TRAY"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Deterministic PNG: no timestamps/ancillary chunks, 8-bit RGBA.
PNGOPTS=(-strip -define png:exclude-chunks=date,time -define png:color-type=6 -define png:bit-depth=8)

# Arc as a polyline (one point per degree), angles in degrees clockwise from +x (screen coordinates, y down).
# A polyline rather than an SVG-style path arc: ImageMagick 6 closes stroked arc paths with a chord.
arc() {
  awk -v cx="$1" -v cy="$2" -v r="$3" -v a0="$4" -v a1="$5" 'BEGIN {
    pi = atan2(0, -1); n = int(a1 - a0 + 0.5);
    for (i = 0; i <= n; i++) { t = (a0 + (a1 - a0) * i / n) * pi / 180; printf "%s%.1f,%.1f", (i ? " " : ""), cx + r * cos(t), cy + r * sin(t) }
  }'
}

# Draw commands for the gauge on a 1024 canvas.
#   $1 ring radius  $2 stroke width  $3 track colour  $4 arc colour  $5 arrow colour  $6 arrow scale (1 = normal)
#   $7 centre y
gauge_draw() {
  local r=$1 w=$2 track=$3 arc=$4 arrow=$5 s=$6 cy=$7 cx=512
  local start=135 sweep=270 fill=0.62
  local end; end=$(awk -v a=$start -v s=$sweep -v f=$fill 'BEGIN { printf "%.2f", a + s * f }')
  # Arrow: head 200 wide, 110 tall; shaft 84 wide; total 250 tall; scaled by s about the centre.
  local ay; ay=$(awk -v cy="$cy" 'BEGIN { printf "%.1f", cy + 8 }')
  local poly
  poly=$(awk -v cx=$cx -v cy="$ay" -v s="$s" 'BEGIN {
    n = split("0,-125 100,-15 42,-15 42,125 -42,125 -42,-15 -100,-15", p, " ");
    for (i = 1; i <= n; i++) { split(p[i], q, ","); printf "%s%.1f,%.1f", (i > 1 ? " " : ""), cx + q[1] * s, cy + q[2] * s }
  }')
  local lw; lw=$(awk -v s="$s" 'BEGIN { printf "%.1f", 22 * s }')
  cat <<EOF
stroke-linecap round
fill none
stroke $track
stroke-width $w
stroke-linejoin round
polyline $(arc $cx "$cy" "$r" $start $((start + sweep)))
stroke $arc
polyline $(arc $cx "$cy" "$r" $start "$end")
stroke $arrow
fill $arrow
stroke-width $lw
stroke-linejoin round
polygon $poly
EOF
}

# App icon master at 1024. $1 = "full" (>= 48 px) or "bold" (16/32 px: bigger body, thicker strokes).
app_master() {
  local variant=$1 out=$2
  local inset radius r w s cy
  if [ "$variant" = bold ]; then
    inset=32; radius=200; r=300; w=150; s=1.35; cy=530
  else
    inset=100; radius=185; r=272; w=92; s=1.0; cy=530
  fi
  local far=$((1023 - inset))
  convert -size 1024x1024 gradient:'#334155-#0f172a' \
    \( -size 1024x1024 xc:none -fill white -draw "roundrectangle $inset,$inset $far,$far $radius,$radius" \) \
    -compose DstIn -composite -compose Over \
    -draw "$(gauge_draw $r $w '#475569' '#22c55e' '#f8fafc' $s $cy)" \
    "$out"
}

# Tray glyph master at 1024 (no background, fills the canvas). $1 glyph colour, $2 track colour.
tray_master() {
  local colour=$1 track=$2 out=$3
  convert -size 1024x1024 xc:none -draw "$(gauge_draw 400 190 "$track" "$colour" "$colour" 1.75 535)" "$out"
}

down() { convert "$1" -filter Lanczos -resize "$2x$2" "${PNGOPTS[@]}" "PNG32:$3"; }

app_master full "$WORK/app-full.png"
app_master bold "$WORK/app-bold.png"
for size in 16 32; do down "$WORK/app-bold.png" $size "$OUT/headroom-$size.png"; done
for size in 48 64 128 256 512 1024; do down "$WORK/app-full.png" $size "$OUT/headroom-$size.png"; done

# Windows: one .ico holding 16..256 (Explorer, Start menu, taskbar, installer).
convert "$OUT"/headroom-{16,32,48,64,128,256}.png -strip "$OUT/headroom.ico"

# macOS: .icns with the sizes png2icns understands (icp4/ic07/ic08/ic09/ic10 ...).
png2icns "$OUT/headroom.icns" "$OUT"/headroom-{16,32,128,256,512,1024}.png >/dev/null

# Tray: macOS template images (black + alpha; the menu bar tints them for light/dark and highlight).
tray_master 'black' 'rgba(0,0,0,0.35)' "$WORK/tray-template.png"
down "$WORK/tray-template.png" 22 "$TRAY/headroomTemplate.png"
down "$WORK/tray-template.png" 44 "$TRAY/headroomTemplate@2x.png"

# Tray for Windows/Linux panels: on-light = dark glyph for light panels, on-dark = light glyph for dark panels.
tray_master '#1f2937' 'rgba(31,41,55,0.35)' "$WORK/tray-on-light.png"
tray_master '#f8fafc' 'rgba(248,250,252,0.40)' "$WORK/tray-on-dark.png"
for size in 16 22 24 32 48; do
  down "$WORK/tray-on-light.png" $size "$TRAY/headroom-tray-on-light-$size.png"
  down "$WORK/tray-on-dark.png" $size "$TRAY/headroom-tray-on-dark-$size.png"
done

echo "make-icons: wrote $(find "$OUT" -type f | wc -l) files under $OUT"
