# Sourced by the scripts that drive the release window through AT-SPI (team-screenshots.sh,
# lock-screenshots.sh).
#
# atspi_session INNER_VAR SECONDS SELF BIN: runs SELF again with INNER_VAR=1 on a fresh Xvfb
# screen in a private D-Bus session, kernel keyring and runtime folder (so the accessibility bus
# is the script's own), for at most SECONDS; cleans up after it. Sets $work for both runs.
atspi_session() {
  local flag=$1 seconds=$2 self=$3 bin=$4
  source scripts/lib/xvfb.sh
  start_xvfb
  work=$(mktemp -d)
  cleanup() {
    [ -z "${inner:-}" ] || kill -- -"$inner" 2>/dev/null || true
    kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$work"
  }
  trap cleanup EXIT
  mkdir -m 700 "$work/run"
  env -u AT_SPI_BUS -u DBUS_SESSION_BUS_ADDRESS "$flag=1" work="$work" \
    DISPLAY="$xvfb_display" XDG_RUNTIME_DIR="$work/run" XDG_CONFIG_HOME="$work/config" \
    setsid --wait timeout -k 5 "$seconds" keyctl session - dbus-run-session -- "$self" "$bin" &
  inner=$!
  wait "$inner"
}

# atspi_window HOME DRIVER SCENARIO [ARGS…]: starts $bin on data folder HOME (125 %, kernel
# keyring, extra environment from the array $window_env), places its window at 1366×768, runs
# the Python DRIVER with SCENARIO --out $out ARGS…, closes the app; on failure shows its log.
atspi_window() {
  local home=$1 driver=$2 scenario=$3
  shift 3
  env WINIT_X11_SCALE_FACTOR=1.25 KLYUCHNIK_HOME="$home" KLYUCHNIK_KEYRING=keyutils \
    "${window_env[@]}" "$bin" >"$work/app.log" 2>&1 &
  local app=$!
  for _ in $(seq 1 50); do
    id=$(xdotool search --onlyvisible --name . 2>/dev/null | head -1) && [ -n "$id" ] && break
    sleep 0.2
  done
  for id in $(xdotool search --onlyvisible --name . 2>/dev/null); do
    xdotool windowmove "$id" 0 0 windowsize "$id" 1366 768 2>/dev/null || true
  done
  local rc=0
  timeout -k 5 90 /usr/bin/python3 "$driver" "$scenario" --out "$out" "$@" || rc=$?
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then tail -n 30 "$work/app.log" >&2; return "$rc"; fi
}
