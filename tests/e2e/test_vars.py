"""Package variables (`bindings = "lib"`): error variables become exception classes raised when
`errors.Is` matches, other variables module attributes that read and set the live Go value
(tests/fixtures/vars-lib)."""

from __future__ import annotations

import pytest

from conftest import EXPECT_ERRORS, build_and_install, run, tool


@pytest.fixture(scope="module")
def built(gowright_bin, tmp_path_factory):
    return build_and_install(gowright_bin, tmp_path_factory.mktemp("vars"), "vars-lib")


def check(python, code: str) -> None:
    assert run([python, "-c", "import vault\n" + code + "\nprint('ok')"]).stdout == "ok\n"


def test_error_variables_are_exception_classes(built):
    python, _, stderr = built
    check(python, """
assert vault.ErrNotFound.__mro__[1:3] == (vault.GoError, Exception)
assert vault.ErrNotFound.__module__ == "vault" and vault.ErrNotFound.__doc__ == "ErrNotFound is returned for a missing key."
vault.put("a", "1")
assert vault.get("a") == "1"
try:
    vault.get("b")  # wrapped with %w: errors.Is sees it
except vault.ErrNotFound as e:
    assert str(e) == 'get "b": vault: not found', e
else:
    raise AssertionError("no ErrNotFound")
vault.lock(True)
for call in (lambda: vault.put("x", "y"), lambda: vault.get("a")):
    try:
        call()
    except vault.ErrLocked as e:
        assert "vault: locked" in str(e)
    else:
        raise AssertionError("no ErrLocked")
vault.lock(False)
try:
    vault.expire()  # errors.Join(ErrExpired, ErrLocked): the one declared first
except vault.ErrLocked as e:
    assert str(e) == "vault: expired\\nvault: locked", repr(str(e))
else:
    raise AssertionError("no ErrLocked")
""")
    # What cannot be bound is named.
    assert "var OnChange: type `func(key string)` is not supported yet" in stderr, stderr


def test_variables_are_live_module_attributes(built):
    python = built[0]
    check(python, EXPECT_ERRORS + """
from datetime import timedelta
assert (vault.limit, vault.name, vault.tags) == (3, "main", ["a"])
assert vault.default_ttl == timedelta(seconds=90)
vault.limit = 1
vault.put("k", "v")
try:
    vault.put("k2", "v")
except vault.GoError as e:
    assert type(e) is vault.GoError and str(e) == "vault: full (1)", e
vault.default_ttl = timedelta(seconds=5)
vault.name = "other"
vault.tags = ("x", "y")
assert vault.describe() == "other 1 5s [x y]", vault.describe()
assert vault.tags == ["x", "y"] and "limit" in vault.__all__
expect_errors([
    (lambda: setattr(vault, "limit", "x"), TypeError, "argument 'limit': expected int, got str"),
    (lambda: setattr(vault, "limit", 2**64), OverflowError, "argument 'limit': does not fit in int64"),
])
assert vault.limit == 1
""")


def test_stubs_type_variables_and_errors(built, tmp_path):
    python = built[0]
    good = tmp_path / "good.py"
    good.write_text(
        "from datetime import timedelta\n"
        "import vault\n"
        "n: int = vault.limit + 1\n"
        "vault.limit = n\n"
        "ttl: timedelta = vault.default_ttl\n"
        "tags: list[str] = vault.tags\n"
        "try:\n"
        "    vault.get('x')\n"
        "except vault.ErrNotFound as e:\n"
        "    err: vault.GoError = e\n"
    )
    run([tool("mypy"), "--strict", "--python-executable", python, good])
    bad = tmp_path / "bad.py"
    bad.write_text("import vault\ns: str = vault.limit\nvault.ErrNotFound(1).nope\n")
    proc = run([tool("mypy"), "--strict", "--python-executable", python, bad], check=False)
    assert proc.returncode == 1 and "bad.py:2:" in proc.stdout and "bad.py:3:" in proc.stdout, proc.stdout
