#!/usr/bin/env bash
# Installs a Headroom .deb the way packaging/README.md says (`apt install ./headroom_*.deb`), checks that the package
# is configured and `headroom` is on the PATH and works, then removes it and checks the link is gone.
#   packaging/linux/install-test.sh target/installer/headroom_0.1.0-1_amd64.deb 0.1.0
# Run by build-installer.sh --install-test. Needs root or sudo, and apt.
set -euo pipefail
DEB="$(realpath "${1:?deb file}")"; VERSION="${2:?version}"
log() { echo "install-test: $*" >&2; }
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
log "apt install $DEB"
# apt (not dpkg -i) resolves the package's dependencies; a path with a slash makes it a local file.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$DEB" >"$WORK/apt-install.log" 2>&1 \
  || { cat "$WORK/apt-install.log" >&2; log "apt install failed"; exit 1; }
grep -i 'headroom:' "$WORK/apt-install.log" >&2 || true   # postinst's note when no menu entry could be registered
dpkg-query -W -f='${Status}' headroom | grep -q 'install ok installed' || { log "package not configured"; exit 1; }
[ "$(command -v headroom)" = /usr/bin/headroom ] || { log "headroom is not on the PATH"; exit 1; }
[ "$(readlink /usr/bin/headroom)" = /opt/headroom/bin/Headroom ] || { log "/usr/bin/headroom is not our link"; exit 1; }
headroom --version | grep -qx "Headroom $VERSION" || { log "headroom --version is wrong: $(headroom --version)"; exit 1; }
HEADROOM_HOME="$WORK/home" headroom status --json | grep -q '"usedPercent"' || { log "headroom status --json failed"; exit 1; }
nd=0
env -u DISPLAY HEADROOM_HOME="$WORK/home" headroom >"$WORK/nodisplay.out" 2>&1 || nd=$?
[ "$nd" = 2 ] && grep -q -- '--headless' "$WORK/nodisplay.out" && [ "$(wc -l < "$WORK/nodisplay.out")" -le 1 ] \
  || { cat "$WORK/nodisplay.out" >&2; log "a start without a display should print one line naming --headless, exit 2"; exit 1; }
grep -q 'StartupWMClass=Headroom' /opt/headroom/lib/*.desktop || { log ".desktop file lacks StartupWMClass"; exit 1; }
log "installed: $(headroom --version) at $(command -v headroom); status --json and the no-display message work"
DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq headroom >/dev/null 2>&1
[ ! -e /usr/bin/headroom ] || { log "/usr/bin/headroom left behind after remove"; exit 1; }
log "removed cleanly"
