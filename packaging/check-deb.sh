#!/usr/bin/env bash
# Builds the Debian package from this checkout and checks it the way a user gets
# it (Debian 12; run from CI, as root or not):
#
#   bash packaging/check-deb.sh [--apt-install] [--chroot] [--reuse] [BUILD_DIR]
#
# --chroot (root, network to deb.debian.org): also debootstrap a minimal Debian 12,
# `apt-get install` the package there and proxy a request with that binary.
# --reuse packages BUILD_DIR as it is (already configured and built, e.g. the CI
# preset's build/ci) instead of configuring a Release build there.
# 1. configure a Release build in BUILD_DIR (default build/package-check), build
#    it and run `cpack -G DEB`;
# 2. check the control fields and that the package holds the binary, desktop
#    entry, metainfo, hicolor icons and man page;
# 3. `apt-get install --simulate ./switchyard_*.deb` on this system, and again
#    against an EMPTY package database, so apt must find every dependency of a
#    clean Debian 12 from the archive; every library the binary links, and the
#    plugins it loads at run time, must come from a package in that set;
# 4. unpack it with `dpkg -x` into a scratch root and run that installed binary:
#    --version, and a headless proxy request (curl -> switchyard -> a Python
#    http.server on loopback);
# 5. validate the installed desktop entry, metainfo and man page.
#
# Why dpkg -x and not `apt install`: this machine is shared and already has every
# library installed, so a real install here would prove nothing more than step 3
# does, and it would change the system for everyone else. The empty-database
# simulation is what shows the declared dependencies are enough on a clean
# system. --apt-install adds a real `apt-get install ./switchyard_*.deb`, a run of
# /usr/bin/switchyard, and `apt-get purge` (root only): use it in a throwaway
# container.
#
# Needs: cmake, ninja-build, g++, the Qt build packages, libbrotli-dev, dpkg-dev,
# fakeroot (not as root), librsvg2-bin, desktop-file-utils, appstream, curl,
# python3, groff-base.
set -euo pipefail

APT_INSTALL=0
CHROOT_INSTALL=0
REUSE_BUILD=0
while [[ ${1:-} == --* ]]; do
    case $1 in
    --apt-install) APT_INSTALL=1 ;;
    --chroot) CHROOT_INSTALL=1 ;;
    --reuse) REUSE_BUILD=1 ;;
    *) echo "check-deb: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$(realpath -m "${1:-$SOURCE_DIR/build/package-check}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-check-deb.XXXXXX")
ROOT=$WORK/root
PIDS=()
APT_INSTALLED=0

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ -d $WORK/chroot/proc ]] && mountpoint -q "$WORK/chroot/proc"; then
        umount "$WORK/chroot/proc" || true
    fi
    if ((APT_INSTALLED)); then
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 purge -y -q switchyard \
            >/dev/null || echo "check-deb: could not purge switchyard" >&2
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

START=$SECONDS
step() { printf '\n== %s [%ds]\n' "$*" $((SECONDS - START)); }
fail() {
    echo "check-deb: FAIL: $*" >&2
    exit 1
}

# A TCP port free on loopback at this moment.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for SECONDS COMMAND...: retries COMMAND every 0.1 s, at most SECONDS.
wait_for() {
    local tries=$(($1 * 10))
    shift
    while ((tries-- > 0)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

if ((REUSE_BUILD)); then
    # CI: package the build the test suite just ran against, instead of
    # compiling everything a second time.
    [[ -f $BUILD_DIR/CMakeCache.txt ]] || fail "--reuse: $BUILD_DIR is not a configured build"
    step "build (reusing $BUILD_DIR)"
    # Everything the install rules take (the program, icons, man page).
    cmake --build "$BUILD_DIR" || fail "build"
else
    step "configure (Release, $BUILD_DIR)"
    cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DSWITCHYARD_BUILD_TESTS=OFF >"$WORK/configure.log" ||
        { cat "$WORK/configure.log"; fail "configure"; }
    grep -i "warning" -A3 "$WORK/configure.log" || true

    step "build"
    cmake --build "$BUILD_DIR" -j"$(nproc)" || fail "build"
fi

step "cpack -G DEB"
rm -f "$BUILD_DIR"/switchyard_*.deb
(cd "$BUILD_DIR" && cpack -G DEB >"$WORK/cpack.log") || { cat "$WORK/cpack.log"; fail "cpack"; }
debs=("$BUILD_DIR"/switchyard_*.deb)
[[ -f ${debs[0]} ]] || fail "cpack made no switchyard_*.deb in $BUILD_DIR"
DEB=${debs[0]}
echo "$DEB ($(du -h "$DEB" | cut -f1))"

step "control fields and contents"
VERSION=$(sed -n 's/^project(Switchyard VERSION \([0-9.]*\).*/\1/p' "$SOURCE_DIR/CMakeLists.txt")
[[ -n $VERSION ]] || fail "no project version in CMakeLists.txt"
dpkg-deb --field "$DEB"
[[ $(dpkg-deb --field "$DEB" Package) == switchyard ]] || fail "package name"
[[ $(dpkg-deb --field "$DEB" Version) == "$VERSION"-* ]] || fail "version is not $VERSION"
[[ $(dpkg-deb --field "$DEB" Section) == net ]] || fail "section is not net"
DEPENDS=$(dpkg-deb --field "$DEB" Depends)
for dependency in libsecret-1-0 libqt6svg6 qt6-qpa-plugins libqt6widgets6 libqt6network6 \
    libqt6keychain1 libbrotli1 libc6; do
    grep -Eq "(^|, )$dependency( |,|$)" <<<"$DEPENDS" || fail "Depends lacks $dependency: $DEPENDS"
done
dpkg-deb --contents "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$WORK/contents"
ID=io.github.switchyard.Switchyard
expected=(/usr/bin/switchyard "/usr/share/applications/$ID.desktop" "/usr/share/metainfo/$ID.metainfo.xml"
    "/usr/share/icons/hicolor/scalable/apps/$ID.svg" /usr/share/man/man1/switchyard.1.gz)
for size in 16 22 24 32 48 64 128 256; do
    expected+=("/usr/share/icons/hicolor/${size}x${size}/apps/$ID.png")
done
for path in "${expected[@]}"; do
    grep -qx -- "$path" "$WORK/contents" || fail "the package lacks $path"
done
echo "all ${#expected[@]} expected files are in the package"

step "apt-get install --simulate on this system"
apt-get install --simulate -q "$DEB" >"$WORK/apt-here.log" 2>&1 ||
    { cat "$WORK/apt-here.log"; fail "apt cannot install the package here"; }
grep -E '^(Inst|Conf) switchyard ' "$WORK/apt-here.log" || fail "apt would not install switchyard"

step "apt-get install --simulate on an empty package database (a clean system)"
: >"$WORK/empty-status"
apt-get install --simulate -q -o Dir::State::status="$WORK/empty-status" \
    -o APT::Install-Recommends=false "$DEB" >"$WORK/apt-clean.log" 2>&1 ||
    { cat "$WORK/apt-clean.log"; fail "the dependencies do not resolve on a clean system"; }
sed -n 's/^Inst \([^ :]*\).*/\1/p' "$WORK/apt-clean.log" | sort -u >"$WORK/clean-set"
grep -qx switchyard "$WORK/clean-set" || fail "apt would not install switchyard on a clean system"
echo "$(wc -l <"$WORK/clean-set") packages would be installed on a clean system"

step "unpack into $ROOT"
dpkg-deb -x "$DEB" "$ROOT"
BIN=$ROOT/usr/bin/switchyard
[[ -x $BIN ]] || fail "no executable /usr/bin/switchyard in the package"

step "every linked library and run-time plugin comes with the dependencies"
# The binary's libraries as this system resolves them, and the packages that
# ship them; each must be in the clean-system set (a library from a package
# missing there would only work here by luck).
ldd "$BIN" | awk '/=> \//{print $3}' | sort -u >"$WORK/libraries"
# One dpkg -S for all of them (one call per library takes seconds each). With
# merged /usr a library may be registered under /lib rather than /usr/lib.
mapfile -t libraries <"$WORK/libraries"
candidates=()
for library in "${libraries[@]}"; do
    candidates+=("$library" "$(realpath "$library")" "${library#/usr}")
done
dpkg -S "${candidates[@]}" 2>/dev/null | sed -E 's/^([^:, ]+)(:[a-z0-9]+)?: /\1 /' >"$WORK/owners" || true
missing=0
for library in "${libraries[@]}"; do
    package=$(awk -v a="$library" -v b="$(realpath "$library")" -v c="${library#/usr}" \
        '$2 == a || $2 == b || $2 == c {print $1; exit}' "$WORK/owners")
    if [[ -z $package ]]; then
        echo "  $library: no Debian package owns it" >&2
        missing=1
    elif ! grep -qx "$package" "$WORK/clean-set"; then
        echo "  $library ($package) is not pulled in by the dependencies" >&2
        missing=1
    fi
done
# Loaded with dlopen, so invisible to ldd and dpkg-shlibdeps:
for package in libsecret-1-0 libqt6svg6 qt6-qpa-plugins; do
    grep -qx "$package" "$WORK/clean-set" || { echo "  $package is not installed" >&2; missing=1; }
done
((missing == 0)) || fail "dependencies are incomplete"
echo "${#libraries[@]} libraries and 3 dlopened packages covered"

step "installed binary: --version"
got=$("$BIN" --version)
[[ $got == "switchyard $VERSION" ]] || fail "--version printed '$got', not 'switchyard $VERSION'"
echo "$got"

step "installed binary: a headless proxy request"
mkdir -p "$WORK/home" "$WORK/www" && mkdir -m 700 "$WORK/run"
token="switchyard package check $RANDOM$RANDOM"
echo "$token" >"$WORK/www/hello.txt"
origin_port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$WORK/www" "$origin_port" \
    >"$WORK/origin.log" 2>&1 &
PIDS+=($!)
wait_for 10 curl -sf --noproxy '*' "http://127.0.0.1:$origin_port/hello.txt" ||
    fail "the loopback origin did not start"
proxy_port=$(free_port)
# A scratch HOME: the check never reads or writes the user's own settings.
HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_DATA_HOME=$WORK/home/.local/share \
    XDG_RUNTIME_DIR=$WORK/run "$BIN" --headless --listen "127.0.0.1:$proxy_port" \
    2>"$WORK/proxy.log" &
proxy_pid=$!
PIDS+=("$proxy_pid")
wait_for 10 grep -q "listening on 127.0.0.1:$proxy_port" "$WORK/proxy.log" ||
    { cat "$WORK/proxy.log"; fail "the installed switchyard did not start listening"; }
body=$(curl -sS --max-time 10 -x "http://127.0.0.1:$proxy_port" \
    "http://127.0.0.1:$origin_port/hello.txt") || { cat "$WORK/proxy.log"; fail "curl through the proxy"; }
[[ $body == "$token" ]] || fail "the proxy returned '$body', not the origin's file"
wait_for 5 grep -q "hello.txt" "$WORK/proxy.log" || { cat "$WORK/proxy.log"; fail "no log line for the request"; }
kill -TERM "$proxy_pid"
status=0
wait "$proxy_pid" || status=$?
((status == 0)) || { cat "$WORK/proxy.log"; fail "switchyard exited with $status after SIGTERM"; }
cat "$WORK/proxy.log"

step "installed desktop entry, metainfo, man page and icons"
desktop-file-validate "$ROOT/usr/share/applications/$ID.desktop" >"$WORK/dfv.log" 2>&1 || true
if [[ -s $WORK/dfv.log ]]; then
    cat "$WORK/dfv.log"
    fail "desktop-file-validate"
fi
appstreamcli validate --no-net "$ROOT/usr/share/metainfo/$ID.metainfo.xml" || fail "appstreamcli validate"
# The Icon= and launchable names must match the installed files.
grep -qx "Icon=$ID" "$ROOT/usr/share/applications/$ID.desktop" || fail "Icon= is not $ID"
grep -q "<launchable type=\"desktop-id\">$ID.desktop</launchable>" \
    "$ROOT/usr/share/metainfo/$ID.metainfo.xml" || fail "metainfo launchable"
warnings=$(zcat "$ROOT/usr/share/man/man1/switchyard.1.gz" | groff -man -Tutf8 -ww -z 2>&1)
[[ -z $warnings ]] || fail "the man page renders with warnings: $warnings"
MANWIDTH=80 man -l "$ROOT/usr/share/man/man1/switchyard.1.gz" 2>/dev/null | grep -q -- '--headless' ||
    fail "man -l cannot show the installed man page"
python3 - "$ROOT/usr/share/icons/hicolor" "$ID" <<'PY' || fail "hicolor icons"
import struct, sys
root, app = sys.argv[1], sys.argv[2]
for size in (16, 22, 24, 32, 48, 64, 128, 256):
    with open(f"{root}/{size}x{size}/apps/{app}.png", "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{size}: not a PNG"
    w, h = struct.unpack(">II", head[16:24])
    assert (w, h) == (size, size), f"{size}x{size} icon is {w}x{h}"
print("8 PNG icons of the right sizes")
PY

if ((APT_INSTALL)); then
    step "apt-get install ./$(basename "$DEB") (real)"
    ((EUID == 0)) || fail "--apt-install needs root"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "$DEB"
    APT_INSTALLED=1
    [[ $(/usr/bin/switchyard --version) == "switchyard $VERSION" ]] || fail "/usr/bin/switchyard --version"
    command -v switchyard | grep -qx /usr/bin/switchyard || fail "switchyard is not on the PATH"
fi

if ((CHROOT_INSTALL)); then
    # The honest test of "installs on a clean Debian 12": a minimal bookworm
    # made by debootstrap, the package installed there by apt from the archive,
    # and the installed binary serving a request (the chroot shares this
    # machine's loopback, so the origin and curl stay outside it).
    step "a clean Debian 12 (debootstrap --variant=minbase bookworm)"
    ((EUID == 0)) || fail "--chroot needs root"
    command -v debootstrap >/dev/null || fail "--chroot needs debootstrap"
    CHROOT=$WORK/chroot
    debootstrap --variant=minbase bookworm "$CHROOT" http://deb.debian.org/debian \
        >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap"; }
    step "apt-get install ./$(basename "$DEB") in the clean system"
    cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"
    cp "$DEB" "$CHROOT/tmp/"
    mount --bind /proc "$CHROOT/proc"
    chroot "$CHROOT" env DEBIAN_FRONTEND=noninteractive sh -c \
        "apt-get update -qq && apt-get install -y -q /tmp/$(basename "$DEB")" >"$WORK/chroot-apt.log" 2>&1 ||
        { tail -30 "$WORK/chroot-apt.log"; fail "apt-get install in the clean system"; }
    [[ $(chroot "$CHROOT" switchyard --version) == "switchyard $VERSION" ]] ||
        fail "switchyard --version in the clean system"
    step "the binary installed in the clean system proxies a request"
    chroot_port=$(free_port)
    chroot "$CHROOT" env HOME=/root timeout 30 switchyard --headless --listen "127.0.0.1:$chroot_port" \
        2>"$WORK/chroot-proxy.log" &
    chroot_pid=$!
    PIDS+=("$chroot_pid")
    wait_for 10 grep -q "listening on 127.0.0.1:$chroot_port" "$WORK/chroot-proxy.log" ||
        { cat "$WORK/chroot-proxy.log"; fail "switchyard in the clean system did not listen"; }
    body=$(curl -sS --max-time 10 -x "http://127.0.0.1:$chroot_port" \
        "http://127.0.0.1:$origin_port/hello.txt") || fail "curl through the clean system's proxy"
    [[ $body == "$token" ]] || fail "the clean system's proxy returned '$body'"
    cat "$WORK/chroot-proxy.log"
fi

step "passed"
echo "check-deb: $DEB is good ($((SECONDS - START)) s)"
