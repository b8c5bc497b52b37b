"""Popular Go libraries bound by import path with only a `pyproject.toml` (tests/fixtures/real-libs:
google/uuid, tidwall/gjson, Masterminds/semver, dustin/go-humanize and cespare/xxhash at the
versions its go.sum pins, fetched through the Go module proxy): how much of each is bound and
reachable from Python, and each library's main use case run from Python."""

from __future__ import annotations

import re
import shutil

import pytest

from checks import check_wheel
from conftest import FIXTURES, gowright, make_venv, run, tool, wheel_for

#: Exported functions and methods bound and reachable from Python, per library, at least (what
#: gowright reaches today; raise these as it reaches more).
FLOORS = {
    "github.com/google/uuid": 47,
    "github.com/tidwall/gjson": 27,
    "github.com/Masterminds/semver/v3": 35,
    "github.com/dustin/go-humanize": 18,
    "github.com/cespare/xxhash/v2": 14,
}


@pytest.fixture(scope="module")
def built(gowright_bin, tmp_path_factory):
    root = tmp_path_factory.mktemp("real-libs")
    proj = root / "real-libs"
    shutil.copytree(FIXTURES / "real-libs", proj)
    proc = gowright(gowright_bin, "build", "-v", cwd=proj)
    wheel = wheel_for(proc, "abi3")
    check_wheel(wheel)
    run([tool("abi3audit"), "--strict", "--report", wheel])
    python = make_venv(root / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
    return python, proc.stderr


def test_coverage_of_real_libraries(built):
    stderr = built[1]
    found = {
        m.group(1): (int(m.group(2)), int(m.group(3)))
        for m in re.finditer(r"linux/amd64: (\S+): bound (\d+) of (\d+) exported functions and methods", stderr)
    }
    assert set(found) == set(FLOORS), stderr
    for library, (bound, exported) in found.items():
        assert bound >= FLOORS[library], (library, bound, exported)
    bound = sum(b for b, _ in found.values())
    exported = sum(e for _, e in found.values())
    print(f"bound and reachable: {bound} of {exported} ({100 * bound / exported:.0f} %)")
    assert bound / exported >= 0.85, found


def test_main_use_cases(built):
    python = built[0]
    code = r"""
import uuid as std
from golibs import gjson, humanize, semver, uuid, xxhash

# uuid: make, parse, format, compare with Python's own.
u = uuid.new()
assert len(str(u)) == 36 and u.version() == 4 and str(uuid.parse(str(u))) == str(u)
dns = uuid.must_parse(str(std.NAMESPACE_DNS))
assert str(uuid.new_sha1(dns, b"python.org")) == str(std.uuid5(std.NAMESPACE_DNS, "python.org"))
assert str(uuid.nil) == str(std.UUID(int=0)) and uuid.UUID(bytes(16)) == uuid.nil != u
assert uuid.parse(str(u)) == u  # Go's ==: a UUID is a [16]byte
try:
    uuid.parse("nope")
except uuid.GoError as e:
    assert str(e) == "invalid UUID length: 4", e
else:
    raise AssertionError("no GoError")

# gjson: query JSON by path; results are objects with gjson's methods.
doc = '{"name": {"first": "Tom", "last": "Smith"}, "age": 37, "kids": ["Sara", "Alex"]}'
assert gjson.get(doc, "name.first").string() == "Tom" and gjson.get(doc, "age").int() == 37
assert [k.string() for k in gjson.get(doc, "kids").array()] == ["Sara", "Alex"]
assert gjson.get(doc, "kids.#").int() == 2 and not gjson.get(doc, "nope").exists()
assert gjson.get(doc, "name").value() == {"first": "Tom", "last": "Smith"}
assert gjson.valid(doc) and not gjson.valid("{")

# semver: versions ordered, constraints checked.
v = semver.new_version("1.4.0")
assert v < semver.new_version("1.10.0") and str(v.inc_minor()) == "1.5.0"
assert semver.new_constraint(">= 1.2, < 2").check(v)
assert not semver.new_constraint("^2").check(v)

# humanize and xxhash: plain functions.
assert humanize.bytes(82854982) == "83 MB" and humanize.comma(1234567) == "1,234,567"
assert xxhash.sum64_string("hello") == 0x26C7827D889F6DA3
print("ok")
"""
    assert run([python, "-c", code]).stdout == "ok\n"


def test_stubs_of_real_libraries(built, tmp_path):
    python = built[0]
    script = tmp_path / "use.py"
    script.write_text(
        "from golibs import gjson, semver, uuid\n"
        "u: uuid.UUID = uuid.new()\n"
        "s: str = str(u)\n"
        "r: gjson.Result = gjson.get('{}', 'a')\n"
        "n: int = r.int()\n"
        "a, b = semver.new_version('1.0.0'), semver.new_version('2.0.0')\n"
        "assert a is not None and b is not None  # *Version: Go may return nil\n"
        "newer: bool = a < b\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, script])
