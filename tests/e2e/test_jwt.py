"""examples/jwt: gojwt, a drop-in for PyJWT with a Go core (`bindings = "lib"`, mixed Python).

The wheel gowright builds is checked like every other and installed into a fresh venv, where the
example's own interop suite (examples/jwt/tests, gojwt against the real PyJWT) must pass; the
sdist must install with pip and work too. PyJWT, cryptography and pytest come from the venv
running these tests (tests/requirements.txt), made visible to the fresh venv by a `.pth` file,
so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import sysconfig
import zipfile
from pathlib import Path

import pytest

from checks import check_sdist, check_wheel
from conftest import EXAMPLES, gowright, make_venv, offline_pip_env, run, tool, wheel_for

#: What is not copied from examples/jwt: build outputs and whatever a local `gowright develop`
#: or test run left there (an extension module in python/gojwt would shadow nothing, but it
#: must not reach the sdist either).
NOT_COPIED = shutil.ignore_patterns("dist", "target", ".venv", "__pycache__", ".pytest_cache", "*.so")

#: Checks a smoke run does in the venv: HS256 and ES256 both ways against PyJWT.
SMOKE = """
import sys, jwt, gojwt
from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric import ec

print(gojwt.__file__)
secret = "a-32-byte-secret-for-hs256-tests"
claims = {"sub": "gopher", "admin": True, "exp": 4102444800}
token = gojwt.encode(claims, secret, algorithm="HS256")
assert token == jwt.encode(claims, secret, algorithm="HS256"), token
assert jwt.decode(token, secret, algorithms=["HS256"]) == claims
assert gojwt.decode(token, secret, algorithms=["HS256"]) == claims

key = ec.generate_private_key(ec.SECP256R1())
private = key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()).decode()
public = key.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo).decode()
assert jwt.decode(gojwt.encode(claims, private, algorithm="ES256"), public, algorithms=["ES256"]) == claims
assert gojwt.decode(jwt.encode(claims, private, algorithm="ES256"), public, algorithms=["ES256"]) == claims
try:
    gojwt.decode(token, secret, algorithms=["ES256"])
except gojwt.InvalidAlgorithmError:
    pass
else:
    sys.exit("an HS256 token was accepted where only ES256 is allowed")
print("ok")
"""


def copy_example(dest: Path) -> Path:
    shutil.copytree(EXAMPLES / "jwt", dest, ignore=NOT_COPIED)
    return dest


def venv_site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(run([python, "-c", code]).stdout.strip())


def borrow_test_tools(python: Path) -> None:
    """Makes what the venv running pytest has (PyJWT, cryptography, pytest) importable in the
    venv of `python`: a `.pth` file naming this venv's site-packages, which come after the
    venv's own, so the gojwt installed there is the one imported."""
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (venv_site_packages(python) / "_borrowed_test_tools.pth").write_text("\n".join(paths) + "\n")


def clean_env() -> dict:
    """The environment without PYTHONPATH (which could put another gojwt first)."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def assert_imported_from_venv(python: Path, cwd: Path) -> None:
    where = run([python, "-c", "import gojwt; print(gojwt.__file__)"], env=clean_env(), cwd=cwd).stdout
    assert Path(where.strip()).is_relative_to(venv_site_packages(python)), where


@pytest.fixture(scope="module")
def jwt_build(gowright_bin, tmp_path_factory):
    """examples/jwt copied and built once for the module: (project copy, wheel)."""
    root = tmp_path_factory.mktemp("jwt")
    proj = copy_example(root / "jwt")
    proc = gowright(gowright_bin, "build", "-o", root / "dist", cwd=proj)
    return proj, wheel_for(proc, "abi3")


def test_wheel_is_abi3_and_valid(jwt_build):
    _, wheel = jwt_build
    assert wheel.name.startswith("gojwt-0.1.0-cp311-abi3-"), wheel.name
    check_wheel(wheel)
    run([tool("abi3audit"), "--strict", "--report", wheel])
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "gojwt/__init__.py" in names and "gojwt/py.typed" in names
    assert len([n for n in names if n.startswith("gojwt/") and n.endswith(".abi3.so")]) == 1, names
    # Only the package and its metadata: no tests, Go sources or build leftovers.
    assert all(n.startswith(("gojwt/", "gojwt-0.1.0.dist-info/")) for n in names), names
    assert not [n for n in names if n.endswith((".go", ".pyc")) or "/tests/" in n]


def test_interop_suite_passes_against_the_wheel(jwt_build, tmp_path):
    proj, wheel = jwt_build
    python = make_venv(tmp_path / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
    borrow_test_tools(python)
    assert_imported_from_venv(python, tmp_path)
    # From a directory of its own, so that neither the project nor its python/ sources are on
    # sys.path: the suite imports the installed gojwt.
    proc = run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", proj / "tests"],
        cwd=tmp_path,
        env=clean_env(),
        timeout=900,
    )
    assert " passed" in proc.stdout and " failed" not in proc.stdout and "skipped" not in proc.stdout


def test_go_core_tests_pass(tmp_path):
    """The Go package's own tests (`go test` in examples/jwt)."""
    proj = copy_example(tmp_path / "jwt")
    proc = run(["go", "test", "-count=1", "./..."], cwd=proj)
    assert proc.stdout.startswith("ok"), proc.stdout


def test_sdist_installs_with_pip_and_interoperates(gowright_bin, wheelhouse, tmp_path):
    proj = copy_example(tmp_path / "jwt")
    sdist = Path(gowright(gowright_bin, "sdist", "-o", tmp_path / "dist", cwd=proj).stdout.strip())
    assert sdist.name == "gojwt-0.1.0.tar.gz"
    names = check_sdist(sdist)
    assert {"go.mod", "pyproject.toml", "python/gojwt/__init__.py"} <= set(names)
    assert not [n for n in names if n.endswith(".so")]

    python = make_venv(tmp_path / "venv")
    env = {k: v for k, v in offline_pip_env(wheelhouse).items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", sdist], env=env)
    borrow_test_tools(python)  # after pip: it must not see this venv's packages while building
    out = run([python, "-c", SMOKE], cwd=tmp_path, env=clean_env()).stdout.splitlines()
    assert out[-1] == "ok"
    assert Path(out[0]).is_relative_to(venv_site_packages(python)), out[0]  # not the sources
