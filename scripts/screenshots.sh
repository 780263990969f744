#!/usr/bin/env bash
# Refreshes the README screenshots as a clerk's laptop shows them: a 1366×768 screen at Windows'
# default 125 % scale, the window filling it. Runs the real app under Xvfb on seeded data folders
# (scripts/screenshot-seeds/<name>: a connections list, an unfinished wizard to resume, or a
# seed.py that writes the folder, e.g. 10,000 connections with long names) and saves
# docs/screenshots/<name>.png. Usage: scripts/screenshots.sh [binary]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="${1:-$CARGO_TARGET_DIR/release/klyuchnik}"
scale="${SHOT_SCALE:-1.25}"
source scripts/lib/xvfb.sh
start_xvfb
display=$xvfb_display
trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
for seed in scripts/screenshot-seeds/*/; do
  name=$(basename "$seed")
  home=$(mktemp -d)
  cp -r "$seed". "$home"/
  if [ -f "$home/seed.py" ]; then
    python3 "$home/seed.py" "$home" "${SHOT_CONNECTIONS:-10000}"
    rm "$home/seed.py"
  fi
  # winit on X11 takes the scale from this variable (Windows reports it from the display).
  DISPLAY="$display" WINIT_X11_SCALE_FACTOR="$scale" KLYUCHNIK_HOME="$home" KLYUCHNIK_KEYRING=keyutils \
    keyctl session - "$bin" >/dev/null 2>&1 &
  app=$!
  sleep "${SHOT_WAIT:-5}"
  # No window manager under Xvfb: place the window over the whole screen, as a maximised one.
  for id in $(DISPLAY="$display" xdotool search --onlyvisible --name . 2>/dev/null); do
    DISPLAY="$display" xdotool windowmove "$id" 0 0 windowsize "$id" 1366 768 2>/dev/null || true
  done
  sleep 2
  DISPLAY="$display" xwd -root -silent | convert xwd:- "docs/screenshots/$name.png"
  kill "$app"; wait "$app" 2>/dev/null || true
  rm -rf "$home"
  echo "docs/screenshots/$name.png"
done
