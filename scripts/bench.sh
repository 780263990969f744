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
# with Ключник's wgpu settings (src/os.rs): the ratio against it shows what the app itself costs.
echo
echo "== start-up to first frame under Xvfb (llvmpipe), $runs runs each, interleaved"
DISPLAY="$display" python3 scripts/lib/startup.py --each "$runs" "bare eframe window|$bare" \
  "bare, app's wgpu setup|$bare||BARE_WGPU=klyuchnik" "klyuchnik|$app"

# The same binary started on an empty data folder, on 10,000 connections with long names
# across the five systems and on a list of 10,000 ПВЗ as «ПВЗ из CSV…» makes it
# (scripts/screenshot-seeds/home/seed.py), taking turns: what the saved list costs at start.
echo
echo "== start-up: none, 10 and 10,000 connections, $runs runs each, interleaved (then against 10)"
# Ten connections as well: the list's own first screen (a table instead of the welcome text)
# costs the same for 10 as for 10,000, so growth with the number is 10,000 against 10.
few=$(mktemp -d)
long=$(mktemp -d)
pvz=$(mktemp -d)
python3 scripts/screenshot-seeds/home/seed.py "$few" 10 long
python3 scripts/screenshot-seeds/home/seed.py "$long" 10000 long
python3 scripts/screenshot-seeds/home/seed.py "$pvz" 10000 pvz
for seed in long pvz; do
  stat -c "%s" "${!seed}/connections.json" | awk -v s=$seed '{printf "  file (%s): %.1f MB\n", s, $1/1048576}'
done
DISPLAY="$display" python3 scripts/lib/startup.py "$runs" "no connections|$app" \
  "10 connections|$app|$few" "10,000 long names|$app|$long" "10,000 ПВЗ from CSV|$app|$pvz"
DISPLAY="$display" python3 scripts/lib/startup.py "$runs" "10 connections|$app|$few" \
  "10,000 long names|$app|$long" "10,000 ПВЗ from CSV|$app|$pvz"
rm -rf "$few" "$long" "$pvz"

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
