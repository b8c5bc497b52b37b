"""`bindings = "lib"`: an ordinary Go package as a CPython extension module (abi3)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from checks import check_wheel
from conftest import EXPECT_ERRORS, RSS_KIB, gowright, make_venv, run, tool, wheel_for


@pytest.fixture(scope="module")
def scalars(gowright_bin, tmp_path_factory):
    """The scalars fixture built and installed into a fresh venv; returns (wheel, python, stderr)."""
    import shutil

    from conftest import FIXTURES

    root = tmp_path_factory.mktemp("scalars")
    proj = root / "scalars-lib"
    shutil.copytree(FIXTURES / "scalars-lib", proj)
    proc = gowright(gowright_bin, "build", cwd=proj)
    wheel = wheel_for(proc, "abi3")
    python = make_venv(root / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
    return wheel, python, proc.stderr


def py(python, code: str) -> str:
    return run([python, "-c", code]).stdout


def test_wheel_is_abi3_and_valid(scalars):
    wheel, _, _ = scalars
    assert wheel.name.startswith("scalars-0.3.0-cp311-abi3-manylinux_2_")
    check_wheel(wheel)
    run([tool("abi3audit"), "--strict", "--report", wheel])
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    for name in ["scalars/__init__.py", "scalars/_scalars.abi3.so", "scalars/_scalars.pyi", "scalars/py.typed"]:
        assert name in names


def test_unsupported_declarations_are_reported(scalars):
    _, _, stderr = scalars
    assert "scalars.go" in stderr and "func Stream" in stderr and "chan int" in stderr
    assert "func Sum" not in stderr and "variadic" not in stderr  # variadic functions are bound
    assert "const Imaginary: complex constants are not supported" in stderr
    assert "const MaxItems" not in stderr


def test_scalars(scalars):
    _, python, _ = scalars
    code = """
import scalars as s
assert s.add(2, 3) == 5
assert s.add(a=2, b=-3) == -1
assert s.negate(True) is False
assert s.widths(-128, -32768, -2**31, -2**63, 255, 65535, 2**32-1, 2**64-1) == (-128, -32768, -2**31, -2**63, 255, 65535, 2**32-1, 2**64-1)
assert s.half(3.0, 5.0) == (1.5, 2.5)
assert s.to_fahrenheit(100.0) == 212.0
assert s.get_version() == "0.3.0"
print("ok")
"""
    assert py(python, code) == "ok\n"


def test_constants_are_module_attributes(scalars):
    _, python, _ = scalars
    code = """
import scalars as s
assert s.MAX_ITEMS == 100 and type(s.MAX_ITEMS) is int
assert s.HUGE == 2**70
assert s.RATIO == 0.25
assert s.GREETING == 'héllo, "world"\\n'
assert s.DEBUG is False
assert s.FREEZING == 0.0 and type(s.FREEZING) is float  # typed by a named float type
assert "MAX_ITEMS" in s.__all__ and not hasattr(s, "IMAGINARY")
print("ok")
"""
    assert py(python, code) == "ok\n"


def test_variadic_functions_take_star_args(scalars):
    _, python, _ = scalars
    code = """
import inspect
import scalars as s
assert s.sum() == 0
assert s.sum(1, 2, 3) == 6
assert s.sum(*range(1000)) == 499500
assert s.label("p") == "p:"
assert s.label("p", "a", "b") == "p:a,b"
assert s.label(prefix="p") == "p:"
assert str(inspect.signature(s.label)) == "(prefix, *words)"
for call, exc, text in [
    (lambda: s.sum(1, "x"), TypeError, "'xs'[1]"),
    (lambda: s.sum(2**63), OverflowError, ""),
    (lambda: s.sum(xs=[1]), TypeError, "unexpected keyword argument 'xs'"),
    (lambda: s.label(), TypeError, "missing required argument 'prefix'"),
    (lambda: s.label("p", prefix="q"), TypeError, "multiple values for argument 'prefix'"),
]:
    try:
        call()
    except exc as e:
        assert text in str(e), (text, str(e))
    else:
        raise AssertionError(text)
print("ok")
"""
    assert py(python, code) == "ok\n"


def test_scalar_argument_errors_name_the_argument(scalars):
    """Scalars once raised CPython's own messages (`'str' object cannot be interpreted as an
    integer`), which do not say which argument was wrong."""
    _, python, _ = scalars
    code = EXPECT_ERRORS + """
import scalars as s
class Index:
    def __index__(self):
        return 7
expect_errors([
    (lambda: s.add("x", 1), TypeError, "argument 'a': expected int, got str"),
    (lambda: s.add(1, None), TypeError, "argument 'b': expected int, got None"),
    (lambda: s.add(1, 2**70), OverflowError, "argument 'b': does not fit in int64"),
    (lambda: s.widths(128, 0, 0, 0, 0, 0, 0, 0), OverflowError, "argument 'a': 128 does not fit in int8"),
    (lambda: s.widths(0, 0, 0, 0, 256, 0, 0, 0), OverflowError, "argument 'e': 256 does not fit in uint8"),
    (lambda: s.widths(0, 0, 0, 0, 0, 0, 0, -1), OverflowError, "argument 'h': -1 does not fit in uint64"),
    (lambda: s.widths(0, 0, 0, 0, 0, 0, 0, 2**64), OverflowError, "argument 'h': does not fit in uint64"),
    (lambda: s.widths(0, 0, 0, 0, 0, 0, 0, -2**70), OverflowError, "argument 'h': does not fit in uint64"),
    (lambda: s.repeat("x", -1), OverflowError, "argument 'n': -1 does not fit in uint16"),
    (lambda: s.repeat("x", "2"), TypeError, "argument 'n': expected int, got str"),
    (lambda: s.half("x", 1.0), TypeError, "argument 'x': expected float, got str"),
    (lambda: s.half(1.0, 10**400), OverflowError, "argument 'y': int too large for a float"),
    (lambda: s.greet(1), TypeError, "argument 'name': expected str, got int"),
])
assert s.widths(-128, 0, 0, 0, 255, 0, 0, 2**64 - 1)[::7] == (-128, 2**64 - 1)
assert s.add(Index(), True) == 8 and s.repeat("ab", Index()) == "ab" * 7  # __index__ is an int
assert s.half(3, 1) == (1.5, 0.5)  # ints are floats
print("ok")
"""
    assert py(python, code) == "ok\n"


def test_a_forked_child_gets_a_clear_error_and_no_hang(scalars):
    """The child of a fork() has no Go threads: a call needing the Go scheduler (here,
    goroutines) hung forever. Now every call in the child raises."""
    _, python, _ = scalars
    code = """
import os, sys
import scalars as s
assert s.parallel(10) == 55
pid = os.fork()
if pid == 0:
    for call in (lambda: s.parallel(10), lambda: s.add(1, 2), lambda: s.greet("child")):
        try:
            call()
        except RuntimeError as e:
            print(e, flush=True)
        else:
            print("no error", flush=True)
    os._exit(0)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, status
assert s.parallel(10) == 55  # the parent goes on
print("ok")
"""
    message = (
        "the Go runtime of scalars does not survive fork(); use multiprocessing's \"spawn\" or "
        "\"forkserver\" start method\n"
    )
    assert run([python, "-c", code], timeout=60).stdout == message * 3 + "ok\n"


def test_multiprocessing_spawn_works(scalars):
    """What the fork error advises: a "spawn" child imports the module afresh and calls Go."""
    _, python, _ = scalars
    code = """
import multiprocessing as mp
import scalars as s
if __name__ == "__main__":
    with mp.get_context("spawn").Pool(2) as pool:
        assert pool.map(s.parallel, [3, 4]) == [6, 10]
    print("ok")
"""
    assert py(python, code) == "ok\n"


def test_out_of_range_integers_raise_overflow_error(scalars):
    _, python, _ = scalars
    code = """
import scalars as s
for args in [(128, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 256, 0, 0, 0), (0, 0, 0, 0, -1, 0, 0, 0),
             (0, 0, 0, 2**63, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 2**64)]:
    try:
        s.widths(*args)
    except OverflowError:
        pass
    else:
        raise AssertionError(args)
try:
    s.repeat("x", -1)
except OverflowError:
    pass
else:
    raise AssertionError("negative uint16")
print("ok")
"""
    assert py(python, code) == "ok\n"


def test_strings_and_bytes(scalars):
    _, python, _ = scalars
    code = """
import scalars as s
assert s.greet("Gopher") == "Hello, Gopher!"
assert s.greet("世界 🌍") == "Hello, 世界 🌍!"
assert s.rune_count("héllo") == (5, True)
assert s.reverse(b"abc") == b"cba"
assert s.reverse(bytearray(b"xy")) == b"yx"
assert s.reverse(memoryview(b"123")) == b"321"
assert s.reverse(memoryview(b"abcdef")[::2]) == b"eca"  # not contiguous: copied
assert s.reverse(memoryview(bytearray(b"abcdef")).cast("B", (2, 3))[::-1]) == b"cbafed"  # 2-D, strided
assert s.reverse(b"") == b""
big = bytes(range(256)) * 4096
assert s.reverse(big) == big[::-1]
assert s.repeat("ab", 3) == "ababab"
assert s.bad_utf8() == "ok\\udcff\\udcfe"
print("ok")
"""
    assert py(python, code) == "ok\n"


def test_errors_and_panics(scalars):
    _, python, _ = scalars
    code = """
import scalars as s
assert s.divide(1.0, 4.0) == 0.25
try:
    s.divide(1.0, 0.0)
except s.GoError as e:
    assert str(e) == "division by zero"
else:
    raise AssertionError("no GoError")
assert s.check("x") is None
try:
    s.check("")
except s.GoError as e:
    assert str(e) == "empty input: nothing to check"
try:
    s.explode("boom")
except s.GoPanic as e:
    assert str(e) == "boom"
try:
    s.nil_map()
except s.GoPanic as e:
    assert "nil map" in str(e)
assert issubclass(s.GoPanic, RuntimeError)
assert s.add(1, 1) == 2  # the process keeps running
print("ok")
"""
    assert py(python, code) == "ok\n"


def test_argument_errors(scalars):
    _, python, _ = scalars
    code = """
import scalars as s
import inspect
for call, text in [
    (lambda: s.add(1), "missing required argument 'b'"),
    (lambda: s.add(1, 2, 3), "takes 2 arguments but 3 were given"),
    (lambda: s.add(1, c=2), "unexpected keyword argument 'c'"),
    (lambda: s.add(1, a=2), "multiple values for argument 'a'"),
    (lambda: s.greet(b"x"), "argument 'name': expected str, got bytes"),
    (lambda: s.reverse("x"), "argument 'data': expected a bytes-like object, got str"),
    (lambda: s.add(1.5, 2), "argument 'a': expected int, got float"),
]:
    try:
        call()
    except TypeError as e:
        assert text in str(e), (text, str(e))
    else:
        raise AssertionError(text)
assert str(inspect.signature(s.add)) == "(a, b)"
assert s.add.__doc__.strip() == "Add returns a + b."
print("ok")
"""
    assert py(python, code) == "ok\n"


def test_threads_run_go_in_parallel_and_correctly(scalars):
    _, python, _ = scalars
    code = """
import scalars as s
from concurrent.futures import ThreadPoolExecutor
def work(i):
    for j in range(2000):
        assert s.add(i, j) == i + j
        assert s.greet(str(i)) == f"Hello, {i}!"
    return i
with ThreadPoolExecutor(8) as pool:
    assert sorted(pool.map(work, range(8))) == list(range(8))
print("ok")
"""
    assert py(python, code) == "ok\n"


def test_stubs_type_check(scalars, tmp_path):
    _, python, _ = scalars
    script = tmp_path / "use.py"
    script.write_text(
        "import scalars\n"
        "x: int = scalars.add(1, 2)\n"
        "t: tuple[int, bool] = scalars.rune_count('x')\n"
        "b: bytes = scalars.reverse(b'x')\n"
        "n: int = scalars.sum(1, 2, 3)\n"
        "w: str = scalars.label('p', 'a', 'b')\n"
        "m: int = scalars.MAX_ITEMS\n"
        "g: str = scalars.GREETING\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, script])
    bad = tmp_path / "bad.py"
    bad.write_text("import scalars\ny: str = scalars.add(1, 2)\n")
    proc = run([tool("mypy"), "--python-executable", python, bad], check=False)
    assert proc.returncode == 1 and "Incompatible types" in proc.stdout


def test_pip_install_dot_and_sdist_of_a_lib_project(gowright_bin, project, wheelhouse, tmp_path):
    from conftest import offline_pip_env

    proj = project("scalars-lib")
    env = offline_pip_env(wheelhouse)
    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--quiet", proj], env=env)
    assert py(python, "import scalars; print(scalars.greet('pip'))") == "Hello, pip!\n"
    sdist = Path(gowright(gowright_bin, "sdist", cwd=proj).stdout.strip())
    python2 = make_venv(tmp_path / "venv2")
    run([python2, "-m", "pip", "install", "--quiet", sdist], env=env)
    assert py(python2, "import scalars; print(scalars.add(20, 22))") == "42\n"


def test_the_gil_is_released_while_go_runs(scalars):
    """A Go call blocking in one thread must not stop another thread from calling Go: if the GIL
    were held, `release()` could never run and `wait()` would never return."""
    _, python, _ = scalars
    code = """
import threading, scalars
done = []
t = threading.Thread(target=lambda: done.append(scalars.wait()))
t.start()
scalars.release()
t.join(timeout=30)
assert done == [True], done
print("ok")
"""
    assert py(python, code) == "ok\n"


def test_memory_stays_flat_over_a_million_calls(scalars):
    _, python, _ = scalars
    code = RSS_KIB + """
import scalars
payload = b"x" * 64
for _ in range(100_000):
    scalars.greet("warm"); scalars.reverse(payload)
before = rss_kib()
for i in range(1_000_000):
    scalars.greet("memory"); scalars.reverse(payload)
    try:
        scalars.divide(1.0, 0.0)
    except scalars.GoError:
        pass
after = rss_kib()
print(before, after)
assert after - before < 8 * 1024, (before, after)
"""
    run([python, "-c", code])


def test_hello_lib_example(gowright_bin, project, tmp_path):
    proj = project("hello-lib")
    wheel = wheel_for(gowright(gowright_bin, "build", cwd=proj), "abi3")
    check_wheel(wheel)
    python = make_venv(tmp_path / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
    code = (
        "import hello_lib as h; print(h.greet('Gopher'), h.word_count('a b c'), h.slugify('Hello, World!'));"
        "import hashlib; assert h.digest(b'abc') == hashlib.sha256(b'abc').hexdigest()\n"
        "try:\n    h.slugify('!!!')\nexcept h.GoError as e:\n    print(e)"
    )
    assert py(python, code) == "Hello, Gopher! 3 hello-world\nthe title has no letters or digits\n"
    code = (
        "import hello_lib as h\n"
        "print(h.analyze('the quick brown\\nfox'))\n"
        "t = h.new_tally(); t.add('a b a'); t.add('B')\n"
        "print(t.count('A'), t.counts())"
    )
    assert py(python, code) == "Stats(words=4, lines=2, longest='quick')\n2 {'a': 2, 'b': 2}\n"
