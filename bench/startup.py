#!/usr/bin/env python3
"""Start-up time of a command installed from a gowright `bin` wheel.

Builds the example project's wheel, installs it into a fresh virtualenv and times running
`<command> x` for three variants, interleaved round by round:

  bare       the Go executable gowright built (target/gowright/<os>-<arch>/<name>): the baseline
  copy       a `cp` of the bare executable in the temp dir: an A/A control showing how far apart
             the same bytes in two different files start on this machine (page cache, layout)
  installed  <venv>/bin/<name> as installed by pip from the wheel's `.data/scripts/`
  wrapper    a console-script wrapper, as other tools ship Go binaries: exactly what pip
             generates for `[project.scripts] <name>-py = "<module>:main"` (a Python script
             that imports the package and calls main(), which os.execv's the Go executable)

Prints median and mean wall time and the ratio of each variant's median to the bare binary's.
Goal: installed <= 1.1x bare (it is the same file, so ~1.0x is expected).

    python3 bench/startup.py [--runs 200] [--gowright target/release/gowright]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import shutil
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
    gowright_build,
    markdown_table,
    paired_ratio,
    sha256,
    time_ns,
)

# pip's console-script template (pip/_vendor/distlib/scripts.py SCRIPT_TEMPLATE), used only if
# the venv's pip cannot generate the script itself.
_PIP_SCRIPT_TEMPLATE = """\
#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from {module} import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""

# Runs inside the venv: has pip's own script maker write the console script, so the wrapper is
# byte for byte what `pip install` of a wheel with that entry point would produce.
_MAKE_SCRIPT = """\
import sys
from pip._vendor.distlib.scripts import ScriptMaker
maker = ScriptMaker(None, sys.argv[1])
maker.variants = {""}
maker.executable = sys.executable
print(maker.make(sys.argv[2])[0])
"""

BARE = "bare Go binary (baseline)"
INSTALLED = "installed command (gowright wheel)"


def make_wrapper(venv: Path, script: str, module: str) -> tuple[Path, str]:
    """Writes the console script `script = module:main` into the venv's bin directory; returns
    its path and how it was made."""
    python = venv / "bin" / "python"
    spec = f"{script} = {module}:main"
    proc = subprocess.run(
        [str(python), "-c", _MAKE_SCRIPT, str(venv / "bin"), spec], capture_output=True, text=True
    )
    if proc.returncode == 0:
        return Path(proc.stdout.strip()), "written by the venv's pip (distlib ScriptMaker)"
    path = venv / "bin" / script
    path.write_text(_PIP_SCRIPT_TEMPLATE.format(python=python, module=module))
    path.chmod(0o755)
    return path, "pip's console-script template (the venv's pip could not write it)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed runs of each variant (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed runs of each variant first")
    parser.add_argument("--gowright", type=Path, default=DEFAULT_GOWRIGHT)
    parser.add_argument("--project", type=Path, default=DEFAULT_PROJECT)
    args = parser.parse_args()
    if not args.gowright.is_file():
        sys.exit(f"{args.gowright} does not exist: run `cargo build --release` first")

    tmp = Path(tempfile.mkdtemp(prefix="gowright-bench-startup-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    project = Project.load(copy_project(args.project, tmp / "project"))
    goos, goarch = go_host()
    module = project.name.replace("-", "_")

    # Build the wheel and install it into a fresh venv.
    wheel = gowright_build(args.gowright.resolve(), project.root, tmp / "dist")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
         "--disable-pip-version-check", str(wheel)],
        check=True,
    )

    bare = project.root / "target" / "gowright" / f"{goos}-{goarch}" / project.name
    installed = venv / "bin" / project.name
    wrapper, how = make_wrapper(venv, f"{project.name}-py", module)
    copy = tmp / "copy" / project.name
    copy.parent.mkdir()
    shutil.copy2(bare, copy)
    variants = {
        BARE: [str(bare), "x"],
        "copy of the bare binary (A/A control)": [str(copy), "x"],
        INSTALLED: [str(installed), "x"],
        "console-script wrapper (pip entry point)": [str(wrapper), "x"],
    }

    # The installed command must be the very executable gowright built, and every variant must
    # do the same thing.
    same_file = sha256(bare) == sha256(installed)
    for name, argv in variants.items():
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
        if out != "Hello, x!\n":
            sys.exit(f"{name}: unexpected output {out!r}")

    for _ in range(args.warmup):
        for argv in variants.values():
            time_ns(argv)

    # Interleave: every round runs each variant once, the order reversed every other round, so
    # slow phases of the (noisy) machine hit all variants alike.
    samples: dict[str, list[int]] = {name: [] for name in variants}
    names = list(variants)
    for round_ in range(args.runs):
        for name in names if round_ % 2 == 0 else reversed(names):
            samples[name].append(time_ns(variants[name]))

    base = Summary.of(samples[BARE])
    rows = []
    for name in names:
        s = Summary.of(samples[name])
        rows.append([
            name,
            f"{s.median_ms:.3f}",
            f"{s.mean_ms:.3f}",
            f"{s.stdev_ms:.3f}",
            f"{s.median_ms / base.median_ms:.2f}×",
            f"{paired_ratio(samples[name], samples[BARE]):.2f}×",
        ])

    print(f"## Start-up time: `{project.name} x` ({args.runs} interleaved runs each, {args.warmup} warm-up)\n")
    print(f"- wheel: `{wheel.name}`")
    print(f"- installed command is byte-identical to the bare binary: {'yes' if same_file else 'NO'}")
    shebang = wrapper.read_text().splitlines()[0].replace(str(tmp), "<tmp>")
    print(f"- wrapper `{wrapper.name}` = `{module}:main`, {how}; shebang `{shebang}`\n")
    print(markdown_table(
        ["variant", "median ms", "mean ms", "stdev ms", "ratio vs bare (median)", "paired ratio (median of per-round)"],
        rows,
    ))
    ratio = Summary.of(samples[INSTALLED]).median_ms / base.median_ms
    print(f"\ninstalled / bare = {ratio:.2f}× (goal ≤ 1.1×): {'OK' if ratio <= 1.1 else 'OVER'}")


if __name__ == "__main__":
    main()
