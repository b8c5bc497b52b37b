"""`bindings = "cgo"`: the seeds' own c-shared projects — a `main` package with hand-written
`//export` functions, loaded from Python with ctypes — built with only a `pyproject.toml` added,
installed with pip and uv, and their own Python run unchanged."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from checks import check_wheel
from conftest import built_wheels, gowright, make_venv, offline_pip_env, run, tool


def signed_dir(path: Path) -> Path:
    """A directory with two files and the sha1sum.txt seed 003 checks."""
    path.mkdir()
    lines = []
    for name, text in [("a.txt", "hello\n"), ("b.txt", "world\n")]:
        (path / name).write_text(text)
        lines.append(f"{hashlib.sha1(text.encode()).hexdigest()}  {name}")
    (path / "sha1sum.txt").write_text("\n".join(lines) + "\n")
    return path


CHECK = """
import sys, checksig
checksig.check_signatures(sys.argv[1])
print("verified")
open(sys.argv[1] + "/b.txt", "w").write("tampered")
try:
    checksig.check_signatures(sys.argv[1])
except ValueError as e:
    print("refused:", e)
"""


def site_packages(python: Path) -> Path:
    return Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('platlib'))"]).stdout.strip())


def test_seed_003_checksig_ships_its_library_beside_checksig_py(gowright_bin, project, zig_env, tmp_path):
    proj = project("seed-checksig")
    proc = gowright(gowright_bin, "build", "-v", cwd=proj, env=zig_env)
    [wheel] = built_wheels(proc)
    # Named with the interpreter's EXT_SUFFIX, as setuptools named it: for that CPython only.
    assert wheel.name == "checksig-0.1.0-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    assert "1 exported: verify" in proc.stderr
    check_wheel(wheel)
    with zipfile.ZipFile(wheel) as zf:
        names = sorted(n for n in zf.namelist() if ".dist-info/" not in n)
    # Only the module and its library: not setup.py, example.py, the Go code or pyproject.toml.
    assert names == ["_checksig.cpython-311-x86_64-linux-gnu.so", "checksig.py"], names
    for installer in ["pip", "uv"]:
        python = make_venv(tmp_path / f"venv-{installer}", with_uv=installer == "uv")
        if installer == "uv":
            run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
        else:
            run([python, "-m", "pip", "install", "--quiet", wheel])
        data = signed_dir(tmp_path / f"data-{installer}")
        out = run([python, "-W", "ignore::DeprecationWarning", "-c", CHECK, data], cwd=tmp_path).stdout
        assert out.startswith("verified\nrefused: b.txt: signature mismatch: "), out
        # The seed's own example script, copied out of the project (beside it, `import
        # checksig` would find the project's checksig.py, not the installed one).
        data = signed_dir(tmp_path / f"example-{installer}")
        script = tmp_path / "example.py"
        script.write_text((proj / "example.py").read_text())
        out = run([python, "-W", "ignore::DeprecationWarning", script, data], cwd=tmp_path).stdout
        assert out == "OK\n"


def test_seed_003_installs_with_pip_from_the_project(gowright_bin, project, wheelhouse, zig_env, tmp_path):
    """`pip install .` through the build backend: the library is named for pip's interpreter."""
    proj = project("seed-checksig")
    python = make_venv(tmp_path / "venv")
    env = dict(offline_pip_env(wheelhouse), GOWRIGHT_ZIG=zig_env["GOWRIGHT_ZIG"])
    run([python, "-m", "pip", "install", "--quiet", proj], env=env, timeout=900)
    lib = list(site_packages(python).glob("_checksig.cpython-*.so"))
    assert len(lib) == 1, lib
    data = signed_dir(tmp_path / "data")
    out = run([python, "-W", "ignore::DeprecationWarning", "-c", CHECK, data], cwd=tmp_path).stdout
    assert out.startswith("verified\nrefused:"), out


def test_seed_000_add_is_found_to_be_a_library(gowright_bin, project, zig_env, tmp_path):
    """No `bindings`: a `main` package with `//export Add` and an empty `main` is a library, not
    a command that does nothing; its plain file name `libexample.so` is for any Python 3."""
    proj = project("seed-add")
    proc = gowright(gowright_bin, "build", "-v", cwd=proj, env=zig_env)
    assert 'its `main` is empty: a library, built as bindings = "cgo"' in proc.stderr, proc.stderr
    [wheel] = built_wheels(proc)
    assert wheel.name == "example-0.1.0-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    # W009 ("several top-level entries"): the seed's example.py loads libexample.so as a file
    # beside it, so both are at the top of the wheel, as the user asked.
    check_wheel(wheel, ignore=("W009",))
    with zipfile.ZipFile(wheel) as zf:
        assert sorted(n for n in zf.namelist() if ".dist-info/" not in n) == ["example.py", "libexample.so"]
    python = make_venv(tmp_path / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
    # The seed loads './libexample.so': run its script where the library is installed.
    site = site_packages(python)
    assert run([python, site / "example.py"], cwd=site).stdout == "5\n"
    # Cross-compiled like every kind: the arm64 library for manylinux_2_17.
    proc = gowright(gowright_bin, "build", "--target", "linux/arm64", cwd=proj, env=zig_env)
    [arm] = built_wheels(proc)
    assert arm.name.endswith("-py3-none-manylinux2014_aarch64.manylinux_2_17_aarch64.whl")
    check_wheel(arm, ignore=("W009",))


def test_bin_of_a_library_warns_that_the_command_does_nothing(gowright_bin, project, zig_env):
    proj = project("seed-add")
    pyproject = proj / "pyproject.toml"
    text = pyproject.read_text().replace('python-source = "python"\n', "")
    text = text.replace('ctypes-library = "libexample.so"\n', "")
    pyproject.write_text(text.replace("[tool.gowright]", '[tool.gowright]\nbindings = "bin"'))
    proc = gowright(gowright_bin, "build", cwd=proj, env=zig_env)
    assert "warning:" in proc.stderr and "the installed command does nothing" in proc.stderr, proc.stderr


def test_cgo_errors_name_the_cause(gowright_bin, project, zig_env):
    cases = [
        # (project, edit of pyproject.toml, expected, hint)
        ("seed-add", lambda t: t.replace('python-source = "python"\n', ""),
         "no Python module `example` to load the library", "python-source"),
        ("seed-add", lambda t: t.replace('[tool.gowright]', '[tool.gowright]\nmodule-name = "other"'),
         "holds no Python module `other`", "module-name"),
        ("seed-add", lambda t: t.replace("[tool.gowright]", '[tool.gowright]\nbindings = "bin"'),
         "`tool.gowright.ctypes-library` is for bindings = \"cgo\"", "remove `ctypes-library`"),
        ("scalars-lib", lambda t: t.replace('bindings = "lib"', 'bindings = "cgo"'),
         "builds a `main` package with `//export` functions", 'bindings = "lib"'),
        ("cgo-main", lambda t: t + '\n[tool.gowright]\nbindings = "cgo"\n' if "[tool.gowright]" not in t
         else t.replace("[tool.gowright]", '[tool.gowright]\nbindings = "cgo"'),
         "has no `//export` function", "//export"),
    ]
    dirs: dict[str, Path] = {}
    for fixture, edit, message, hint in cases:
        proj = dirs[fixture] if fixture in dirs else dirs.setdefault(fixture, project(fixture))
        pyproject = proj / "pyproject.toml"
        original = pyproject.read_text()
        pyproject.write_text(edit(original))
        proc = gowright(gowright_bin, "build", cwd=proj, env=zig_env, check=False)
        assert proc.returncode == 1, (fixture, message, proc.stderr)
        assert message in proc.stderr and "hint:" in proc.stderr and hint in proc.stderr, (message, proc.stderr)
        assert not (proj / "dist").exists() or not list((proj / "dist").iterdir())
        pyproject.write_text(original)


def test_seed_001_cffi_module_is_linked_into_the_go_library(
    gowright_bin, project, zig_env, wheelhouse, arm64_root, tmp_path
):
    """`from _example import ffi, lib` works: cffi's module, made from the prototypes cgo
    writes, is one shared object with the Go code; the project's own test.py runs unchanged."""
    import sys

    from conftest import install_for_arm64, run_arm64

    proj = project("seed-cffi")
    proc = gowright(gowright_bin, "build", "-v", "--interpreter", sys.executable, cwd=proj, env=zig_env)
    assert "with the cffi module _example (1 functions: Hello)" in proc.stderr, proc.stderr
    # The seed has no go.mod: it builds with gowright's, and none is written into the project.
    assert "no go.mod: building as the module `example`" in proc.stderr, proc.stderr
    assert not (proj / "go.mod").exists()
    [wheel] = built_wheels(proc)
    assert wheel.name == "example-0.1.0-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    # W009: `_example` is imported by its own name, beside the package, as the seed has it;
    # W005: the seed's package is called `example`.
    check_wheel(wheel, ignore=("W005", "W009"))
    run([tool("abi3audit"), "--strict", "--report", wheel])
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = zf.read("example-0.1.0.dist-info/METADATA").decode()
    assert "_example.abi3.so" in names and "example/wrapper.py" in names
    assert not any(n.endswith(".so") and n != "_example.abi3.so" for n in names), names  # one library
    assert "Requires-Dist: cffi" in metadata
    script = tmp_path / "test.py"
    script.write_text((proj / "test.py").read_text())
    for installer in ["pip", "uv"]:
        python = make_venv(tmp_path / f"venv-{installer}", with_uv=installer == "uv")
        if installer == "uv":
            run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel], timeout=600)
        else:
            run([python, "-m", "pip", "install", "--quiet", wheel], timeout=600)
        assert run([python, script], cwd=tmp_path).stdout == "hello world 4\n"

    # pip install . : the backend asks for cffi to build with.
    extra = tmp_path / "extra-wheels"
    run([sys.executable, "-m", "pip", "download", "--quiet", "--only-binary", ":all:", "-d", extra, "cffi"])
    python = make_venv(tmp_path / "venv-source")
    env = dict(offline_pip_env(wheelhouse), GOWRIGHT_ZIG=zig_env["GOWRIGHT_ZIG"])
    env["PIP_FIND_LINKS"] = f"{wheelhouse} {extra}"
    run([python, "-m", "pip", "install", "--quiet", proj], env=env, timeout=900)
    assert run([python, script], cwd=tmp_path).stdout == "hello world 4\n"

    # linux/arm64, cross-compiled with zig, run under qemu.
    proc = gowright(gowright_bin, "build", "--target", "linux/arm64", "--interpreter", sys.executable,
                    cwd=proj, env=zig_env)
    [arm] = built_wheels(proc)
    assert arm.name.endswith("-cp39-abi3-manylinux2014_aarch64.manylinux_2_17_aarch64.whl")
    check_wheel(arm, ignore=("W005", "W009"))
    site = tmp_path / "arm64-site"
    install_for_arm64(site, arm)
    assert run_arm64(arm64_root, [script], pythonpath=site, cwd=tmp_path).stdout == "hello world 4\n"


def test_seed_002_v5_layout_builds_and_develops(gowright_bin, project, zig_env, tmp_path):
    """A v5-style project (Go core and cgo wrappers in go/, a dataclass of static methods over
    `from _example import ffi, lib`): built, installed and run; `develop` puts the module in
    the sources, and a Go edit is picked up by the next `develop`."""
    import sys

    proj = project("seed-cffi-v5")
    proc = gowright(gowright_bin, "build", "--interpreter", sys.executable, cwd=proj, env=zig_env)
    [wheel] = built_wheels(proc)
    assert wheel.name == "example_lib-0.5.0-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    check_wheel(wheel, ignore=("W005", "W009"))
    with zipfile.ZipFile(wheel) as zf:
        names = sorted(n for n in zf.namelist() if ".dist-info/" not in n)
    assert names == ["_example.abi3.so", "example/__init__.py"], names  # not setup.py, build_ffi.py
    python = make_venv(tmp_path / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel], timeout=600)
    script = tmp_path / "test.py"
    script.write_text((proj / "test.py").read_text())
    assert run([python, script], cwd=tmp_path).stdout == "hello world, hello world\n"

    dev = make_venv(tmp_path / "dev")
    run([dev, "-m", "pip", "install", "--quiet", "cffi"], timeout=600)
    env = dict(zig_env, VIRTUAL_ENV=str(dev.parent.parent))
    gowright(gowright_bin, "develop", cwd=proj, env=env)
    assert (proj / "_example.abi3.so").is_file()
    assert run([dev, script], cwd=tmp_path).stdout == "hello world, hello world\n"
    core = proj / "go" / "example.go"
    core.write_text(core.read_text().replace('"hello %s"', '"hi %s"'))
    gowright(gowright_bin, "develop", cwd=proj, env=env)
    assert run([dev, script], cwd=tmp_path).stdout == "hi world, hi world\n"


def test_capi_module_defining_its_own_pyinit(gowright_bin, project, zig_env, tmp_path):
    """A package whose sum.c defines PyInit__sum (found by itself: `bindings` unset), built with
    Python's headers: abi3 when the C defines Py_LIMITED_API (abi3audit agrees), else for the
    interpreter it was built with."""
    import sys

    proj = project("capi-ext")
    proc = gowright(gowright_bin, "build", "-v", "--interpreter", sys.executable, cwd=proj, env=zig_env)
    assert 'defines PyInit__sum itself: built as bindings = "capi"' in proc.stderr, proc.stderr
    [wheel] = built_wheels(proc)
    assert wheel.name == "capisum-0.1.0-cp311-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    check_wheel(wheel)
    run([tool("abi3audit"), "--strict", "--report", wheel])
    for installer in ["pip", "uv"]:
        python = make_venv(tmp_path / f"venv-{installer}", with_uv=installer == "uv")
        if installer == "uv":
            run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
        else:
            run([python, "-m", "pip", "install", "--quiet", wheel])
        assert run([python, "-c", "import _sum; print(_sum.sum(2, 40))"]).stdout == "42\n"

    # Without Py_LIMITED_API: the full API of the interpreter, named and tagged for it.
    source = proj / "sum.c"
    source.write_text(source.read_text().replace("#define Py_LIMITED_API 0x030B0000\n", ""))
    proc = gowright(gowright_bin, "build", "--interpreter", sys.executable, cwd=proj, env=zig_env)
    [full] = built_wheels(proc)
    assert full.name == "capisum-0.1.0-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    check_wheel(full)
    with zipfile.ZipFile(full) as zf:
        assert "_sum.cpython-311-x86_64-linux-gnu.so" in zf.namelist()
    python = make_venv(tmp_path / "venv-full", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, full])
    assert run([python, "-c", "import _sum; print(_sum.sum(-2, 2))"]).stdout == "0\n"


def test_cffi_and_capi_modules_for_windows(gowright_bin, project, zig_env, windows_python, tmp_path):
    """cffi's module and a capi module cross-compiled for Windows amd64 (headers of this
    machine's CPython configured for Windows, import libraries made with zig): each `.pyd`
    imports only the Python DLL it should, and runs under wine with the Windows CPython 3.13."""
    import os
    import sys

    from conftest import install_for_windows, run_windows

    def pe_imports(path: Path) -> set[str]:
        dump = run(["objdump", "-p", path]).stdout
        return {line.split(":", 1)[1].strip() for line in dump.splitlines() if "DLL Name:" in line}

    proj = project("seed-cffi")
    proc = gowright(gowright_bin, "build", "--target", "windows/amd64", "--interpreter", sys.executable,
                    cwd=proj, env=zig_env)
    [wheel] = built_wheels(proc)
    assert wheel.name == "example-0.1.0-cp39-abi3-win_amd64.whl"
    check_wheel(wheel, ignore=("W005", "W009"))
    run([tool("abi3audit"), "--strict", "--report", wheel])
    site = tmp_path / "cffi-site"
    install_for_windows(site, wheel)  # and cffi, which the wheel requires
    assert "python3.dll" in pe_imports(site / "_example.pyd")
    script = tmp_path / "test.py"
    script.write_text((proj / "test.py").read_text())
    out = run_windows(windows_python, [script], pythonpath=site, cwd=tmp_path).stdout
    assert out.replace("\r\n", "\n") == "hello world 4\n", out

    # capi, limited API: `_sum.pyd` of the stable ABI.
    proj = project("capi-ext")
    proc = gowright(gowright_bin, "build", "--target", "windows/amd64", "--interpreter", sys.executable,
                    cwd=proj, env=zig_env)
    [wheel] = built_wheels(proc)
    assert wheel.name == "capisum-0.1.0-cp311-abi3-win_amd64.whl"
    check_wheel(wheel)
    run([tool("abi3audit"), "--strict", "--report", wheel])
    site = tmp_path / "capi-site"
    install_for_windows(site, wheel)
    imports = pe_imports(site / "_sum.pyd")
    assert "python3.dll" in imports and not any(d.startswith("python31") for d in imports), imports
    out = run_windows(windows_python, ["-c", "import _sum; print(_sum.sum(2, 40))"], pythonpath=site).stdout
    assert out.replace("\r\n", "\n") == "42\n", out

    # capi, full API of 3.13 (this machine's 3.13 gives the headers): `_sum.cp313-win_amd64.pyd`,
    # linked with python313.dll.
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    py313 = root / "versions" / "3.13.0" / "bin" / "python3"
    assert py313.exists(), py313
    source = proj / "sum.c"
    source.write_text(source.read_text().replace("#define Py_LIMITED_API 0x030B0000\n", ""))
    proc = gowright(gowright_bin, "build", "--target", "windows/amd64", "--interpreter", py313,
                    cwd=proj, env=zig_env)
    [full] = built_wheels(proc)
    assert full.name == "capisum-0.1.0-cp313-cp313-win_amd64.whl"
    check_wheel(full)
    site = tmp_path / "full-site"
    install_for_windows(site, full)
    module = site / "_sum.cp313-win_amd64.pyd"
    assert "python313.dll" in pe_imports(module), pe_imports(module)
    out = run_windows(windows_python, ["-c", "import _sum; print(_sum.sum(-2, 2), _sum.__file__)"],
                      pythonpath=site).stdout
    assert out.split()[0] == "0" and out.strip().endswith("_sum.cp313-win_amd64.pyd"), out
