#!/usr/bin/env bash
# Installs with apt-get what a fresh Debian machine lacks to run the extension in a real VS Code
# (code-server in Chromium) and to run its tests. Skips what is already there; uses sudo when not root.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
[ -f /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
[ -f /usr/include/X11/Xlib.h ] || need+=(libx11-dev)
[ -f /usr/include/X11/extensions/XKBfile.h ] || need+=(libxkbfile-dev)
[ -d /usr/include/libsecret-1 ] || need+=(libsecret-1-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v g++ >/dev/null || need+=(build-essential)
fc-list 2>/dev/null | grep -qi "noto.*cjk" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
  echo "Debian packages: nothing to install."
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
