#!/usr/bin/env bash
# usage: wine-run.sh PROGRAM.exe [ARGS...]
# Runs a Windows program under wine with a prefix cached in $CACHE (made on first use).
# wine 8's Windows CPython dies when a standard handle is a regular file or closed, so stdin is
# /dev/null and output goes through a pipe.
set -uo pipefail
CACHE=${GOWRIGHT_CI_CACHE:-$HOME/.cache/gowright-ci}
export WINEPREFIX=${WINEPREFIX:-$CACHE/wineprefix} WINEDEBUG=${WINEDEBUG:--all} WINEARCH=win64
[ -e "$WINEPREFIX/system.reg" ] || wineboot -i >/dev/null 2>&1 || true
wine "$@" < /dev/null 2>&1 | cat
exit "${PIPESTATUS[0]}"
