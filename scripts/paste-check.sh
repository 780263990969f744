#!/usr/bin/env bash
# Copy and paste between the release window and another program (xclip), with xdotool's mouse
# and keys: Ctrl+V, Shift+Insert and «Вставить» into plain and secret fields and the camera list,
# and a non-secret «Копировать» read back with `xclip -o` (scripts/paste_check.py says what).
# AT-SPI only finds where things are and reads the fields back. Self-contained: Xvfb, a private
# D-Bus session with the AT-SPI bus, a new kernel session keyring. Leaves target/paste.png: the
# page after «Вставить».
# Usage: scripts/paste-check.sh [binary]
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="$(realpath "${1:-$CARGO_TARGET_DIR/release/klyuchnik}")"
py=/usr/bin/python3

if [ "${PASTE_CHECK_INNER:-}" = 1 ]; then
  dbus-send --session --print-reply=literal --dest=org.a11y.Bus /org/a11y/bus \
    org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled variant:boolean:true >/dev/null
  exec timeout -k 5 200 "$py" scripts/paste_check.py --bin "$bin" --work "$work"
fi

[ -x "$bin" ] || { echo "ОШИБКА: нет исполняемого файла $bin (cargo build --release)" >&2; exit 1; }
for cmd in Xvfb xclip xdotool xwd dbus-run-session keyctl setsid; do
  command -v "$cmd" >/dev/null || { echo "ОШИБКА: нет $cmd (scripts/install-deps.sh)" >&2; exit 1; }
done
source scripts/lib/xvfb.sh
start_xvfb
work=$(mktemp -d)
inner=""
cleanup() {
  if [ -n "$inner" ] && kill -0 -- -"$inner" 2>/dev/null; then kill -- -"$inner" 2>/dev/null || true; fi
  kill "$xvfb_pid" 2>/dev/null || true
  mkdir -p target && cp "$work"/fail-*.png "$work"/paste.png target/ 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -m 700 "$work/run"
rc=0
env -u AT_SPI_BUS -u DBUS_SESSION_BUS_ADDRESS -u WAYLAND_DISPLAY PASTE_CHECK_INNER=1 work="$work" \
  DISPLAY="$xvfb_display" XDG_RUNTIME_DIR="$work/run" XDG_CONFIG_HOME="$work/config" \
  setsid --wait keyctl session - dbus-run-session -- "$self" "$bin" &
inner=$!
wait "$inner" || rc=$?
[ "$rc" -eq 0 ] || echo "Проверка копирования и вставки НЕ ПРОШЛА (код $rc; снимок экрана: target/fail-*.png)" >&2
exit "$rc"
