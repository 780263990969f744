#!/usr/bin/env bash
# Screenshot of a reminder as a Linux desktop shows it: `klyuchnik check --notify` on a seeded
# data folder (two ЕИС keys: one expired, one with 5 days left) inside a private D-Bus session
# with dunst (Debian's notification daemon) drawing on an Xvfb screen.
# Saves docs/screenshots/notification.png. Usage: scripts/notification-screenshot.sh [binary]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
bin="$(realpath "${1:-$CARGO_TARGET_DIR/release/klyuchnik}")"
command -v dunst >/dev/null || { echo "нужен пакет dunst" >&2; exit 1; }
source scripts/lib/xvfb.sh
start_xvfb
trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
work=$(mktemp -d)
home="$work/home"
mkdir -p "$home" "$work/dunst"
python3 - "$home" <<'PY'
import datetime, json, sys, uuid
today = datetime.date.today()
def conn(name, days):
    return {"id": str(uuid.uuid4()), "name": name, "flow": "eis-token", "system": "ЕИС → РИС",
            "created": "2026-01-15T09:00:00Z", "fields": {}, "tables": {}, "secrets": [],
            "expires": (today + datetime.timedelta(days=days)).isoformat()}
json.dump({"version": 1, "connections": [conn("ЕИС — РИС Тверская область", -2),
                                         conn("ЕИС — РИС г. Торжок", 5)]},
          open(sys.argv[1] + "/connections.json", "w"), ensure_ascii=False)
PY
# Large enough to read on a 1366×768 screen, at the top right as most desktops place it.
cat > "$work/dunst/dunstrc" <<'RC'
[global]
    font = DejaVu Sans 11
    width = 520
    offset = 24x24
    origin = top-right
    frame_width = 2
    frame_color = "#b45309"
    padding = 14
    horizontal_padding = 14
    icon_position = left
    max_icon_size = 48
    markup = full
    format = "<b>%s</b>\n%b"
    show_indicators = no
    mouse_left_click = do_action, close_current
[urgency_critical]
    background = "#fffbeb"
    foreground = "#1c1917"
    timeout = 0
[urgency_normal]
    background = "#f8fafc"
    foreground = "#1c1917"
    timeout = 0
RC
export DISPLAY="$xvfb_display" KLYUCHNIK_HOME="$home" KLYUCHNIK_KEYRING=keyutils
dbus-run-session -- bash -c '
  dunst -config "$1/dunst/dunstrc" >/dev/null 2>&1 &
  sleep 1
  "$2" check --notify >/dev/null 2>&1 || true
  sleep 2
  xwd -root -silent | convert xwd:- -crop 600x150+746+0 +repage docs/screenshots/notification.png
' bash "$work" "$bin"
rm -rf "$work"
echo docs/screenshots/notification.png
