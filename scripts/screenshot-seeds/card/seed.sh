#!/usr/bin/env bash
# A connection's card, as `klyuchnik open НАЗВАНИЕ` (a click on a reminder) shows it: an ELMA365
# connection added with `klyuchnik add` (the token from standard input, into this session's
# keyring), never checked yet.
# Usage: seed.sh BINARY (KLYUCHNIK_HOME and KLYUCHNIK_KEYRING set by the caller)
set -euo pipefail
bin=$1
uuid() { cat /proc/sys/kernel/random/uuid; }
uuid | "$bin" add elma365 --name "ELMA365 — обмен с 1С, склад" --set address=stroymarket \
  --set user="Интеграция 1С" --set token_name="Обмен с 1С" --secret token
