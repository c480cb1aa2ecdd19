#!/usr/bin/env bash
# Switchyard quick start on Debian 12, run as root from anywhere in the checkout:
#   bash packaging/quickstart.sh run [switchyard options]
#       install what is missing, build with the "dev" preset, start the app
#       (the window when a display is set, otherwise --headless)
#   bash packaging/quickstart.sh test
#       install what is missing (test tools too), build with the "asan" preset
#       (AddressSanitizer + UBSan, warnings are errors) and run the whole test
#       suite with ctest; then build the program with the "ci" preset (optimised,
#       warnings are errors), check its Debian package, and run the fuzzers
#       briefly
# Installed packages are checked with dpkg-query first, so a second run goes
# straight to the (incremental) build.
set -euo pipefail

# The one list of Debian packages. Build and run:
BUILD_PACKAGES=(
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-translations-l10n qt6-svg-dev qtkeychain-qt6-dev libgl-dev libxkbcommon-dev
    libsecret-1-0 cmake ninja-build g++ node-llhttp librsvg2-bin libbrotli-dev
)
# What the test suite starts or drives, besides the above:
TEST_PACKAGES=(
    curl openssl xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools squid-openssl
    microsocks dante-server python3 python3-pacparser util-linux
    dconf-cli dconf-gsettings-backend gsettings-desktop-schemas libkf5config-bin
    desktop-file-utils appstream dpkg-dev fakeroot groff-base man-db libglib2.0-bin
    clang libclang-rt-14-dev
)

usage() {
    echo "usage: bash packaging/quickstart.sh run [switchyard options] | test" >&2
    exit 2
}

# Prints the packages among "$@" that are not installed.
missing_packages() {
    local package
    for package in "$@"; do
        if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" != installed ]]; then
            echo "$package"
        fi
    done
}

install_packages() {
    if ! command -v dpkg-query >/dev/null; then
        echo "quickstart: not a Debian system; install the equivalents of: $*" >&2
        return 0
    fi
    local missing
    mapfile -t missing < <(missing_packages "$@")
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    local sudo=()
    if ((EUID != 0)); then
        if ! command -v sudo >/dev/null; then
            echo "quickstart: run as root to install: ${missing[*]}" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    echo "quickstart: installing ${missing[*]}" >&2
    local apt=(apt-get -o DPkg::Lock::Timeout=600)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y "${missing[@]}"
}

# The HAR tests validate with the npm package har-validator (pinned in
# tests/scripts/package-lock.json). Node comes from Debian unless one is there.
install_node_tools() {
    if ! command -v npm >/dev/null; then
        install_packages nodejs npm
    fi
    if [[ ! -d tests/scripts/node_modules/har-validator ]]; then
        npm ci --prefix tests/scripts --no-audit --no-fund --loglevel=error
    fi
}

build() {
    local preset=$1
    cmake --preset "$preset"
    cmake --build --preset "$preset"
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."

command=${1:-}
if (($# > 0)); then
    shift
fi
case "$command" in
run)
    install_packages "${BUILD_PACKAGES[@]}"
    build dev
    binary=build/dev/app/switchyard
    if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
        echo "quickstart: starting the Switchyard window" >&2
        exec "$binary" "$@"
    fi
    echo "quickstart: no display, starting headless (Ctrl-C stops it)" >&2
    exec "$binary" --headless "$@"
    ;;
test)
    (($# == 0)) || usage
    install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    install_node_tools
    started=$SECONDS
    stage() { echo "quickstart: $* [$((SECONDS - started)) s]" >&2; }
    # 1. The whole suite once, built with AddressSanitizer and UBSan and with
    #    warnings as errors: what a plain build would catch, and memory errors.
    build asan
    stage "asan build done"
    ctest --preset asan
    stage "asan tests passed"
    # 2. The optimised program (warnings as errors) as a Debian package that
    #    installs on a clean Debian 12 and proxies a request once installed.
    # (the program, its resources and translations; the tests ran above)
    cmake --preset ci -DSWITCHYARD_BUILD_TESTS=OFF
    cmake --build --preset ci
    stage "ci build done"
    bash packaging/check-deb.sh --reuse build/ci
    stage "package checked"
    #    The one test the sanitized build cannot run (the program out of file
    #    descriptors, see tests/CMakeLists.txt), against this optimised program.
    cmake --preset ci -DSWITCHYARD_BUILD_TESTS=ON
    cmake --build --preset ci --target tst_filelimit
    ctest --preset ci -R '^tst_filelimit$'
    stage "descriptor limit test passed (ci build)"
    # 3. The parsers under libFuzzer (clang, ASan + UBSan), briefly.
    FUZZ_SECONDS=${FUZZ_SECONDS:-30} bash packaging/fuzz-smoke.sh
    stage "fuzz smoke run passed"
    ;;
*)
    usage
    ;;
esac
