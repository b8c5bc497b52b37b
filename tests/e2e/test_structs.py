"""Go structs passed by value as Python dataclasses (`bindings = "lib"`)."""

from __future__ import annotations

import pytest

from conftest import EXPECT_ERRORS, build_and_install, run, tool


@pytest.fixture(scope="module")
def built(gowright_bin, tmp_path_factory):
    python, _, stderr = build_and_install(gowright_bin, tmp_path_factory.mktemp("structs"), "structs-lib")
    return python, stderr


def check(python, code: str) -> None:
    assert run([python, "-c", "import shapes as s\n" + code + "\nprint('ok')"]).stdout == "ok\n"


def test_structs_round_trip(built):
    python, _ = built
    check(python, """
import dataclasses
assert s.mid(s.Point(0, 0), s.Point(2, 4)) == s.Point(1.0, 2.0)
assert s.mid(a=s.Point(x=1), b=s.Point(y=2)) == s.Point(0.5, 1.0)
assert s.area(s.Rect(s.Point(0, 0), s.Point(2, 3))) == 6.0
r = s.bounds([s.Point(1, 1), s.Point(-1, 5)])
assert r == s.Rect(min=s.Point(-1, 1), max=s.Point(1, 5), name="bounds", tags=["computed"])
assert s.depth(s.chain(30)) == 30
assert s.chain(2) == s.Tree(value=2, children=[s.Tree(value=1)])
assert s.index({"a": s.Point(), "b": s.Point()}) in (["a", "b"], ["b", "a"])
assert s.Rect() == s.Rect(s.Point(), s.Point(), "", [])
assert dataclasses.is_dataclass(s.Point) and [f.name for f in dataclasses.fields(s.Rect)] == ["min", "max", "name", "tags"]
assert s.Point.__doc__ == "Point is a point in the plane."
try:
    s.bounds([])
except s.GoError as e:
    assert str(e) == "no points"
""")


def test_struct_argument_errors(built):
    python, _ = built
    check(python, EXPECT_ERRORS + """
expect_errors([
    (lambda: s.mid(1, s.Point()), TypeError, "argument 'a': expected Point, got int"),
    (lambda: s.mid(s.Point("x", 0), s.Point()), TypeError, "argument 'a'.x: expected float, got str"),
    (lambda: s.area(s.Point()), TypeError, "argument 'r': expected Rect, got Point"),
    (lambda: s.area(s.Rect(tags=[1])), TypeError, "argument 'r'.tags[0]: expected str, got int"),
])
""")


def test_unbindable_structs_are_reported(built):
    _, stderr = built
    assert "shapes.go:32: type Signal: field C: type `chan int` is not supported yet" in stderr
    assert "Labeled" not in stderr  # an embedded struct is a field named after its type


def test_embedded_struct_is_a_field_named_after_its_type(built):
    python, _ = built
    check(python, """
import dataclasses
t = s.tag(s.Point(1, 2), "here")
assert t == s.Labeled(point=s.Point(1.0, 2.0), label="here")
assert [f.name for f in dataclasses.fields(s.Labeled)] == ["point", "label"]
assert s.where(s.Labeled(s.Point(3, 4), "x")) == (3.0, 4.0)
""")


def test_deeply_nested_results_raise_recursion_error(built):
    """A Go value nested 100,000 deep once overflowed the C stack of the decoder (SIGSEGV)."""
    python, _ = built
    check(python, EXPECT_ERRORS + """
def depth(n):
    d = 0
    while n.children:
        n, d = n.children[0], d + 1
    return d
assert depth(s.nest(100)) == 99  # 200 levels (a struct and a list each): the limit
t = s.Tree(0)
for _ in range(99):
    t = s.Tree(0, [t])
assert s.depth(t) == 100  # the same limit for arguments
expect_errors([
    (lambda: s.nest(101), RecursionError, "result nested too deeply"),
    (lambda: s.nest(100_000), RecursionError, "result nested too deeply"),
    (lambda: s.nest(10_000_000), RecursionError, "result nested too deeply"),  # no Go stack overflow either
    (lambda: s.chain(100_000), RecursionError, "result nested too deeply"),
])
t = s.Tree(0)
for _ in range(100_000):
    t = s.Tree(0, [t])
expect_errors([(lambda: s.depth(t), RecursionError, "argument nested too deeply")])
assert s.depth(s.chain(30)) == 30  # the interpreter goes on
""")


def test_stubs(built, tmp_path):
    python, _ = built
    script = tmp_path / "use.py"
    script.write_text(
        "import shapes\n"
        "p: shapes.Point = shapes.mid(shapes.Point(0, 0), shapes.Point(1.0, 2.0))\n"
        "x: float = p.x\n"
        "r: shapes.Rect = shapes.bounds([p])\n"
        "t: list[str] = r.tags\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, script])


def test_durations_and_times(built):
    python, _ = built
    check(python, EXPECT_ERRORS + """
from datetime import datetime, timedelta, timezone
t = datetime(2024, 1, 1, tzinfo=timezone.utc)
assert s.later(t, timedelta(hours=1, microseconds=5)) == t + timedelta(hours=1, microseconds=5)
assert s.elapsed(t, t + timedelta(days=2)) == timedelta(days=2)
assert s.timeout() == timedelta(milliseconds=1500)
m = s.moment()
assert m.utcoffset() == timedelta(hours=2) and (m.hour, m.microsecond) == (7, 123456)
assert s.describe(s.Event("x", t, timedelta(seconds=3))) == "x@2024-01-01T00:00:00Z+3s"
assert s.Event() == s.Event("", datetime(1, 1, 1, tzinfo=timezone.utc), timedelta(0))
assert [e.at for e in s.schedule(t, timedelta(minutes=30), 2)] == [t, t + timedelta(minutes=30)]
assert s.later(t - timedelta(days=365 * 100), timedelta(0)) == t - timedelta(days=365 * 100)
expect_errors([
    (lambda: s.later(t, 5), TypeError, "argument 'd': expected timedelta, got int"),
    (lambda: s.later("2024", timedelta(0)), TypeError, "argument 't': expected datetime, got str"),
    (lambda: s.later(t, timedelta(days=200_000)), OverflowError, "argument 'd': does not fit in a Go time.Duration (±292 years)"),
])
""")
