"""`bindings = "cgo"` without `ctypes-library` or `cffi-module`: gowright generates an abi3
extension module for the package's hand-written `//export` functions (tests/fixtures/cgo-module:
C and Go numbers, `*C.char` in and out with each way of freeing, NULL-or-message errors, Go
strings, byte and number slices, preamble structs, out-parameters, addresses as ints, a panic),
built for every platform and run wherever an interpreter of it runs here."""

from __future__ import annotations

import zipfile
from pathlib import Path

from checks import check_wheel
from conftest import (
    built_wheels,
    check_on_arm64_and_windows,
    gowright,
    install_for_py315,
    make_venv,
    offline_pip_env,
    run,
    run_py315,
    tool,
    wheel_for,
)

#: Every kind of value the fixture's functions pass, each checked; prints "ok".
CHECK = r"""
import array, os, sys, threading
import geom

assert geom.add(2, 3) == 5 and geom.add(a=-1, b=1) == 0
for bad, exc in [((2**31, 1), OverflowError), (("x", 1), TypeError), ((1.5, 1), TypeError)]:
    try:
        geom.add(*bad)
    except exc as e:
        assert "argument 'a'" in str(e), e
    else:
        raise AssertionError(bad)
assert geom.scale(geom.vec2(1.5, 2.0), 2) == geom.vec2(3.0, 4.0)
assert geom.widen(geom.span(3, 5, True), 2) == geom.span(1, 7, True)
try:
    geom.scale(3, 1)
except TypeError as e:
    assert "expected vec2" in str(e), e
assert geom.greet("wörld") == "hello, wörld" and geom.greet(b"bytes") == "hello, bytes"
try:
    geom.greet("a\0b")
except ValueError as e:
    assert "null" in str(e)
else:
    raise AssertionError("a NUL inside a C string")
assert geom.check_dir(os.path.dirname(os.path.abspath(geom.__file__))) is None
try:
    geom.check_dir(geom.__file__)
except geom.GoError as e:
    assert "is not a directory" in str(e), e
else:
    raise AssertionError("no GoError")
assert geom.sum([1, 2.5, 3]) == 6.5 and geom.sum(array.array("d", [1, 2])) == 3.0 and geom.sum(()) == 0
assert geom.sum_int32(array.array("i", [1, -2, 3])) == 2 and geom.sum_int32([2**31 - 1, 1]) == 2**31
try:
    geom.sum_int32([2**31])
except OverflowError:
    pass
else:
    raise AssertionError("2**31 as int32")
assert geom.count(b"banana", ord("a")) == 3 and geom.count(memoryview(b"xax")[1:], 97) == 1
buf = bytearray(4)
geom.fill(buf, 65)
assert buf == b"AAAA"
assert geom.xor_sum(b"\x01\x02\x00\x04", 4) == 7 and geom.xor_sum(bytearray(b"\x05"), 1) == 5
assert geom.upper("abc") == "ABC" and geom.upper(b"xyz") == "XYZ"
assert geom.divmod_(17, 5) == (3, 2)
assert geom.is_even(4) is True and geom.is_even(3) is False
try:
    geom.crash("boom")
except geom.GoPanic as e:
    assert str(e) == "crashed: boom", e
else:
    raise AssertionError("no GoPanic")
assert geom.version() == "1.2.3" and geom.name() == "geom" and geom.split("ab,cde") == (2, "cde")
p = geom.alloc_ints(4)
assert isinstance(p, int) and p != 0
geom.set_int(p, 2, 42)
assert geom.get_int(p, 2) == 42
geom.free_ints(p)
assert geom.add.__doc__.startswith("Add returns the sum of a and b."), geom.add.__doc__
assert not hasattr(geom, "keys") and not hasattr(geom, "free_name")

# Calls from many threads at once (the GIL is released during each); fewer under emulation.
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
errors = []
def work():
    try:
        for i in range(rounds):
            assert geom.add(i, 1) == i + 1
            assert geom.greet(str(i)) == "hello, " + str(i)
            assert geom.sum([i, 1.0]) == i + 1
    except Exception as e:  # noqa: BLE001
        errors.append(e)
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not errors, errors

# The child of a fork() has no Go runtime threads: calls raise instead of hanging.
if hasattr(os, "fork"):
    pid = os.fork()
    if pid == 0:
        try:
            geom.add(1, 2)
        except RuntimeError as e:
            os._exit(0 if "fork" in str(e) else 2)
        os._exit(1)
    assert os.waitpid(pid, 0)[1] == 0
print("ok")
"""


def built_wheels_and_sdists(proc) -> list[Path]:
    return [Path(line) for line in proc.stdout.split() if line.endswith((".whl", ".tar.gz"))]


def names_in(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return sorted(n for n in zf.namelist() if ".dist-info/" not in n)


def test_generated_module_for_export_functions(gowright_bin, project, zig_env, tmp_path):
    proj = project("cgo-module")
    proc = gowright(gowright_bin, "build", "-v", cwd=proj, env=zig_env)
    wheel = wheel_for(proc, "abi3")
    assert wheel.name == "geom-0.1.0-cp311-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", wheel
    assert "the module geom._geom of 21 exported functions" in proc.stderr, proc.stderr
    # The one function it cannot bind is named, with the reason.
    assert "not bound: func Keys (export.go:" in proc.stderr and "map[string]int" in proc.stderr
    check_wheel(wheel)
    run([tool("abi3audit"), "--strict", "--report", wheel])
    assert names_in(wheel) == [
        "geom/__init__.py", "geom/_geom.abi3.so", "geom/_geom.pyi", "geom/_types.py", "geom/py.typed",
    ]
    with zipfile.ZipFile(wheel) as zf:
        stub = zf.read("geom/_geom.pyi").decode()
    assert "def divmod_(a: int, b: int) -> tuple[int, int]:" in stub, stub
    assert "def check_dir(dir: str | bytes | bytearray | memoryview) -> None:" in stub, stub
    assert "def scale(v: vec2, k: float) -> vec2:" in stub, stub
    # The project's Go files are untouched: the wrappers reached the build through the overlay.
    assert "gwcgo_" not in (proj / "export.go").read_text()
    for installer in ["pip", "uv"]:
        python = make_venv(tmp_path / f"venv-{installer}", with_uv=installer == "uv")
        if installer == "uv":
            run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
        else:
            run([python, "-m", "pip", "install", "--quiet", wheel])
        assert run([python, "-c", CHECK], cwd=tmp_path).stdout == "ok\n"
    # The stubs type-check code that uses the module, and reject misuse.
    good = tmp_path / "good.py"
    good.write_text(
        "import geom\n"
        "total: float = geom.add(2, 3) + geom.sum([1.5, 2])\n"
        "v: geom.vec2 = geom.scale(geom.vec2(1.5, 2.0), 2)\n"
        "x: float = v.x\n"
        "greeting = geom.greet(b'w')  # NULL is None\n"
        "s: str = (greeting or '') + (geom.upper('a') or '')\n"
        "q, r = geom.divmod_(17, 5)\n"
        "n: int = q + r\n"
        "even: bool = geom.is_even(4)\n"
        "geom.check_dir('.')\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, good])
    bad = tmp_path / "bad.py"
    bad.write_text("import geom\ngeom.add('x', 1)\ns: str = geom.add(1, 2)\ngeom.scale(3, 1)\n")
    proc = run([tool("mypy"), "--strict", "--python-executable", python, bad], check=False)
    assert proc.returncode == 1, proc.stdout
    for line in ["bad.py:2:", "bad.py:3:", "bad.py:4:"]:
        assert line in proc.stdout, proc.stdout
    # A rebuild with nothing changed links nothing and gives the same bytes.
    again = gowright(gowright_bin, "build", "-v", cwd=proj, env=zig_env)
    assert "is up to date" in again.stderr
    assert wheel_for(again, "abi3").read_bytes() == wheel.read_bytes()


def test_seed_000_without_ctypes_gets_a_generated_module(gowright_bin, project, zig_env, tmp_path):
    """Seed 000's `Add` with `ctypes-library` and its ctypes script left out: `example.add`."""
    proj = project("seed-add")
    text = (proj / "pyproject.toml").read_text()
    for line in ['python-source = "python"\n', 'ctypes-library = "libexample.so"\n']:
        text = text.replace(line, "")
    (proj / "pyproject.toml").write_text(text)
    proc = gowright(gowright_bin, "build", "-v", cwd=proj, env=zig_env)
    wheel = wheel_for(proc, "abi3")
    check_wheel(wheel, ignore=("W005",))  # the seed's module is called `example`
    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--quiet", wheel])
    code = "import example; print(example.add(2, 3), example.add.__doc__.splitlines()[-1])"
    assert run([python, "-c", code]).stdout == "5 Calls the exported Go function Add.\n"


def test_project_without_go_mod_builds_and_its_sdist_installs(gowright_bin, project, wheelhouse, zig_env, tmp_path):
    """Seed 000 without its go.mod: gowright builds it as a module of its own, writes nothing into
    the project, and its sdist (which has no go.mod either) installs with pip."""
    proj = project("seed-add")
    (proj / "go.mod").unlink()
    text = (proj / "pyproject.toml").read_text()
    for line in ['python-source = "python"\n', 'ctypes-library = "libexample.so"\n']:
        text = text.replace(line, "")
    (proj / "pyproject.toml").write_text(text)
    proc = gowright(gowright_bin, "build", "-v", "--sdist", cwd=proj, env=zig_env)
    assert "no go.mod: building as the module `example`" in proc.stderr, proc.stderr
    assert not (proj / "go.mod").exists()
    [sdist] = [p for p in built_wheels_and_sdists(proc) if p.name.endswith(".tar.gz")]
    python = make_venv(tmp_path / "venv")
    env = dict(offline_pip_env(wheelhouse), GOWRIGHT_ZIG=zig_env["GOWRIGHT_ZIG"])
    run([python, "-m", "pip", "install", "--quiet", sdist], env=env, timeout=900)
    assert run([python, "-c", "import example; print(example.add(40, 2))"]).stdout == "42\n"


def test_generated_module_on_cpython_315_abi3t(gowright_bin, project, zig_env, py315_root, tmp_path):
    """The abi3t wheel of the same module (opaque PyObject, PyModExport_) on CPython 3.15."""
    proj = project("cgo-module")
    proc = gowright(gowright_bin, "build", cwd=proj, env=zig_env)
    wheel = wheel_for(proc, "abi3.abi3t")
    check_wheel(wheel)
    assert "geom/_geom.abi3t.so" in names_in(wheel)
    site = tmp_path / "site315"
    install_for_py315(site, wheel)
    out = run_py315(py315_root, tmp_path, ["-c", CHECK], pythonpath=[site]).stdout
    assert out == "ok\n"


def test_generated_module_on_free_threaded_cpython(gowright_bin, project, zig_env, ft_python, tmp_path):
    """With python3.13t on PATH the default build adds the cp313t wheel: the checks pass with the
    GIL off, and importing the module leaves it off."""
    import os

    proj = project("cgo-module")
    env = dict(zig_env, PATH=f"{ft_python.parent}{os.pathsep}{os.environ['PATH']}")
    wheel = wheel_for(gowright(gowright_bin, "build", cwd=proj, env=env), "cp313t")
    check_wheel(wheel)
    assert "geom/_geom.cpython-313t-x86_64-linux-gnu.so" in names_in(wheel)
    run([ft_python, "-m", "venv", tmp_path / "venv"])
    python = tmp_path / "venv" / "bin" / "python"
    run([python, "-m", "pip", "install", "--quiet", wheel])
    code = CHECK + "import sys; assert not sys._is_gil_enabled()\n"
    assert run([python, "-c", code], cwd=tmp_path).stdout == "ok\n"


def test_generated_module_for_arm64_and_windows(gowright_bin, project, zig_env, arm64_root, windows_python, tmp_path):
    """Cross-compiled with zig: linux/arm64 runs under qemu, windows/amd64 under wine."""
    from checks import pe_machine

    proj = project("cgo-module")
    proc = gowright(
        gowright_bin, "build", "--target", "linux/arm64", "--target", "windows/amd64", cwd=proj, env=zig_env,
    )
    wheels = {w.name.rsplit("-", 1)[-1]: w for w in built_wheels(proc) if "-abi3-" in w.name}
    assert sorted(wheels) == ["manylinux2014_aarch64.manylinux_2_17_aarch64.whl", "win_amd64.whl"], wheels
    for wheel in wheels.values():
        check_wheel(wheel)
        run([tool("abi3audit"), "--strict", "--report", wheel])
    with zipfile.ZipFile(wheels["win_amd64.whl"]) as zf:
        assert pe_machine(zf.read("geom/_geom.pyd")) == 0x8664
    check_on_arm64_and_windows(
        wheels, CHECK, "100", arm64_root=arm64_root, windows_python=windows_python, tmp_path=tmp_path,
    )


def test_generated_module_for_macos(gowright_bin, project, zig_env):
    from checks import macho_facts

    proj = project("cgo-module")
    proc = gowright(gowright_bin, "build", "--target", "darwin/arm64", cwd=proj, env=zig_env)
    wheel = wheel_for(proc, "abi3")
    assert wheel.name == "geom-0.1.0-cp311-abi3-macosx_12_0_arm64.whl", wheel
    check_wheel(wheel)
    run([tool("abi3audit"), "--strict", "--report", wheel])
    with zipfile.ZipFile(wheel) as zf:
        facts = macho_facts(zf.read("geom/_geom.abi3.so"))
    assert facts["cpu"] == "ARM64", facts


def test_cgo_settings_errors(gowright_bin, project, tmp_path):
    """Settings that name what does not exist, or cannot hold, are refused before anything is
    built, naming the setting; strict = true refuses the function it cannot bind."""
    proj = project("cgo-module")
    base = (proj / "pyproject.toml").read_text()
    cases = [
        ("[tool.gowright.cgo.functions.Nope]\nname = \"x\"\n", "`tool.gowright.cgo.functions.Nope` names no `//export` function"),
        ("[tool.gowright.cgo.functions.Add]\nout = [\"c\"]\n", "names `c`, which is not a parameter of Add"),
        ("[tool.gowright.cgo.functions.Add]\nname = \"1x\"\n", "is not a Python function name"),
        ("[tool.gowright.cgo.functions.Add]\ncolour = 1\n", "unknown field `colour`"),
        ("[tool.gowright.cgo.functions.Greet]\nfree = \"NoSuchFree\"\n", "`free = \"NoSuchFree\"` names no `//export` function"),
        ("[tool.gowright.cgo.functions.Add]\nreturns = \"error\"\n", "cannot be bound:\n  func Add (export.go:"),
        ("[tool.gowright.cgo.functions.Upper]\nname = \"add\"\n", "would both be `add` in Python"),
        ("[tool.gowright.cgo.functions.Add]\nbuffers = [\"a\"]\n", "cannot be bound:\n  func Add (export.go:"),
        ("[tool.gowright.cgo.functions.Greet]\nbuffers = [\"name\"]\npointers = [\"name\"]\n", "`name` is in both `pointers` and `buffers`"),
    ]
    failures = []
    for i, (extra, expected) in enumerate(cases):
        (proj / "pyproject.toml").write_text(base + "\n" + extra)
        if "cannot be bound" in expected:
            text = (proj / "pyproject.toml").read_text().replace('bindings = "cgo"', 'bindings = "cgo"\nstrict = true')
            (proj / "pyproject.toml").write_text(text)
        proc = gowright(gowright_bin, "build", cwd=proj, check=False)
        if proc.returncode != 1 or expected not in proc.stderr or "hint:" not in proc.stderr \
                or "panicked" in proc.stderr or (proj / "dist").exists():
            failures.append(f"case {i}: exit {proc.returncode}\n{proc.stderr}")
    assert not failures, "\n\n".join(failures)
