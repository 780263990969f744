# Sourced by the scripts that need a screen.
# start_xvfb [Xvfb options…]: starts a 1366×768 virtual screen on a display Xvfb picks itself
# (so parallel runs never collide) and waits until it is up. Sets $xvfb_display and $xvfb_pid.
start_xvfb() {
  local file
  file=$(mktemp)
  # -noreset: by default the server resets when its last client leaves, and a program started
  # right after another one closed can find no server to connect to (seen in CI: the window
  # check's second start failed with «Failed to open connection to X server»).
  Xvfb -displayfd 3 -noreset -screen 0 1366x768x24 "$@" 3>"$file" >/dev/null 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 100); do [ -s "$file" ] && break; sleep 0.1; done
  if ! [ -s "$file" ]; then
    rm -f "$file"
    echo "Xvfb не запустился" >&2
    return 1
  fi
  xvfb_display=":$(cat "$file")"
  rm -f "$file"
}
