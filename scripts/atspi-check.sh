#!/usr/bin/env bash
# A screen reader's view of the release build: drives Ключник through AT-SPI — the accessibility
# tree Orca reads on Linux (Debian at-spi2-core + python3-pyatspi) — and completes the wizard
# «ЕИС → БФТ.Закупки: учётные записи для интеграции» only through accessible actions:
#   * buttons, checkboxes and the drop-down are pressed with the Action interface (doAction
#     «click»), which accesskit turns into egui's Click action request;
#   * text and password fields are filled with EditableText.SetTextContents, which accesskit_unix
#     implements and maps to egui's SetValue action (egui applies it without keyboard focus), so
#     no xdotool typing and no mouse are needed.
# Then checks what a user needs: the window's accessible name is «Ключник»; the saved connection
# is in connections.json and its name is in the home screen's list as AT-SPI sees it; its name
# opens its card, where «Показать «Пароль»» reads the password from the keyring; the
# password is in the kernel keyring and nowhere under KLYUCHNIK_HOME. Prints the reading order of
# the page with the fields and every accessible name with Latin words that are not product or
# system names (and fails on those and on an empty window name).
#
# Self-contained: Xvfb, a private D-Bus session (dbus-run-session), a new kernel session keyring
# (keyctl session), the AT-SPI bus (at-spi-bus-launcher, activated by turning org.a11y.Status
# IsEnabled on — the switch accesskit_unix watches), the app, the Python driver
# (scripts/atspi_wizard.py). Finishes in well under 3 minutes; every wait polls the tree.
# Usage: scripts/atspi-check.sh [binary]
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="${1:-$CARGO_TARGET_DIR/release/klyuchnik}"
# Debian's pyatspi lives in the system Python; a pyenv python3 first on PATH cannot import it.
py=/usr/bin/python3
driver="$PWD/scripts/atspi_wizard.py"

# ---------------------------------------------------------------------------------------------
# Inner part: runs inside `keyctl session - dbus-run-session`, started by the outer part below.
if [ "${ATSPI_CHECK_INNER:-}" = 1 ]; then
  home="$work/home"
  mkdir -p "$home"
  # Turning accessibility on activates org.a11y.Bus (at-spi-bus-launcher, which starts the
  # AT-SPI bus and at-spi2-registryd) and tells accesskit_unix to publish the tree.
  dbus-send --session --print-reply=literal --dest=org.a11y.Bus /org/a11y/bus \
    org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled variant:boolean:true >/dev/null
  addr=$(dbus-send --session --print-reply=literal --dest=org.a11y.Bus /org/a11y/bus org.a11y.Bus.GetAddress)
  echo "Шина AT-SPI: $(echo "$addr" | tr -d ' ')"

  # A connection of each other system, set up with Ключник's own commands (the screenshot
  # seeds): the driver goes through each one's card.
  for seed in card card-eis card-ivideon card-vision; do
    KLYUCHNIK_HOME="$home" KLYUCHNIK_KEYRING=keyutils "scripts/screenshot-seeds/$seed/seed.sh" "$bin" >/dev/null
  done
  KLYUCHNIK_HOME="$home" KLYUCHNIK_KEYRING=keyutils "$bin" >"$work/app.log" 2>&1 &
  app=$!
  echo "Ключник запущен (pid $app), KLYUCHNIK_HOME=$home"

  secret="СекретЕИС-$RANDOM$RANDOM-пароль"
  name="БФТ — проверка доступности $RANDOM"
  # The key holding the password, if the app saved it (it does so on step 4).
  secret_key() {
    local id
    for id in $(keyctl rlist @s 2>/dev/null); do
      if [ "$(keyctl pipe "$id" 2>/dev/null)" = "$secret" ]; then echo "$id"; return; fi
    done
  }
  stop_app() {
    kill "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
    # The session keyring goes with this session, but the key may also be linked to the
    # user's persistent keyring: remove it for good.
    local key
    key=$(secret_key)
    [ -z "$key" ] || keyctl invalidate "$key" 2>/dev/null || keyctl unlink "$key" @s >/dev/null 2>&1 || true
  }
  trap stop_app EXIT

  rc=0
  timeout -k 5 200 "$py" "$driver" --name "$name" --login "Учётка-ЕИС-$RANDOM" --secret "$secret" \
    --report "$work/report.json" --timeout 20 --cards || rc=$?
  [ "$rc" -eq 124 ] && echo "ОШИБКА: драйвер AT-SPI не уложился в 200 секунд" >&2
  completed=$("$py" -c 'import json, sys; print(int(bool(json.load(open(sys.argv[1])).get("listed"))))' \
    "$work/report.json" 2>/dev/null || echo 0)
  if [ "$completed" != 1 ]; then
    kill -0 "$app" 2>/dev/null || echo "Ключник завершился сам." >&2
    echo "--- журнал приложения (конец):" >&2
    tail -n 40 "$work/app.log" >&2
    exit 1
  fi

  echo
  echo "Проверка результата на диске и в связке ключей:"
  key=$(secret_key)
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  conns="$home/connections.json"
  if [ -f "$conns" ] && grep -qF "\"$name\"" "$conns"; then
    echo "  $conns содержит подключение «$name»"
  else
    echo "ОШИБКА: подключения «$name» нет в $conns" >&2
    rc=1
  fi
  if grep -rqF "$secret" "$home"; then
    echo "ОШИБКА: пароль попал в файлы Ключника:" >&2
    grep -rlF "$secret" "$home" >&2
    rc=1
  else
    echo "  пароля нет ни в одном файле под KLYUCHNIK_HOME ($(find "$home" -type f | wc -l) файлов)"
  fi
  entry="$XDG_CONFIG_HOME/autostart/klyuchnik-reminders.desktop"
  if grep -qs "check --notify" "$entry"; then
    echo "  флажок напоминаний записал $entry"
  else
    echo "ОШИБКА: после флажка «Напоминать о сроках…» нет записи автозапуска $entry" >&2
    rc=1
  fi
  if [ -n "$key" ]; then
    echo "  пароль в связке ключей ядра: ключ $key «$(keyctl rdescribe "$key" | cut -d';' -f5-)»"
  else
    echo "ОШИБКА: пароля нет в связке ключей ядра (keyctl rlist @s):" >&2
    keyctl show @s >&2 || true
    rc=1
  fi
  exit "$rc"
fi

# ---------------------------------------------------------------------------------------------
# Outer part: checks the tools, starts Xvfb, runs the inner part in its own session.
started=$(date +%s)
[ -x "$bin" ] || { echo "ОШИБКА: нет исполняемого файла $bin (cargo build --release)" >&2; exit 1; }
for cmd in Xvfb dbus-run-session dbus-send keyctl timeout setsid; do
  command -v "$cmd" >/dev/null || { echo "ОШИБКА: нет $cmd (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x /usr/libexec/at-spi-bus-launcher ] || { echo "ОШИБКА: нет at-spi2-core (scripts/install-deps.sh)" >&2; exit 1; }
"$py" -c 'import pyatspi' 2>/dev/null || { echo "ОШИБКА: $py не импортирует pyatspi (python3-pyatspi)" >&2; exit 1; }

source scripts/lib/xvfb.sh
start_xvfb
work=$(mktemp -d)
inner=""
cleanup() {
  # The inner part runs in its own process group: the D-Bus daemons, the AT-SPI bus and the
  # app go with it.
  if [ -n "$inner" ] && kill -0 -- -"$inner" 2>/dev/null; then
    kill -- -"$inner" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 -- -"$inner" 2>/dev/null || break; sleep 0.1; done
  fi
  kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
echo "Xvfb на $xvfb_display; бинарник: $bin"

# A runtime directory of our own: the AT-SPI bus puts its socket there, not in ~/.cache.
mkdir -m 700 "$work/run"
rc=0
# setsid: a process group of its own, to clean up whatever the session leaves running.
env -u AT_SPI_BUS -u DBUS_SESSION_BUS_ADDRESS ATSPI_CHECK_INNER=1 work="$work" \
  DISPLAY="$xvfb_display" XDG_RUNTIME_DIR="$work/run" XDG_CONFIG_HOME="$work/config" \
  setsid --wait timeout -k 5 240 keyctl session - dbus-run-session -- "$self" "$bin" &
inner=$!
wait "$inner" || rc=$?
elapsed=$(( $(date +%s) - started ))
if [ "$rc" -ne 0 ]; then
  [ "$rc" -eq 124 ] && echo "ОШИБКА: проверка не уложилась в 240 секунд" >&2
  echo "Проверка через AT-SPI НЕ ПРОШЛА (код $rc, ${elapsed} с)" >&2
  exit 1
fi
echo "Проверка через AT-SPI прошла: мастер пройден только действиями доступности (${elapsed} с)."
