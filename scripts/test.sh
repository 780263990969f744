#!/usr/bin/env bash
# Runs every test. Installs missing system packages first, then runs `cargo test` on a
# private Xvfb screen (for the system clipboard) inside a private D-Bus session with an unlocked gnome-keyring (a real Secret Service) and a fresh
# kernel session keyring, so the keyring tests use real stores. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"

keyring_home=$(mktemp -d)
# A screen of its own: copying a secret goes through the system clipboard (X11 here), and the
# clipboard tests read what is on it.
source scripts/lib/xvfb.sh
start_xvfb
export DISPLAY="$xvfb_display"
unset WAYLAND_DISPLAY
trap 'rm -rf "$keyring_home"; kill "$xvfb_pid" 2>/dev/null || true' EXIT
export XDG_DATA_HOME="$keyring_home"
dbus-run-session -- bash -c '
  set -euo pipefail
  # A throwaway login keyring, created and unlocked with a throwaway password.
  printf "klyuchnik-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  export KLYUCHNIK_TEST_SECRET_SERVICE=1
  exec keyctl session - cargo test --all-targets "$@"
' bash "$@" 2> >(grep -v -e "Failed to set fd limit" -e "^Joined session keyring" >&2)
