#!/usr/bin/env python3
"""Builds gowright in release mode and runs the start-up and build-time benchmarks (Markdown).

    python3 bench/run.py                    # cargo build --release, then startup.py and build_time.py
    python3 bench/run.py --no-build         # use the existing target/release/gowright
    python3 bench/run.py --gowright PATH    # benchmark that gowright executable (no build)
    python3 bench/run.py --quick            # fewer runs, for checking that the scripts work

The output (machine description + tables) is what bench/RESULTS.md records.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
from _common import DEFAULT_GOWRIGHT, REPO, machine_info  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="skip `cargo build --release`")
    parser.add_argument("--gowright", type=Path, help="the gowright executable to benchmark (implies --no-build)")
    parser.add_argument("--quick", action="store_true", help="20 start-up runs, 3 build rounds")
    args = parser.parse_args()

    gowright = (args.gowright or DEFAULT_GOWRIGHT).resolve()
    if not (args.no_build or args.gowright):
        print("cargo build --release ...", file=sys.stderr, flush=True)
        if subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO).returncode != 0:
            sys.exit("cargo build --release failed; use --no-build or --gowright PATH to benchmark an existing build")

    common = ["--gowright", str(gowright)]
    startup = [sys.executable, str(HERE / "startup.py"), *common]
    build_time = [sys.executable, str(HERE / "build_time.py"), *common]
    if args.quick:
        startup += ["--runs", "20", "--warmup", "2"]
        build_time += ["--rounds", "3", "--warmup", "1"]

    print("## Machine\n")
    for key, value in machine_info(gowright):
        print(f"- {key}: {value}")
    command = shlex.join(["python3", "bench/run.py", *sys.argv[1:]])
    print(f"- command: `{command}`\n")
    sys.stdout.flush()
    for argv in (startup, build_time):
        subprocess.run(argv, check=True)
        print(flush=True)


if __name__ == "__main__":
    main()
