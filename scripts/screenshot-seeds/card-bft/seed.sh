#!/usr/bin/env bash
# The card of ЕИС → БФТ.Закупки accounts: the login to copy, the password in the keyring.
# Usage: seed.sh BINARY (KLYUCHNIK_HOME and KLYUCHNIK_KEYRING set by the caller)
set -euo pipefail
bin=$1
echo "Xr7-pass-2026" | "$bin" add eis-bft --name "ЕИС → БФТ.Закупки, Иванова И. И." \
  --set login=ivanova_ii --set account_type=Организационная \
  --set organization="ГБУ «Школа № 1»" --secret password
