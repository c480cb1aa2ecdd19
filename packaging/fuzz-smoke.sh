#!/bin/sh
# Builds the libFuzzer targets (the "fuzz" preset: clang, ASan + UBSan) and runs
# each for FUZZ_SECONDS (default 60) on a scratch copy of its seed corpus, with
# its dictionary. Fails on the first crash, leak, timeout or sanitizer report;
# the reproducer is left in FUZZ_ARTIFACTS (default build/fuzz/artifacts).
#
#   packaging/fuzz-smoke.sh                      # build + 60 s per target
#   FUZZ_SECONDS=600 packaging/fuzz-smoke.sh     # a longer run
#   FUZZ_BUILD_DIR=build/x FUZZ_JOBS=2 packaging/fuzz-smoke.sh
#
# Needs clang and libclang-rt-dev (Debian: clang-14, libclang-rt-14-dev).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD_DIR:-$here/build/fuzz}
jobs=${FUZZ_JOBS:-2}
artifacts=${FUZZ_ARTIFACTS:-$build/artifacts}
targets="fuzz_http_request fuzz_http_response fuzz_socks_handshake"

cmake --preset fuzz -S "$here" -B "$build" >/dev/null
cmake --build "$build" --target fuzzers -j "$jobs"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts"

status=0
for target in $targets; do
    case $target in
        fuzz_socks_handshake) dict=$here/tests/fuzz/socks.dict ;;
        *) dict=$here/tests/fuzz/http.dict ;;
    esac
    corpus=$scratch/$target
    mkdir -p "$corpus"
    cp "$here/tests/fuzz/corpus/$target"/* "$corpus"/
    echo "== $target: $seconds s"
    # -max_len: HTTP heads are bounded by the limits the targets set (a few KiB).
    if ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
       UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
       "$build/tests/fuzz/$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
           -rss_limit_mb=2048 -dict="$dict" -artifact_prefix="$artifacts/$target-" \
           -print_final_stats=1 "$corpus" >"$scratch/$target.log" 2>&1; then
        grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' \
            "$scratch/$target.log" || true
    else
        status=1
        echo "!! $target failed; last lines of its log:"
        tail -n 60 "$scratch/$target.log"
    fi
done
exit $status
