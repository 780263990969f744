#!/usr/bin/env bash
# Runs every test. Installs missing system packages first, then runs `cargo test` inside a
# private D-Bus session with an unlocked gnome-keyring (a real Secret Service) and a fresh
# kernel session keyring, so the keyring tests use real stores. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"

keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home"
dbus-run-session -- bash -c '
  set -euo pipefail
  # A throwaway login keyring, created and unlocked with a throwaway password.
  printf "klyuchnik-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  export KLYUCHNIK_TEST_SECRET_SERVICE=1
  exec keyctl session - cargo test --all-targets "$@"
' bash "$@" 2> >(grep -v -e "Failed to set fd limit" -e "^Joined session keyring" >&2)
