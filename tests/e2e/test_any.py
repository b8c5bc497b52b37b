"""Go's `any` (`interface{}`) across the boundary (`bindings = "lib"`, tests/fixtures/dynamic-lib):
Python values as encoding/json sees them, both ways, nested in lists, dicts and structs."""

from __future__ import annotations

import pytest

from conftest import EXPECT_ERRORS, build_and_install, run, tool


@pytest.fixture(scope="module")
def python(gowright_bin, tmp_path_factory):
    return build_and_install(gowright_bin, tmp_path_factory.mktemp("any"), "dynamic-lib")[0]


def check(python, code: str) -> None:
    assert run([python, "-c", "import dynamic as d\n" + code + "\nprint('ok')"]).stdout == "ok\n"


def test_python_values_become_go_values(python):
    check(python, """
from datetime import timedelta
for v, want in [
    (None, "<nil> <nil>"), (1, "int64 1"), (2**64 - 1, "uint64 18446744073709551615"),
    (1.5, "float64 1.5"), ("s", "string s"), (b"x", "[]uint8 [120]"), (bytearray(b"y"), "[]uint8 [121]"),
    ([1, "a"], "[]interface {} [1 a]"), ((1,), "[]interface {} [1]"),
    ({"a": 1}, "map[string]interface {} map[a:1]"), (True, "bool true"),
    (timedelta(seconds=2), "time.Duration 2s"),
]:
    got = d.describe(v)
    assert got == want, (v, got)
assert d.keys({"b": 1, "a": None}) == ["a", "b"]
""")


def test_go_values_become_python_values(python):
    check(python, """
from datetime import datetime, timedelta, timezone
nested = {"a": [1, 2.5, None, {"b": b"x", "t": True}], "c": {}, "s": "é"}
assert d.echo(nested) == nested
t = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc)
assert d.echo(t) == t and d.echo(timedelta(milliseconds=3)) == timedelta(milliseconds=3)
assert d.config() == {"name": "x", "ports": [80, 443], "debug": True, "ratio": 0.5, "nested": {"n": None}}
assert d.decode('{"a":[1,2.5,null],"b":"x"}') == {"a": [1.0, 2.5, None], "b": "x"}
assert d.values() == [
    -1, 2**64 - 1, 1.5, "s", b"b", {"x": 1, "y": 2}, {"x": 3, "y": 4}, {"1": "a", "2": "b"}, [1, 2],
    timedelta(seconds=1.5), None, [True, False],
]
assert d.wrap("n", [1]) == d.Item(name="n", value=[1]) and d.Item().value is None
""")


def test_values_without_a_form_raise(python):
    check(python, EXPECT_ERRORS + """
deep = []
for _ in range(300):
    deep = [deep]
expect_errors([
    (lambda: d.bad(), TypeError, "result: a Go chan int has no Python form"),
    (lambda: d.describe({1: 2}), TypeError, "argument 'v': dict keys must be str: expected str, got int"),
    (lambda: d.describe([object()]), TypeError,
     "argument 'v'[0]: expected None, bool, int, float, str, bytes, list, dict, datetime or timedelta, got object"),
    (lambda: d.describe(2**70), OverflowError, "argument 'v': does not fit in int64"),
])
try:
    d.echo(deep)
except RecursionError:
    pass
else:
    raise AssertionError("no RecursionError")
""")


def test_stubs(python, tmp_path):
    script = tmp_path / "use.py"
    script.write_text(
        "import dynamic as d\n"
        "s: str = d.describe(object())\n"
        "v = d.echo({'a': 1})\n"
        "n: int = d.config()['ports'][0]\n"
        "k: list[str] = d.keys({'x': [1, 'y']})\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, script])
