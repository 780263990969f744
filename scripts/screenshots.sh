#!/usr/bin/env bash
# Refreshes the README screenshots as a clerk's laptop shows them: a 1366×768 screen at Windows'
# default 125 % scale, the window filling it. Runs the real app under Xvfb on data folders in
# states the app itself reaches (scripts/screenshot-seeds/<name>: an unfinished wizard to resume,
# or a seed.sh that sets the folder up with Ключник's own commands, in the keyring session the
# window then uses) and saves docs/screenshots/<name>.png. Usage: scripts/screenshots.sh [binary]
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
  seeder=""
  if [ -f "$home/seed.sh" ]; then
    seeder="$PWD/$seed/seed.sh"
    rm "$home/seed.sh"
  fi
  # Arguments for the window, one per line (`open` and a name: a connection's card).
  args=()
  if [ -f "$home/args" ]; then
    mapfile -t args <"$home/args"
    rm "$home/args"
  fi
  rm -f "$home/scroll"
  # winit on X11 takes the scale from this variable (Windows reports it from the display). The
  # seeder and the window share one session keyring: what `add` stored, the window finds.
  DISPLAY="$display" WINIT_X11_SCALE_FACTOR="$scale" KLYUCHNIK_HOME="$home" KLYUCHNIK_KEYRING=keyutils \
    keyctl session - bash -c '[ -z "$2" ] || "$2" "$1" >/dev/null; exec "$1" "${@:3}"' seed "$bin" "$seeder" "${args[@]}" \
    >"$home.log" 2>&1 &
  app=$!
  sleep "${SHOT_WAIT:-5}"
  # No window manager under Xvfb: place the window over the whole screen, as a maximised one.
  for id in $(DISPLAY="$display" xdotool search --onlyvisible --name . 2>/dev/null); do
    DISPLAY="$display" xdotool windowmove "$id" 0 0 windowsize "$id" 1366 768 2>/dev/null || true
  done
  # A seed may ask for the page scrolled down (`scroll`: wheel steps), to show what is below.
  if [ -f "$seed/scroll" ]; then
    DISPLAY="$display" xdotool mousemove 683 400 click --repeat "$(cat "$seed/scroll")" --delay 50 5 2>/dev/null || true
    sleep 1
  fi
  # The pointer to the corner: a tooltip under it would cover the picture.
  DISPLAY="$display" xdotool mousemove 1365 767 2>/dev/null || true
  sleep 2
  DISPLAY="$display" xwd -root -silent | convert xwd:- "docs/screenshots/$name.png"
  kill "$app"; wait "$app" 2>/dev/null || true
  rm -rf "$home" "$home.log"
  echo "docs/screenshots/$name.png"
done
