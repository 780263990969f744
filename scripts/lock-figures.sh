#!/usr/bin/env bash
# Prints the figures of docs/reliability.md's rows about a lock another program never lets go
# (issue 29 B1): with `connections.json.lock` held by another process, how long `list`,
# `export`, `check --notify` and the window's first frame take, and when `remove` gives up.
# Usage: scripts/lock-figures.sh [binary]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="$(realpath "${1:-$CARGO_TARGET_DIR/release/klyuchnik}")"
work=$(mktemp -d)
source scripts/lib/xvfb.sh
start_xvfb
trap 'pkill -P $holder 2>/dev/null; kill $holder $xvfb_pid 2>/dev/null || true; rm -rf "$work"' EXIT
export KLYUCHNIK_HOME="$work/home" KLYUCHNIK_KEYRING=keyutils
mkdir -p "$KLYUCHNIK_HOME"
keyctl session - bash -c '
  for n in 1 2 3; do
    echo "00000000-0000-4000-8000-00000000000$n" | "$1" add elma365 --name "Склад $n" \
      --set address="http://127.0.0.1:9" --set user=u --set token_name=t --secret token >/dev/null
  done' bash "$bin"
# Another program holds the lock for good (flock(1), as a hung process or a backup tool would).
flock -o "$KLYUCHNIK_HOME/connections.json.lock" sleep 3600 >/dev/null 2>&1 &
holder=$!
sleep 0.3

timed() { # label, command…
  local label=$1 start end code
  shift
  start=$(date +%s.%N)
  code=0
  "$@" >"$work/out" 2>"$work/err" || code=$?
  end=$(date +%s.%N)
  printf '%s: %.2f с, код выхода %s' "$label" "$(echo "$end - $start" | bc)" "$code"
  [ -s "$work/err" ] && printf ' — %s' "$(tr '\n' ' ' <"$work/err" | cut -c1-220)"
  echo
}
timed "list при занятом файле" "$bin" list
timed "export при занятом файле" "$bin" export "$work/out.json"
timed "remove при занятом файле (ожидание по умолчанию)" "$bin" remove "Склад 1"
timed "check --notify при занятом файле" env DISPLAY= "$bin" check --notify
timed "окно при занятом файле: первый кадр" env DISPLAY="$xvfb_display" KLYUCHNIK_EXIT_AFTER_FIRST_FRAME=1 "$bin"
