#!/usr/bin/env bash
# Builds Headroom's native installer for the OS it runs on (see packaging/README.md).
#
#   packaging/build-installer.sh                 # Linux: app-image + .deb; macOS: .dmg + .pkg; Windows: .msi
#   packaging/build-installer.sh --type deb      # only one type (app-image, deb, rpm, dmg, pkg, msi, exe)
#   packaging/build-installer.sh --skip-build    # reuse target/headroom.jar + target/lib (the -Pinstaller profile)
#   packaging/build-installer.sh --no-cds        # no CDS archive in the runtime image
#   packaging/build-installer.sh --install-test  # Linux: then `apt install ./headroom_*.deb` here, check that
#                                                # `headroom` is on the PATH and runs, and remove it again
#
# Output: target/installer/ (app-image under target/installer/image/). Needs JDK 17+ (jlink, jpackage) and
# installs missing OS tools itself where it can (Linux: fakeroot, binutils, dpkg/rpm tools; Windows: WiX 3).
#
# Layout of what gets packaged, and why:
#  - app jars on the CLASS PATH: the Google client jars have split packages and ChartFx has only automatic
#    module names, so neither can be modules (DESIGN.md section 6);
#  - a jlinked runtime holding the JDK modules the app needs plus JavaFX, taken as modules from the
#    javafx-*-<os>.jar files; JavaFX is NOT also put on the class path (it would load twice);
#  - the runtime carries the JDK's default CDS archive (lib/server/classes.jsa, relocatable). An application-level
#    (dynamic) archive is NOT shipped: JDK 17 checks the absolute class path recorded at dump time, so an archive
#    dumped in target/ is rejected (with a warning on stderr) once installed under /opt or /Applications.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PKG="$ROOT/packaging"
TARGET="$ROOT/target"
WORK="$TARGET/jpackage"
OUT="$TARGET/installer"

APP_NAME="Headroom"
MAIN_CLASS="dev.headroom.Main"
VENDOR="Headroom"
DESCRIPTION="Menu-bar memory watcher that bursts work onto GCP Spot VMs and shows what it costs"
# Fixed forever: Windows Installer uses it to recognise older versions and upgrade them in place.
# uuid5(NAMESPACE_DNS, "app.headroom.dev").
WIN_UPGRADE_UUID="d84e9055-a654-53e2-9c42-c2a7e617f848"
JDK_MODULES="java.logging,java.sql,java.naming,java.net.http,jdk.httpserver,java.management,jdk.management,jdk.unsupported,java.desktop,jdk.crypto.ec"
FX_MODULES="javafx.controls,javafx.swing"
JLINK_OPTS=(--strip-debug --no-header-files --no-man-pages --strip-native-commands --compress=2)

TYPES=()
SKIP_BUILD=false
CDS=true
INSTALL_TEST="${HEADROOM_INSTALL_TEST:-false}"
[ "$INSTALL_TEST" = 1 ] && INSTALL_TEST=true
while [ $# -gt 0 ]; do
  case "$1" in
    --type) TYPES+=("$2"); shift 2 ;;
    --skip-build) SKIP_BUILD=true; shift ;;
    --no-cds) CDS=false; shift ;;
    --install-test) INSTALL_TEST=true; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build-installer: unknown option $1" >&2; exit 64 ;;
  esac
done

log() { echo "build-installer: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

case "$(uname -s)" in
  Linux*) OS=linux ;;
  Darwin*) OS=mac ;;
  MINGW*|MSYS*|CYGWIN*) OS=windows ;;
  *) log "unsupported OS $(uname -s)"; exit 1 ;;
esac
if [ ${#TYPES[@]} -eq 0 ]; then
  case $OS in
    linux) TYPES=(app-image deb) ;;
    mac) TYPES=(app-image dmg pkg) ;;
    windows) TYPES=(app-image msi) ;;
  esac
fi

# ---- prerequisites -------------------------------------------------------------------------------------------
apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log "installing $*"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

JAVA_BIN=""
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jpackage" ]; then
  JAVA_BIN="$JAVA_HOME/bin"
elif have jpackage; then
  JAVA_BIN="$(dirname "$(readlink -f "$(command -v jpackage)")")"
elif [ $OS = linux ] && have apt-get; then
  apt_install openjdk-17-jdk-headless
  JAVA_BIN="$(dirname "$(readlink -f "$(command -v jpackage)")")"
else
  log "needs a JDK 17+ with jpackage: set JAVA_HOME"; exit 1
fi
JLINK="$JAVA_BIN/jlink"; JPACKAGE="$JAVA_BIN/jpackage"; JAVA="$JAVA_BIN/java"
JAVA_HOME_DIR="$(dirname "$JAVA_BIN")"
if [ ! -d "$JAVA_HOME_DIR/jmods" ]; then
  log "$JAVA_HOME_DIR has no jmods/ (jlink needs them): use a full JDK (Debian: openjdk-17-jdk, not -headless)"
  [ $OS = linux ] && have apt-get && apt_install openjdk-17-jdk
fi

for t in "${TYPES[@]}"; do
  case "$t" in
    deb)
      missing=()
      have fakeroot || missing+=(fakeroot)
      have objcopy || missing+=(binutils)
      have dpkg-deb || missing+=(dpkg)
      if [ ${#missing[@]} -gt 0 ]; then
        have apt-get || { log "deb needs ${missing[*]}"; exit 1; }
        apt_install "${missing[@]}"
      fi ;;
    rpm)
      if ! have rpmbuild; then
        if have apt-get; then apt_install rpm
        elif have dnf; then log "installing rpm-build"; sudo dnf install -y -q rpm-build
        else log "rpm needs rpmbuild"; exit 1
        fi
      fi ;;
    msi|exe)
      if ! have candle.exe && ! have candle; then
        if have choco; then log "installing WiX 3 (choco)"; choco install -y wixtoolset; fi
        have candle.exe || have candle || { log "msi/exe need WiX 3.x on PATH (https://wixtoolset.org)"; exit 1; }
      fi ;;
  esac
done

# ---- build and stage -----------------------------------------------------------------------------------------
if ! $SKIP_BUILD; then
  log "building the jar (mvn package)"
  (cd "$ROOT" && { mvn -q -B -o -DskipTests package 2>/dev/null || mvn -q -B -DskipTests package; })
fi
[ -f "$TARGET/headroom.jar" ] && [ -d "$TARGET/lib" ] || { log "target/headroom.jar or target/lib missing"; exit 1; }
VERSION="$(sed -n 's/^version=//p' "$TARGET/maven-archiver/pom.properties" 2>/dev/null || true)"
VERSION="${VERSION%-SNAPSHOT}"
VERSION="${VERSION:-0.1.0}"

rm -rf "$WORK" "$OUT"
mkdir -p "$WORK/input/lib" "$WORK/fxmods" "$OUT"
cp "$TARGET/headroom.jar" "$WORK/input/"
for jar in "$TARGET"/lib/*.jar; do
  name="$(basename "$jar")"
  case "$name" in
    javafx-*-[0-9]*-*.jar) cp "$jar" "$WORK/fxmods/" ;;   # javafx-base-21.0.12-linux.jar: the real module
    javafx-*.jar) ;;                                        # javafx-base-21.0.12.jar: empty placeholder
    *) cp "$jar" "$WORK/input/lib/" ;;
  esac
done
ls "$WORK"/fxmods/javafx-graphics-*.jar >/dev/null 2>&1 || { log "no platform JavaFX jars in target/lib"; exit 1; }

# ---- runtime image -------------------------------------------------------------------------------------------
log "jlink runtime ($JDK_MODULES,$FX_MODULES)"
if $CDS; then
  # --generate-cds-archive runs the image's bin/java, which --strip-native-commands would remove: link with the
  # commands, dump the JDK's default CDS archive (lib/server/classes.jsa), then delete bin/ (same end result).
  "$JLINK" --module-path "$WORK/fxmods" --add-modules "$JDK_MODULES,$FX_MODULES" \
    --strip-debug --no-header-files --no-man-pages --compress=2 --generate-cds-archive --output "$WORK/runtime"
  rm -rf "$WORK/runtime/bin"
  # The no-compressed-oops variant is only used with heaps over 32 GB; the launcher caps the heap at 512 MB.
  rm -f "$WORK/runtime/lib/server/classes_nocoops.jsa"
else
  "$JLINK" --module-path "$WORK/fxmods" --add-modules "$JDK_MODULES,$FX_MODULES" \
    "${JLINK_OPTS[@]}" --output "$WORK/runtime"
fi

# ---- launcher options ----------------------------------------------------------------------------------------
# Heap cap: the app watches memory, so it must stay small itself (idle ~100-220 MB RSS, DESIGN.md 5/6).
# javafx.cachedir: JavaFX extracts its native libraries from the jlinked modules on first start. The JDK 17
# launcher expands only $APPDIR/$BINDIR/$ROOTDIR in java-options (not $HOME or %LOCALAPPDATA%), so a per-user
# cache dir cannot be set here; it stays JavaFX's default ~/.openjfx/cache unless Main sets the property first.
# The same JVM options as the README's run command (packaging/jvm.options: C1 only, serial GC, 256 MB heap cap,
# native heap trim), measured against the idle budgets by src/bench/idle.sh.
JAVA_OPTS=(-Dfile.encoding=UTF-8)
while IFS= read -r opt; do
  [[ -z "$opt" || "$opt" == \#* ]] || JAVA_OPTS+=("$opt")
done < "$ROOT/packaging/jvm.options"
[ $OS = mac ] && JAVA_OPTS+=(-Dapple.awt.UIElement=true)   # no Dock icon even before Info.plist applies
# Windows named "Headroom" for the window manager (WM_CLASS; GtkIdentity): glass's application name is internal API.
[ $OS = linux ] && JAVA_OPTS+=(--add-exports=javafx.graphics/com.sun.glass.ui=ALL-UNNAMED)

COMMON=(--name "$APP_NAME" --app-version "$VERSION" --vendor "$VENDOR" --description "$DESCRIPTION"
  --copyright "Copyright (C) Headroom contributors")
IMAGE_ARGS=(--input "$WORK/input" --main-jar headroom.jar --main-class "$MAIN_CLASS" --runtime-image "$WORK/runtime")
for o in "${JAVA_OPTS[@]}"; do IMAGE_ARGS+=(--java-options "$o"); done

case $OS in
  linux)
    ICON="$ROOT/icons/headroom-256.png"
    OS_IMAGE=()
    OS_PACKAGE=(--resource-dir "$PKG/linux" --linux-package-name headroom --linux-menu-group "Utility;System;Monitor;"
      --linux-app-category utils --linux-shortcut --linux-package-deps "libgtk-3-0, libgl1, libxxf86vm1")
    # jpackage derives Depends from the runtime's native libraries; JavaFX's own .so files sit inside the jlinked
    # modules, so their dependencies (GTK 3 for the glass toolkit, GL for prism-es2) are named here.
    [ -n "${HEADROOM_DEB_MAINTAINER:-}" ] && OS_PACKAGE+=(--linux-deb-maintainer "$HEADROOM_DEB_MAINTAINER") ;;
  mac)
    ICON="$ROOT/icons/headroom.icns"
    OS_IMAGE=(--resource-dir "$PKG/macos" --mac-package-identifier dev.headroom.app --mac-package-name "$APP_NAME")
    OS_PACKAGE=(--resource-dir "$PKG/macos" --mac-package-identifier dev.headroom.app --mac-package-name "$APP_NAME") ;;
  windows)
    ICON="$ROOT/icons/headroom.ico"
    OS_IMAGE=(--add-launcher "headroom-cli=$PKG/windows/headroom-cli.properties")
    OS_PACKAGE=(--resource-dir "$PKG/windows" --win-menu --win-menu-group "$APP_NAME" --win-shortcut --win-dir-chooser
      --win-upgrade-uuid "$WIN_UPGRADE_UUID") ;;
esac

# ---- app-image ----------------------------------------------------------------------------------------------
IMAGE_DEST="$OUT/image"
log "jpackage --type app-image"
"$JPACKAGE" --type app-image --dest "$IMAGE_DEST" --icon "$ICON" "${COMMON[@]}" "${IMAGE_ARGS[@]}" \
  "${OS_IMAGE[@]+"${OS_IMAGE[@]}"}"
case $OS in
  mac) LAUNCHER="$IMAGE_DEST/$APP_NAME.app/Contents/MacOS/$APP_NAME" ;;
  windows) LAUNCHER="$IMAGE_DEST/$APP_NAME/headroom-cli.exe" ;;
  *) LAUNCHER="$IMAGE_DEST/$APP_NAME/bin/$APP_NAME" ;;
esac

# Smoke test: the packaged launcher must start the app from the jlinked runtime (a missing JDK module shows here).
log "smoke test: $LAUNCHER status --json"
if ! "$LAUNCHER" status --json >"$WORK/status.json" 2>"$WORK/status.err" || ! grep -q '"usedPercent"' "$WORK/status.json"; then
  log "the packaged app did not print its status:"; cat "$WORK/status.err" >&2; exit 1
fi

# ---- installers ---------------------------------------------------------------------------------------------
for t in "${TYPES[@]}"; do
  [ "$t" = app-image ] && continue
  log "jpackage --type $t"
  case $OS in
    mac) APP_IMAGE="$IMAGE_DEST/$APP_NAME.app" ;;
    *) APP_IMAGE="$IMAGE_DEST/$APP_NAME" ;;
  esac
  "$JPACKAGE" --type "$t" --app-image "$APP_IMAGE" --dest "$OUT" --icon "$ICON" "${COMMON[@]}" "${OS_PACKAGE[@]}"
done

# ---- install test (Linux .deb): the way packaging/README.md says to install it ----------------------------------
if $INSTALL_TEST && [ $OS = linux ]; then
  DEB="$(ls "$OUT"/headroom_*.deb 2>/dev/null | head -1)"
  [ -n "$DEB" ] || { log "install test: no .deb in $OUT"; exit 1; }
  bash "$PKG/linux/install-test.sh" "$DEB" "$VERSION"
fi

log "done:"
ls -1 "$OUT" >&2
du -sh "$IMAGE_DEST"/* >&2
