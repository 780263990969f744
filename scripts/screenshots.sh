#!/usr/bin/env bash
# Refreshes the README screenshots: runs the real app under Xvfb on seeded data folders
# (scripts/screenshot-seeds/<name>: a connections list, or an unfinished wizard to resume)
# and saves docs/screenshots/<name>.png. Usage: scripts/screenshots.sh [binary]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="${1:-$CARGO_TARGET_DIR/release/klyuchnik}"
source scripts/lib/xvfb.sh
start_xvfb
display=$xvfb_display
trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
for seed in scripts/screenshot-seeds/*/; do
  name=$(basename "$seed")
  home=$(mktemp -d)
  cp -r "$seed". "$home"/
  DISPLAY="$display" KLYUCHNIK_HOME="$home" KLYUCHNIK_KEYRING=keyutils "$bin" >/dev/null 2>&1 &
  app=$!
  sleep "${SHOT_WAIT:-5}"
  DISPLAY="$display" xwd -root -silent | convert xwd:- -crop 1120x720+0+0 +repage "docs/screenshots/$name.png"
  kill "$app"; wait "$app" 2>/dev/null || true
  rm -rf "$home"
  echo "docs/screenshots/$name.png"
done
