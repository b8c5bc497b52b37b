"""Pointers to Go structs with methods: Python objects holding live Go values (`bindings = "lib"`)."""

from __future__ import annotations

import pytest

from conftest import EXPECT_ERRORS, RSS_KIB, build_and_install, run, tool


@pytest.fixture(scope="module")
def python(gowright_bin, tmp_path_factory):
    return build_and_install(gowright_bin, tmp_path_factory.mktemp("handles"), "handles-lib")[0]


def check(python, code: str) -> None:
    assert run([python, "-c", "import counter as c\n" + code + "\nprint('ok')"]).stdout == "ok\n"


def test_methods_act_on_the_live_go_value(python):
    check(python, """
a = c.new_counter("a")
assert isinstance(a, c.Counter)
assert (a.inc(2), a.inc(by=3), a.value(), a.label()) == (2, 5, 5, "a")
b = a.clone()
b.inc(10)
assert (a.value(), b.value(), c.sum(a, b)) == (5, 15, 20)
a.merge(b)
assert a.value() == 20
try:
    a.merge(None)
except c.GoError as e:
    assert str(e) == "nothing to merge"
else:
    raise AssertionError("nil merge")
assert c.nobody() is None
r = c.new_registry()
r.add(a)
r.add(c.new_counter("z"))
assert r.names() == ["a", "z"]
assert r.add_all() == 2 and r.add_all(c.new_counter("x"), c.new_counter("y")) == 4  # variadic method
assert r.names() == ["a", "x", "y", "z"]
assert r.get("a").value() == 20  # the same Go value, seen through a new Python object
assert r.get("missing") is None
try:
    a.explode()
except c.GoPanic as e:
    assert str(e) == "counter exploded"
assert a.inc(1) == 21  # still usable after a panic in a method
assert c.Counter.inc.__doc__.startswith("Inc adds by to the counter")
assert a.name == "a"  # exported fields are properties on the live Go value
a.name = "renamed"
assert (a.name, a.label(), r.get("a") is None) == ("renamed", "renamed", False)
try:
    a.name = 5
except TypeError as e:
    assert str(e) == "argument 'value' must be str, not int"
else:
    raise AssertionError("setter type")
""")


def test_handles_inside_lists_dicts_and_structs(python):
    check(python, """
a, b = c.new_counter("a"), c.new_counter("b")
a.inc(2)
b.inc(5)
r = c.new_registry()
r.add(a)
r.add(b)
assert [x.name for x in r.all()] == ["a", "b"]
assert c.total(r.all()) == 7 and c.total([a, None, b]) == 7
p = c.make_pair(a, b)
assert (p.left.name, p.right.value(), c.pair_sum(p), c.pair_sum(c.Pair(b, b))) == ("a", 5, 7, 10)
assert c.named({"x": a, "y": b}) == ["x=a", "y=b"]
try:
    c.total([a, 3])
except TypeError as e:
    assert str(e) == "argument 'cs'[1]: expected Counter, got int"
else:
    raise AssertionError("bad item")
""")


def test_wrong_objects_are_refused(python):
    check(python, EXPECT_ERRORS + """
a = c.new_counter("a")
expect_errors([
    (lambda: c.sum(a, 5), TypeError, "argument 'b' must be Counter, not int"),
    (lambda: c.sum(a, c.new_registry()), TypeError, "argument 'b' must be Counter, not Registry"),
    (lambda: c.Counter(), TypeError, "Counter objects are made by the functions of the Go package"),
])
""")


def test_go_values_are_released_with_their_python_objects(python):
    check(python, RSS_KIB + """
for _ in range(50_000):
    c.new_counter("warm").inc(1)
before = rss_kib()
for _ in range(500_000):
    c.new_counter("x" * 64).inc(1)
assert rss_kib() - before < 8 * 1024, (before, rss_kib())
""")


def test_stubs(python, tmp_path):
    script = tmp_path / "use.py"
    script.write_text(
        "import counter\n"
        "a: counter.Counter = counter.new_counter('a')\n"
        "n: int = a.inc(1)\n"
        "r = counter.new_registry()\n"
        "r.add(a)\n"
        "total: int = r.add_all(a, a)\n"
        "names: list[str] = r.names()\n"
        "maybe: counter.Counter = r.get('a')\n"
        "label: str = a.name\n"
        "a.name = 'b'\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, script])
