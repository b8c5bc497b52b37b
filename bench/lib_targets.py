#!/usr/bin/env python3
"""`gowright build --all-targets` of a library against building its six targets one at a time,
and a `gowright develop` with nothing changed.

Both build scenarios append a comment to hello.go before every command, so that every target's
extension modules are compiled and linked again (the Go build cache stays warm, as on a
developer's machine): `--all-targets` builds the six default targets side by side in one
process; the baseline runs `gowright build --target T` for each of them in turn. Both make the
same wheels (abi3 for every target, abi3t for all but Windows), with zig as the C compiler
(`GOWRIGHT_ZIG`, else `zig` on PATH or the `ziglang` package of this Python). Interleaved round
by round.

`develop` is timed against `python -c pass` (the start-up of the interpreter it installs into),
in a fresh venv with the project installed already, nothing changed. Goal: ≤ 0.3 s.

    python3 bench/lib_targets.py [--rounds 3] [--gowright target/release/gowright]
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
TARGETS = ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"]


def find_zig() -> str:
    if os.environ.get("GOWRIGHT_ZIG"):
        return os.environ["GOWRIGHT_ZIG"]
    if shutil.which("zig"):
        return shutil.which("zig")
    try:
        import ziglang  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("zig is needed: pip install ziglang, or set GOWRIGHT_ZIG")
    return str(Path(ziglang.__file__).parent / "zig")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--gowright", type=Path, default=DEFAULT_GOWRIGHT)
    args = parser.parse_args()
    if not args.gowright.is_file():
        sys.exit(f"{args.gowright} does not exist: run `cargo build --release` first")
    tmp = Path(tempfile.mkdtemp(prefix="gowright-bench-targets-"))
    try:
        root = copy_project(PROJECT, tmp / "project")
        env = dict(os.environ, GOWRIGHT_ZIG=find_zig())
        gowright = [str(args.gowright.resolve()), "build", "-q", "-o", str(tmp / "dist")]
        all_targets = [*gowright, "--all-targets"]
        one_at_a_time = [[*gowright, "--target", t] for t in TARGETS]
        subprocess.run(all_targets, cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)
        wheels = len(list((tmp / "dist").glob("*.whl")))
        source = root / "hello.go"
        original = source.read_text()
        edits = 0

        def edit() -> None:
            nonlocal edits
            edits += 1
            source.write_text(f"{original}// bench edit {edits}\n")

        def sequential() -> int:
            total = 0
            for cmd in one_at_a_time:
                edit()  # each target then compiles and links, as it would alone
                total += time_ns(cmd, cwd=root, env=env)
            return total

        def together() -> int:
            edit()
            return time_ns(all_targets, cwd=root, env=env)

        commands = {"gowright build --all-targets": together, "6 × gowright build --target T": sequential}
        samples: dict[str, list[int]] = {name: [] for name in commands}
        names = list(commands)
        for round_ in range(args.rounds):
            for name in names if round_ % 2 == 0 else list(reversed(names)):
                samples[name].append(commands[name]())
        source.write_text(original)
        print("## Library for every target: `--all-targets` vs one target at a time\n")
        print(f"- project: `examples/hello-lib`, {wheels} wheels; hello.go edited before every build\n")
        base = Summary.of(samples["6 × gowright build --target T"])
        rows = [["6 × gowright build --target T (baseline)", *base.cells()]]
        rows.append(["gowright build --all-targets", *Summary.of(samples["gowright build --all-targets"]).cells()])
        print(markdown_table(["command", "median ms", "mean ms", "stdev ms", "min ms"], rows))
        ratio = Summary.of(samples["gowright build --all-targets"]).median_ms / base.median_ms
        print(
            f"\n- --all-targets / one at a time: {ratio:.2f}× (medians), "
            f"{paired_ratio(samples['gowright build --all-targets'], samples['6 × gowright build --target T']):.2f}× "
            "(median of per-round ratios)\n"
        )

        # develop, nothing changed, against the interpreter's own start-up.
        venv = tmp / "venv"
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        python = venv / "bin" / "python"
        develop = [str(args.gowright.resolve()), "develop", "-q", "--venv", str(venv)]
        subprocess.run(develop, cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)
        dev, start = [], []
        for round_ in range(20):
            dev.append(time_ns(develop, cwd=root, env=env))
            start.append(time_ns([str(python), "-c", "pass"], cwd=root, env=env))
        d, s = Summary.of(dev), Summary.of(start)
        print("## `gowright develop`, nothing changed (20 interleaved runs)\n")
        print(markdown_table(
            ["command", "median ms", "mean ms", "stdev ms", "min ms"],
            [["python -c pass (baseline)", *s.cells()], ["gowright develop", *d.cells()]],
        ))
        print(
            f"\n- develop / python start-up: {d.median_ms / s.median_ms:.2f}×; "
            f"develop {d.median_ms / 1000:.3f} s, goal ≤ 0.3 s: {'OK' if d.median_ms <= 300 else 'OVER'}\n"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
