"""Shared fixtures of the end-to-end tests.

They run the real `gowright` binary (built by cargo) on fixture projects with the real Go
toolchain, install what it writes with real pip and uv into fresh virtual environments, and check
the results with the packaging community's own tools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
EXAMPLES = REPO / "examples"
TOOLS = Path(sys.executable).parent  # the venv running pytest holds twine, uv, auditwheel...


def tool(name: str) -> str:
    """Path of a command-line tool installed beside this interpreter."""
    path = TOOLS / name
    return str(path) if path.exists() else name


def run(cmd, *, cwd=None, env=None, check=True, timeout=600) -> subprocess.CompletedProcess:
    """Run a command, capturing text output; on failure show everything it printed."""
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    return proc


@pytest.fixture(scope="session")
def gowright_bin() -> Path:
    """The gowright executable, built from this repository."""
    run(["cargo", "build", "--quiet"], cwd=REPO)
    return REPO / "target" / "debug" / "gowright"


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """A directory holding gowright's own wheel (built with maturin), for isolated builds."""
    out = tmp_path_factory.mktemp("wheelhouse")
    # A target directory of its own: relinking target/debug/gowright while other tests run it
    # would pull it from under them.
    # maturin moves the binary it builds out of the target directory, so two test workers must
    # not build at the same time: take turns on a lock file.
    import fcntl

    target = REPO / "target" / "maturin"
    target.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    with open(target / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run([tool("maturin"), "build", "--profile", "dev", "--quiet", "-o", out], cwd=REPO, env=env)
    assert list(out.glob("gowright-*.whl")), "maturin built no gowright wheel"
    return out


@pytest.fixture
def project(tmp_path):
    """Copy a fixture (or example) project into a fresh directory and return its path."""

    def copy(name: str) -> Path:
        src = FIXTURES / name
        if not src.exists():
            src = EXAMPLES / name
        dest = tmp_path / name
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("dist", "target"))
        return dest

    return copy


def gowright(gowright_bin, *args, cwd=None, env=None, check=True):
    """Run gowright; returns the CompletedProcess."""
    return run([gowright_bin, *args], cwd=cwd, env=env, check=check)


def make_venv(path: Path, *, with_uv: bool = False) -> Path:
    """Create a fresh virtual environment (with pip, or empty for uv) and return its python."""
    if with_uv:
        run([tool("uv"), "venv", "--quiet", "--python", sys.executable, path])
    else:
        run([sys.executable, "-m", "venv", path])
    return path / "bin" / "python"


def offline_pip_env(wheelhouse: Path) -> dict:
    """Environment making pip (and `python -m build`) take gowright from the wheelhouse only."""
    env = dict(os.environ)
    env.update(
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


def build_and_install(gowright_bin, root: Path, fixture: str):
    """Build a fixture project's wheel (checked with twine, check-wheel-contents, auditwheel and
    abi3audit) and install it with uv into a fresh venv; returns (python, wheel, gowright's stderr)."""
    from checks import check_wheel

    proj = root / fixture
    shutil.copytree(FIXTURES / fixture, proj)
    proc = gowright(gowright_bin, "build", cwd=proj)
    wheel = wheel_for(proc, "abi3")
    check_wheel(wheel)
    run([tool("abi3audit"), "--strict", "--report", wheel])
    python = make_venv(root / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
    return python, wheel, proc.stderr


#: Python source defining `rss_kib()`, the resident memory of the process, for leak checks.
RSS_KIB = """
import resource
def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 1024
"""


#: Python source defining `expect_errors(cases)`: each case is (call, exception type, exact
#: message), and the call must raise exactly that.
EXPECT_ERRORS = """
def expect_errors(cases):
    for call, exc, text in cases:
        try:
            call()
        except exc as e:
            assert str(e) == text, (str(e), text)
        else:
            raise AssertionError(text)
"""


@pytest.fixture(scope="session")
def zig_env() -> dict:
    """The environment with `GOWRIGHT_ZIG` naming the zig of the `ziglang` package installed
    beside the test tools, so that cgo builds use zig whatever else is installed."""
    import ziglang

    zig = Path(ziglang.__file__).parent / "zig"
    assert zig.is_file(), zig
    return dict(os.environ, GOWRIGHT_ZIG=str(zig))


@pytest.fixture(scope="session")
def arm64_root() -> Path:
    """An arm64 Debian tree with CPython 3.11 (made once by `.ci/arm64-python.sh`, cached
    outside the clone), whose interpreter runs here under qemu-user."""
    out = run(["bash", REPO / ".ci" / "arm64-python.sh"], timeout=900).stdout.strip()
    root = Path(out.splitlines()[-1])
    assert (root / "usr" / "bin" / "python3.11").exists(), out
    assert shutil.which("qemu-aarch64-static"), "qemu-user-static is needed"
    return root


def run_arm64(root: Path, args, *, pythonpath: Path, cwd=None, timeout=900):
    """Run the arm64 CPython of `root` under qemu-user with `pythonpath` on sys.path."""
    env = dict(os.environ, PYTHONPATH=str(pythonpath), PYTHONDONTWRITEBYTECODE="1")
    cmd = ["qemu-aarch64-static", "-L", root, root / "usr" / "bin" / "python3.11", *args]
    return run(cmd, cwd=cwd, env=env, timeout=timeout)


def install_for_arm64(target_dir: Path, *requirements) -> None:
    """Install wheels (and requirements from PyPI) for linux/arm64 CPython 3.11 into a
    directory, with this machine's pip: only the tests run under emulation."""
    platforms = ["manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_36_aarch64"]
    args = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for p in platforms:
        args += ["--platform", p]
    args += ["--python-version", "3.11", "--implementation", "cp", "--only-binary=:all:"]
    run([*args, "--target", target_dir, *requirements])


#: ProcessPrng, which the Go runtime (≥ 1.24) loads from bcryptprimitives.dll in system32: a DLL
#: of Windows 10 and later that Debian bookworm's wine 8 lacks. The stand-in calls RtlGenRandom.
_PROCESS_PRNG_C = r"""
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG n = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
"""


@pytest.fixture(scope="session")
def windows_python(zig_env) -> Path:
    """A Windows CPython 3.13 (x86_64) run under wine, provisioned by `.ci/windows-python.sh`.

    Two gaps of the test machine are filled, both with zig: the CPython package on Maven Central
    lacks `python3.dll`, the stable-ABI DLL every Windows CPython ships (a forwarder to
    `python313.dll`, made here the way CPython makes its own: from `libs/python3.lib`'s names),
    and wine 8 lacks `bcryptprimitives.dll` (see above)."""
    out = run(["bash", REPO / ".ci" / "windows-python.sh"], timeout=1200).stdout.strip()
    python = Path(out.splitlines()[-1])
    home = python.parent
    zig = zig_env["GOWRIGHT_ZIG"]
    work = home / "gowright-test"
    work.mkdir(exist_ok=True)
    forwarder = home / "python3.dll"
    if not forwarder.exists():
        symbols = run(["nm", home / "libs" / "python3.lib"]).stdout.split("\n")
        imported = {line.split()[-1][len("__imp_"):] for line in symbols if " __imp_" in line}
        code = {line.split()[-1] for line in symbols if " T " in line}
        lines = ["LIBRARY python3.dll", "EXPORTS"]
        for name in sorted(imported):
            lines.append(f"  {name}=python313.{name}" + ("" if name in code else " DATA"))
        (work / "python3.def").write_text("\n".join(lines) + "\n")
        (work / "empty.c").write_text("int gowright_python3_forwarder;\n")
        run([zig, "cc", "-target", "x86_64-windows-gnu", "-shared", "-o", forwarder,
             work / "empty.c", work / "python3.def"])
    run([REPO / ".ci" / "wine-run.sh", python, "-c", "pass"], timeout=600)  # makes the prefix
    prefix = Path(os.environ.get("GOWRIGHT_CI_CACHE", Path.home() / ".cache" / "gowright-ci")) / "wineprefix"
    prng = prefix / "drive_c" / "windows" / "system32" / "bcryptprimitives.dll"
    if not prng.exists():
        (work / "prng.c").write_text(_PROCESS_PRNG_C)
        run([zig, "cc", "-target", "x86_64-windows-gnu", "-shared", "-o", prng, work / "prng.c", "-ladvapi32"])
    return python


def run_windows(python: Path, args, *, pythonpath: Path, cwd=None, timeout=900):
    """Run the Windows CPython under wine with `pythonpath` (a directory here) on sys.path."""
    env = dict(os.environ, PYTHONPATH="Z:" + str(pythonpath).replace("/", "\\"), PYTHONDONTWRITEBYTECODE="1")
    return run([REPO / ".ci" / "wine-run.sh", python, *args], cwd=cwd, env=env, timeout=timeout)


def install_for_windows(target_dir: Path, *requirements) -> None:
    """Install wheels for Windows amd64 CPython 3.13 into a directory with this machine's pip."""
    run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--platform", "win_amd64", "--python-version", "3.13", "--implementation", "cp",
         "--only-binary=:all:", "--target", target_dir, *requirements])


def check_on_arm64_and_windows(wheels: dict, code: str, rounds: str, *, arm64_root: Path,
                               windows_python: Path, tmp_path: Path) -> None:
    """Installs the abi3 wheels of linux/arm64 and windows/amd64 (`wheels`, by platform tag) and
    runs `code` with the argument `rounds` under qemu and under wine; each run must print ok."""
    site = tmp_path / "arm64-site"
    install_for_arm64(site, wheels["manylinux2014_aarch64.manylinux_2_17_aarch64.whl"])
    assert run_arm64(arm64_root, ["-c", code, rounds], pythonpath=site, cwd=tmp_path).stdout == "ok\n"
    site = tmp_path / "win-site"
    install_for_windows(site, wheels["win_amd64.whl"])
    out = run_windows(windows_python, ["-c", code, rounds], pythonpath=site, cwd=tmp_path).stdout
    assert out.replace("\r\n", "\n") == "ok\n", out


@pytest.fixture(scope="session")
def ft_python() -> Path:
    """Free-threaded CPython 3.13t (built once by `.ci/freethreaded-cpython.sh`, cached outside
    the clone), with the GIL off."""
    out = run(["bash", REPO / ".ci" / "freethreaded-cpython.sh"], timeout=1500).stdout
    python = Path(out.strip().splitlines()[-1])
    assert run([python, "-c", "import sys; print(sys._is_gil_enabled())"]).stdout.strip() == "False"
    return python


def built_wheels(proc) -> list[Path]:
    """The wheels a `gowright build` printed, one path per line."""
    return [Path(line) for line in proc.stdout.split() if line.endswith(".whl")]


def wheel_for(proc, abi: str = "abi3") -> Path:
    """The one wheel a `gowright build` printed whose ABI tag is `abi` (`abi3`, `abi3.abi3t`,
    `cp313t`): a library's build makes one wheel per CPython ABI."""
    found = [w for w in built_wheels(proc) if w.name.split("-")[-2] == abi]
    assert len(found) == 1, (abi, proc.stdout)
    return found[0]


@pytest.fixture(scope="session")
def py315_root() -> Path:
    """A Debian sid tree with CPython 3.15 and its headers (made once by `.ci/sid-python.sh`,
    cached outside the clone). Its glibc is newer than this machine's, so its interpreter runs
    chrooted into the tree (see `run_py315`)."""
    out = run(["bash", REPO / ".ci" / "sid-python.sh"], timeout=900).stdout.strip()
    root = Path(out.splitlines()[-1])
    assert (root / "usr" / "bin" / "python3.15").exists(), out
    return root


def run_py315(root: Path, share: Path, args, *, pythonpath=(), timeout=900):
    """Run CPython 3.15 chrooted into `root`, with the host directory `share` at /work (in a
    mount namespace of its own, so nothing stays mounted). Paths under `share` in `args` and
    `pythonpath` are given as their /work/... names."""

    def inside(value):
        text = str(value)
        base = str(share)
        return "/work" + text[len(base):] if text.startswith(base) else text

    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": "/tmp",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": ":".join(inside(p) for p in pythonpath),
    }
    script = 'mount --bind "$1" "$2/work" && mount -t proc proc "$2/proc" && shift 2 && exec "$@"'
    cmd = ["unshare", "--mount", "--propagation", "private", "--", "bash", "-c", script, "bash",
           share, root, "env", "-i", *[f"{k}={v}" for k, v in env.items()],
           "/usr/sbin/chroot", root, "/usr/bin/python3.15", *[inside(a) for a in args]]
    return run(cmd, timeout=timeout)


def install_for_py315(target_dir: Path, *requirements) -> None:
    """Install wheels (and requirements from PyPI) for linux/amd64 CPython 3.15 into a
    directory with uv, which checks their tags against that interpreter's."""
    run([tool("uv"), "pip", "install", "--quiet", "--target", target_dir, "--python-version", "3.15",
         "--python-platform", "x86_64-manylinux_2_28", "--only-binary", ":all:", *requirements],
        timeout=900)


#: Every fixture library at once from 8 threads (handles-lib, collections-lib, scalars-lib,
#: structs-lib): shared lists and dicts mutated by another thread meanwhile, structs and Go
#: handles. Prints whether the GIL is enabled (after the imports) and a counter the threads share.
LIB_WORKOUT = """
import sys, threading
import counter, gocollections as col, scalars, shapes
gil = sys._is_gil_enabled()
shared = list(range(1000))
table = {str(i): [str(i)] * (i % 5) for i in range(200)}
guarded = counter.new_guarded()
stop = threading.Event()
errors = []

def mutate():
    # Another thread changes the containers the workers pass to Go: each call sees a snapshot.
    i = 0
    while not stop.is_set():
        shared.append(7); shared.pop()
        table["x"] = ["y"] * (i % 3); table.pop("x", None)
        i += 1

def work(n):
    try:
        for k in range(300):
            assert scalars.add(n, k) == n + k
            assert scalars.greet("ft") == "Hello, ft!"
            total = col.sum_ints(shared)
            assert total in (499500, 499507), total
            lengths = col.lengths(table)
            assert lengths["7"] == 2
            assert col.counts(["a", "b", "a"]) == {"a": 2, "b": 1}
            mid = shapes.mid(shapes.Point(0, 0), shapes.Point(2 * n, 4))
            assert (mid.x, mid.y) == (n, 2)
            guarded.add(1)
            c = counter.new_counter(f"c{n}")
            c.inc(k)
            assert c.value() == k
    except BaseException as e:  # reported by the main thread
        errors.append(repr(e))

m = threading.Thread(target=mutate)
m.start()
workers = [threading.Thread(target=work, args=(n,)) for n in range(8)]
[t.start() for t in workers]
[t.join() for t in workers]
stop.set(); m.join()
assert not errors, errors[:3]
print(gil, guarded.add(0))
"""

#: The fixture libraries LIB_WORKOUT uses.
WORKOUT_FIXTURES = ["handles-lib", "collections-lib", "scalars-lib", "structs-lib"]
