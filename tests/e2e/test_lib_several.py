"""Several Go packages in one extension module (one Go runtime), packages bound by import path
from modules go.mod requires, and generated code that builds under any `go` line of go.mod."""

from __future__ import annotations

import zipfile

import pytest

from conftest import (
    EXPECT_ERRORS,
    build_and_install,
    built_wheels,
    gowright,
    check_on_arm64_and_windows,
    make_venv,
    offline_pip_env,
    run,
    tool,
)
from checks import check_wheel

#: Exercises every package of the several-lib fixture; `sys.argv[1]` rounds of threads.
CHECK = EXPECT_ERRORS + """
import copy, sys, threading
import several
from several import humanize, shapes, stats, xxhash

assert several.__all__ == ["GoError", "GoPanic", "shapes", "stats", "humanize", "xxhash"]
# Two packages of the project, both with a struct Point, a handle type Bag and Describe.
assert (shapes.describe(), stats.describe()) == ("shapes", "stats")
assert shapes.distance(shapes.Point(0, 0), shapes.Point(3, 4)) == 5.0
assert shapes.farthest([shapes.Point(1, 1), shapes.Point(-3, 0)]) == shapes.Point(-3.0, 0.0)
bag = shapes.new_bag()
bag.add(shapes.Point(1, 2))
assert bag.len() == 1 and copy.copy(bag).len() == 1 and copy.deepcopy(bag).len() == 1
counts = stats.new_bag()
counts.add(stats.Point("a", 3))
assert counts.total() == 3
assert stats.histogram(["ab", "c", "ab"]) == {"ab": 4, "c": 1}
assert stats.sum(1, 2, 3) == 6
# An error variable and a variable of one of the packages.
assert stats.mean(1, 2) == 1.5 and stats.precision == 2
try:
    stats.mean()
except stats.ErrEmpty as e:
    assert isinstance(e, several.GoError) and str(e) == "stats: no samples"
else:
    raise AssertionError("no ErrEmpty")
stats.precision = 0
assert stats.mean(1, 2) == 2.0
stats.precision = 2
# Two third-party packages, by import path.
assert humanize.bytes(123456789) == "123 MB"
assert humanize.comma(-1234567) == "-1,234,567"
assert humanize.ordinal(22) == "22nd"
assert xxhash.sum64_string("hello") == 0x26C7827D889F6DA3
assert xxhash.sum64(b"hello") == xxhash.sum64_string("hello")
# One GoError and GoPanic for all: those of the root module.
assert shapes.GoError is several.GoError is stats.GoError and humanize.GoPanic is several.GoPanic
expect_errors([
    (lambda: shapes.farthest([]), several.GoError, "no points"),
    (lambda: shapes.crash(), several.GoPanic, "shapes crashed"),
    (lambda: humanize.parse_bytes("lots"), several.GoError, 'strconv.ParseFloat: parsing "": invalid syntax'),
    (lambda: shapes.distance(stats.Point("a", 1), shapes.Point()), TypeError,
     "argument 'a': expected Point, got several.stats._types.Point"),
    (lambda: shapes.Bag.len(stats.new_bag()), TypeError,
     "argument 'self': expected several.shapes._types.Bag, got several.stats._types.Bag"),
])
# One extension module file, loaded once, holding every package's module.
files = {sys.modules[n].__file__ for n in sys.modules if n.startswith("several.") and n.count(".") == 2
         and not n.endswith("._types")}
assert files == {several._several.__file__}, files
assert shapes._shapes.__name__ == "several.shapes._shapes"

def work():
    for i in range(int(sys.argv[1])):
        assert xxhash.sum64_string(str(i)) == xxhash.sum64(str(i).encode())
        b = stats.new_bag()
        b.add(stats.Point("x", i))
        assert b.total() == i and humanize.comma(i * 1000)
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("ok")
"""


@pytest.fixture(scope="module")
def built(gowright_bin, tmp_path_factory):
    return build_and_install(gowright_bin, tmp_path_factory.mktemp("several"), "several-lib")


def names_in(wheel) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


def test_several_packages_in_one_extension_module(built):
    python, wheel, stderr = built
    names = names_in(wheel)
    assert [n for n in names if n.endswith(".so")] == ["several/_several.abi3.so"], names
    for sub in ["shapes", "stats", "humanize", "xxhash"]:
        assert f"several/{sub}/__init__.py" in names and f"several/{sub}/_{sub}.pyi" in names
    assert "several/py.typed" in names
    # What a third-party package leaves out is named with its import path.
    assert "not bound: github.com/dustin/go-humanize: bigbytes.go:133: func BigBytes" in stderr, stderr
    assert run([python, "-c", CHECK, "2000"]).stdout == "ok\n"


def test_several_packages_install_with_pip_too(built, tmp_path):
    _, wheel, _ = built
    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--quiet", wheel])
    assert run([python, "-c", CHECK, "10"]).stdout == "ok\n"


def test_stubs_of_sub_packages_type_check(built, tmp_path):
    python, _, _ = built
    good = tmp_path / "good.py"
    good.write_text(
        "import several\nfrom several import humanize, shapes, xxhash\n\n"
        "d: float = shapes.distance(shapes.Point(0, 0), shapes.Point(1, 1))\n"
        "h: int = xxhash.sum64_string('x')\n"
        "s: str = humanize.bytes(3)\n"
        "try:\n    shapes.crash()\nexcept several.GoPanic:\n    pass\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, good])
    bad = tmp_path / "bad.py"
    bad.write_text("from several import xxhash\n\nh: str = xxhash.sum64_string(1)\n")
    proc = run([tool("mypy"), "--strict", "--python-executable", python, bad], check=False)
    assert proc.returncode == 1, proc.stdout
    assert 'incompatible type "int"; expected "str"' in proc.stdout, proc.stdout
    assert 'Incompatible types in assignment (expression has type "int", variable has type "str")' in proc.stdout


def test_several_packages_sdist_installs(gowright_bin, project, wheelhouse, zig_env, tmp_path):
    """The sdist holds the project's packages, go.mod and go.sum; pip builds it from there (the
    required modules come from the Go module cache or proxy, as for any Go build)."""
    proj = project("several-lib")
    proc = gowright(gowright_bin, "sdist", cwd=proj)
    [sdist] = list((proj / "dist").glob("*.tar.gz"))
    python = make_venv(tmp_path / "venv")
    env = dict(offline_pip_env(wheelhouse), GOWRIGHT_ZIG=zig_env["GOWRIGHT_ZIG"])
    run([python, "-m", "pip", "install", "--quiet", sdist], env=env, timeout=900)
    assert run([python, "-c", CHECK, "10"]).stdout == "ok\n", proc.stderr


def test_several_packages_for_arm64_and_windows(gowright_bin, project, zig_env, arm64_root, windows_python, tmp_path):
    """Cross-compiled with zig: linux/arm64 runs under qemu, windows/amd64 under wine; every
    sub-package loads its module from the one `.pyd` too."""
    proj = project("several-lib")
    proc = gowright(
        gowright_bin, "build", "--target", "linux/arm64", "--target", "windows/amd64", cwd=proj, env=zig_env,
    )
    wheels = {w.name.rsplit("-", 1)[-1]: w for w in built_wheels(proc) if "-abi3-" in w.name}
    assert sorted(wheels) == ["manylinux2014_aarch64.manylinux_2_17_aarch64.whl", "win_amd64.whl"], wheels
    assert [n for n in names_in(wheels["win_amd64.whl"]) if n.endswith(".pyd")] == ["several/_several.pyd"]
    for wheel in wheels.values():
        check_wheel(wheel)
        run([tool("abi3audit"), "--strict", "--report", wheel])
    check_on_arm64_and_windows(
        wheels, CHECK, "50", arm64_root=arm64_root, windows_python=windows_python, tmp_path=tmp_path,
    )


@pytest.mark.parametrize("go_line", ["go 1.16", None])
def test_shims_build_under_an_old_go_line(gowright_bin, project, tmp_path, go_line):
    """A go.mod declaring `go 1.16` (or no go line, which Go reads as 1.16) gets shims that use
    generics and unsafe.Slice: each generated file sets its own language version."""
    proj = project("handles-lib")
    go_mod = proj / "go.mod"
    lines = [line for line in go_mod.read_text().splitlines() if not line.startswith("go ")]
    if go_line:
        lines.insert(1, go_line)
    go_mod.write_text("\n".join(lines) + "\n")
    proc = gowright(gowright_bin, "build", cwd=proj)
    [wheel] = [w for w in built_wheels(proc) if "-abi3-" in w.name]
    python = make_venv(tmp_path / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
    assert run([python, "-c", "import counter; print('ok')"]).stdout == "ok\n"


def test_several_packages_errors(gowright_bin, project):
    """Configurations that cannot work say which entry and what to do."""
    proj = project("several-lib")
    pyproject = proj / "pyproject.toml"
    original = pyproject.read_text()
    block = original[original.index("go-package = ["):]
    cases = [
        ('go-package = ["./shapes", "github.com/google/uuid"]\n',
         "no required module provides package github.com/google/uuid", "go get"),
        ('go-package = ["./shapes", "./shapes/"]\n', "names \"./shapes/\" twice", "list each Go package once"),
        ('go-package = []\n', "`tool.gowright.go-package` is an empty list", "name at least one"),
        ('go-package = ["github.com/x y"]\n', "is not a valid Go import path", "import statement"),
        ('go-package = 3\n', "a string or a list of strings", None),
        ('bindings = "bin"\ngo-package = ["./shapes", "./stats"]\n',
         "binds several Go packages, which only bindings = \"lib\" can", "set bindings = \"lib\""),
    ]
    for config, message, hint in cases:
        pyproject.write_text(original.replace(block, config))
        proc = gowright(gowright_bin, "build", cwd=proj, check=False)
        assert proc.returncode == 1, (config, proc.stderr)
        assert message in proc.stderr, (config, proc.stderr)
        if hint:
            assert "hint:" in proc.stderr and hint in proc.stderr, (config, proc.stderr)
        assert "panicked" not in proc.stderr
        assert not list(proj.glob("dist/*.whl")), config
    # Two packages of one name: their sub-modules would collide.
    (proj / "other" / "stats").mkdir(parents=True)
    (proj / "other" / "stats" / "s.go").write_text("package stats\n\nfunc One() int { return 1 }\n")
    pyproject.write_text(original.replace(block, 'go-package = ["./stats", "./other/stats"]\n'))
    proc = gowright(gowright_bin, "build", cwd=proj, check=False)
    assert proc.returncode == 1
    assert "are both named `stats`" in proc.stderr and "hint:" in proc.stderr, proc.stderr
