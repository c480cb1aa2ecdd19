#!/bin/sh
# Runs a test inside a private D-Bus session bus, in a scratch HOME, XDG config,
# data and runtime folders that are removed afterwards: gsettings (through
# dconf), kwriteconfig and the D-Bus signals the system proxy tests use land
# there, never in the user's own desktop settings.
#
#   tests/run-with-session-bus.sh TEST [ARGUMENTS...]
#
# Needs dbus (dbus-run-session); the test finds SWITCHYARD_TEST_SESSION_BUS=1 in
# its environment.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 TEST [ARGUMENTS...]" >&2
    exit 2
fi
if ! command -v dbus-run-session >/dev/null 2>&1; then
    echo "$0: dbus-run-session is missing (apt install dbus)" >&2
    exit 1
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-bus.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
mkdir -m 700 "$scratch/home" "$scratch/run"

HOME="$scratch/home"
XDG_RUNTIME_DIR="$scratch/run"
XDG_CONFIG_HOME="$scratch/home/.config"
XDG_DATA_HOME="$scratch/home/.local/share"
XDG_CACHE_HOME="$scratch/home/.cache"
SWITCHYARD_TEST_SESSION_BUS=1
export HOME XDG_RUNTIME_DIR XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME SWITCHYARD_TEST_SESSION_BUS
# No display: dbus-x11 cannot autolaunch a second bus. No desktop: the tests
# say which one they drive.
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS XDG_CURRENT_DESKTOP KDE_FULL_SESSION
unset GSETTINGS_BACKEND SWITCHYARD_SYSTEM_PROXY_BACKEND

status=0
dbus-run-session -- "$@" || status=$?
# dconf-service, started on the bus by the first write, goes with the bus.
exit "$status"
