#!/usr/bin/env python3
"""Wall time of `gowright build` against a plain `go build` of the same package.

The plain `go build` gets exactly the environment and flags gowright passes to Go for the host
target (GOOS/GOARCH of the host, CGO_ENABLED=0, -trimpath -buildvcs=false, -ldflags "-s -w
-X=<version-variable>=<version>") and writes into its own output path inside the same temporary
copy of the project. The two binaries are checked to be byte-identical, which proves the flags
match.

Two scenarios, each interleaved round by round (order reversed every other round):

  warm      nothing changed since the last build: Go finds everything in its cache (and the
            output up to date); gowright still runs `go env`, `go build`, hashes the binary and
            copies the wheel from its cache
  edited    a comment line with a counter is appended to main.go before *every* command, so both
            recompile the package and relink, and gowright has to write a new wheel (deflate)

Goal: gowright / go <= 1.1x.

    python3 bench/build_time.py [--rounds 40] [--gowright target/release/gowright]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
from _common import (  # noqa: E402
    DEFAULT_GOWRIGHT,
    DEFAULT_PROJECT,
    Project,
    Summary,
    copy_project,
    go_host,
    markdown_table,
    paired_ratio,
    sha256,
    time_ns,
)


class Bench:
    """The two commands being compared, set up in one temporary copy of the project."""

    def __init__(self, gowright: Path, project: Project, tmp: Path) -> None:
        self.project = project
        goos, goarch = go_host()
        # What gowright builds and where (target/gowright/<os>-<arch>/<name>).
        self.gowright_binary = project.root / "target" / "gowright" / f"{goos}-{goarch}" / project.name
        self.gowright_argv = [str(gowright), "build", "-q", "-o", str(tmp / "dist")]

        # The same `go build` gowright runs, into a separate output path in the same project.
        ldflags = ["-s", "-w"]
        if project.version_variable:
            ldflags.append(f"-X={project.version_variable}={project.version}")
        self.go_binary = project.root / "target" / "plain-go" / project.name
        self.go_argv = [
            shutil.which("go") or "go", "build", "-trimpath", "-buildvcs=false",
            f"-ldflags={' '.join(ldflags)}", "-o", str(self.go_binary), "--", ".",
        ]
        self.go_env = {**os.environ, "GOOS": goos, "GOARCH": goarch, "CGO_ENABLED": "0"}

        self.main_go = project.root / "main.go"
        self.main_go_source = self.main_go.read_text()
        self.edits = 0

    def go_command_line(self) -> str:
        env = " ".join(f"{k}={self.go_env[k]}" for k in ("GOOS", "GOARCH", "CGO_ENABLED"))
        return f"{env} {shlex.join(self.go_argv)}"

    def time_gowright(self) -> int:
        return time_ns(self.gowright_argv, cwd=self.project.root, stderr=subprocess.DEVNULL)

    def time_go(self) -> int:
        return time_ns(self.go_argv, cwd=self.project.root, env=self.go_env)

    def edit_source(self) -> None:
        """Appends `// gowright bench edit N` to main.go (N new each time): the package must
        be compiled and linked again, and the binary (its Go build ID) changes."""
        self.edits += 1
        self.main_go.write_text(f"{self.main_go_source}// gowright bench edit {self.edits}\n")

    def restore_source(self) -> None:
        self.main_go.write_text(self.main_go_source)


def measure(bench: Bench, rounds: int, warmup: int, edit: bool) -> dict[str, list[int]]:
    """Times both commands `rounds` times, interleaved; with `edit`, main.go is changed before
    every single command (outside the timed region)."""
    commands = {"gowright build": bench.time_gowright, "go build": bench.time_go}
    binaries = {"gowright build": bench.gowright_binary, "go build": bench.go_binary}
    samples: dict[str, list[int]] = {name: [] for name in commands}
    names = list(commands)
    for round_ in range(-warmup, rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            if edit:
                bench.edit_source()
                before = sha256(binaries[name]) if binaries[name].exists() else None
            elapsed = commands[name]()
            if edit and sha256(binaries[name]) == before:
                sys.exit(f"{name}: the binary did not change after editing main.go")
            if round_ >= 0:
                samples[name].append(elapsed)
    return samples


def report(title: str, samples: dict[str, list[int]]) -> float:
    """Prints one scenario's table; returns the ratio of the medians gowright/go."""
    gw, go = Summary.of(samples["gowright build"]), Summary.of(samples["go build"])
    rows = [
        [name, f"{s.median_ms:.1f}", f"{s.mean_ms:.1f}", f"{s.stdev_ms:.1f}", f"{s.min_ms:.1f}"]
        for name, s in (("go build (baseline)", go), ("gowright build", gw))
    ]
    ratio = gw.median_ms / go.median_ms
    print(f"### {title}\n")
    print(markdown_table(["command", "median ms", "mean ms", "stdev ms", "min ms"], rows))
    print(
        f"\ngowright / go: {ratio:.2f}× (medians), {gw.mean_ms / go.mean_ms:.2f}× (means), "
        f"{paired_ratio(samples['gowright build'], samples['go build']):.2f}× (median of per-round ratios); "
        f"goal ≤ 1.1×: {'OK' if ratio <= 1.1 else 'OVER'}\n"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="timed rounds per scenario (default 40: the difference is milliseconds)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    parser.add_argument("--gowright", type=Path, default=DEFAULT_GOWRIGHT)
    parser.add_argument("--project", type=Path, default=DEFAULT_PROJECT)
    args = parser.parse_args()
    if not args.gowright.is_file():
        sys.exit(f"{args.gowright} does not exist: run `cargo build --release` first")

    tmp = Path(tempfile.mkdtemp(prefix="gowright-bench-build-"))
    try:
        project = Project.load(copy_project(args.project, tmp / "project"))
        bench = Bench(args.gowright.resolve(), project, tmp)

        warm = measure(bench, args.rounds, args.warmup, edit=False)
        # Same flags, same bytes: the plain `go build` is the build gowright runs.
        identical = sha256(bench.gowright_binary) == sha256(bench.go_binary)
        if not identical:
            print("warning: gowright's binary differs from the plain go build's: flags differ?", file=sys.stderr)
        edited = measure(bench, args.rounds, 1, edit=True)
        bench.restore_source()

        print(f"## Build time: `gowright build` vs `go build` ({args.rounds} interleaved rounds each)\n")
        print(f"- gowright: `{shlex.join(['gowright', *bench.gowright_argv[1:3], '-o', '<tmp>/dist'])}` (cwd: the project)")
        print(f"- go: `{bench.go_command_line().replace(str(project.root), '<project>')}`")
        print(f"- binaries byte-identical (same flags): {'yes' if identical else 'NO'}\n")
        report(f"warm: nothing changed ({args.warmup} warm-up rounds)", warm)
        report("edited: a comment appended to main.go before every command (recompile + relink + new wheel)", edited)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
