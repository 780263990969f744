#!/usr/bin/env bash
# Prepares an OpenBao server (or a Raft cluster) for one team of Ключник:
#   - the KV v2 mount (default `klyuchnik`) with cas_required = true, if absent;
#   - the userpass login method, if absent;
#   - the policy `klyuchnik-team-TEAM`: the team's connections and nothing else;
#   - optionally, a check that a file audit device writes where asked (OpenBao 2.x enables audit
#     devices only from the server's configuration: when it is missing, the script prints the
#     stanza to add to EVERY node's configuration, changes nothing and exits with code 3);
# then prints how to add a team member. Safe to run again: what is in place is left as it is.
#
# Usage:
#   export BAO_ADDR=https://bao1.example.ru:8200 BAO_TOKEN=…   # an administrator's token
#   scripts/team-server/setup-team.sh TEAM [--mount NAME] [--audit-file PATH]
#   (a company CA for the server's certificate: BAO_CACERT=/path/ca.pem, as for any bao command)
#
# The `bao` CLI is taken from $BAO, else from PATH. Exit codes: 0 done, 1 an error, 2 wrong
# arguments, 3 the audit device is missing from the server's configuration.
set -euo pipefail

bao_cli="${BAO:-bao}"
mount=klyuchnik
audit_file=""
team=""

usage() {
  sed -n '/^# Usage:/,/^# The `bao`/p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --mount) [ $# -ge 2 ] || usage; mount="$2"; shift 2 ;;
    --audit-file) [ $# -ge 2 ] || usage; audit_file="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "Неизвестный параметр: $1" >&2; usage ;;
    *) [ -z "$team" ] || usage; team="$1"; shift ;;
  esac
done

[ -n "$team" ] || usage
# The same rule as the app's (ops::team::Team::unread): letters, digits, `-` and `_`.
if ! [[ "$team" =~ ^[[:alnum:]_-]+$ ]]; then
  echo "Название команды «$team»: только буквы, цифры, «-» и «_»." >&2
  exit 2
fi
if ! [[ "$mount" =~ ^[[:alnum:]_-]+$ ]]; then
  echo "Название раздела «$mount»: только буквы, цифры, «-» и «_»." >&2
  exit 2
fi
: "${BAO_ADDR:?Задайте BAO_ADDR — адрес сервера OpenBao, например https://bao1.example.ru:8200}"
: "${BAO_TOKEN:?Задайте BAO_TOKEN — токен администратора}"
export BAO_ADDR BAO_TOKEN
command -v "$bao_cli" >/dev/null 2>&1 || {
  echo "Не найдена программа bao (OpenBao CLI): установите её или задайте BAO=/путь/к/bao." >&2
  exit 1
}

policy="klyuchnik-team-$team"
err=$(mktemp)
trap 'rm -f "$err"' EXIT

# Runs `bao ARGS…`, again for up to 30 s while the server is not ready for it: a new KV mount
# refuses writes for a moment ("Upgrading from non-versioned to versioned data"), and a cluster
# choosing a new leader answers "active cluster node not found". Its stderr stays in $err.
bao_retry() {
  local started=$SECONDS
  while true; do
    if "$bao_cli" "$@" 2>"$err"; then
      return 0
    fi
    if grep -q -i -e "upgrading" -e "active cluster node not found" -e "node not active" "$err" \
      && [ $((SECONDS - started)) -lt 30 ]; then
      sleep 0.5
      continue
    fi
    cat "$err" >&2
    return 1
  done
}

# Whether `bao read PATH` finds it (0), says it is absent (1); any other error stops the script.
exists() {
  local path="$1" absent="$2"
  if bao_retry read -format=json "$path" >/dev/null 2>&1; then
    return 0
  fi
  if grep -q "$absent" "$err"; then
    return 1
  fi
  echo "Не удалось прочитать $path:" >&2
  cat "$err" >&2
  exit 1
}

echo "Сервер: $BAO_ADDR"
"$bao_cli" token lookup >/dev/null 2>"$err" || {
  echo "Токен администратора не принят:" >&2
  cat "$err" >&2
  exit 1
}

# 1. The audit device first: when it has to be added to the configuration, nothing is changed
#    before it is in place.
if [ -n "$audit_file" ]; then
  # Captured first: `bao … | grep -q` under pipefail fails when grep stops reading early.
  devices=$("$bao_cli" audit list -format=json 2>"$err" || true)
  if grep -q -F "\"file_path\": \"$audit_file\"" <<<"$devices"; then
    echo "Журнал аудита: уже пишется в $audit_file"
  elif "$bao_cli" audit enable -path=klyuchnik-audit file file_path="$audit_file" >/dev/null 2>"$err"; then
    echo "Журнал аудита: включён, файл $audit_file"
  elif grep -q -i "declarative" "$err"; then
    cat <<EOF
Журнал аудита: OpenBao включает его только из файла настроек сервера. Добавьте в файл настроек
КАЖДОГО узла одно и то же (настройки аудита на узлах должны совпадать, иначе новый ведущий узел
не станет активным), перечитайте настройки (kill -HUP <pid bao> или перезапуск узла) и запустите
этот скрипт снова. Пока ничего не изменено.

# --- audit: begin
audit "file" "klyuchnik-audit" {
  description = "Ключник: журнал обращений (значения — только в виде HMAC)"
  options {
    file_path = "$audit_file"
    mode      = "0600"
  }
}
# --- audit: end
EOF
    exit 3
  else
    echo "Журнал аудита не включён:" >&2
    cat "$err" >&2
    exit 1
  fi
fi

# 2. The KV v2 mount with check-and-set required.
if exists "sys/mounts/$mount" "No secret engine mount at"; then
  type=$("$bao_cli" read -field=type "sys/mounts/$mount")
  version=$("$bao_cli" read -field=options -format=json "sys/mounts/$mount" 2>/dev/null \
    | grep -o '"version": *"[0-9]*"' | grep -o '[0-9]*' || true)
  if [ "$type" != "kv" ] || [ "$version" != "2" ]; then
    echo "Раздел $mount/ уже есть, но это не KV версии 2 (тип «$type», версия «$version»):" \
      "выберите другое имя (--mount) — Ключнику нужен KV v2." >&2
    exit 1
  fi
  echo "Раздел $mount/: уже есть (KV v2)"
else
  bao_retry secrets enable -path="$mount" -version=2 -description="Ключник: подключения команд" kv >/dev/null
  echo "Раздел $mount/: создан (KV v2)"
fi
# Every write must carry the version it read: a colleague's change is never overwritten.
bao_retry write "$mount/config" cas_required=true >/dev/null
echo "Раздел $mount/: cas_required = true"

# 3. Login with a login and password.
if exists "sys/auth/userpass" "No auth engine at"; then
  type=$("$bao_cli" read -field=type sys/auth/userpass)
  if [ "$type" != "userpass" ]; then
    echo "По пути userpass/ включён вход другого типа («$type»)." >&2
    exit 1
  fi
  echo "Вход по логину и паролю (userpass): уже включён"
else
  bao_retry auth enable -description="Ключник: вход сотрудников" userpass >/dev/null
  echo "Вход по логину и паролю (userpass): включён"
fi

# 4. The team's policy. The default policy, which userpass tokens get unless the administrator
#    turns it off, already allows sys/capabilities-self, auth/token/lookup-self and
#    auth/token/renew-self; they are repeated here so the policy is enough on its own.
bao_retry policy write "$policy" - >/dev/null <<EOF
# Ключник: команда «$team». Подключения — $mount/teams/$team/conns/<id>.
path "$mount/data/teams/$team/*" {
  capabilities = ["create", "read", "update", "delete"]
}
path "$mount/metadata/teams/$team/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "$mount/detailed-metadata/teams/$team/*" {
  capabilities = ["read", "list"]
}
# What the app asks about the login itself: its rights, who is logged in, extending the login.
path "sys/capabilities-self" {
  capabilities = ["update"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
EOF
echo "Политика $policy: записана"

cat <<EOF

Готово: команда «$team» на $BAO_ADDR (раздел $mount).

Добавить сотрудника (пароль — со стандартного ввода, не остаётся в истории команд):
  bao write auth/userpass/users/ЛОГИН password=- token_policies=$policy token_ttl=8h token_max_ttl=12h

Сотрудник входит так:
  klyuchnik team login --addr $BAO_ADDR --team $team --user ЛОГИН
EOF
