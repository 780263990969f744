#!/usr/bin/env bash
# The team store as people see it, on a real OpenBao (`bao server -dev`, scripts/install-deps.sh)
# and the release build under Xvfb (1366×768 at 125 %), driven only through AT-SPI
# (scripts/atspi_team.py): the store choice and login form, the team's list after «Войти», a
# colleague's change refused in «Изменить», a secret locked for a depositor. Saves
# docs/screenshots/team-{login,list,conflict,lock}.png; fails when any control cannot be reached
# through the accessibility tree.
# Usage: scripts/team-screenshots.sh [binary]
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="${1:-$CARGO_TARGET_DIR/release/klyuchnik}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
bao="${KLYUCHNIK_BAO:-$HOME/.cache/klyuchnik/openbao-venv/bin/bao}"
out="$PWD/docs/screenshots"
source scripts/lib/atspi-window.sh

if [ "${TEAM_SHOTS_INNER:-}" = 1 ]; then
  dbus-send --session --print-reply=literal --dest=org.a11y.Bus /org/a11y/bus \
    org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled variant:boolean:true >/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  addr="http://127.0.0.1:$port"
  "$bao" server -dev -dev-root-token-id=root -dev-listen-address="127.0.0.1:$port" >"$work/bao.log" 2>&1 &
  for _ in $(seq 1 100); do curl -sf "$addr/v1/sys/health" >/dev/null && break; sleep 0.1; done
  admin() { # METHOD PATH JSON — retried while a new mount upgrades
    for _ in $(seq 1 50); do
      if curl -sf -X "$1" -H "X-Vault-Token: root" -d "$3" "$addr/v1/$2" >/dev/null; then return; fi
      sleep 0.2
    done
    echo "ОШИБКА: $1 $2" >&2; return 1
  }
  admin POST sys/mounts/klyuchnik '{"type":"kv","options":{"version":"2"}}'
  admin POST klyuchnik/config '{"cas_required":true}'
  admin POST sys/auth/userpass '{"type":"userpass"}'
  team=zakupki
  full='path "klyuchnik/data/teams/zakupki/*" { capabilities = ["create","read","update","delete"] }
path "klyuchnik/metadata/teams/zakupki/*" { capabilities = ["create","read","update","delete","list"] }
path "klyuchnik/detailed-metadata/teams/zakupki/*" { capabilities = ["read","list"] }'
  deposit='path "klyuchnik/data/teams/zakupki/*" { capabilities = ["create","update","patch"] }
path "klyuchnik/metadata/teams/zakupki/*" { capabilities = ["create","update","read","list"] }
path "klyuchnik/detailed-metadata/teams/zakupki/*" { capabilities = ["read","list"] }'
  admin PUT sys/policies/acl/team-zakupki "$(python3 -c 'import json,sys; print(json.dumps({"policy": sys.argv[1]}))' "$full")"
  admin PUT sys/policies/acl/team-zakupki-deposit "$(python3 -c 'import json,sys; print(json.dumps({"policy": sys.argv[1]}))' "$deposit")"
  admin POST auth/userpass/users/ivanova '{"password":"ivanova-pw","token_policies":"team-zakupki"}'
  admin POST auth/userpass/users/petrov '{"password":"petrov-pw","token_policies":"team-zakupki"}'
  admin POST auth/userpass/users/sidorova '{"password":"sidorova-pw","token_policies":"team-zakupki-deposit"}'

  # Petrov's computer: logged in from the command line, the team's connections added there.
  petrov="$work/petrov"; mkdir -p "$petrov"
  k() { KLYUCHNIK_HOME="$1" KLYUCHNIK_KEYRING=keyutils "$bin" "${@:2}"; }
  echo petrov-pw | k "$petrov" team login --addr "$addr" --team "$team" --user petrov >/dev/null
  uuid() { cat /proc/sys/kernel/random/uuid; }
  uuid | k "$petrov" add elma365 --name "ELMA365 — обмен с 1С, склад" --set address=stroymarket \
    --set user="Интеграция 1С" --set token_name="Обмен с 1С" --secret token >/dev/null
  uuid | k "$petrov" add elma365 --name "ELMA365 — портал поставщиков" --set address=stroymarket \
    --set user="Портал" --set token_name="Портал поставщиков" --secret token >/dev/null
  window_env=()
  run_window() { atspi_window "$1" scripts/atspi_team.py "${@:2}"; }
  # Ivanova's computer: logs in from the window.
  ivanova="$work/ivanova"; mkdir -p "$ivanova"
  run_window "$ivanova" login --addr "$addr" --team "$team" --user ivanova --password ivanova-pw \
    --name "ELMA365 — обмен с 1С, склад"
  # Ivanova corrects a connection while Petrov renames it from the command line.
  run_window "$ivanova" conflict --name "ELMA365 — портал поставщиков" \
    --colleague "KLYUCHNIK_HOME='$petrov' KLYUCHNIK_KEYRING=keyutils '$bin' set 'ELMA365 — портал поставщиков' name='ELMA365 — портал поставщиков (новый)'"
  # Sidorova may deposit secrets, not read them.
  sidorova="$work/sidorova"; mkdir -p "$sidorova"
  echo sidorova-pw | k "$sidorova" team login --addr "$addr" --team "$team" --user sidorova >/dev/null
  run_window "$sidorova" lock --name "ELMA365 — обмен с 1С, склад"
  # Nothing secret in any file of the three data folders.
  if grep -rqE "ivanova-pw|petrov-pw|sidorova-pw|hvs\." "$petrov" "$ivanova" "$sidorova"; then
    echo "ОШИБКА: пароль или токен в файлах Ключника" >&2; exit 1
  fi
  exit 0
fi

[ -x "$bin" ] || { echo "ОШИБКА: нет $bin (cargo build --release)" >&2; exit 1; }
[ -x "$bao" ] || { echo "ОШИБКА: нет $bao (scripts/install-deps.sh)" >&2; exit 1; }
atspi_session TEAM_SHOTS_INNER 400 "$self" "$bin"
echo "Снимки хранилища команды: $out/team-{login,list,conflict,lock}.png"
