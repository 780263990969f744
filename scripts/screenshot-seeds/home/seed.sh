#!/usr/bin/env bash
# The home screen as people reach it, made with Ключник's own commands (no file written by
# hand): connections added with `klyuchnik add` (secrets from standard input, into the keyring
# of this session), one ЕИС identifier that expires in 5 days, and one connection loaded from
# another computer's export, which arrives without its secret.
# Usage: seed.sh BINARY (KLYUCHNIK_HOME and KLYUCHNIK_KEYRING set by the caller)
set -euo pipefail
bin=$1
soon=$(date -d "+5 days" +%d.%m.%Y)
later=$(date -d "+200 days" +%d.%m.%Y)
uuid() { cat /proc/sys/kernel/random/uuid; }
uuid | "$bin" add elma365 --name "ELMA365 — обмен с 1С, склад" --set address=stroymarket \
  --set user="Интеграция 1С" --set token_name="Обмен с 1С" --secret token
uuid | "$bin" add eis-token --name "ЕИС — сервисы отдачи для РИС, управление образования" \
  --set expires="$soon" --secret identifier
uuid | "$bin" add eis-token --name "ЕИС — сервисы отдачи для РИС, управление культуры" \
  --set expires="$later" --secret identifier
for pvz in "10452;ул. Героев-Североморцев, 10" "10453;ул. Героев-Североморцев, 25" "10454;пр. Ленина, 7"; do
  code=${pvz%%;*}
  address=${pvz#*;}
  echo "token-$code-$(uuid)" | "$bin" add vision-ellcom \
    --name "ПВЗ $code — г. Мурманск, $address" --set pvz_name="ПВЗ $code — г. Мурманск, $address" --set pvz_code="$code" \
    --set pvz_address="г. Мурманск, $address" --set email="pvz-$code@example.ru" --secret token
done
# From another computer: exported there (no secrets in the file), loaded here.
other=$(mktemp -d)
uuid | KLYUCHNIK_HOME="$other" "$bin" add elma365 --name "ELMA365 — сайт компании" \
  --set address=stroymarket --set user="Сайт" --set token_name="Сайт" --secret token
KLYUCHNIK_HOME="$other" "$bin" export "$other/export.json"
"$bin" import "$other/export.json"
KLYUCHNIK_HOME="$other" "$bin" remove "ELMA365 — сайт компании" >/dev/null
rm -rf "$other"
