#!/usr/bin/env bash
# Runs the Windows build under Wine + Xvfb in a fresh Wine prefix and fails unless:
#  1. `klyuchnik.exe --version`, `list` and `list --json` print what they should;
#  2. `list`, started as cmd.exe starts a GUI program (no standard handles), prints into the
#     console it was typed in (scripts/windows/console-check.c);
#  3. a secret round-trips through Windows Credential Manager: the test-only keyring_roundtrip.exe
#     (set, get, delete, over-long refused), then `add`/`list`/`remove` of the real exe with the
#     data in %APPDATA%\Klyuchnik\config;
#  4. the window titled «Ключник» appears and stays (screenshot: target/wine-window.png), once
#     as a user starts it (wgpu's Direct3D 12 fails under Wine, glow draws) and once with
#     wgpu on Wine's Vulkan (target/wine-window-wgpu.png);
#  5. with neither wgpu nor OpenGL available, a Russian message box says what to do
#     (screenshot: target/wine-no-renderer.png) and the exit code is 1;
#  6. reminders: the Task Scheduler task is registered and removed, a failing schtasks's
#     message in code page 866 reads as Russian, `check --notify` warns without Windows toasts;
#  7. if an installer is given: it installs silently per user, the installed exe runs, the
#     uninstaller removes it.
# Wine 8 lacks bcryptprimitives.dll (ProcessPrng), which Rust's std imports: a tiny shim
# (scripts/windows/bcryptprimitives.c) is built here and put next to the copies under test only.
# Usage: scripts/windows/wine-check.sh [klyuchnik.exe] [keyring_roundtrip.exe] [setup.exe]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/xvfb.sh
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
rel="$CARGO_TARGET_DIR/x86_64-pc-windows-gnu/release"
exe=$(realpath "${1:-$rel/klyuchnik.exe}")
roundtrip=$(realpath "${2:-$rel/examples/keyring_roundtrip.exe}")
setup=${3:+$(realpath "$3")}
shots=target
mkdir -p "$shots"

work=$(mktemp -d)
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono/Gecko download prompts in a fresh prefix.
export WINEDLLOVERRIDES="mscoree,mshtml="
unset KLYUCHNIK_HOME KLYUCHNIK_KEYRING
pids=()
cleanup() {
  wineserver -k 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "ОШИБКА: $*" >&2; exit 1; }
ok() { echo "  ✓ $*"; }
winpath() { printf 'Z:%s' "${1//\//\\}"; }
step() { printf -- '--- %s\n' "$*"; }

# The copies under test, with the shim and the console launcher beside them.
bin="$work/bin"
mkdir -p "$bin"
cp "$exe" "$bin/klyuchnik.exe"
cp "$roundtrip" "$bin/keyring_roundtrip.exe"
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$bin/bcryptprimitives.dll" scripts/windows/bcryptprimitives.c -ladvapi32
x86_64-w64-mingw32-gcc -municode -O2 -s -o "$bin/console-check.exe" scripts/windows/console-check.c
cd "$bin"

xvfb() { # [Xvfb options…]: a virtual screen (scripts/lib/xvfb.sh), stopped on exit
  start_xvfb "$@" || fail "Xvfb не запустился"
  pids+=("$xvfb_pid")
}
xvfb
export DISPLAY="$xvfb_display"

step "Wine: $(wine --version), новый префикс"
wineboot -i >/dev/null 2>&1
appdata_unix=$(ls -d "$WINEPREFIX"/drive_c/users/*/AppData/Roaming)

step "1. --version, list, list --json"
home="$work/home"
mkdir -p "$home"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -1)
run() { # prints and returns the standard output of klyuchnik.exe "$@"; stderr is shown apart
  local out
  out=$(KLYUCHNIK_HOME=$(winpath "$home") wine klyuchnik.exe "$@" 2>"$work/stderr") || true
  out=${out//$'\r'/}
  sed "s/^/  klyuchnik.exe $* > /" <<<"$out" >&2
  sed "s/^/  klyuchnik.exe $* (stderr) > /" "$work/stderr" >&2
  printf '%s' "$out"
}
[ "$(run --version)" = "klyuchnik $version" ] || fail "--version"
[ "$(run list)" = "Подключений нет." ] || fail "list"
[ "$(run list --json)" = "[]" ] || fail "list --json"
ok "команды работают"

step "2. вывод в консоль, из которой запущена команда (как из cmd.exe)"
code=0
KLYUCHNIK_HOME=$(winpath "$home") wine console-check.exe console.txt "klyuchnik.exe list" \
  </dev/null >/dev/null 2>&1 || code=$?
sed 's/^/  консоль> /' console.txt | grep -v '^  консоль> $' || true
[ "$code" -eq 0 ] && grep -qF "Подключений нет." console.txt || fail "консоль пуста (код $code)"
ok "klyuchnik.exe list печатает в консоль"

step "3. секрет через диспетчер учётных данных Windows"
out=$(wine keyring_roundtrip.exe 2>&1) || true
sed 's/^/  keyring_roundtrip> /' <<<"${out//$'\r'/}"
[ "$(tail -n1 <<<"${out//$'\r'/}")" = "OK" ] || fail "keyring_roundtrip: нет OK"
name="ELMA365 — проверка под Wine"
# The default data folder this time: %APPDATA%\Klyuchnik\config.
printf '%s\n' "$(cat /proc/sys/kernel/random/uuid)" |
  wine klyuchnik.exe add elma365 --name "$name" --set address=acme --set token_name=wine \
    --set user=robot --secret token 2>&1 | sed 's/^/  add> /' || fail "add"
[ -f "$appdata_unix/Klyuchnik/config/connections.json" ] || fail "нет %APPDATA%\\Klyuchnik\\config\\connections.json"
ok "данные в %APPDATA%\\Klyuchnik\\config: $(ls "$appdata_unix/Klyuchnik/config" | tr '\n' ' ')"
creds=$(wine reg query 'HKCU\Software\Wine\Credential Manager' /s 2>/dev/null | tr -d '\r' | grep -F 'Generic:' | grep -F '.klyuchnik' || true)
echo "  запись в хранилище Wine: ${creds##*\\}"
[ -n "$creds" ] || fail "секрета нет в диспетчере учётных данных"
wine klyuchnik.exe list 2>&1 | sed 's/^/  list> /'
wine klyuchnik.exe remove "$name" 2>&1 | sed 's/^/  remove> /'
creds=$(wine reg query 'HKCU\Software\Wine\Credential Manager' /s 2>/dev/null | grep -F '.klyuchnik' || true)
[ -z "$creds" ] || fail "секрет остался в хранилище после remove"
ok "секрет записан, прочитан и удалён"

step "3б. хранилище команды (OpenBao на этом компьютере): вход, запись, список, выход"
bao="${KLYUCHNIK_BAO:-$HOME/.cache/klyuchnik/openbao-venv/bin/bao}"
[ -x "$bao" ] || fail "нет $bao (scripts/install-deps.sh)"
bao_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bao_addr="http://127.0.0.1:$bao_port"
"$bao" server -dev -dev-root-token-id=root -dev-listen-address="127.0.0.1:$bao_port" >"$work/bao.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do curl -sf "$bao_addr/v1/sys/health" >/dev/null && break; sleep 0.1; done
bao_admin() { # METHOD PATH JSON, retried while a new mount upgrades
  for _ in $(seq 1 50); do
    curl -sf -X "$1" -H "X-Vault-Token: root" -d "$3" "$bao_addr/v1/$2" >/dev/null && return 0
    sleep 0.2
  done
  fail "OpenBao: $1 $2"
}
bao_admin POST sys/mounts/klyuchnik '{"type":"kv","options":{"version":"2"}}'
bao_admin POST klyuchnik/config '{"cas_required":true}'
bao_admin POST sys/auth/userpass '{"type":"userpass"}'
bao_admin PUT sys/policies/acl/team-wine "$(python3 -c 'import json; print(json.dumps({"policy": "path \"klyuchnik/data/teams/wine/*\" { capabilities = [\"create\",\"read\",\"update\",\"delete\"] }\npath \"klyuchnik/metadata/teams/wine/*\" { capabilities = [\"create\",\"read\",\"update\",\"delete\",\"list\"] }\npath \"klyuchnik/detailed-metadata/teams/wine/*\" { capabilities = [\"read\",\"list\"] }"}))')"
bao_admin POST auth/userpass/users/clerk '{"password":"clerk-pw-wine","token_policies":"team-wine"}'
team_home="$work/team-home"
mkdir -p "$team_home"
echo clerk-pw-wine | KLYUCHNIK_HOME=$(winpath "$team_home") wine klyuchnik.exe team login \
  --addr "$bao_addr" --team wine --user clerk 2>&1 | sed 's/^/  team login> /' || fail "team login"
[ -f "$team_home/team.json" ] || fail "нет team.json после входа"
printf 'tok-Wine-Team-%s\n' "$RANDOM" | KLYUCHNIK_HOME=$(winpath "$team_home") wine klyuchnik.exe add elma365 \
  --name "ELMA365 — команда под Wine" --set address=acme --set token_name=wine --set user=robot \
  --secret token 2>&1 | sed 's/^/  add> /' || fail "add в хранилище команды"
listed=$(curl -sf -X LIST -H "X-Vault-Token: root" "$bao_addr/v1/klyuchnik/metadata/teams/wine/conns" || true)
grep -q '"keys"' <<<"$listed" || fail "подключения нет на сервере: $listed"
out=$(KLYUCHNIK_HOME=$(winpath "$team_home") wine klyuchnik.exe list 2>&1 | tr -d '\r')
sed 's/^/  list> /' <<<"$out"
grep -qF "ELMA365 — команда под Wine" <<<"$out" || fail "list не показывает подключение команды"
! grep -rqE "clerk-pw-wine|tok-Wine-Team|hvs\." "$team_home" || fail "пароль, токен или секрет в файлах папки данных"
KLYUCHNIK_HOME=$(winpath "$team_home") wine klyuchnik.exe team logout 2>&1 | sed 's/^/  team logout> /'
[ ! -f "$team_home/team.json" ] || fail "team.json остался после выхода"
ok "klyuchnik.exe работает с хранилищем команды: вход, запись на сервер, список, выход; секретов в файлах нет"

# Waits until a visible window is titled exactly "$1" (xdotool's --name cannot match Cyrillic:
# list all windows and compare names as text). Prints its id.
wait_window() {
  local title=$1 app=$2
  for _ in $(seq 1 300); do
    for id in $(xdotool search --onlyvisible --name . 2>/dev/null); do
      if xdotool getwindowname "$id" 2>/dev/null | grep -qxF "$title"; then
        echo "$id"
        return 0
      fi
    done
    kill -0 "$app" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# start_window HOME [VAR=value…]: starts the GUI on the data folder HOME and waits for a window
# «Ключник» that stays (see window_check). Sets $app, $win_id and $started.
start_window() {
  local home=$1 shown=""
  shift
  env "$@" KLYUCHNIK_HOME="$(winpath "$home")" wine klyuchnik.exe >"$home/stdio.log" 2>&1 &
  app=$!
  pids+=("$app")
  started=$(date +%s)
  while [ $(($(date +%s) - started)) -lt 90 ]; do
    wait_window "Ключник" "$app" >/dev/null || break
    sleep 3
    if kill -0 "$app" 2>/dev/null && win_id=$(wait_window "Ключник" "$app"); then
      shown=yes
      break
    fi
  done
  if [ -z "$shown" ]; then
    cat "$home/stdio.log" "$home"/logs/* >&2 2>/dev/null || true
    fail "окно «Ключник» не появилось"
  fi
}

# Starts the GUI with extra environment "$@" and waits for a window «Ключник» that stays: wgpu
# may open a window and give up (under Wine, Direct3D 12 loses its device), then glow opens
# another. Leaves a screenshot in $shot and prints which renderer drew it.
window_check() {
  local shot=$1 home
  shift
  home=$(mktemp -d -p "$work")
  start_window "$home" "$@"
  sleep 2
  xwd -root -silent | convert xwd:- "$root/$shot"
  ok "окно появилось через $(($(date +%s) - started)) с; снимок: $shot"
  last_home=$home
  if grep -qs "renderer Wgpu failed" "$home"/logs/*; then
    renderer=glow
    echo "  отрисовка: OpenGL (glow); wgpu не заработал: $(grep -h "renderer Wgpu failed" "$home"/logs/* | sed 's/.*failed: //' | head -1)"
  else
    renderer=wgpu
    echo "  отрисовка: wgpu"
  fi
  kill "$app" 2>/dev/null || true
  wineserver -k 2>/dev/null || true
}

step "4. окно «Ключник» (как запустит пользователь)"
window_check "$shots/wine-window.png" WINE_CHECK=1

# Windows' «Размер текста» (Специальные возможности) lives in the registry; Ключник scales its
# fonts by it. Set 150 % for the next window and read back what the app took.
step "4а. размер текста Windows 150 % (TextScaleFactor) учтён"
wine reg add 'HKCU\Software\Microsoft\Accessibility' /v TextScaleFactor /t REG_DWORD /d 150 /f >/dev/null 2>&1
window_check "$shots/wine-window-text150.png"
wine reg delete 'HKCU\Software\Microsoft\Accessibility' /v TextScaleFactor /f >/dev/null 2>&1 || true
grep -qs "text_scale=1.5" "$last_home"/logs/* || fail "размер текста 150 % не учтён (в журнале нет text_scale=1.5)"
ok "шрифты увеличены в 1.5 раза (снимок: $shots/wine-window-text150.png)"

step "4б. окно через wgpu: Vulkan под Wine (WGPU_BACKEND=vulkan)"
# Wine's Direct3D 12 cannot compile wgpu's shaders; its Vulkan (Mesa llvmpipe) can.
window_check "$shots/wine-window-wgpu.png" WGPU_BACKEND=vulkan
[ "$renderer" = wgpu ] || fail "wgpu не нарисовал окно и через Vulkan"

step "4в. буфер обмена Windows: вставка из другой программы, копирование обратно"
# clipboard-tool.exe is the other program (a browser, Excel). The window resumes an unfinished
# Ivideon wizard on its first step, where «Клиент или объект» has the keyboard: Ctrl+V there,
# another text on the clipboard, then Ctrl+A, Ctrl+C in the field must give the pasted text back.
x86_64-w64-mingw32-gcc -municode -O2 -s -o "$bin/clipboard-tool.exe" "$root/scripts/windows/clipboard-tool.c"
home=$(mktemp -d -p "$work")
printf '{"flow":"ivideon-pass24","step":0,"target":null,"connection_id":"%s","entry":0,"stored":[],"values":{},"tables":{},"confirmed":[],"completes_pending":false}' \
  "$(cat /proc/sys/kernel/random/uuid)" >"$home/draft.json"
pasted="ООО «Ромашка» — склад 7"
# Wine reads the arguments in the locale's encoding.
LC_ALL=C.UTF-8 wine clipboard-tool.exe set "$pasted" || fail "clipboard-tool.exe set"
start_window "$home"
xdotool windowfocus "$win_id"
sleep 1
xdotool key --clearmodifiers ctrl+v
sleep 1
LC_ALL=C.UTF-8 wine clipboard-tool.exe set "другой текст" || fail "clipboard-tool.exe set"
xdotool windowfocus "$win_id"
xdotool key --clearmodifiers ctrl+a
sleep 0.5
xdotool key --clearmodifiers ctrl+c
sleep 1
wine clipboard-tool.exe get "$(winpath "$work/clip.txt")" || fail "clipboard-tool.exe get"
xwd -root -silent | convert xwd:- "$root/$shots/wine-paste.png"
kill "$app" 2>/dev/null || true
wineserver -k 2>/dev/null || true
got=$(cat "$work/clip.txt")
[ "$got" = "$pasted" ] || fail "в буфере обмена «$got», а не вставленное из другой программы «$pasted» (снимок: $shots/wine-paste.png)"
ok "Ctrl+V из другой программы Windows и Ctrl+C обратно: «$got»"

step "5. ни wgpu, ни OpenGL: сообщение по-русски"
# A screen without GLX (no OpenGL for Wine) and wgpu limited to a backend Windows lacks.
xvfb -extension GLX
display2=$xvfb_display
title="Ключник — окно не открылось"
DISPLAY="$display2" WGPU_BACKEND=metal KLYUCHNIK_HOME=$(winpath "$(mktemp -d -p "$work")") \
  wine klyuchnik.exe >"$work/nogl.log" 2>&1 &
app=$!
pids+=("$app")
id=$(DISPLAY="$display2" wait_window "$title" "$app") || {
  cat "$work/nogl.log" >&2
  fail "нет сообщения «$title»"
}
sleep 1
DISPLAY="$display2" xwd -root -silent | convert xwd:- "$root/$shots/wine-no-renderer.png"
ok "сообщение «$title»; снимок: $shots/wine-no-renderer.png"
# No window manager here: focus the box directly, then press Enter on «OK».
DISPLAY="$display2" xdotool windowfocus "$id"
sleep 0.5
DISPLAY="$display2" xdotool key Return
code=0
timeout 20 tail --pid="$app" -f /dev/null || true
wait "$app" || code=$?
[ "$code" -eq 1 ] || fail "код выхода $code, а не 1"
ok "после «OK» программа вышла с кодом 1"

# Wine's Task Scheduler keeps a registered task's name and settings but drops its triggers and
# its command (it writes <Triggers/> and <Exec/>), and its schtasks has no /Query: what can be
# checked here is that the task is registered and removed, and that status does not claim it.
step "6. напоминания: задание планировщика (reminders on/status/off), check --notify"
tasks="$WINEPREFIX/drive_c/windows/system32/tasks"
task="$tasks/Ключник — напоминания о сроках"
rhome="$work/reminders-home"
mkdir -p "$rhome"
out=$(KLYUCHNIK_HOME=$(winpath "$rhome") wine klyuchnik.exe reminders on 2>&1) || fail "reminders on: $out"
[ -f "$task" ] || fail "задание не зарегистрировано: $(ls "$tasks" 2>&1)"
grep -q "check --notify" "$task" || fail "в задании нет описания: $(cat "$task")"
ok "reminders on: «${out//$'\r'/}»; задание «$(basename "$task")» зарегистрировано"
out=$(KLYUCHNIK_HOME=$(winpath "$rhome") wine klyuchnik.exe reminders status 2>&1)
grep -q "неизвестно" <<<"$out" || fail "status под Wine должен сказать «неизвестно», а не «$out»"
ok "reminders status: «${out//$'\r'/}» (schtasks /Query в Wine нет)"
out=$(KLYUCHNIK_HOME=$(winpath "$rhome") wine klyuchnik.exe reminders off 2>&1) || fail "reminders off: $out"
[ ! -e "$task" ] || fail "reminders off не удалил задание"
ok "reminders off: задание удалено"
python3 - "$rhome" <<'PY'
import datetime, json, sys, uuid
today = datetime.date.today()
c = {"id": str(uuid.uuid4()), "name": "ЕИС — РИС", "flow": "eis-token", "system": "ЕИС → РИС",
     "created": "2026-01-15T09:00:00Z", "fields": {}, "tables": {}, "secrets": [],
     "expires": (today + datetime.timedelta(days=3)).isoformat()}
json.dump({"version": 1, "connections": [c]}, open(sys.argv[1] + "/connections.json", "w"), ensure_ascii=False)
PY
code=0
out=$(KLYUCHNIK_HOME=$(winpath "$rhome") timeout 60 wine klyuchnik.exe check --notify 2>&1) || code=$?
[ "$code" -eq 1 ] || fail "check --notify: код $code, а не 1: $out"
grep -q "уведомление не показано: служба уведомлений недоступна" <<<"$out" ||
  fail "check --notify без уведомлений Windows: нет понятного предупреждения: $out"
[ ! -e "$rhome/reminders.json" ] || fail "непоказанное напоминание записано как показанное"
ok "check --notify: в Wine нет уведомлений Windows (WinRT) — предупреждение, код 1, напоминание не сочтено показанным"
# A failing schtasks on a Russian Windows writes its message in the OEM code page (866): a
# stand-in (scripts/windows/schtasks-oem.c) beside a copy of the exe is found before Wine's own.
step "6а. сообщение schtasks в кодовой странице 866 доходит до пользователя по-русски"
oem="$work/oem"
mkdir -p "$oem" "$work/oem-home"
cp klyuchnik.exe bcryptprimitives.dll "$oem/"
x86_64-w64-mingw32-gcc -municode -O2 -s -o "$oem/schtasks.exe" "$root/scripts/windows/schtasks-oem.c"
code=0
out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 KLYUCHNIK_HOME=$(winpath "$work/oem-home") \
  wine "$oem/klyuchnik.exe" reminders on 2>&1) || code=$?
[ "$code" -ne 0 ] || fail "reminders on при отказе schtasks вернула 0: $out"
grep -q "ОШИБКА: Отказано в доступе" <<<"$out" || fail "сообщение schtasks не прочитано: $out"
ok "reminders on при отказе schtasks: «ОШИБКА: Отказано в доступе.» дошло по-русски, код $code"

# check --notify registered the toast name itself; the installer step must find its own.
wine reg delete 'HKCU\Software\Classes\AppUserModelId\Klyuchnik.Klyuchnik' /f >/dev/null 2>&1 || true

if [ -n "$setup" ]; then
  step "7. установщик $(basename "$setup")"
  cp "$setup" "$work/setup.exe"
  wine "$work/setup.exe" /S
  localappdata_unix=$(dirname "$appdata_unix")/Local
  inst="$localappdata_unix/Programs/Klyuchnik"
  [ -f "$inst/klyuchnik.exe" ] || fail "нет $inst/klyuchnik.exe"
  ok "установлено без прав администратора: $(ls "$inst" | tr '\n' ' ')"
  lnk=$(find "$appdata_unix/Microsoft/Windows/Start Menu/Programs" -name 'Ключник.lnk' | head -1)
  [ -n "$lnk" ] || fail "нет ярлыка в меню «Пуск»"
  ok "ярлык: ${lnk#"$WINEPREFIX"/}"
  # regedit exports UTF-16; `reg query` would print Cyrillic as «?».
  wine regedit /E "$(winpath "$work/uninstall.reg")" \
    'HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Uninstall\Klyuchnik'
  entry=$(iconv -f UTF-16 -t UTF-8 "$work/uninstall.reg" | tr -d '\r')
  grep -E '"(DisplayName|DisplayVersion|UninstallString)"' <<<"$entry" | sed 's/^/  «Программы и компоненты»: /'
  grep -qxF '"DisplayName"="Ключник"' <<<"$entry" || fail "в «Программы и компоненты» нет «Ключник»"
  wine reg query 'HKCU\Software\Classes\AppUserModelId\Klyuchnik.Klyuchnik' /v DisplayName >/dev/null 2>&1 ||
    fail "установщик не записал имя для уведомлений (AppUserModelId)"
  ok "имя для уведомлений Windows: HKCU\Software\Classes\AppUserModelId\Klyuchnik.Klyuchnik"
  cp bcryptprimitives.dll "$inst/"
  out=$(wine "$inst/klyuchnik.exe" --version 2>&1)
  grep -qx "klyuchnik $version" <<<"${out//$'\r'/}" || fail "установленный --version: «$out»"
  ok "установленный klyuchnik.exe --version: $out"
  # The uninstaller runs «klyuchnik.exe reminders off»; that needs the shim under Wine, so it
  # stays until the uninstaller is done and is the one file allowed to remain.
  KLYUCHNIK_HOME=$(winpath "$rhome") wine "$inst/klyuchnik.exe" reminders on >/dev/null 2>&1 ||
    fail "установленный reminders on не сработал"
  [ -f "$task" ] || fail "задание не зарегистрировано установленной программой"
  wine "$inst/uninstall.exe" /S
  # The uninstaller re-runs itself from a temporary copy and returns at once.
  for _ in $(seq 1 50); do
    [ -z "$(ls "$inst" 2>/dev/null | grep -vx bcryptprimitives.dll)" ] && break
    sleep 0.2
  done
  [ ! -e "$task" ] || fail "после удаления осталось задание планировщика"
  left=$(ls "$inst" 2>/dev/null | grep -vx bcryptprimitives.dll || true)
  [ -z "$left" ] || fail "после удаления осталось: $left"
  rm -f "$inst/bcryptprimitives.dll"
  rmdir "$inst" 2>/dev/null || true
  ! wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Klyuchnik' >/dev/null 2>&1 ||
    fail "запись в «Программы и компоненты» осталась"
  ! wine reg query 'HKCU\Software\Classes\AppUserModelId\Klyuchnik.Klyuchnik' >/dev/null 2>&1 ||
    fail "имя для уведомлений (AppUserModelId) осталось"
  ok "удаление убрало программу, ярлыки, задание планировщика и запись в «Программы и компоненты»"
fi
echo "Проверки под Wine пройдены."
