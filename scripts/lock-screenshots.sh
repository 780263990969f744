#!/usr/bin/env bash
# The connections file held by another program, as a person sees it: the release build under
# Xvfb (1366×768 at 125 %), driven only through AT-SPI (scripts/atspi_lock.py) while flock(1)
# holds `connections.json.lock`: «Удалить» waits with «Файл подключений занят другой
# программой, ждём…» and then says it was not done; then, the lock gone, «Настройки» →
# «Восстановить из резервной копии…». Saves docs/screenshots/lock-waiting.png and
# backup-restore.png; fails when any step cannot be reached through the accessibility tree.
# Usage: scripts/lock-screenshots.sh [binary]
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="${1:-$CARGO_TARGET_DIR/release/klyuchnik}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
out="$PWD/docs/screenshots"
source scripts/lib/atspi-window.sh

if [ "${LOCK_SHOTS_INNER:-}" = 1 ]; then
  dbus-send --session --print-reply=literal --dest=org.a11y.Bus /org/a11y/bus \
    org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled variant:boolean:true >/dev/null
  home="$work/home"; mkdir -p "$home"
  k() { KLYUCHNIK_HOME="$home" KLYUCHNIK_KEYRING=keyutils "$bin" "$@"; }
  uuid() { cat /proc/sys/kernel/random/uuid; }
  for name in "ELMA365 — обмен с 1С, склад" "ELMA365 — портал поставщиков" "ELMA365 — старый обмен"; do
    uuid | k add elma365 --name "$name" --set address=stroymarket --set user="Интеграция 1С" \
      --set token_name="Обмен с 1С" --secret token >/dev/null
  done
  for name in "ЕИС → РИС: Управление образования" "ЕИС → РИС: Комитет финансов"; do
    uuid | k add eis-token --name "$name" --set expires="$(date -d '+200 days' +%d.%m.%Y)" \
      --secret identifier >/dev/null
  done
  # The person's last change: a connection removed; the backup holds the list before it.
  k remove "ELMA365 — старый обмен" >/dev/null
  window_env=(KLYUCHNIK_LOCK_WAIT=6)
  run_window() { atspi_window "$home" scripts/atspi_lock.py "$@"; }
  # Another program holds the lock for good.
  flock -o "$home/connections.json.lock" sleep 600 >/dev/null 2>&1 &
  holder=$!
  run_window busy --name "ЕИС → РИС: Комитет финансов"
  pkill -P "$holder" 2>/dev/null || true; kill "$holder" 2>/dev/null || true
  wait "$holder" 2>/dev/null || true
  run_window backup --name "ELMA365 — старый обмен"
  # Restored: the removed connection is back, the list before the restore is the backup.
  k list | grep -q "ELMA365 — старый обмен" || { echo "ОШИБКА: не восстановлено" >&2; exit 1; }
  exit 0
fi

[ -x "$bin" ] || { echo "ОШИБКА: нет $bin (cargo build --release)" >&2; exit 1; }
atspi_session LOCK_SHOTS_INNER 300 "$self" "$bin"
echo "Снимки: $out/lock-waiting.png, $out/backup-restore.png"
