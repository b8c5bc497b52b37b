"""Named types with methods passed by value (a struct, a named array, a named slice) are classes
of Go values, made by Go or by calling the class, and Go's conventions give Python protocols: String → __str__, Compare → ordering,
Equal → ==, Len → len(), Close → with (tests/fixtures/values-lib)."""

from __future__ import annotations

import pytest

from conftest import EXPECT_ERRORS, build_and_install, run, tool


@pytest.fixture(scope="module")
def python(gowright_bin, tmp_path_factory):
    return build_and_install(gowright_bin, tmp_path_factory.mktemp("values"), "values-lib")[0]


def check(python, code: str) -> None:
    assert run([python, "-c", "import semvals as s\n" + code + "\nprint('ok')"]).stdout == "ok\n"


def test_values_with_methods(python):
    check(python, EXPECT_ERRORS + """
v = s.parse("1.2.3")
assert (v.major, v.minor, v.patch) == (1, 2, 3) and str(v.bump()) == "1.3.0"
assert str(s.latest([v, s.parse("1.10.0"), s.parse("0.9.9")])) == "1.10.0"
v.major = 5  # its own copy of the Go value
assert str(v) == "5.2.3" and str(s.latest([v])) == "5.2.3"
i = s.new_id(258)
assert str(i) == "00000102" and i == s.new_id(258) and i != s.new_id(1)
p = s.split("a/b/c")
assert p.join() == "a/b/c" and len(p) == 3
# Each class makes new Go values: a struct from its fields, another type from its underlying value.
assert str(s.Version(major=1, minor=4)) == "1.4.0" and str(s.Version()) == "0.0.0"
assert s.ID(b"abcd") == s.ID(b"abcd") and str(s.ID(b"abcd")) == "61626364"
assert s.Path(["a", "b"]).join() == "a/b" and s.Log().lines() == []
expect_errors([
    (lambda: s.Version(major="x"), TypeError, "argument 'major': expected int, got str"),
    (lambda: s.ID(b"abc"), ValueError, "argument 'value': expected 4 bytes, got 3"),
    (lambda: s.latest([v, None]), ValueError, "argument 'vs'[1]: not a live Version (its Go value was released, or it was not made by Go)"),
    (lambda: s.parse("x"), s.GoError, "bad version x"),
    (lambda: hash(i), TypeError, "unhashable type: 'ID'"),
])
""")


def test_protocols_from_go_conventions(python):
    check(python, """
a, b = s.parse("1.2.3"), s.parse("1.10.0")
assert repr(a) == "<Version 1.2.3>"
assert a < b and a <= b and b > a and b >= a and not a > b
assert a == s.parse("1.2.3") and a != b and (a == "1.2.3") is False
assert [str(x) for x in sorted([b, a, s.parse("0.1.0")])] == ["0.1.0", "1.2.3", "1.10.0"]
# Go's == where the type has no Equal or Compare, and a hash where no method or field can
# change the value.
g = s.gray(128)
assert g == s.Color(b"\\x80\\x80\\x80") and g != s.gray(1) and g.hex() == "#808080"
assert {g: "gray"}[s.gray(128)] == "gray" and len({g, s.gray(128), s.gray(1)}) == 2
assert s.Version(major=1) == s.parse("1.0.0")  # from Compare
with s.open_log() as log:
    log.write("x")
assert log.lines() == ["x"]
try:
    log.write("y")
except s.GoError as e:
    assert str(e) == "log closed"
else:
    raise AssertionError("the log was not closed")
""")


def test_stubs(python, tmp_path):
    good = tmp_path / "good.py"
    good.write_text(
        "import semvals as s\n"
        "v: s.Version = s.parse('1.0.0').bump()\n"
        "newer: bool = v > s.parse('0.1.0')\n"
        "n: int = len(s.split('a/b')) + v.major\n"
        "with s.open_log() as log:\n"
        "    log.write('x')\n"
        "text: str = str(s.new_id(1))\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, good])
    bad = tmp_path / "bad.py"
    bad.write_text("import semvals as s\ns.parse('1.0.0') < 3\nx: s.ID = s.parse('1.0.0')\n")
    proc = run([tool("mypy"), "--strict", "--python-executable", python, bad], check=False)
    assert proc.returncode == 1 and "bad.py:2:" in proc.stdout and "bad.py:3:" in proc.stdout, proc.stdout
