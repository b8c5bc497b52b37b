"""Slices, arrays and maps across the Go boundary (`bindings = "lib"`)."""

from __future__ import annotations

import pytest

from conftest import EXPECT_ERRORS, RSS_KIB, build_and_install, run, tool


@pytest.fixture(scope="module")
def python(gowright_bin, tmp_path_factory):
    return build_and_install(gowright_bin, tmp_path_factory.mktemp("collections"), "collections-lib")[0]


def check(python, code: str) -> None:
    assert run([python, "-c", "import gocollections as c\n" + code + "\nprint('ok')"]).stdout == "ok\n"


def test_values(python):
    check(python, """
assert c.sum_ints([1, 2, 3]) == 6
assert c.sum_ints((1, 2)) == 3 and c.sum_ints(range(5)) == 10 and c.sum_ints([]) == 0
assert c.words("a b  c") == ["a", "b", "c"]
assert c.counts(["a", "b", "a"]) == {"a": 2, "b": 1}
assert c.scale([1.0, 2], 2.0) == [2.0, 4.0]
assert c.matrix(2) == [[1, 0], [0, 1]]
assert c.rotate([1, 2, 3]) == [2, 3, 1]
assert c.lengths({"x": ["a", "b"], "y": []}) == {"x": 2, "y": 0}
assert c.invert([True, False]) == [False, True]
assert c.total_size([b"ab", bytearray(b"c"), memoryview(b"de")]) == 5
assert c.total_size([memoryview(b"abcdef")[::2], memoryview(b"xy")[::-1]]) == 5  # not contiguous
assert c.warmest([1.5, 30.0, -2.0]) == [30.0, 1.5, -2.0]
assert c.nothing() == ([], {})
assert c.big(2) == [0, 2**64 - 1]
assert c.squares(4) == {0: 0, 1: 1, 2: 4, 3: 9} and list(c.squares(12)) == list(range(12))  # sorted keys
assert c.by_code({2: "b", 1: "a", 255: "z"}) == ["a", "b", "z"]
n = 200_000
assert c.sum_ints(list(range(n))) == n * (n - 1) // 2
words = ["w%d" % (i % 1000) for i in range(n)]
assert c.counts(words) == {"w%d" % i: n // 1000 for i in range(1000)}
assert list(c.counts(["b", "a", "c"])) == ["a", "b", "c"]  # Go maps come back sorted by key
""")


def test_argument_errors_name_the_element(python):
    check(python, EXPECT_ERRORS + """
cases = [
    (lambda: c.sum_ints([1, "x"]), TypeError, "argument 'xs'[1]: expected int, got str"),
    (lambda: c.sum_ints(None), TypeError, "argument 'xs': expected list, got None"),
    (lambda: c.sum_ints(5), TypeError, "argument 'xs': expected list, got int"),
    (lambda: c.sum_ints([2**70]), OverflowError, "argument 'xs'[0]: does not fit in int64"),
    (lambda: c.rotate([1, 2]), ValueError, "argument 'xs': expected 3 items, got 2"),
    (lambda: c.rotate([1, 2, 300]), OverflowError, "argument 'xs'[2]: 300 does not fit in int8"),
    (lambda: c.lengths({1: []}), TypeError, "argument 'm': dict keys must be str: expected str, got int"),
    (lambda: c.lengths({"a": [1]}), TypeError, "argument 'm'[\\"a\\"][0]: expected str, got int"),
    (lambda: c.sum_ints([object()]), TypeError, "argument 'xs'[0]: expected int, got object"),
    (lambda: c.by_code({"a": "x"}), TypeError, "argument 'm': dict keys must be int: expected int, got str"),
    (lambda: c.by_code({300: "x"}), OverflowError, "argument 'm': dict keys must be int: 300 does not fit in uint8"),
    (lambda: c.by_code({1: 2}), TypeError, "argument 'm'[1]: expected str, got int"),
]
expect_errors(cases)
""")


def test_memory_stays_flat(python):
    check(python, RSS_KIB + """
xs = list(range(50))
for _ in range(20_000):
    c.scale(xs, 2.0); c.counts(["a", "b"])
before = rss_kib()
for _ in range(200_000):
    c.scale(xs, 2.0); c.counts(["a", "b"])
    try:
        c.sum_ints([1, "x"])
    except TypeError:
        pass
assert rss_kib() - before < 8 * 1024, (before, rss_kib())
""")


def test_stubs(python, tmp_path):
    script = tmp_path / "use.py"
    script.write_text(
        "import gocollections as c\n"
        "a: list[str] = c.words('x')\n"
        "b: dict[str, int] = c.counts(('x', 'y'))\n"
        "d: tuple[list[int], dict[str, str]] = c.nothing()\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, script])


def test_byte_arrays_and_named_collections(python, tmp_path):
    """`[N]byte` is bytes of exactly N bytes (as argument, result, list item and struct
    field); named slices without methods (`type Key []string`, `type Blob []byte`) cross as
    their underlying type; `type Digest [32]byte` with a method is a class whose bytes are
    `bytes(d)`."""
    check(python, EXPECT_ERRORS + """
import hashlib
# Digest has a method (String): a class of Go values, whose bytes are bytes(d).
d = c.sum256(b"abc")
assert bytes(d) == hashlib.sha256(b"abc").digest() and str(d) == hashlib.sha256(b"abc").hexdigest()
assert c.hex(d) == c.hex(c.Digest(bytes(d))) == hashlib.sha256(b"abc").hexdigest()
assert d == c.Digest(hashlib.sha256(b"abc").digest()) and len({d, c.sum256(b"abc")}) == 1
assert c.reverse4(b"abcd") == b"dcba" and c.reverse4(memoryview(b"wxyz")) == b"zyxw"
assert c.count_zero([bytes(4), b"abcd", bytearray(4)]) == 2 and c.count_zero([]) == 0
assert c.join(["a", "b"]) == "a/b" and c.split("x/y") == ["x", "y"]
assert c.double(b"ab") == b"abab" and c.double(b"") == b""
t = c.tag("n", 5)
assert t == c.Tagged(id=b"\\0" * 7 + b"\\x05", name="n"), t
assert c.Tagged().id == bytes(8)
assert c.tag_id(c.Tagged(id=b"12345678", name="x")) == b"12345678"
cases = [
    (lambda: c.reverse4(b"abc"), ValueError, "argument 'b': expected 4 bytes, got 3"),
    (lambda: c.reverse4("abcd"), TypeError, "argument 'b': expected a bytes-like object, got str"),
    (lambda: c.Digest(b"short"), ValueError, "argument 'value': expected 32 bytes, got 5"),
    (lambda: c.hex(b"x" * 32), TypeError, "argument 'd': expected Digest, got bytes"),
    (lambda: c.count_zero([bytes(4), b"ab"]), ValueError, "argument 'ids'[1]: expected 4 bytes, got 2"),
    (lambda: c.tag_id(c.Tagged(id=b"1", name="x")), ValueError, "argument 't'.id: expected 8 bytes, got 1"),
]
expect_errors(cases)
""")
    script = tmp_path / "use.py"
    script.write_text(
        "import gocollections as c\n"
        "d: bytes = bytes(c.sum256(bytearray(b'x')))\n"
        "k: list[str] = c.split('a/b')\n"
        "i: bytes = c.tag('x', 1).id\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, script])
