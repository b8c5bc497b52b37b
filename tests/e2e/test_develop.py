"""`gowright develop` and PEP 660 editable installs (`pip install -e .`)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from conftest import gowright, make_venv, offline_pip_env, run, wheel_for


def test_develop_mixed_lib_uses_python_sources_in_place(gowright_bin, project, tmp_path):
    proj = project("mixed-lib")
    python = make_venv(tmp_path / "venv")
    venv = tmp_path / "venv"
    proc = gowright(gowright_bin, "develop", "--venv", venv, cwd=proj)
    assert Path(proc.stdout.strip()) == venv
    assert "Installing" in proc.stderr
    assert run([python, "-c", "import mixedlib; print(mixedlib.double(21))"]).stdout == "42.0\n"
    # The compiled module sits in the source package; the package is imported from the sources.
    assert (proj / "python" / "mixedlib" / "_mixedlib.abi3.so").is_file()
    where = run([python, "-c", "import mixedlib; print(mixedlib.__file__)"]).stdout.strip()
    assert Path(where) == proj / "python" / "mixedlib" / "__init__.py"

    # A Python edit shows without rebuilding.
    init = proj / "python" / "mixedlib" / "__init__.py"
    init.write_text(init.read_text() + "\n\ndef triple(x: float) -> float:\n    return scale(x, 3.0)\n")
    assert run([python, "-c", "import mixedlib; print(mixedlib.triple(2))"]).stdout == "6.0\n"

    # Nothing changed: nothing is installed again.
    again = gowright(gowright_bin, "develop", "--venv", venv, cwd=proj)
    assert "Fresh" in again.stderr and "Installing" not in again.stderr

    # A Go edit is picked up by the next develop: the extension module in the source package is
    # replaced (the installed editable wheel itself need not change).
    core = proj / "core.go"
    core.write_text(core.read_text() + "\n// Offset adds d to x.\nfunc Offset(x, d float64) float64 { return x + d }\n")
    init.write_text(init.read_text().replace("import GoError, GoPanic, scale", "import GoError, GoPanic, offset, scale"))
    gowright(gowright_bin, "develop", "--venv", venv, cwd=proj)
    assert run([python, "-c", "import mixedlib; print(mixedlib.offset(1, 2))"]).stdout == "3.0\n"


def test_develop_uses_virtual_env_variable_and_refuses_without_one(gowright_bin, project, tmp_path):
    proj = project("hello-bin")
    make_venv(tmp_path / "venv")
    env = dict(os.environ, VIRTUAL_ENV=str(tmp_path / "venv"))
    gowright(gowright_bin, "develop", cwd=proj, env=env)
    assert run([tmp_path / "venv" / "bin" / "hello-bin", "dev"]).stdout == "Hello, dev!\n"
    # A wheel installed right away is not compressed: deflating would only cost time.
    (wheel,) = (proj / "target" / "gowright" / "develop").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}

    env.pop("VIRTUAL_ENV")
    proc = gowright(gowright_bin, "develop", cwd=proj, env=env, check=False)
    assert proc.returncode == 1
    assert "no virtual environment" in proc.stderr and "hint:" in proc.stderr


def test_pip_editable_install(gowright_bin, project, wheelhouse, tmp_path):
    proj = project("mixed-lib")
    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--quiet", "-e", proj], env=offline_pip_env(wheelhouse))
    assert run([python, "-c", "import mixedlib; print(mixedlib.double(1.5))"]).stdout == "3.0\n"
    init = proj / "python" / "mixedlib" / "__init__.py"
    init.write_text(init.read_text() + "\nEDITED = True\n")
    assert run([python, "-c", "import mixedlib; print(mixedlib.EDITED)"]).stdout == "True\n"


def test_unchanged_library_is_not_linked_again(gowright_bin, project, tmp_path):
    """A rebuild with nothing changed skips Go's relink of the extension module; an edit to a
    function body (not its signature), to the environment cgo reads, or to the flags builds it
    again."""
    proj = project("scalars-lib")
    first = gowright(gowright_bin, "build", "-v", cwd=proj)
    assert "up to date" not in first.stderr
    wheel = wheel_for(first, "abi3")
    digest = wheel.read_bytes()
    again = gowright(gowright_bin, "build", "-v", cwd=proj)
    assert "the abi3 extension module is up to date" in again.stderr, again.stderr
    assert "the abi3t extension module is up to date" in again.stderr, again.stderr
    assert wheel.read_bytes() == digest
    env = dict(os.environ, CGO_CFLAGS="-O1")
    changed_env = gowright(gowright_bin, "build", "-v", cwd=proj, env=env)
    assert "up to date" not in changed_env.stderr
    source = proj / "scalars.go"
    text = source.read_text()
    assert "return a / b, nil" in text
    source.write_text(text.replace("return a / b, nil", "return a/b + 1, nil"))
    edited = gowright(gowright_bin, "build", "-v", cwd=proj)
    assert "up to date" not in edited.stderr
    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--quiet", wheel_for(edited, "abi3")])
    assert run([python, "-c", "import scalars; print(scalars.divide(1, 4))"]).stdout == "1.25\n"
