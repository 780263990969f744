#!/usr/bin/env bash
# The card of a ПВЗ the administrator handed over («Передать сотруднику ПВЗ»): the message for
# the employee and the file for their Ключник. Loaded as the hand-over file itself.
# Usage: seed.sh BINARY (KLYUCHNIK_HOME and KLYUCHNIK_KEYRING set by the caller)
set -euo pipefail
bin=$1
file=$(mktemp --suffix=.klyuchnik)
cat >"$file" <<JSON
{"format": "klyuchnik-connections", "version": 1, "exported": "2026-12-01T09:00:00Z",
 "connections": [{"id": "$(cat /proc/sys/kernel/random/uuid)", "name": "ПВЗ на Лесной, 5",
  "flow": "vision-ellcom", "system": "Vision Ellcom → WB Point", "created": "2026-12-01T09:00:00Z",
  "fields": {"pvz_name": "ПВЗ на Лесной, 5", "pvz_code": "101", "email": "pvz-101@example.ru"},
  "tables": {"cameras": [{"camera_name": "Касса"}, {"camera_name": "Склад"}]},
  "pending_step": 2, "pending_entry": 2, "pending_confirmed": ["1.0", "1.1"]}]}
JSON
"$bin" import "$file"
rm -f "$file"
