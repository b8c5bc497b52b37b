#!/usr/bin/env python3
"""Wall time of a warm `gowright build` of a library against `go build -buildmode=c-shared`.

The baseline is the `go build` gowright runs for the extension module, with the same
environment (CGO_ENABLED=1, CGO_CFLAGS=-O2, the machine's C compiler: no zig, so the baseline and
gowright use the same compiler) and flags, on the package gowright generated
(target/_gowright/<module>), into its own output path. Nothing changes between rounds: gowright
still checks the project, answers `go env`, `go list` and the API dump from its caches, finds
that nothing the library is built from changed (so Go's relink is skipped) and reuses the
wheel. A second scenario appends a comment to hello.go before every command, so that both
compile and link. Interleaved round by round.

By default gowright builds two wheels of the library (abi3, and abi3t for CPython >= 3.15, each
its own link, side by side); `gowright build -i python3` builds the abi3 one alone, the same
work as the baseline.

Goal (issue "every platform"): gowright / go <= 1.1x.

    python3 bench/lib_build_time.py [--rounds 20] [--gowright target/release/gowright]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
from _common import (  # noqa: E402
    DEFAULT_GOWRIGHT,
    REPO,
    Summary,
    copy_project,
    markdown_table,
    paired_ratio,
    time_ns,
)

PROJECT = REPO / "examples" / "hello-lib"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--gowright", type=Path, default=DEFAULT_GOWRIGHT)
    args = parser.parse_args()
    if not args.gowright.is_file():
        sys.exit(f"{args.gowright} does not exist: run `cargo build --release` first")
    tmp = Path(tempfile.mkdtemp(prefix="gowright-bench-lib-"))
    try:
        root = copy_project(PROJECT, tmp / "project")
        # Both sides use the machine's compiler (gowright would use zig when it finds one).
        env = {k: v for k, v in os.environ.items() if k not in ("GOWRIGHT_ZIG", "VIRTUAL_ENV")}
        env["PATH"] = os.pathsep.join(
            d for d in env["PATH"].split(os.pathsep) if not (Path(d) / "zig").exists()
        )
        gowright = [str(args.gowright.resolve()), "build", "-q", "-o", str(tmp / "dist")]
        subprocess.run(gowright, cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)
        generated = "./target/_gowright/hello_lib"
        go = [
            shutil.which("go") or "go", "build", "-trimpath", "-buildvcs=false", "-buildmode=c-shared",
            "-ldflags=-s -w", "-o", str(root / "target" / "plain-go" / "_hello_lib.abi3.so"), "--", generated,
        ]
        go_env = {**env, "CGO_ENABLED": "1", "CGO_CFLAGS": "-O2"}
        print("## Library build time: `gowright build` vs `go build -buildmode=c-shared`\n")
        print(f"- project: `examples/hello-lib`; go: `CGO_ENABLED=1 CGO_CFLAGS=-O2 {' '.join(go[:6])} ... -- {generated}`\n")
        abi3_only = [*gowright, "--interpreter", sys.executable]
        commands = {
            "gowright build": lambda: time_ns(gowright, cwd=root, env=env, stderr=subprocess.DEVNULL),
            "gowright build -i python3 (abi3 only)": lambda: time_ns(
                abi3_only, cwd=root, env=env, stderr=subprocess.DEVNULL
            ),
            "go build -buildmode=c-shared": lambda: time_ns(go, cwd=root, env=go_env),
        }
        source = root / "hello.go"
        original = source.read_text()
        edits = 0
        for scenario, edit in (("warm: nothing changed", False), ("edited: a comment appended to hello.go before every command", True)):
            samples: dict[str, list[int]] = {name: [] for name in commands}
            names = list(commands)
            for round_ in range(-args.warmup, args.rounds):
                for name in names if round_ % 2 == 0 else list(reversed(names)):
                    if edit:
                        edits += 1
                        source.write_text(f"{original}// bench edit {edits}\n")
                    elapsed = commands[name]()
                    if round_ >= 0:
                        samples[name].append(elapsed)
            source.write_text(original)
            baseline = "go build -buildmode=c-shared"
            base = Summary.of(samples[baseline])
            print(f"### {scenario} ({args.rounds} interleaved rounds)\n")
            rows = [[f"{baseline} (baseline)", *base.cells()]]
            rows += [[name, *Summary.of(samples[name]).cells()] for name in names if name != baseline]
            print(markdown_table(["command", "median ms", "mean ms", "stdev ms", "min ms"], rows))
            print()
            for name in names:
                if name == baseline:
                    continue
                ratio = Summary.of(samples[name]).median_ms / base.median_ms
                print(
                    f"- {name} / go: {ratio:.2f}× (medians), "
                    f"{paired_ratio(samples[name], samples[baseline]):.2f}× (median of per-round ratios)"
                    + (f"; goal ≤ 1.1×: {'OK' if ratio <= 1.1 else 'OVER'}" if not edit else "")
                )
            print()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
