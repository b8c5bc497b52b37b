#!/usr/bin/env bash
# Provisions CPython 3.15 for linux/amd64 (Debian sid's python3.15, with its headers) for the tests
# that run abi3 and abi3t wheels on it and check gowright's stable-ABI declarations against its
# <Python.h>. Unpacks a sid tree without running any maintainer scripts into $CACHE/sid-python,
# once; prints the tree. Its glibc is newer than this machine's, so its interpreter runs in the
# tree: chroot ROOT /usr/bin/python3.15 (the tests bind-mount what it needs). Needs root.
set -euo pipefail
CACHE=${GOWRIGHT_CI_CACHE:-$HOME/.cache/gowright-ci}
SUITE=sid
# The recipe's version: change it to rebuild the tree.
RECIPE=1
ROOT=$CACHE/sid-python
if [ "$(cat "$ROOT/.done" 2>/dev/null)" != "$RECIPE" ]; then
  if ! dpkg -s mmdebstrap >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
  fi
  rm -rf "$ROOT"
  mkdir -p "$CACHE"
  # sid's Release file is past its Valid-Until on the mirror served here.
  mmdebstrap --quiet --variant=extract \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --include=libc6,python3.15-minimal,libpython3.15-stdlib,libpython3.15-dev \
    "$SUITE" "$ROOT" http://deb.debian.org/debian >&2
  for d in bin sbin lib lib64; do [ -e "$ROOT/$d" ] || [ ! -e "$ROOT/usr/$d" ] || ln -s "usr/$d" "$ROOT/$d"; done
  mkdir -p "$ROOT/work" "$ROOT/tmp" "$ROOT/proc" "$ROOT/dev"
  echo "$RECIPE" > "$ROOT/.done"
fi
echo "$ROOT"
