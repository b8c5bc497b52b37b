#!/usr/bin/env bash
# Provisions a linux/arm64 CPython (Debian bookworm's python3.11, run under qemu-user) for the
# tests that import linux/arm64 wheels. Unpacks an arm64 Debian tree without running any of its
# maintainer scripts (no emulation needed to make it) into $CACHE/arm64-bookworm, once; prints
# the tree. Needs root for apt-get (installs mmdebstrap and qemu-user-static when missing).
#
# Run its interpreter with:  qemu-aarch64-static -L ROOT ROOT/usr/bin/python3.11 ...
set -euo pipefail
CACHE=${GOWRIGHT_CI_CACHE:-$HOME/.cache/gowright-ci}
SUITE=bookworm
# The recipe's version: change it to rebuild the tree.
RECIPE=1
ROOT=$CACHE/arm64-$SUITE
if [ "$(cat "$ROOT/.done" 2>/dev/null)" != "$RECIPE" ]; then
  missing=()
  for p in mmdebstrap qemu-user-static; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  rm -rf "$ROOT"
  mkdir -p "$CACHE"
  mmdebstrap --quiet --arch=arm64 --variant=extract \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --include=libpython3.11-stdlib,python3.11-minimal,libc6 \
    "$SUITE" "$ROOT" http://deb.debian.org/debian >&2
  for d in bin sbin lib; do [ -e "$ROOT/$d" ] || ln -s "usr/$d" "$ROOT/$d"; done
  echo "$RECIPE" > "$ROOT/.done"
fi
echo "$ROOT"
