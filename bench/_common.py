"""Helpers shared by the benchmarks in this directory (standard library only).

The benchmarks never write into the repository: the example project is copied into a temporary
directory, built there, and the directory is removed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GOWRIGHT = REPO / "target" / "release" / "gowright"
DEFAULT_PROJECT = REPO / "examples" / "hello-bin"

# Build outputs of the example that may exist in the repository; they are not copied, so every
# benchmark starts from a clean project (the Go build cache is shared and stays warm).
def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


_NOT_COPIED = shutil.ignore_patterns("dist", "target", ".venv", "__pycache__")


def copy_project(src: Path, dst: Path) -> Path:
    """Copies the Go + pyproject.toml project `src` to `dst`, without build outputs."""
    shutil.copytree(src, dst, ignore=_NOT_COPIED)
    return dst


@dataclass(frozen=True)
class Project:
    """What the benchmarks need to know about a `bindings = "bin"` project."""

    root: Path
    name: str  # [project].name, also the name of the command
    version: str
    version_variable: str | None  # tool.gowright.version-variable

    @classmethod
    def load(cls, root: Path) -> "Project":
        with open(root / "pyproject.toml", "rb") as f:
            data = tomllib.load(f)
        tool = data.get("tool", {}).get("gowright", {})
        if tool.get("bindings") != "bin":
            sys.exit(f"{root}: the benchmarks need a project with tool.gowright.bindings = \"bin\"")
        return cls(
            root=root,
            name=data["project"]["name"],
            version=data["project"]["version"],
            version_variable=tool.get("version-variable"),
        )


def go_host() -> tuple[str, str]:
    """(GOHOSTOS, GOHOSTARCH) of the `go` on PATH, the target `gowright build` builds by default."""
    out = subprocess.run(
        ["go", "env", "GOHOSTOS", "GOHOSTARCH"], capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0], out[1]


def gowright_build(gowright: Path, project: Path, out_dir: Path) -> Path:
    """Runs `gowright build -q -o out_dir` in `project`; returns the path of the wheel."""
    proc = subprocess.run(
        [str(gowright), "build", "-q", "-o", str(out_dir)],
        cwd=project,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.exit(f"gowright build failed ({proc.returncode}):\n{proc.stderr}")
    return Path(proc.stdout.strip().splitlines()[-1])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def time_ns(argv: Sequence[str], **kwargs: Any) -> int:
    """Wall time of one `subprocess.run(argv)` in nanoseconds; output is discarded.

    Every variant of every benchmark goes through this one function, so the cost of starting a
    process from Python is the same for all of them and cancels out of the ratios.
    """
    kwargs.setdefault("stdout", subprocess.DEVNULL)
    start = time.perf_counter_ns()
    proc = subprocess.run(argv, **kwargs)
    elapsed = time.perf_counter_ns() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, argv))} exited with {proc.returncode}")
    return elapsed


def ms(ns: float) -> float:
    return ns / 1e6


@dataclass
class Summary:
    median_ms: float
    mean_ms: float
    stdev_ms: float
    min_ms: float

    @classmethod
    def of(cls, samples_ns: Sequence[int]) -> "Summary":
        values = [ms(s) for s in samples_ns]
        return cls(
            median_ms=statistics.median(values),
            mean_ms=statistics.fmean(values),
            stdev_ms=statistics.stdev(values) if len(values) > 1 else 0.0,
            min_ms=min(values),
        )

    def cells(self) -> list[str]:
        """Median, mean, stdev and minimum, formatted for a table row."""
        return [f"{self.median_ms:.1f}", f"{self.mean_ms:.1f}", f"{self.stdev_ms:.1f}", f"{self.min_ms:.1f}"]


def paired_ratio(numer_ns: Sequence[int], denom_ns: Sequence[int]) -> float:
    """Median of the per-round ratios numer/denom (the two were measured back to back, so a
    noisy moment of the machine affects both sides of one ratio)."""
    return statistics.median(n / d for n, d in zip(numer_ns, denom_ns))


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; columns whose cells all look like numbers are
    right-aligned."""
    cells = [[str(c) for c in row] for row in rows]

    def numeric(text: str) -> bool:
        try:
            float(text.rstrip("×"))
            return True
        except ValueError:
            return False

    align = [
        "---:" if cells and all(numeric(row[i]) for row in cells) else "---"
        for i in range(len(headers))
    ]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def machine_info(gowright: Path = DEFAULT_GOWRIGHT) -> list[tuple[str, str]]:
    """What the numbers were measured on."""

    def run(*argv: str) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
        except OSError as e:
            return f"unavailable ({e})"

    cpu = cpu_model()
    return [
        ("date", run("date", "-u")),
        ("nproc", run("nproc")),
        ("cpu", cpu or platform.processor() or "unknown"),
        ("kernel", f"{platform.system()} {platform.release()} {platform.machine()}"),
        ("go", run("go", "version")),
        ("python", f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})"),
        ("gowright", f"{run(str(gowright), '--version')} ({gowright})" if gowright.exists() else "not built"),
        ("repository", run("git", "-C", str(REPO), "describe", "--always", "--dirty")),
    ]


def run(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Runs a command, exiting with its output when it fails; returns its stdout."""
    proc = subprocess.run(
        argv, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {shlex.join(argv)}\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def step(message: str) -> None:
    """A progress line, on stderr."""
    print(message, file=sys.stderr, flush=True)


def build_gowright(args: argparse.Namespace) -> Path:
    """`cargo build --release` unless `--no-build` (or `--gowright PATH`); the gowright binary
    to use. A failed cargo build falls back to an existing binary, with a warning."""
    if args.gowright:
        return Path(args.gowright).resolve()
    if not args.no_build:
        step("cargo build --release ...")
        proc = subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO)
        if proc.returncode != 0:
            if not DEFAULT_GOWRIGHT.exists():
                sys.exit("cargo build --release failed and there is no target/release/gowright")
            step("warning: cargo build --release failed; using the existing binary")
    if not DEFAULT_GOWRIGHT.exists():
        sys.exit(f"{DEFAULT_GOWRIGHT} does not exist: run without --no-build")
    return DEFAULT_GOWRIGHT
