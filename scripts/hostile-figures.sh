#!/usr/bin/env bash
# Prints the figures of the README's «Надёжность и безопасность» rows for hostile input, with the
# release build: time and peak memory of `klyuchnik check` against a loopback server that
# answers 200 with a body that never ends, of `klyuchnik import` of 50,000 records, and of input
# far past its limit: a 1.5 GB (sparse) file and `/dev/zero` given to `import`, a 100 MB secret
# on standard input. A binary that reads such input whole is held to 4 GB of address space by
# `ulimit -v`, so the figures of an old build end in its allocation failure, not the machine's.
# Then the longest check against servers answering 503 with Retry-After (scripts/retry-figures.sh).
# Usage: scripts/hostile-figures.sh [binary] [records]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="$(realpath "${1:-$CARGO_TARGET_DIR/release/klyuchnik}")"
records="${2:-50000}"
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

# A server that streams «[[[[…» without end once it has read a request.
python3 - "$work/port" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
chunk = b"%x\r\n%s\r\n" % (65536, b"[" * 65536)
while True:
    c, _ = s.accept()
    try:
        c.recv(65536)
        c.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
        while True:
            c.sendall(chunk)
    except OSError:
        c.close()
PY
server=$!
for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
home="$work/endless"
mkdir -p "$home"
export KLYUCHNIK_KEYRING=keyutils
echo "00000000-0000-4000-8000-000000000000" | keyctl session - bash -c '
  KLYUCHNIK_HOME="$1" "$2" add elma365 --name "Бесконечный ответ" --set address="http://127.0.0.1:$3" \
    --set user=u --set token_name=t --secret token >/dev/null 2>&1
  KLYUCHNIK_HOME="$1" KLYUCHNIK_CHECK_TIMEOUT=30 /usr/bin/time -f "%e %M" -o "$1/time" "$2" check >"$1/out" 2>&1 || true
' bash "$home" "$bin" "$port"
read -r secs kb < <(tail -1 "$home/time")
echo "check, ответ без конца (200, поток с 127.0.0.1): ${secs} с, пик памяти $((kb / 1024)) МБ — $(grep -o 'ответ сервера больше[^;)]*' "$home/out" | head -1)"

python3 - "$work/import.json" "$records" <<'PY'
import json, sys, uuid
n = int(sys.argv[2])
rows = [{"id": str(uuid.uuid4()), "name": f"ELMA365 — филиал № {i}", "flow": "elma365",
         "system": "ELMA365", "created": "2026-01-15T09:00:00Z",
         "fields": {"address": f"https://company{i}.elma365.ru", "user": "Интеграция 1С",
                    "token_name": "Обмен с 1С"}, "secrets": ["token"]} for i in range(n)]
json.dump({"format": "klyuchnik-connections", "version": 1, "exported": "2026-11-01T00:00:00Z",
           "connections": rows}, open(sys.argv[1], "w"), ensure_ascii=False)
PY
home="$work/import"
mkdir -p "$home"
KLYUCHNIK_HOME="$home" /usr/bin/time -f "%e %M" -o "$home/time" "$bin" import "$work/import.json" >/dev/null 2>&1
read -r secs kb < <(tail -1 "$home/time")
echo "import, $records записей ($(( $(stat -c %s "$work/import.json") / 1024 / 1024 )) МБ): ${secs} с, пик памяти $((kb / 1024)) МБ"

# Past the limits: each run alone, its time and peak memory, exit code and first line of stderr.
past_limit() {
  local what=$1; shift
  local home="$work/limit"
  rm -rf "$home"; mkdir -p "$home"
  set +e
  (ulimit -v 4194304; KLYUCHNIK_HOME="$home" /usr/bin/time -f "%e %M" -o "$home/time" "$@" \
    >/dev/null 2>"$home/err")
  local code=$?
  set -e
  read -r secs kb < <(tail -1 "$home/time")
  echo "$what: ${secs} с, пик памяти $((kb / 1024)) МБ, код $code — $(grep -v -e '^Command' -e '^Joined session' "$home/err" | head -1)"
}
truncate -s 1536M "$work/big.json"
past_limit "import, файл 1,5 ГБ (разреженный)" "$bin" import "$work/big.json"
past_limit "import /dev/zero" "$bin" import /dev/zero
head -c 100000000 /dev/zero | tr '\0' 'a' >"$work/secret"
past_limit "add, секрет 100 МБ на стандартном вводе" keyctl session - bash -c \
  '"$1" add elma365 --name "Длинный секрет" --set address=https://acme.elma365.ru --set user=u \
     --set token_name=t --secret token <"$2"' bash "$bin" "$work/secret"

scripts/retry-figures.sh "$bin"
