#!/usr/bin/env bash
# Takes the screenshots in this folder with the real app under Xvfb, with a
# real tray host (trayer), a real exit (microsocks) and real traffic (curl to
# a loopback origin). Everything stays on 127.0.0.1; every host name used is
# mapped to 127.0.0.1 by the settings' hosts override, so nothing is looked up.
#
#   bash resources/screenshots/take-screenshots.sh [BUILD_DIR]
#
# Needs root (for unshare) and xvfb xauth dbus dbus-x11 trayer imagemagick xdotool curl
# microsocks python3 iproute2.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/dev}
binary=$build/app/switchyard
[[ -x $binary ]] || { echo "no $binary: build first" >&2; exit 1; }

# In a network namespace of its own (root: unshare), where only loopback
# exists: whatever is clicked, nothing can leave the machine.
if [[ -z ${SWITCHYARD_SHOTS_INNER:-} ]]; then
    export SWITCHYARD_SHOTS_INNER=1
    exec unshare --net -- bash -c 'ip link set lo up && exec "$@"' _ \
        timeout 300 dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
        bash "${BASH_SOURCE[0]}" "$build"
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
export XDG_RUNTIME_DIR=$work/run
mkdir -p "$HOME" "$XDG_CONFIG_HOME/Switchyard" "$XDG_RUNTIME_DIR" "$work/site"
chmod 700 "$XDG_RUNTIME_DIR"

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
origin_port=$(free_port)
exit_port=$(free_port)
proxy_port=$(free_port)

# The origin: a few pages of different kinds.
printf '<!doctype html><title>Shop</title><h1>Hello from the shop</h1>\n' >"$work/site/index.html"
printf '{"items":[{"id":1,"name":"lamp","price":19.5},{"id":2,"name":"desk","price":120}]}\n' \
    >"$work/site/items.json"
convert -size 64x64 gradient:'#3a7bd5'-'#00d2ff' "$work/site/logo.png"
(cd "$work/site" && exec python3 -m http.server --bind 127.0.0.1 "$origin_port") >/dev/null 2>&1 &
pids+=($!)
microsocks -i 127.0.0.1 -p "$exit_port" >/dev/null 2>&1 &
pids+=($!)

write_settings() { # $1: language
    cat >"$XDG_CONFIG_HOME/Switchyard/settings.json" <<EOF
{
  "format": "switchyard-settings",
  "version": 2,
  "listen": {"address": "127.0.0.1", "port": $proxy_port},
  "profiles": [
    {"id": "home", "name": "Home SOCKS", "type": "socks5", "host": "127.0.0.1",
     "port": $exit_port, "username": "", "resolveAtExit": false, "allowSelfSigned": false},
    {"id": "work", "name": "Work", "type": "http", "host": "127.0.0.1", "port": 9,
     "username": "", "resolveAtExit": true, "allowSelfSigned": false},
    {"id": "vps", "name": "VPS (TLS)", "type": "https", "host": "127.0.0.1", "port": 8443,
     "username": "", "resolveAtExit": true, "allowSelfSigned": true}
  ],
  "routing": {
    "rules": [
      {"matcher": "domain", "pattern": "news.example", "action": {"kind": "profile", "profile": "home"},
       "enabled": true, "comment": "read the news through home"},
      {"matcher": "host", "pattern": "intranet.work.example", "action": {"kind": "profile", "profile": "work"},
       "enabled": true, "comment": ""},
      {"matcher": "keyword", "pattern": "tracker", "action": {"kind": "block"}, "enabled": true,
       "comment": "no tracking"},
      {"matcher": "host-regex", "pattern": "^ads?[0-9]*\\\\.", "action": {"kind": "block"},
       "enabled": true, "comment": ""},
      {"matcher": "cidr", "pattern": "192.168.0.0/16", "action": {"kind": "direct"}, "enabled": true,
       "comment": "home network"},
      {"matcher": "url-regex", "pattern": "(", "action": {"kind": "block"}, "enabled": false,
       "comment": "a broken pattern is marked"}
    ],
    "defaultAction": {"kind": "direct"}
  },
  "hostsOverride": {
    "shop.example": ["127.0.0.1"], "news.example": ["127.0.0.1"],
    "api.news.example": ["127.0.0.1"], "tracker.example": ["127.0.0.1"],
    "ads1.example": ["127.0.0.1"]
  },
  "ui": {"language": "$1", "proxyEnabled": true, "closeToTray": true,
         "closeToTrayNoticeShown": true}
}
EOF
}

traffic() {
    local proxy=http://127.0.0.1:$proxy_port o=$origin_port
    curl -s -o /dev/null -x "$proxy" "http://shop.example:$o/"
    curl -s -o /dev/null -x "$proxy" "http://shop.example:$o/items.json"
    curl -s -o /dev/null -x "$proxy" "http://shop.example:$o/logo.png"
    curl -s -o /dev/null -x "$proxy" -H 'Content-Type: application/json' \
        -d '{"query":"lamp"}' "http://shop.example:$o/search"
    curl -s -o /dev/null -x "$proxy" "http://news.example:$o/"
    curl -s -o /dev/null -x "$proxy" "http://api.news.example:$o/items.json"
    curl -s -o /dev/null -x "$proxy" "http://tracker.example:$o/pixel.gif"
    curl -s -o /dev/null -x "$proxy" "http://ads1.example:$o/banner"
    curl -s -o /dev/null --socks5-hostname "127.0.0.1:$proxy_port" "http://shop.example:$o/"
    curl -s -o /dev/null -x "$proxy" "http://shop.example:$o/missing"
    curl -s -o /dev/null -x "$proxy" "http://127.0.0.1:$proxy_port/"
}

wait_for_window() {
    local i
    for i in $(seq 1 50); do
        window=$(xdotool search --onlyvisible --name '^Switchyard$' 2>/dev/null | head -1 || true)
        [[ -n $window ]] && return 0
        sleep 0.2
    done
    echo "the Switchyard window did not appear" >&2
    exit 1
}

shoot_window() { # $1: file
    sleep 0.8
    # The window as the screen shows it, frame-less under Xvfb.
    eval "$(xdotool getwindowgeometry --shell "$window")"
    import -window root -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$here/$1"
    echo "wrote $here/$1" >&2
}

trayer --edge top --align right --widthtype request --height 32 --SetDockType true \
    --transparent false >/dev/null 2>&1 &
pids+=($!)
sleep 1

write_settings ""
QT_QPA_PLATFORM=xcb "$binary" >"$work/app.log" 2>&1 &
app=$!
pids+=("$app")
wait_for_window
xdotool windowsize "$window" 1180 720 windowmove "$window" 0 34
traffic
sleep 1
# Select the JSON response (third row) so the details pane shows it.
xdotool mousemove --window "$window" 400 162 click 1
sleep 0.3
xdotool key --window "$window" ctrl+1
shoot_window traffic.png
xdotool key --window "$window" ctrl+2
shoot_window rules.png
xdotool key --window "$window" ctrl+3
sleep 0.5
xdotool mousemove --window "$window" 300 99 click 1 # Home SOCKS, into the form
shoot_window exits.png
# The tray menu, opened on the tray icon (trayer's top right corner).
xdotool mousemove 1266 16 click 3
sleep 1
xdotool mousemove 1130 70
sleep 1
import -window root -crop 1280x400+0+0 "$here/tray-menu.png"
echo "wrote $here/tray-menu.png" >&2
xdotool key Escape
kill "$app"
wait "$app" 2>/dev/null || true

# The window in Persian: right to left.
write_settings fa
QT_QPA_PLATFORM=xcb "$binary" >"$work/app-fa.log" 2>&1 &
app=$!
pids+=("$app")
wait_for_window
xdotool windowsize "$window" 1180 720 windowmove "$window" 0 34
traffic
sleep 1
shoot_window persian.png
kill "$app"
wait "$app" 2>/dev/null || true
