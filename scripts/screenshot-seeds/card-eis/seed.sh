#!/usr/bin/env bash
# The card of an ЕИС identifier that expires in 20 days: «Обновить ключ» beside it.
# Usage: seed.sh BINARY (KLYUCHNIK_HOME and KLYUCHNIK_KEYRING set by the caller)
set -euo pipefail
bin=$1
expires=$(date -d "+20 days" +%d.%m.%Y)
cat /proc/sys/kernel/random/uuid | "$bin" add eis-token --name "ЕИС — РИС управление образования" \
  --set expires="$expires" --secret identifier
