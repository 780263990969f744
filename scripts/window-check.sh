#!/usr/bin/env bash
# Starts the release binary under Xvfb and fails unless a window titled «Ключник» appears: once
# as it starts (wgpu), once with wgpu made to fail (WGPU_BACKEND=metal has no adapter on Linux),
# where the OpenGL (glow) fallback must draw it. Leaves screenshots at target/window-check.png and
# target/window-check-glow.png. Usage: scripts/window-check.sh [binary]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="${1:-$CARGO_TARGET_DIR/release/klyuchnik}"
shot="${SHOT:-target/window-check.png}"
mkdir -p "$(dirname "$shot")"

source scripts/lib/xvfb.sh
start_xvfb
display=$xvfb_display
home=$(mktemp -d)
cleanup() { kill "${app:-}" "$xvfb_pid" 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT

# window_appears SHOT [VAR=value...]: starts the app with the extra environment, waits for the
# window, saves a screenshot, closes the app.
window_appears() {
  local out=$1
  shift
  rm -rf "${home:?}"/*
  env DISPLAY="$display" KLYUCHNIK_HOME="$home" "$@" "$bin" >"$home/app.log" 2>&1 &
  app=$!
  # xdotool's --name regex is byte-based and misses Cyrillic: list windows, compare names as text.
  for _ in $(seq 1 100); do
    for id in $(DISPLAY="$display" xdotool search --onlyvisible --name . 2>/dev/null); do
      if DISPLAY="$display" xdotool getwindowname "$id" 2>/dev/null | grep -qxF "Ключник"; then
        sleep 2
        DISPLAY="$display" xwd -root -silent | convert xwd:- "$out"
        echo "Окно «Ключник» появилось (${*:-без настроек}); снимок: $out"
        kill "$app" 2>/dev/null || true
        wait "$app" 2>/dev/null || true
        return 0
      fi
    done
    if ! kill -0 "$app" 2>/dev/null; then
      echo "Ключник завершился, не открыв окно (${*:-без настроек}):" >&2
      cat "$home/app.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "Окно «Ключник» не появилось за 20 секунд (${*:-без настроек}):" >&2
  cat "$home/app.log" >&2
  exit 1
}

window_appears "$shot"
window_appears "${shot%.png}-glow.png" WGPU_BACKEND=metal
# The log file says which renderer failed (standard error carries log lines only with RUST_LOG).
if ! grep -qs "renderer Wgpu failed" "$home"/logs/* "$home/app.log"; then
  echo "WGPU_BACKEND=metal: wgpu не отказал, запасной путь через OpenGL не проверен:" >&2
  cat "$home/app.log" "$home"/logs/* >&2 2>/dev/null || true
  exit 1
fi
echo "Запасной путь через OpenGL (glow) рисует окно."
