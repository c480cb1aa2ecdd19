#!/bin/sh
# Runs a test against a real Secret Service: a private D-Bus session bus with
# gnome-keyring-daemon on it, its login keyring unlocked with a throwaway
# password, in a scratch HOME and XDG_RUNTIME_DIR that are removed afterwards.
# Nothing of the user's own session or keyring is touched.
#
#   tests/run-with-keyring.sh TEST [ARGUMENTS...]
#
# Needs dbus (dbus-run-session, dbus-daemon), gnome-keyring and libsecret-tools
# (secret-tool); the test finds SWITCHYARD_TEST_KEYRING=1 in its environment.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 TEST [ARGUMENTS...]" >&2
    exit 2
fi
for tool in dbus-run-session dbus-daemon gnome-keyring-daemon secret-tool; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool is missing (apt install dbus gnome-keyring libsecret-tools)" >&2
        exit 1
    fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
mkdir -m 700 "$scratch/home" "$scratch/run"

HOME="$scratch/home"
XDG_RUNTIME_DIR="$scratch/run"
XDG_CONFIG_HOME="$scratch/home/.config"
XDG_DATA_HOME="$scratch/home/.local/share"
XDG_CACHE_HOME="$scratch/home/.cache"
SWITCHYARD_TEST_KEYRING=1
export HOME XDG_RUNTIME_DIR XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME SWITCHYARD_TEST_KEYRING
# No display: no unlock prompt can appear, and dbus-x11 cannot autolaunch a bus.
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS

status=0
dbus-run-session -- sh -c '
    # --unlock reads the password on standard input and creates the login
    # keyring with it on first use. In the foreground, so that its process id
    # is known and it can be ended with the session (it would outlive the bus).
    printf %s switchyard-test-keyring |
        gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null &
    keyring=$!
    ready=no
    for attempt in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do
        if dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus / \
            org.freedesktop.DBus.GetNameOwner string:org.freedesktop.secrets >/dev/null 2>&1; then
            ready=yes
            break
        fi
        sleep 0.2
    done
    if [ "$ready" != yes ]; then
        echo "run-with-keyring: gnome-keyring-daemon did not come up on the bus" >&2
        kill "$keyring" 2>/dev/null
        exit 1
    fi
    "$@"
    status=$?
    kill "$keyring" 2>/dev/null
    wait "$keyring" 2>/dev/null
    exit $status' sh "$@" || status=$?
exit "$status"
