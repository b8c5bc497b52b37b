"""`bindings = "bin"`: a Go command shipped as the installed command of a Python package."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from checks import check_sdist, check_wheel, elf_machine, macho_cputype, pe_machine
from conftest import gowright, make_venv, offline_pip_env, run, tool

HOST_TAGS = "manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64"


def only(paths):
    paths = list(paths)
    assert len(paths) == 1, paths
    return paths[0]


def built_paths(proc) -> list[Path]:
    return [Path(line) for line in proc.stdout.splitlines() if line.strip()]


def test_wheel_installs_with_pip_and_the_command_is_the_go_binary(gowright_bin, project, tmp_path):
    proj = project("hello-bin")
    proc = gowright(gowright_bin, "build", cwd=proj)
    wheel = only(built_paths(proc))
    assert wheel.name == f"hello_bin-0.1.0-py3-none-{HOST_TAGS}.whl"
    assert wheel.parent == proj / "dist"
    assert "Building" in proc.stderr and "Built" in proc.stderr
    check_wheel(wheel)

    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--quiet", wheel])
    exe = tmp_path / "venv" / "bin" / "hello-bin"
    # The installed command is the Go executable itself, not a Python wrapper.
    assert exe.read_bytes()[:4] == b"\x7fELF"
    assert os.access(exe, os.X_OK)
    assert run([exe, "Gopher"]).stdout == "Hello, Gopher!\n"
    assert run([exe, "-version"]).stdout == "hello-bin 0.1.0 (linux/amd64)\n"
    # The Python package finds and runs it.
    code = (
        "import hello_bin, sys; p = hello_bin.binary_path(); print(p); "
        "r = hello_bin.run('py', capture_output=True, text=True); print(r.stdout, end='')"
    )
    out = run([python, "-c", code]).stdout.splitlines()
    assert Path(out[0]) == exe.resolve()
    assert out[1] == "Hello, py!"
    assert run([python, "-m", "hello_bin", "module"]).stdout == "Hello, module!\n"
    run([python, "-m", "pip", "uninstall", "--yes", "--quiet", "hello-bin"])
    assert not exe.exists()


def test_wheel_installs_with_uv(gowright_bin, project, tmp_path):
    proj = project("hello-bin")
    wheel = only(built_paths(gowright(gowright_bin, "build", "--out", tmp_path / "out", cwd=proj)))
    assert wheel.parent == tmp_path / "out"
    python = make_venv(tmp_path / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
    exe = tmp_path / "venv" / "bin" / "hello-bin"
    assert exe.read_bytes()[:4] == b"\x7fELF"
    assert run([exe, "uv"]).stdout == "Hello, uv!\n"


def test_installer_validates_record(gowright_bin, project, tmp_path):
    proj = project("hello-bin")
    wheel = only(built_paths(gowright(gowright_bin, "build", cwd=proj)))
    dest = tmp_path / "dest"
    run([sys.executable, "-m", "installer", "--validate-record", "all", "--destdir", dest, wheel])
    exe = only(dest.rglob("bin/hello-bin"))
    assert exe.read_bytes()[:4] == b"\x7fELF"


def test_mixed_project_metadata_and_python_code(gowright_bin, project, tmp_path):
    proj = project("mixed-bin")
    wheel = only(built_paths(gowright(gowright_bin, "build", cwd=proj)))
    assert wheel.name == f"greeter_tool-2.1.0rc1-py3-none-{HOST_TAGS}.whl"
    check_wheel(wheel)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = zf.read("greeter_tool-2.1.0rc1.dist-info/METADATA").decode()
        entry_points = zf.read("greeter_tool-2.1.0rc1.dist-info/entry_points.txt").decode()
    assert "greeter_tool-2.1.0rc1.data/scripts/greet" in names
    assert "greeter/__init__.py" in names and "greeter/_binary.py" in names
    assert "greeter_tool-2.1.0rc1.dist-info/licenses/LICENSE-APACHE" in names
    for line in [
        "Metadata-Version: 2.4",
        "Name: Greeter.Tool",
        "Version: 2.1.0rc1",
        "License-Expression: Apache-2.0 OR MIT",
        "License-File: LICENSE-APACHE",
        "License-File: LICENSE-MIT",
        "Author: Rob",
        "Author-email: Ada Gopher <ada@example.com>",
        "Maintainer-email: maint@example.com",
        "Requires-Python: >=3.8",
        "Requires-Dist: packaging>=20 ; python_full_version >= '3.8'",
        "Requires-Dist: colorama>=0.4 ; extra == 'colour'",
        "Provides-Extra: colour",
        "Project-URL: Bug Tracker, https://example.com/greeter/issues",
        "Keywords: greeting,go",
        "Description-Content-Type: text/x-rst",
    ]:
        assert line in metadata.splitlines(), f"{line!r} missing from\n{metadata}"
    assert entry_points == "[console_scripts]\ngreeter-py = greeter:cli\n"

    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", wheel])
    bindir = tmp_path / "venv" / "bin"
    assert run([bindir / "greet", "ja", "Gopher"]).stdout == "こんにちは, Gopher!\n"
    assert run([bindir / "greet", "--version"]).stdout == "greet 2.1.0rc1\n"
    assert run([bindir / "greeter-py", "de", "Welt"]).stdout == "Hallo, Welt!\n"
    assert run([python, "-c", "import greeter; print(greeter.greet('es', 'Go'))"]).stdout == "¡Hola, Go!\n"


def test_builds_are_reproducible(gowright_bin, project, tmp_path):
    proj = project("hello-bin")
    first = only(built_paths(gowright(gowright_bin, "build", "-o", tmp_path / "a", cwd=proj)))
    (proj / "main.go").touch()
    shutil.rmtree(proj / "target")
    second = only(built_paths(gowright(gowright_bin, "build", "-o", tmp_path / "b", cwd=proj)))
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(first) == digest(second)
    with zipfile.ZipFile(first) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}

    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    third = only(built_paths(gowright(gowright_bin, "build", "-o", tmp_path / "c", cwd=proj, env=env)))
    with zipfile.ZipFile(third) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    sdist_a = only(built_paths(gowright(gowright_bin, "sdist", "-o", tmp_path / "sa", cwd=proj)))
    sdist_b = only(built_paths(gowright(gowright_bin, "sdist", "-o", tmp_path / "sb", cwd=proj)))
    assert digest(sdist_a) == digest(sdist_b)


def test_rebuilds_reuse_an_unchanged_executable_and_see_every_change(gowright_bin, project, tmp_path):
    """An executable Go did not relink (same Go build ID) is put into the wheel without being
    read again; a changed one always gives a new wheel."""

    def build(out: str, *extra: str) -> tuple[Path, str]:
        proc = gowright(gowright_bin, "build", "-vv", "-o", tmp_path / out, *extra, cwd=proj)
        return only(built_paths(proc)), proc.stderr

    def listing(wheel: Path) -> dict[str, bytes]:
        with zipfile.ZipFile(wheel) as zf:
            return {n: zf.read(n) for n in zf.namelist()}

    proj = project("hello-bin")
    first, log = build("a")
    assert "executable unchanged" not in log
    again, log = build("b")
    assert "executable unchanged" in log
    assert again.read_bytes() == first.read_bytes()

    main = proj / "main.go"
    main.write_text(main.read_text().replace("Hello, ", "Howdy, "))
    edited, log = build("c")
    assert "executable unchanged" not in log
    script = "hello_bin-0.1.0.data/scripts/hello-bin"
    assert b"Howdy, " in listing(edited)[script] and b"Howdy, " not in listing(first)[script]

    # A build ID set by hand says nothing about the contents: it is not trusted.
    pyproject = proj / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.gowright]", '[tool.gowright]\nldflags = ["-buildid=fixed"]'))
    build("d")
    main.write_text(main.read_text().replace("Howdy, ", "Hi there, "))
    fixed, log = build("e")
    assert "executable unchanged" not in log
    assert b"Hi there, " in listing(fixed)[script]


def test_failed_build_leaves_dist_as_it_was(gowright_bin, project):
    proj = project("compile-error")
    dist = proj / "dist"
    dist.mkdir()
    (dist / "keep.txt").write_text("untouched")
    proc = gowright(gowright_bin, "build", "--all-targets", cwd=proj, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "undefinedFunction" in proc.stderr  # Go's own message
    assert "go build -trimpath -buildvcs=false" in proc.stderr  # the exact command
    assert "panicked" not in proc.stderr
    assert sorted(p.name for p in dist.iterdir()) == ["keep.txt"]
    assert proc.stdout == ""


def test_all_targets_cross_compile(gowright_bin, project, tmp_path):
    proj = project("hello-bin")
    proc = gowright(gowright_bin, "build", "--all-targets", "--json", cwd=proj)
    report = json.loads(proc.stdout)
    wheels = {w["target"]: Path(w["path"]) for w in report["wheels"]}
    assert sorted(wheels) == sorted(
        ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"]
    )
    expected_suffix = {
        "linux/amd64": HOST_TAGS,
        "linux/arm64": "manylinux2014_aarch64.manylinux_2_17_aarch64.musllinux_1_1_aarch64",
        "windows/amd64": "win_amd64",
        "windows/arm64": "win_arm64",
    }
    for target, wheel in wheels.items():
        check_wheel(wheel)
        if target in expected_suffix:
            assert wheel.name == f"hello_bin-0.1.0-py3-none-{expected_suffix[target]}.whl"
        with zipfile.ZipFile(wheel) as zf:
            exe_name = "hello_bin-0.1.0.data/scripts/hello-bin" + (".exe" if target.startswith("windows") else "")
            data = zf.read(exe_name)
        check = {
            "linux/amd64": lambda d: elf_machine(d) == 62,
            "linux/arm64": lambda d: elf_machine(d) == 183,
            "darwin/amd64": lambda d: macho_cputype(d) == 0x01000007,
            "darwin/arm64": lambda d: macho_cputype(d) == 0x0100000C,
            "windows/amd64": lambda d: pe_machine(d) == 0x8664,
            "windows/arm64": lambda d: pe_machine(d) == 0xAA64,
        }[target]
        assert check(data), f"{target}: wrong binary format or architecture"
        if target.startswith("darwin"):
            # The tag follows the minimum macOS the binary itself declares.
            minos = macos_minimum(data)
            arch = "x86_64" if target.endswith("amd64") else "arm64"
            assert wheel.name.endswith(f"-macosx_{minos[0]}_0_{arch}.whl"), (wheel.name, minos)
        if target == "linux/arm64":
            exe = tmp_path / "hello-arm64"
            exe.write_bytes(data)
            exe.chmod(0o755)
            qemu = shutil.which("qemu-aarch64-static") or shutil.which("qemu-aarch64")
            if qemu is None:
                if os.environ.get("GOWRIGHT_TEST_REQUIRE_QEMU"):
                    pytest.fail("qemu-aarch64-static is required but not installed")
            else:
                assert run([qemu, exe, "arm"]).stdout == "Hello, arm!\n"
                assert run([qemu, exe, "-version"]).stdout == "hello-bin 0.1.0 (linux/arm64)\n"


def macos_minimum(data: bytes) -> tuple[int, int]:
    """(major, minor) from LC_BUILD_VERSION of a 64-bit Mach-O file."""
    ncmds = int.from_bytes(data[16:20], "little")
    offset = 32
    for _ in range(ncmds):
        cmd = int.from_bytes(data[offset : offset + 4], "little")
        size = int.from_bytes(data[offset + 4 : offset + 8], "little")
        if cmd == 0x32:
            minos = int.from_bytes(data[offset + 12 : offset + 16], "little")
            return minos >> 16, (minos >> 8) & 0xFF
        offset += size
    raise AssertionError("no LC_BUILD_VERSION")


def test_sdist_contents_and_install_from_sdist(gowright_bin, project, wheelhouse, tmp_path):
    proj = project("mixed-bin")
    (proj / ".gitignore").write_text("*.log\n")
    (proj / "debug.log").write_text("noise")
    gowright(gowright_bin, "build", cwd=proj)  # leaves dist/ and target/ behind
    sdist = only(built_paths(gowright(gowright_bin, "sdist", cwd=proj)))
    assert sdist.name == "greeter_tool-2.1.0rc1.tar.gz"
    names = check_sdist(sdist)
    assert {"go.mod", "cmd/greet/main.go", "internal/greeting/greeting.go", "python/greeter/__init__.py",
            "README.rst", "LICENSE-MIT", "LICENSE-APACHE", ".gitignore"} <= set(names)
    assert not [n for n in names if n.startswith(("dist/", "target/", "notes/")) or n.endswith(".log")]

    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", sdist], env=offline_pip_env(wheelhouse))
    assert run([tmp_path / "venv" / "bin" / "greet", "de", "sdist"]).stdout == "Hallo, sdist!\n"


def test_pip_install_dot_and_pip_wheel(gowright_bin, project, wheelhouse, tmp_path):
    proj = project("hello-bin")
    env = offline_pip_env(wheelhouse)
    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--quiet", proj], env=env)
    assert run([tmp_path / "venv" / "bin" / "hello-bin", "pip"]).stdout == "Hello, pip!\n"
    run([python, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path / "wheels", proj], env=env)
    wheel = only((tmp_path / "wheels").glob("*.whl"))
    assert wheel.name == f"hello_bin-0.1.0-py3-none-{HOST_TAGS}.whl"
    check_wheel(wheel)


def test_python_m_build(gowright_bin, project, wheelhouse, tmp_path):
    proj = project("hello-bin")
    run([sys.executable, "-m", "build", "--outdir", tmp_path / "out", proj], env=offline_pip_env(wheelhouse))
    wheel = only((tmp_path / "out").glob("*.whl"))
    sdist = only((tmp_path / "out").glob("*.tar.gz"))
    check_wheel(wheel)
    check_sdist(sdist)
    # The wheel `build` made from the sdist equals the one gowright builds directly.
    direct = only(built_paths(gowright(gowright_bin, "build", "-o", tmp_path / "direct", cwd=proj)))
    assert wheel.read_bytes() == direct.read_bytes()


def test_uv_build(gowright_bin, project, wheelhouse, tmp_path):
    proj = project("hello-bin")
    run([tool("uv"), "build", "--quiet", "--no-index", "--find-links", wheelhouse, "--out-dir", tmp_path / "out", proj])
    wheel = only((tmp_path / "out").glob("*.whl"))
    check_wheel(wheel)
    only((tmp_path / "out").glob("*.tar.gz"))


def test_host_cgo_build_is_tagged_from_its_glibc_needs(gowright_bin, project, tmp_path):
    proj = project("cgo-main")
    wheel = only(built_paths(gowright(gowright_bin, "build", cwd=proj)))
    # A dynamically linked cgo binary gets the manylinux tag of the glibc it needs.
    assert "-py3-none-manylinux_2_" in wheel.name and "musllinux" not in wheel.name
    check_wheel(wheel)
    python = make_venv(tmp_path / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
    assert run([tmp_path / "venv" / "bin" / "cgo-main"]).stdout == "cgo says 42\n"


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5])
def test_interrupted_build_leaves_no_partial_wheel(gowright_bin, project, delay):
    import signal
    import time

    proj = project("hello-bin")
    proc = subprocess.Popen(
        [gowright_bin, "build", "--all-targets"], cwd=proj, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    assert proc.returncode in (0, 130), proc.returncode
    dist = proj / "dist"
    leftovers = [p.name for p in dist.iterdir() if not p.name.endswith(".whl")] if dist.exists() else []
    assert leftovers == [], leftovers
    if proc.returncode == 0:
        assert len(list(dist.glob("*.whl"))) == 6


def test_tags_ldflags_and_strip(gowright_bin, project, tmp_path):
    """`tags` select files, `ldflags` reach the linker (quoting a value with a space), and
    `strip = false` keeps the symbol table, which `strip = true` (the default) removes."""
    proj = project("flags-bin")
    wheel = only(built_paths(gowright(gowright_bin, "build", cwd=proj)))
    check_wheel(wheel)
    with zipfile.ZipFile(wheel) as zf:
        unstripped = zf.read("flags_bin-1.0.0.data/scripts/flags-bin")
    exe = tmp_path / "flags"
    exe.write_bytes(unstripped)
    exe.chmod(0o755)
    assert run([exe]).stdout == "hello there yes\n"
    assert b".symtab" in unstripped

    pyproject = proj / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("strip = false\n", "").replace('tags = ["extra"]\n', ""))
    wheel = only(built_paths(gowright(gowright_bin, "build", "-o", tmp_path / "stripped", cwd=proj)))
    with zipfile.ZipFile(wheel) as zf:
        stripped = zf.read("flags_bin-1.0.0.data/scripts/flags-bin")
    exe.write_bytes(stripped)
    assert run([exe]).stdout == "hello there no\n"
    assert b".symtab" not in stripped and len(stripped) < len(unstripped)


def test_configured_targets_and_sdist_include(gowright_bin, project):
    """`targets` is what --all-targets builds; `include` adds ignored files to the sdist."""
    proj = project("hello-bin")
    (proj / ".gitignore").write_text("generated/\n")
    (proj / "generated").mkdir()
    (proj / "generated" / "table.txt").write_text("data")
    pyproject = proj / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + 'targets = ["linux/arm64", "windows/amd64"]\ninclude = ["generated/*.txt"]\n'
    )
    wheels = built_paths(gowright(gowright_bin, "build", "--all-targets", cwd=proj))
    assert sorted(w.name.rsplit("-", 1)[1] for w in wheels) == [
        "manylinux2014_aarch64.manylinux_2_17_aarch64.musllinux_1_1_aarch64.whl",
        "win_amd64.whl",
    ]
    names = check_sdist(only(built_paths(gowright(gowright_bin, "sdist", cwd=proj))))
    assert "generated/table.txt" in names
