#!/usr/bin/env bash
# Prints the longest time one `klyuchnik check` takes against a loopback server that answers
# 503 with `Retry-After` (issue 29, B6): with the default settings and with
# KLYUCHNIK_CHECK_TIMEOUT=5. Each setting meets two servers built to stretch a check:
#   slow   — every answer comes just before the timeout: 503 + Retry-After as long as a check
#            would wait (the server of the issue: 87 s and 23.5 s before the fix);
#   stall  — the first answer is an immediate 503 asking for half the timeout, every later
#            request is never answered.
# Usage: scripts/retry-figures.sh [binary]   (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="$(realpath "${1:-$CARGO_TARGET_DIR/release/klyuchnik}")"
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# serve PLAN: PLAN is «delay:status:retry-after» per connection, the last one repeating;
# status «stall» reads the request and never answers.
serve() {
  rm -f "$work/port"
  python3 - "$work/port" "$1" <<'PY' &
import socket, sys, threading, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
plan = [p.split(":") for p in sys.argv[2].split(",")]
def answer(c, step):
    delay, status, after = step
    try:
        c.recv(65536)
        time.sleep(float(delay))
        if status == "stall":
            time.sleep(3600)
        body = b"busy"
        c.sendall(b"HTTP/1.1 %s X\r\nretry-after: %s\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s"
                  % (status.encode(), after.encode(), len(body), body))
    except OSError:
        pass
    c.close()
n = 0
while True:
    c, _ = s.accept()
    threading.Thread(target=answer, args=(c, plan[min(n, len(plan) - 1)]), daemon=True).start()
    n += 1
PY
  server=$!
  for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
  port=$(cat "$work/port")
}

# check HOME TIMEOUT: one `check` of one ELMA365 connection at the server; prints seconds.
check_once() {
  local home="$work/home-$RANDOM"
  mkdir -p "$home"
  echo "00000000-0000-4000-8000-000000000000" | KLYUCHNIK_KEYRING=keyutils keyctl session - bash -c '
    KLYUCHNIK_HOME="$1" "$2" add elma365 --name "Занятый сервер" --set address="http://127.0.0.1:$3" \
      --set user=u --set token_name=t --secret token >/dev/null 2>&1
    if [ -n "$4" ]; then export KLYUCHNIK_CHECK_TIMEOUT="$4"; fi
    KLYUCHNIK_HOME="$1" /usr/bin/time -f "%e" -o "$1/time" "$2" check >"$1/out" 2>&1 || true
  ' bash "$home" "$bin" "$port" "$1" >/dev/null 2>&1
  echo "$(tail -1 "$home/time") $(grep -o 'проверка[^)]*)' "$home/out" | head -1 | LC_ALL=C.UTF-8 sed -E 's/^.*: (.{0,110}).*$/\1/')"
}

# setting LABEL TIMEOUT_SECS ENV_VALUE WAIT_CAP
setting() {
  local label=$1 t=$2 env=$3 cap=$4 longest=0 line
  for plan in "$(echo "$t - 0.5" | bc):503:$cap" "0:503:$(( t / 2 )),0:stall:0"; do
    serve "$plan"
    line=$(check_once "$env")
    kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=
    secs=${line%% *}
    echo "  сервер $plan: ${secs} с — ${line#* }"
    longest=$(echo "if ($secs > $longest) $secs else $longest" | bc)
  done
  echo "check, 503 + Retry-After, $label: дольше всего ${longest} с"
}

setting "настройки по умолчанию (20 с)" 20 "" 15
setting "KLYUCHNIK_CHECK_TIMEOUT=5" 5 5 5
