#!/usr/bin/env bash
# Performance numbers, printed (never asserted): start-up and peak memory against a bare eframe
# window and with 10,000 connections against none, frame times and the search-to-frame time,
# `klyuchnik check` over 1,000 connections, store load/save at 10,000, binary sizes.
# Usage: scripts/bench.sh   (RUNS=N start-ups per program, default 21)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
runs="${RUNS:-21}"

echo "== building release binaries"
cargo build --release --bin klyuchnik --example bare_window 2>&1 | tail -1
app="$CARGO_TARGET_DIR/release/klyuchnik"
bare="$CARGO_TARGET_DIR/release/examples/bare_window"

source scripts/lib/xvfb.sh
start_xvfb
display=$xvfb_display
trap 'kill $xvfb_pid 2>/dev/null || true' EXIT

# Launch to first presented frame and exit: the programs take turns, so a slow moment of the
# machine hits all alike. /usr/bin/time gives the peak RSS. The second floor is the bare window
# with Ключник's wgpu settings (src/platform/window.rs): the ratio against it shows what the app itself costs.
echo
echo "== start-up to first frame under Xvfb (llvmpipe), $runs runs each, interleaved"
DISPLAY="$display" python3 scripts/lib/startup.py --each "$runs" "bare eframe window|$bare" \
  "bare, app's wgpu setup|$bare||BARE_WGPU=klyuchnik" "klyuchnik|$app"

# The same binary started on an empty data folder, on one connection, on a screenful (20) and on
# 10,000 — with long names across the five systems, and as a list of ПВЗ made by «ПВЗ из CSV…»
# (scripts/lib/seed_connections.py) — taking turns: what the saved list costs at start.
echo
echo "== start-up: none, 1, 20 and 10,000 connections, $runs runs each, interleaved (then against 20)"
# The list's first screen (a table of rows instead of the welcome text) costs the same for 20 as
# for 10,000 — both fill the window — so growth with the number is 10,000 against 20.
work=$(mktemp -d)
for seed in "one 1 pvz" "screen_long 20 long" "screen_pvz 20 pvz" "long 10000 long" "pvz 10000 pvz"; do
  set -- $seed
  mkdir -p "$work/$1"
  python3 scripts/lib/seed_connections.py "$work/$1" "$2" "$3"
done
for seed in long pvz; do
  stat -c "%s" "$work/$seed/connections.json" | awk -v s=$seed '{printf "  file (%s): %.1f MB\n", s, $1/1048576}'
done
DISPLAY="$display" python3 scripts/lib/startup.py "$runs" "no connections|$app" \
  "1 ПВЗ|$app|$work/one" "20 long names|$app|$work/screen_long" "20 ПВЗ|$app|$work/screen_pvz" \
  "10,000 long names|$app|$work/long" "10,000 ПВЗ from CSV|$app|$work/pvz"
DISPLAY="$display" python3 scripts/lib/startup.py "$runs" "20 long names|$app|$work/screen_long" \
  "10,000 long names|$app|$work/long"
DISPLAY="$display" python3 scripts/lib/startup.py "$runs" "20 ПВЗ|$app|$work/screen_pvz" \
  "10,000 ПВЗ from CSV|$app|$work/pvz"
rm -rf "$work"

echo
echo "== frame times"
cargo bench --bench home 2>/dev/null

echo
echo "== store and checks"
keyctl session - cargo bench --bench numbers 2>/dev/null | grep -v "^Joined"

echo
echo "== binary sizes"
ls -l "$app" | awk '{printf "linux  klyuchnik      %6.1f MB\n", $5/1048576}'
exe="$CARGO_TARGET_DIR/x86_64-pc-windows-gnu/release/klyuchnik.exe"
if [ -f "$exe" ]; then
  ls -l "$exe" | awk '{printf "windows klyuchnik.exe %6.1f MB\n", $5/1048576}'
else
  echo "windows: not built here (scripts/windows/ builds it)"
fi
