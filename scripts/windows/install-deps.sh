#!/usr/bin/env bash
# Installs what the Windows build, the Wine checks and the packages need, if anything is missing:
# the Rust target, mingw-w64 (linker, windres), Wine, NSIS, zip, and the Linux window-check tools
# (Xvfb, xdotool, ImageMagick) through scripts/install-deps.sh. Does nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh

# command → Debian package that provides it
declare -A need=(
  [x86_64-w64-mingw32-gcc]=mingw-w64
  [x86_64-w64-mingw32-windres]=binutils-mingw-w64-x86-64
  [wine]=wine
  [makensis]=nsis
  [zip]=zip
  [unzip]=unzip
)
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
# Debian's `wine` needs the 64-bit loader for a 64-bit .exe.
[ -e /usr/lib/wine/wine64 ] || missing+=(wine64)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Устанавливаю пакеты: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
fi

target=x86_64-pc-windows-gnu
rustup target list --installed | grep -qx "$target" || rustup target add "$target"
