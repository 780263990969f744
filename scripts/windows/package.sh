#!/usr/bin/env bash
# Packs the Windows release into target/windows/: a portable .zip (klyuchnik.exe + README.txt)
# and a per-user NSIS installer; prints the files with their sizes and SHA-256.
# Only klyuchnik.exe and README.txt (docs/guide.md, the user guide) are packed: the Wine test
# shim never is.
# Usage: scripts/windows/package.sh [klyuchnik.exe]
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
exe="${1:-$CARGO_TARGET_DIR/x86_64-pc-windows-gnu/release/klyuchnik.exe}"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
dist=target/windows
name="klyuchnik-$version-windows-x64"
rm -rf "$dist"
mkdir -p "$dist/$name"

cp "$exe" "$dist/$name/klyuchnik.exe"
# Notepad-friendly: UTF-8 with a byte-order mark, CRLF line ends.
{ printf '\xef\xbb\xbf'; sed -e "s/{VERSION}/$version/" -e 's/$/\r/' docs/guide.md; } \
  >"$dist/$name/README.txt"

(cd "$dist" && zip -q -9 -r "$name.zip" "$name")

makensis -V2 -INPUTCHARSET UTF8 \
  -DVERSION="$version" \
  -DEXE="$PWD/$dist/$name/klyuchnik.exe" \
  -DREADME="$PWD/$dist/$name/README.txt" \
  -DICON="$PWD/assets/icon.ico" \
  -DOUTFILE="$PWD/$dist/klyuchnik-$version-setup.exe" \
  scripts/windows/installer.nsi

rm -rf "${dist:?}/$name"
(cd "$dist" && sha256sum -- *.zip *.exe >SHA256SUMS.txt)
echo "Пакеты для Windows ($dist):"
unzip -l "$dist/$name.zip" | sed 's/^/  /'
ls -l "$dist" | sed 's/^/  /'
sed 's/^/  sha256 /' "$dist/SHA256SUMS.txt"
