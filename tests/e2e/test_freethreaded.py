"""Free-threaded CPython (PEP 703): `cp313-cp313t` wheels of libraries, built against the headers
of a free-threaded interpreter (`.ci/freethreaded-cpython.sh` builds 3.13t from Debian trixie's
pinned source), run under 3.13t with the GIL still off after import and threads really running
in parallel over shared data and handles."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from checks import check_wheel
from conftest import LIB_WORKOUT, WORKOUT_FIXTURES, built_wheels, gowright, offline_pip_env, run, tool


@pytest.fixture(scope="module")
def ft_env(ft_python, zig_env) -> dict:
    """zig for manylinux_2_17, and python3.13t on PATH (where the default build finds it)."""
    return dict(zig_env, PATH=f"{ft_python.parent}{os.pathsep}{os.environ['PATH']}")


def ft_venv(ft_python: Path, path: Path) -> Path:
    run([ft_python, "-m", "venv", path])
    return path / "bin" / "python"


def test_default_build_adds_the_free_threaded_wheel(gowright_bin, project, ft_env):
    proj = project("handles-lib")
    proc = gowright(gowright_bin, "build", cwd=proj, env=ft_env)
    wheels = built_wheels(proc)
    assert [w.name.split("-", 2)[2] for w in wheels] == [
        "cp311-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        "cp315-abi3.abi3t-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        "cp313-cp313t-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
    ]
    # What the default left out is said, with where to choose.
    assert "cp314t: no python3.14t on PATH" in proc.stderr, proc.stderr
    assert "python-abis" in proc.stderr
    for wheel in wheels:
        check_wheel(wheel)
    run([tool("abi3audit"), "--strict", "--report", wheels[0]])
    with zipfile.ZipFile(wheels[2]) as zf:
        names = zf.namelist()
    assert "counter/_counter.cpython-313t-x86_64-linux-gnu.so" in names
    assert not any(n.endswith(".abi3.so") for n in names)
    # A second build with nothing changed relinks nothing and writes the same bytes.
    before = [w.read_bytes() for w in wheels]
    proc = gowright(gowright_bin, "build", "-v", cwd=proj, env=ft_env)
    assert proc.stderr.count("is up to date") == 3, proc.stderr
    assert [w.read_bytes() for w in wheels] == before


def test_free_threaded_wheels_run_in_parallel(gowright_bin, project, ft_python, ft_env, tmp_path):
    wheels = []
    dirs = {fixture: project(fixture) for fixture in WORKOUT_FIXTURES}
    for fixture, proj in dirs.items():
        out = gowright(gowright_bin, "build", "--interpreter", ft_python, cwd=proj, env=ft_env)
        [wheel] = [Path(line) for line in out.stdout.split()]
        assert "-cp313-cp313t-manylinux" in wheel.name, wheel.name
        wheels.append(wheel)
    python = ft_venv(ft_python, tmp_path / "venv")
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, *wheels])
    out = run([python, "-c", LIB_WORKOUT], timeout=300).stdout.split()
    assert out == ["False", "2400"], out
    # pip takes the same wheels (it checks the cp313t tag itself).
    pip_venv = ft_venv(ft_python, tmp_path / "pip-venv")
    run([pip_venv, "-m", "pip", "install", "--quiet", "--no-index", *wheels])
    assert run([pip_venv, "-c", LIB_WORKOUT], timeout=300).stdout.split() == ["False", "2400"]
    # The abi3 wheel is not for this interpreter, and pip says so rather than loading it.
    abi3 = gowright(gowright_bin, "build", "--interpreter", "python3", cwd=dirs["scalars-lib"]).stdout.split()[0]
    assert "-abi3-" in abi3
    refused = run([pip_venv, "-m", "pip", "install", "--no-index", abi3], check=False)
    assert refused.returncode != 0 and "not a supported wheel" in refused.stderr


def test_pip_and_develop_build_for_the_free_threaded_interpreter(
    gowright_bin, project, ft_python, ft_env, wheelhouse, tmp_path
):
    # PEP 517: pip running under 3.13t gets a cp313t wheel from the backend.
    python = ft_venv(ft_python, tmp_path / "venv")
    proj = project("handles-lib")
    env = dict(offline_pip_env(wheelhouse), GOWRIGHT_ZIG=ft_env["GOWRIGHT_ZIG"])
    run([python, "-m", "pip", "install", "--quiet", proj], env=env, timeout=900)
    code = "import sys, counter; print(sys._is_gil_enabled(), counter.new_counter('x').value())"
    assert run([python, "-c", code]).stdout.split() == ["False", "0"]
    # develop into a free-threaded venv builds the module of that ABI, in place.
    dev = ft_venv(ft_python, tmp_path / "dev-venv")
    proj = project("mixed-lib")
    gowright(gowright_bin, "develop", "--venv", dev.parent.parent, cwd=proj, env=ft_env)
    assert list(proj.rglob("*.cpython-313t-x86_64-linux-gnu.so")), list(proj.rglob("*.so"))
    again = gowright(gowright_bin, "develop", "--venv", dev.parent.parent, cwd=proj, env=ft_env)
    assert "Fresh" in again.stderr


def test_python_abis_chooses_the_wheels(gowright_bin, project, ft_env):
    proj = project("scalars-lib")
    pyproject = proj / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace("[tool.gowright]", '[tool.gowright]\npython-abis = ["cp313t"]'))
    out = gowright(gowright_bin, "build", cwd=proj, env=ft_env).stdout.split()
    assert [Path(w).name.split("-")[2:4] for w in out] == [["cp313", "cp313t"]]
    # Other targets cannot take this machine's headers: a cross build says so.
    proc = gowright(gowright_bin, "build", "--target", "linux/arm64", cwd=proj, env=ft_env, check=False)
    assert proc.returncode == 1 and "for linux/arm64" in proc.stderr and "hint:" in proc.stderr


def test_free_threaded_errors(gowright_bin, project, ft_env):
    proj = project("scalars-lib")
    pyproject = proj / "pyproject.toml"
    text = pyproject.read_text()
    cases = [
        ('["cp314t"]', "asks for cp314t, but no python3.14t is on PATH", "uv python install 3.14t"),
        ('["cp312t"]', "free-threaded CPython starts at 3.13", "abi3, abi3t, cp313t, cp314t"),
        ("[]", "`tool.gowright.python-abis` is empty", "abi3"),
        ('["abi3", "abi3"]', "names abi3 twice", "once"),
        ('["abi4"]', "is not a CPython ABI gowright builds for", "cp313t"),
    ]
    for value, message, hint in cases:
        pyproject.write_text(text.replace("[tool.gowright]", f"[tool.gowright]\npython-abis = {value}"))
        proc = gowright(gowright_bin, "build", cwd=proj, env=ft_env, check=False)
        assert proc.returncode == 1, (value, proc.stderr)
        assert message in proc.stderr and "hint:" in proc.stderr and hint in proc.stderr, (value, proc.stderr)
        assert "panicked" not in proc.stderr
    # An interpreter that is not CPython 3.11+ is refused by name.
    pyproject.write_text(text)
    old = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions" / "3.10.13" / "bin" / "python3"
    if not old.exists():
        old = next((Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions").glob("3.[89]*/bin/python3"))
    proc = gowright(gowright_bin, "build", "--interpreter", old, cwd=proj, env=ft_env, check=False)
    assert proc.returncode == 1 and "needs CPython 3.11 or newer" in proc.stderr, proc.stderr
    assert not (proj / "dist").exists()
