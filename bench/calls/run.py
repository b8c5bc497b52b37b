#!/usr/bin/env python3
"""Per-call cost of calling Go from Python: gowright against a hand-written floor, cffi and ctypes.

    python3 bench/calls/run.py               # cargo build --release, build everything, measure
    python3 bench/calls/run.py --no-build    # use the existing target/release/gowright
    python3 bench/calls/run.py --quick       # 3 repeats of 1/10 of the calls, to check the script
    python3 bench/calls/run.py --keep        # keep the temporary directory (builds, venv, sources)

Three operations on the Go functions of gopkg/ (Add, Echo of a 12-character str, Sum of 1 MiB of
bytes) are called through each way of reaching Go, in one process, interleaved: every repeat
times every way once, so they share the machine's noise; the best repeat counts. Everything is
built in a temporary directory; nothing is written into the repository. Standard library only:
the driver re-runs this file with the virtual environment's interpreter (`--measure`) to time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from itertools import repeat
from pathlib import Path
from statistics import median

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import build_gowright, cpu_model, run, step  # noqa: E402  (bench/_common.py, shared with the other benchmarks)

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_GOWRIGHT = REPO / "target" / "release" / "gowright"

# Calls per timed run: small for the cheap operations, fewer for the 1 MiB argument.
CALLS_SMALL = 200_000
CALLS_BIG = 2_000
REPEATS = 7

ECHO_TEXT = "hello gopher"  # 12 ASCII characters
BIG_SIZE = 1 << 20

# The goals checked and printed as PASS/FAIL.
GOAL_VS_FLOOR = 1.2  # gowright ns/call ≤ 1.2 × floor, every operation
GOAL_CTYPES = 5.0  # ctypes ns/call ≥ 5 × gowright, for add and echo


# --------------------------------------------------------------------------------------------
# Driver: build gowright, the three Go libraries and a virtual environment, then measure.
# --------------------------------------------------------------------------------------------


def go_cflags() -> str:
    """CGO_CFLAGS for a CPython extension: the same flags gowright uses for its glue."""
    include = sysconfig.get_paths()["include"]
    return f"-I{include} -DPy_LIMITED_API=0x030B0000 -O2"


def go_build_c_shared(src: Path, output: Path, cflags: str | None = None) -> None:
    """`go build -buildmode=c-shared` with the flags gowright passes (-trimpath, -s -w)."""
    argv = ["go", "build", "-trimpath", "-buildvcs=false", "-buildmode=c-shared"]
    argv += ["-ldflags=-s -w", "-o", str(output), "."]
    run(argv, cwd=src, env={"CGO_CFLAGS": cflags} if cflags else None)


def build_all(gowright: Path, tmp: Path) -> dict[str, str]:
    """Builds the three ways into `tmp` and the venv; returns the paths the measurement needs."""
    # The sources are copied so that builds (target/, dist/) stay out of the repository; the
    # layout is kept because floor/ and plain/ refer to ../gopkg in their go.mod.
    src = tmp / "src"
    for name in ("gopkg", "floor", "plain"):
        shutil.copytree(
            HERE / name, src / name, ignore=shutil.ignore_patterns("target", "dist", "*.so", "*.h")
        )

    step("gowright build (gopkg, bindings = \"lib\") ...")
    out = run(
        [str(gowright), "build", "-q", "-i", sys.executable, "-o", str(tmp / "wheels")],
        cwd=src / "gopkg",
        env={"GOWRIGHT_PYTHON": sys.executable},
    )
    wheel = Path(out.strip().splitlines()[-1])

    step("gowright build (plain, bindings = \"cgo\": the generated module of its exports) ...")
    out = run(
        [str(gowright), "build", "-q", "-i", sys.executable, "-o", str(tmp / "wheels-cgo")],
        cwd=src / "plain",
    )
    cgo_wheel = Path(out.strip().splitlines()[-1])

    step("go build -buildmode=c-shared (floor: hand-written C-API module) ...")
    floor_dir = tmp / "floor"
    go_build_c_shared(src / "floor", floor_dir / "_floor.abi3.so", cflags=go_cflags())

    step("go build -buildmode=c-shared (plain C library for ctypes and cffi) ...")
    plain_lib = tmp / "plain" / "libgocalls_plain.so"
    go_build_c_shared(src / "plain", plain_lib)

    step("python -m venv, pip install the wheel and cffi ...")
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    run(pip + ["--no-deps", str(wheel), str(cgo_wheel)])
    if subprocess.run(pip + ["cffi"]).returncode != 0:
        step("warning: pip install cffi failed; the cffi way is left out")

    return {
        "python": str(python),
        "wheel": str(wheel),
        "cgo_wheel": str(cgo_wheel),
        "floor_dir": str(floor_dir),
        "plain_lib": str(plain_lib),
        "generated": str(src / "gopkg" / "target" / "_gowright" / "gocalls"),
    }


def machine_info(gowright: Path) -> list[tuple[str, str]]:
    """What the numbers depend on, printed above the table."""
    cpu = cpu_model()
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    version = run([str(gowright), "--version"]).strip()
    return [
        ("machine", f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs"),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("go", run(["go", "env", "GOVERSION"]).strip()),
        ("gowright", f"{version} (repository at {commit or '?'})"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="skip `cargo build --release`")
    parser.add_argument("--gowright", help="the gowright binary to use (implies --no-build)")
    parser.add_argument("--quick", action="store_true", help="3 repeats of 1/10 of the calls")
    parser.add_argument("--repeat", type=int, default=REPEATS, help="timed repeats (best counts)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: JSON from build_all
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    repeats = 3 if args.quick else args.repeat

    if args.measure:
        measure(json.loads(args.measure), repeats, scale)
        return

    if sys.version_info < (3, 11):
        sys.exit("needs Python ≥ 3.11 (gowright extension modules are abi3 for 3.11+)")
    gowright = build_gowright(args)
    tmp = Path(tempfile.mkdtemp(prefix="gowright-bench-calls-"))
    try:
        paths = build_all(gowright, tmp)
        print("## Per-call cost\n")
        for key, value in machine_info(gowright):
            print(f"- {key}: {value}")
        print(f"- command: `python3 bench/calls/run.py{' --quick' if args.quick else ''}`")
        sys.stdout.flush()
        child = [paths["python"], str(Path(__file__).resolve()), "--measure", json.dumps(paths)]
        child += ["--repeat", str(args.repeat)] + (["--quick"] if args.quick else [])
        step("measuring ...")
        subprocess.run(child, check=True)
    finally:
        if args.keep:
            step(f"kept {tmp} (generated gowright sources: {tmp}/src/gopkg/target/_gowright/)")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Measurement: runs in the virtual environment, where gocalls and cffi are installed.
# --------------------------------------------------------------------------------------------

# The timed loops. Like timeit's, they iterate over itertools.repeat and call a local name, so
# the loop adds the same few nanoseconds to every way; `loop_empty` measures that share.


def loop_empty(n: int, f, x, y=None) -> int:
    t0 = time.perf_counter_ns()
    for _ in repeat(None, n):
        pass
    return time.perf_counter_ns() - t0


def loop_args2(n: int, f, x, y=None) -> int:
    t0 = time.perf_counter_ns()
    for _ in repeat(None, n):
        f(x, y)
    return time.perf_counter_ns() - t0


def loop_args1(n: int, f, x, y=None) -> int:
    t0 = time.perf_counter_ns()
    for _ in repeat(None, n):
        f(x)
    return time.perf_counter_ns() - t0


def load_ways(paths: dict[str, str]) -> dict[str, dict[str, object]]:
    """{way: {op: callable}}, each callable taking the Go function's arguments as Python values."""
    import ctypes

    import gocalls  # the gowright-built extension module, pip-installed in this venv
    import gocalls_plain  # the generated module of plain/'s exports (bindings = "cgo")

    sys.path.insert(0, paths["floor_dir"])
    import _floor

    ways: dict[str, dict[str, object]] = {
        "gowright": {"add": gocalls.add, "echo": gocalls.echo, "sum": gocalls.sum},
        # The C signatures of plain/ take the length too: (callable, arguments) overrides.
        "gowright cgo": {
            "add": gocalls_plain.add,
            "add_trivial": gocalls_plain.add_trivial,
            "echo": (gocalls_plain.echo, (ECHO_TEXT, len(ECHO_TEXT))),
            "sum": (gocalls_plain.sum, None),  # (big, len(big)), filled in by measure()
        },
        "floor": {"add": _floor.add, "echo": _floor.echo, "sum": _floor.sum},
        "floor, GIL held": {"add": _floor.add_gil, "echo": _floor.echo_gil, "sum": _floor.sum_gil},
        "floor, no copy": {"sum": _floor.sum_nocopy},
    }

    # cffi, ABI mode: dlopen the plain library and declare its functions.
    try:
        from cffi import FFI
    except ImportError:
        FFI = None
    if FFI is not None:
        ffi = FFI()
        ffi.cdef(
            """
            int64_t Add(int64_t a, int64_t b);
            int64_t AddTrivial(int64_t a, int64_t b);
            char *Echo(char *s, size_t n);
            int64_t Sum(char *p, size_t n);
            void FreeString(char *p);
            """
        )
        clib = ffi.dlopen(paths["plain_lib"])

        def cffi_echo(s: str) -> str:
            b = s.encode()
            p = clib.Echo(b, len(b))
            r = ffi.string(p)
            clib.FreeString(p)
            return r.decode()

        def cffi_sum(data: bytes) -> int:
            return clib.Sum(data, len(data))  # bytes pass to char * without a copy

        ways["cffi"] = {"add": clib.Add, "add_trivial": clib.AddTrivial, "echo": cffi_echo, "sum": cffi_sum}

    # ctypes: the same library, with argtypes/restype set, as people write it by hand.
    lib = ctypes.CDLL(paths["plain_lib"])
    lib.Add.argtypes = [ctypes.c_int64, ctypes.c_int64]
    lib.Add.restype = ctypes.c_int64
    lib.AddTrivial.argtypes = [ctypes.c_int64, ctypes.c_int64]
    lib.AddTrivial.restype = ctypes.c_int64
    lib.Echo.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    lib.Echo.restype = ctypes.c_void_p  # not c_char_p: the pointer is needed to free it
    lib.Sum.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    lib.Sum.restype = ctypes.c_int64
    lib.FreeString.argtypes = [ctypes.c_void_p]
    lib.FreeString.restype = None

    def ctypes_echo(s: str) -> str:
        b = s.encode()
        p = lib.Echo(b, len(b))
        r = ctypes.string_at(p)
        lib.FreeString(p)
        return r.decode()

    def ctypes_sum(data: bytes) -> int:
        return lib.Sum(data, len(data))  # c_char_p takes bytes without a copy

    ways["ctypes"] = {"add": lib.Add, "add_trivial": lib.AddTrivial, "echo": ctypes_echo, "sum": ctypes_sum}
    return ways


def measure(paths: dict[str, str], repeats: int, scale: float) -> None:
    ways = load_ways(paths)
    big = bytes(range(256)) * (BIG_SIZE // 256)
    n_small = max(1, int(CALLS_SMALL * scale))
    n_big = max(1, int(CALLS_BIG * scale))
    # op: (label, loop, arguments, calls per timed run, expected result)
    ops = {
        "add": ("add (int, int) → int", loop_args2, (40, 2), n_small, 42),
        # plain/ only: an export whose body is `return a + b` (gowright cgo keeps the GIL).
        "add_trivial": ("add, trivial export", loop_args2, (40, 2), n_small, 42),
        "echo": ("echo (12-char str) → str", loop_args1, (ECHO_TEXT,), n_small, ECHO_TEXT),
        "sum": ("sum (1 MiB bytes) → int", loop_args1, (big,), n_big, BIG_SIZE),
    }

    # A way's entry is a callable taking the op's arguments, or (callable, its own arguments).
    loops = {1: loop_args1, 2: loop_args2}
    calls: dict[tuple[str, str], tuple[object, object, tuple]] = {}
    for way, fns in ways.items():
        for op, entry in fns.items():
            _, loop, xs, _, _ = ops[op]
            if isinstance(entry, tuple):
                fn, own = entry
                own = own if own is not None else (big, len(big))
                calls[(op, way)] = (fn, loops[len(own)], own)
            else:
                calls[(op, way)] = (entry, loop, xs)

    # Every way must compute the same thing before it is timed.
    for (op, way), (fn, _, xs) in calls.items():
        want = ops[op][4]
        got = fn(*xs)
        if got != want:
            sys.exit(f"{way}: {op}{xs!r:.40} returned {got!r:.60}, want {want!r:.60}")

    # samples[(op, way)] = ns per call of each repeat; "loop" is the empty loop.
    samples: dict[tuple[str, str], list[float]] = {}
    gc_was_enabled = gc.isenabled()
    gc.disable()  # as timeit does: Python's cyclic GC is not what is measured
    try:
        for r in range(-1, repeats):  # repeat -1 is a warm-up, not counted
            for op, (_, _, xs, n, _) in ops.items():
                order = [w for w in ways if op in ways[w]] + ["loop"]
                k = r % len(order)
                order = order[k:] + order[:k]  # rotate, so no way always runs first
                for way in order:
                    if way == "loop":
                        ns = loop_empty(n, None, *xs)
                    else:
                        fn, loop, own = calls[(op, way)]
                        ns = loop(n, fn, *own)
                    if r >= 0:
                        samples.setdefault((op, way), []).append(ns / n)
    finally:
        if gc_was_enabled:
            gc.enable()

    print_table(ops, ways, samples, repeats, n_small, n_big)


def print_table(ops, ways, samples, repeats: int, n_small: int, n_big: int) -> None:
    """The Markdown table: best ns per call (and the median, to show the noise), ratios, goals."""
    best = {key: min(values) for key, values in samples.items()}
    if "cffi" in ways:
        import cffi

        print(f"- cffi: {cffi.__version__}")
    else:
        print("- cffi: not installed, left out")
    print(
        f"- best of {repeats} repeats of {n_small:,} calls (add, echo) and {n_big:,} calls "
        "(1 MiB), ways interleaved within each repeat; ns per call including the loop, best "
        "(ratios and goals use it) and median of the repeats\n"
    )
    print("| op | way | ns/call | median | × floor | × gowright | goal |")
    print("|---|---|---:|---:|---:|---:|---|")
    results = []
    for op, (label, *_rest) in ops.items():
        floor = best.get((op, "floor"))
        gowright = best.get((op, "gowright"), best.get((op, "gowright cgo")))
        for way in list(ways) + ["loop"]:
            if (op, way) not in best:
                continue
            ns = best[(op, way)]
            goal = ""
            if way in ("gowright", "gowright cgo") and floor is not None:
                ok = ns <= GOAL_VS_FLOOR * floor
                goal = f"≤ {GOAL_VS_FLOOR}× floor: {'PASS' if ok else 'FAIL'}"
                results.append(ok)
            elif way == "ctypes" and op in ("add", "add_trivial", "echo"):
                slowest = max(best[(op, w)] for w in ("gowright", "gowright cgo") if (op, w) in best)
                ok = ns >= GOAL_CTYPES * slowest
                goal = f"≥ {GOAL_CTYPES:g}× both gowright ways: {'PASS' if ok else 'FAIL'}"
                results.append(ok)
            name = "(empty loop)" if way == "loop" else way
            versus_floor = f"{ns / floor:.2f}" if floor is not None else ""
            print(
                f"| {label} | {name} | {fmt_ns(ns)} | {fmt_ns(median(samples[(op, way)]))} "
                f"| {versus_floor} | {ns / gowright:.2f} | {goal} |"
            )
    print()
    for op, (label, *_rest) in ops.items():
        if (op, "gowright") in best:
            ratio = best[(op, "ctypes")] / best[(op, "gowright")]
            print(f"- ctypes / gowright, {label}: {ratio:.2f}×")
        if (op, "gowright cgo") in best:
            ratio = best[(op, "ctypes")] / best[(op, "gowright cgo")]
            print(f"- ctypes / gowright cgo, {label}: {ratio:.2f}×")
    print(f"- goals: {sum(results)} of {len(results)} PASS")


def fmt_ns(ns: float) -> str:
    return f"{ns:,.1f}" if ns < 1000 else f"{ns:,.0f}"


if __name__ == "__main__":
    main()
