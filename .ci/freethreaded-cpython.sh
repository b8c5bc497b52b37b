#!/usr/bin/env bash
# Provisions free-threaded CPython 3.13t (built with --disable-gil) for the tests of cp313t wheels,
# and prints its interpreter. No Debian suite ships a free-threaded package, so it is built from
# Debian trixie's python3.13 source (the upstream tarball, checked against the pinned sha256
# below), fetched with a private apt configuration that leaves /etc/apt alone. Cached in
# $GOWRIGHT_CI_CACHE (~/.cache/gowright-ci); change RECIPE to rebuild. Needs root for apt-get.
set -euo pipefail
CACHE=${GOWRIGHT_CI_CACHE:-$HOME/.cache/gowright-ci}
RECIPE=1
VERSION=3.13.5
SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
DIR=$CACHE/cpython-$VERSION-freethreaded
MIRROR=${MIRROR:-http://deb.debian.org/debian}

if [ "$(cat "$DIR/.done" 2>/dev/null)" != "$RECIPE" ]; then
  missing=()
  for p in build-essential libssl-dev zlib1g-dev libffi-dev libbz2-dev liblzma-dev libsqlite3-dev \
      uuid-dev xz-utils; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  SRC=$CACHE/src
  TARBALL=$SRC/python3.13_$VERSION.orig.tar.xz
  mkdir -p "$SRC"
  if ! echo "$SHA256  $TARBALL" | sha256sum -c --quiet 2>/dev/null; then
    APT=$CACHE/apt-trixie-src
    mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main" >"$APT/sources.list"
    opts=(-o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/nonexistent
          -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o Acquire::Check-Valid-Until=false)
    apt-get "${opts[@]}" update -qq
    (cd "$SRC" && apt-get "${opts[@]}" source --download-only python3.13 2>&1 \
      | grep -v 'unsandboxed' >&2 || true)
    echo "$SHA256  $TARBALL" | sha256sum -c --quiet >&2
  fi
  BUILD=$(mktemp -d)
  trap 'rm -rf "$BUILD"' EXIT
  tar xf "$TARBALL" -C "$BUILD"
  rm -rf "$DIR"
  (cd "$BUILD"/Python-$VERSION \
    && ./configure -q --disable-gil --prefix="$DIR" --with-ensurepip=install --disable-test-modules \
    && make -s -j"$(nproc)" >/dev/null 2>&1 && make -s install >/dev/null 2>&1) >&2
  rm -rf "$DIR/lib/python3.13t/test"
  echo "$RECIPE" >"$DIR/.done"
fi
echo "$DIR/bin/python3.13t"
