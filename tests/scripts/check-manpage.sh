#!/bin/sh
# Checks resources/switchyard.1 (run by ctest):
#   check-manpage.sh render PAGE
#       groff and man render it with every warning on and say nothing.
#   check-manpage.sh options PAGE BINARY
#       every option that "BINARY --help" lists is described in PAGE, and every
#       option PAGE describes in OPTIONS is still in --help: they cannot drift.
set -eu

mode=${1:-}
page=${2:-}
[ -f "$page" ] || { echo "usage: $0 render PAGE | options PAGE BINARY" >&2; exit 2; }

case $mode in
render)
    # groff exits 0 even when it warns: any output at all is a failure.
    out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    if [ -n "$out" ]; then
        echo "groff warns about $page:" >&2
        echo "$out" >&2
        exit 1
    fi
    if command -v man >/dev/null; then
        # man-db's own check (the "-ww" of groff plus its preprocessors).
        out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
        if [ -n "$out" ]; then
            echo "man --warnings complains about $page:" >&2
            echo "$out" >&2
            exit 1
        fi
    fi
    echo "$page renders without warnings"
    ;;
options)
    binary=${3:-}
    [ -x "$binary" ] || { echo "no executable $binary" >&2; exit 2; }
    help=$(QT_QPA_PLATFORM=offscreen "$binary" --help)
    # The option column of --help: "  -h, --help  Show ..." -> -h --help
    options=$(printf '%s\n' "$help" | sed -n 's/^  \(-[^ ].*\)$/\1/p' |
        sed 's/  .*//; s/ <[^>]*>//g; s/,/ /g')
    [ -n "$options" ] || { echo "no options found in --help output:" >&2; echo "$help" >&2; exit 1; }
    # The rendered page, unhyphenated and unformatted, with its OPTIONS section cut out.
    rendered=$(groff -man -Tascii -P-cbou -rHY=0 "$page" 2>/dev/null)
    section=$(printf '%s\n' "$rendered" | sed -n '/^OPTIONS$/,/^[A-Z][A-Z ]*$/p')
    failed=0
    count=0
    for option in $options; do
        count=$((count + 1))
        # An item of OPTIONS starts with the option at the indent of ".TP".
        if ! printf '%s\n' "$section" | grep -Eq -- "^       (.*, )?$option( |,|\$)"; then
            echo "$option is in --help but not described in OPTIONS of $page" >&2
            failed=1
        fi
    done
    # And the other way: items in OPTIONS that --help no longer lists.
    # (An item's tag follows a blank line; a wrapped line of text does not.)
    tags=$(printf '%s\n' "$section" | awk 'prev == "" && /^       -/ { print $1 } { prev = $0 }')
    for item in $(printf '%s\n' "$tags" | sed 's/,$//'); do
        if ! printf '%s\n' "$options" | tr ' ' '\n' | grep -qx -- "$item"; then
            echo "$item is described in $page but not in --help" >&2
            failed=1
        fi
    done
    [ $failed = 0 ] && echo "all $count options of --help are in $page"
    exit $failed
    ;;
*)
    echo "usage: $0 render PAGE | options PAGE BINARY" >&2
    exit 2
    ;;
esac
