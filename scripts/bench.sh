#!/usr/bin/env bash
# Performance numbers, printed (never asserted): start-up and peak memory against a bare eframe
# window, frame times, `klyuchnik check` over 1,000 connections, store load/save at 10,000,
# binary sizes. Usage: scripts/bench.sh   (RUNS=N start-ups per program, default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
runs="${RUNS:-7}"

echo "== building release binaries"
cargo build --release --bin klyuchnik --example bare_window 2>&1 | tail -1
app="$CARGO_TARGET_DIR/release/klyuchnik"
bare="$CARGO_TARGET_DIR/release/examples/bare_window"

display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1366x768x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1

# Launch to first rendered frame and exit, `runs` times: "seconds max_rss_kb" per line.
startups() {
  local bin=$1 out
  out=$(mktemp)
  for _ in $(seq "$runs"); do
    home=$(mktemp -d)
    DISPLAY="$display" KLYUCHNIK_HOME="$home" KLYUCHNIK_KEYRING=keyutils KLYUCHNIK_EXIT_AFTER_FIRST_FRAME=1 \
      /usr/bin/time -f "%e %M" -a -o "$out" "$bin" >/dev/null 2>&1 || true
    rm -rf "$home"
  done
  cat "$out"
  rm -f "$out"
}

echo
echo "== start-up to first frame under Xvfb (llvmpipe), $runs runs each, medians"
startups "$bare" >/tmp/klyuchnik-bench-bare.txt
startups "$app" >/tmp/klyuchnik-bench-app.txt
python3 - <<'PY'
import statistics as st
def load(p):
    rows = [l.split() for l in open(p) if l.strip() and l.split()[0].replace('.', '', 1).isdigit()]
    return [float(r[0]) for r in rows], [int(r[1]) for r in rows]
bt, bm = load('/tmp/klyuchnik-bench-bare.txt')
at, am = load('/tmp/klyuchnik-bench-app.txt')
print(f"{'':22}{'time, s':>10}{'peak RSS, MB':>15}")
print(f"{'bare eframe window':22}{st.median(bt):>10.3f}{st.median(bm)/1024:>15.1f}")
print(f"{'klyuchnik':22}{st.median(at):>10.3f}{st.median(am)/1024:>15.1f}")
print(f"{'ratio':22}{st.median(at)/st.median(bt):>10.2f}{st.median(am)/st.median(bm):>15.2f}")
PY

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
