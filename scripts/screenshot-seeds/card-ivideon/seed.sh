#!/usr/bin/env bash
# The card of an Ivideon → PASS24.online client: the cameras with their directions, the SQL and
# CSV for the developers. Loaded from an export (how cameras reach another computer), the
# password then entered with `secret`.
# Usage: seed.sh BINARY (KLYUCHNIK_HOME and KLYUCHNIK_KEYRING set by the caller)
set -euo pipefail
bin=$1
file=$(mktemp --suffix=.json)
cat >"$file" <<JSON
{"format": "klyuchnik-connections", "version": 1, "exported": "2026-12-01T09:00:00Z",
 "connections": [{"id": "$(cat /proc/sys/kernel/random/uuid)", "name": "ЖК «Сосны», КПП 1",
  "flow": "ivideon-pass24", "system": "Ivideon → PASS24.online", "created": "2026-12-01T09:00:00Z",
  "fields": {"client": "ЖК «Сосны», КПП 1", "login": "robot@ivideon.com", "account": "123456"},
  "tables": {"cameras": [
    {"camera_id": "100-AbCdEfGhIjKlMnOpQrSt12:0", "name": "Въезд, шлагбаум", "direction": "forward"},
    {"camera_id": "100-AbCdEfGhIjKlMnOpQrSt12:1", "name": "Выезд", "direction": "reverse"}]},
  "secrets": ["password"]}]}
JSON
"$bin" import "$file"
rm -f "$file"
echo "pass24-robot-pw" | "$bin" secret "ЖК «Сосны», КПП 1" password
