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
    assert str(e) == "argument 'name': expected str, got int"
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
    (lambda: c.sum(a, 5), TypeError, "argument 'b': expected Counter, got int"),
    (lambda: c.sum(a, c.new_registry()), TypeError, "argument 'b': expected Counter, got Registry"),
    (lambda: c.Counter(nope=1), TypeError, "Counter.__new__() got an unexpected keyword argument 'nope'"),
    (lambda: c.Counter(name=5), TypeError, "argument 'name': expected str, got int"),
])
# The class makes a new Go value: the zero struct, with the fields given set.
z = c.Counter(name="z")
assert (z.name, z.inc(2), c.Counter().name) == ("z", 2, "")
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
        "maybe: counter.Counter | None = r.get('a')\n"
        "label: str = a.name\n"
        "a.name = 'b'\n"
        "import copy\n"
        "b: counter.Counter = copy.copy(a)\n"
        "d: counter.Counter = copy.deepcopy(a)\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, script])


def test_stubs_say_a_go_pointer_may_be_nil(python, tmp_path):
    """A function returning *T gives `T | None` (Go's nil), which mypy makes the caller check."""
    bad = tmp_path / "bad.py"
    bad.write_text("import counter\nc: counter.Counter = counter.new_registry().get('a')\n")
    proc = run([tool("mypy"), "--strict", "--python-executable", python, bad], check=False)
    assert proc.returncode == 1 and '"Counter | None"' in proc.stdout, proc.stdout


#: Go source of the message of a handle that is not live.
NOT_LIVE = "not a live Counter (its Go value was released, or it was not made by Go)"


def test_copy_copy_gives_a_new_handle_to_the_same_go_value(python):
    """copy.copy once shared the cgo handle: collecting the copy released the original's Go
    value (GoPanic on its next call) and the last release aborted the process."""
    check(python, """
import copy, gc
a = c.new_counter("a")
b = copy.copy(a)
assert type(b) is c.Counter and b is not a and b._gw_handle != a._gw_handle
b.inc(2)
assert a.value() == 2  # the same Go value
del b
gc.collect()
assert a.inc(1) == 3  # the original lives on
p = copy.copy(c.make_pair(a, None))  # a dataclass holding a handle object: shared, as copy does
assert p.left is not None and p.left.value() == 3
del a, p
gc.collect()
""")


def test_copy_deepcopy_copies_the_go_value(python):
    check(python, EXPECT_ERRORS + """
import copy, gc
a = c.new_counter("a")
a.inc(5)
d = copy.deepcopy(a)
assert type(d) is c.Counter and d.value() == 5 and d.name == "a"
d.inc(10)
d.name = "d"
assert (a.value(), a.name, d.value()) == (5, "a", 15)  # a new Go value
p = copy.deepcopy(c.Pair(a, a))
assert p.left is not None and p.left is p.right  # the memo keeps shared objects shared
p.left.inc(1)
assert (a.value(), p.left.value()) == (5, 6)
del d, p
gc.collect()
assert a.value() == 5
g = c.new_guarded()
g.add(1)
assert copy.copy(g).add(1) == 2  # copy.copy is the same value: fine for a mutex
expect_errors([
    (lambda: copy.deepcopy(g), TypeError,
     "cannot deepcopy 'Guarded' object: its Go value holds a lock in field mu (sync.Mutex), which must not be copied"),
])
assert "must not be copied" in c.Guarded.__deepcopy__.__doc__
""")


def test_pickling_a_handle_object_is_refused(python):
    check(python, EXPECT_ERRORS + """
import pickle
a = c.new_counter("a")
msg = "cannot pickle 'Counter' object: it holds a live Go value"
expect_errors([
    (lambda: pickle.dumps(a), TypeError, msg),
    (lambda: pickle.dumps([1, a], protocol=0), TypeError, msg),
    (lambda: pickle.dumps(c.make_pair(a, None)), TypeError, msg),
    (lambda: a.__reduce__(), TypeError, msg),
    (lambda: a.__reduce_ex__(2), TypeError, msg),
    (lambda: a.__getstate__(), TypeError, msg),
])
assert a.inc(1) == 1
""")


def test_double_release_and_made_up_handles_raise_and_never_crash(python):
    """Every misuse of a handle object raises a Python exception: no GoPanic, no abort."""
    check(python, EXPECT_ERRORS + f"""
import gc
ext = c._counter
a = c.new_counter("a")
a.__del__()  # released (as when collected), then released again: nothing happens
a.__del__()
b = c.new_counter("b")
h = b._gw_handle
ext._gw_release(h)  # release called on a handle deleted already, and on one never made
ext._gw_release(h)
ext._gw_release(123456789)
ext._gw_release(2**64 - 1)
fresh = object.__new__(c.Counter)  # no _gw_handle at all
forged = c.new_counter("forged")
forged._gw_handle = 987654321
negative = c.new_counter("negative")
negative._gw_handle = -5
text = c.new_counter("text")
text._gw_handle = "x"
registry = c.new_registry()
other = c.new_counter("other")
other._gw_handle = registry._gw_handle  # a live handle of another class
gone = c.new_counter("gone")
del gone._gw_handle
ok = c.new_counter("ok")
not_live = "argument 'self': {NOT_LIVE}"
expect_errors([
    (lambda: a.inc(1), ValueError, not_live),
    (lambda: b.value(), ValueError, not_live),
    (lambda: b.name, ValueError, not_live),
    (lambda: fresh.inc(1), ValueError, not_live),
    (lambda: forged.inc(1), ValueError, not_live),
    (lambda: negative.inc(1), ValueError, not_live),
    (lambda: text.inc(1), ValueError, not_live),
    (lambda: other.inc(1), ValueError, not_live),
    (lambda: gone.inc(1), ValueError, not_live),
    (lambda: c.sum(ok, forged), ValueError, "argument 'b': {NOT_LIVE}"),
    (lambda: ok.merge(a), ValueError, "argument 'other': {NOT_LIVE}"),
    (lambda: c.total([ok, forged]), ValueError, "argument 'cs'[1]: {NOT_LIVE}"),
    (lambda: c.pair_sum(c.Pair(ok, fresh)), ValueError, "argument 'p'.right: {NOT_LIVE}"),
    (lambda: registry.add_all(ok, other), ValueError, "argument 'cs'[1]: {NOT_LIVE}"),
    (lambda: __import__("copy").copy(forged), ValueError, not_live),
    (lambda: __import__("copy").deepcopy(fresh), ValueError, not_live),
    (lambda: ext._Counter_inc(None, 1), ValueError, not_live),
    (lambda: ext._Counter_inc(registry, 1), TypeError, "argument 'self': expected Counter, got Registry"),
    (lambda: ext._gw_copy(5, False), TypeError, "argument 'self': expected an object of a Go type, got int"),
    (lambda: c.Counter.__new__(c.Counter, name=None), TypeError, "argument 'name': expected str, got None"),
])
assert ok.inc(2) == 2 and registry.names() == []  # the live values are untouched
del a, b, fresh, forged, negative, text, other, gone, ok, registry
gc.collect()
""")


def test_one_handle_object_used_from_many_threads(python):
    """Calls, copies and releases of the same handles from 8 threads at once: the handle
    table is safe for concurrent use (the Go type's own safety is its business: Guarded is)."""
    check(python, """
import copy, gc
from concurrent.futures import ThreadPoolExecutor
g = c.new_guarded()
a = c.new_counter("shared")
r = c.new_registry()
r.add(a)
def work(i):
    for _ in range(2000):
        g.add(1)
        b = copy.copy(a)
        assert b.label() == "shared" and r.get("shared") is not None
        copy.deepcopy(b).inc(1)
        del b
    gc.collect()
    return i
with ThreadPoolExecutor(8) as pool:
    assert sorted(pool.map(work, range(8))) == list(range(8))
assert g.add(0) == 16000
assert a.label() == "shared"
""")


def test_handle_objects_in_a_forked_child(python):
    """After fork() the child has no Go threads: its calls raise, and the objects it inherited
    are collected without calling Go (which could hang)."""
    code = """
import os, gc, sys
import counter as c
a = c.new_counter("a")
pid = os.fork()
if pid == 0:
    try:
        a.inc(1)
    except RuntimeError as e:
        print(e, flush=True)
    del a
    gc.collect()
    sys.exit(0)  # a normal exit: finalizers run
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, status
assert a.inc(1) == 1  # the parent's Go runtime is fine
print("parent ok")
"""
    out = run([python, "-c", code], timeout=60).stdout
    assert out == (
        "the Go runtime of counter does not survive fork(); use multiprocessing's \"spawn\" "
        "or \"forkserver\" start method\nparent ok\n"
    ), out

