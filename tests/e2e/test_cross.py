"""Wheels with C parts for other targets than this machine, and the manylinux audit: cgo is
compiled with zig (`ziglang` from PyPI) against glibc 2.17, the linux/arm64 wheels are run in an
arm64 CPython under qemu-user, and every Linux tag must be what auditwheel finds."""

from __future__ import annotations

import zipfile
from pathlib import Path

from checks import check_wheel, elf_machine, macho_facts
from conftest import (
    EXAMPLES,
    gowright,
    install_for_arm64,
    make_venv,
    install_for_windows,
    run,
    run_arm64,
    run_windows,
    tool,
)

EM_X86_64, EM_AARCH64 = 62, 183


def built(proc, abi: str | None = "abi3") -> list[Path]:
    """The wheels a build printed with ABI tag `abi` (a command's `none` too; every one for None)."""
    return [
        w for w in map(Path, proc.stdout.split())
        if abi is None or w.name.split("-")[-2] in (abi, "none")
    ]


def test_jwt_library_for_linux_amd64_and_arm64(gowright_bin, project, zig_env, arm64_root, tmp_path):
    """examples/jwt cross-compiled to both Linux architectures at manylinux_2_17; its whole
    interop suite against PyJWT passes in an arm64 CPython."""
    proj = project("jwt")
    proc = gowright(
        gowright_bin, "build", "-v", "--target", "linux/amd64", "--target", "linux/arm64",
        cwd=proj, env=zig_env,
    )
    assert "zig cc -target aarch64-linux-gnu.2.17" in proc.stderr, proc.stderr
    wheels = {("aarch64.whl" if w.name.endswith("aarch64.whl") else "x86_64.whl"): w for w in built(proc)}
    assert sorted(w.name for w in wheels.values()) == [
        "gojwt-0.1.0-cp311-abi3-manylinux2014_aarch64.manylinux_2_17_aarch64.whl",
        "gojwt-0.1.0-cp311-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
    ]
    for arch, machine in [("aarch64.whl", EM_AARCH64), ("x86_64.whl", EM_X86_64)]:
        wheel = wheels[arch]
        check_wheel(wheel)
        run([tool("abi3audit"), "--strict", "--report", wheel])
        with zipfile.ZipFile(wheel) as zf:
            assert elf_machine(zf.read("gojwt/_gojwt.abi3.so")) == machine
    # The abi3t wheels (CPython >= 3.15, free-threaded too) are built beside them.
    abi3t = sorted(w.name for w in built(proc, "abi3.abi3t"))
    assert abi3t == [
        "gojwt-0.1.0-cp315-abi3.abi3t-manylinux2014_aarch64.manylinux_2_17_aarch64.whl",
        "gojwt-0.1.0-cp315-abi3.abi3t-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
    ]
    for wheel in built(proc, "abi3.abi3t"):
        check_wheel(wheel)
        with zipfile.ZipFile(wheel) as zf:
            machine = EM_AARCH64 if wheel.name.endswith("aarch64.whl") else EM_X86_64
            assert elf_machine(zf.read("gojwt/_gojwt.abi3t.so")) == machine

    # amd64: installed and used on this machine, although built for glibc 2.17.
    python = make_venv(tmp_path / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheels["x86_64.whl"]])
    code = "import gojwt; t = gojwt.encode({'a': 1}, 'k' * 32, algorithm='HS256'); print(gojwt.decode(t, 'k' * 32, algorithms=['HS256']))"
    assert run([python, "-c", code]).stdout.strip() == "{'a': 1}"

    # arm64: the interop suite, in an arm64 CPython under qemu.
    site = tmp_path / "arm64-site"
    install_for_arm64(site, wheels["aarch64.whl"], "PyJWT", "cryptography", "pytest")
    out = run_arm64(
        arm64_root,
        ["-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", EXAMPLES / "jwt" / "tests"],
        pythonpath=site,
    ).stdout
    assert " passed" in out and "failed" not in out, out


def test_lib_fixtures_run_on_arm64(gowright_bin, project, zig_env, arm64_root, tmp_path):
    """Handles, structs and collections cross the boundary on arm64 as on amd64."""
    proj = project("handles-lib")
    wheel = built(gowright(gowright_bin, "build", "--target", "linux/arm64", cwd=proj, env=zig_env))[0]
    check_wheel(wheel)
    site = tmp_path / "site"
    install_for_arm64(site, wheel)
    code = (
        "import copy, platform, threading, counter as h\n"
        "g = h.new_guarded()\n"
        "ts = [threading.Thread(target=lambda: [g.add(1) for _ in range(200)]) for _ in range(8)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts]\n"
        "c = h.new_counter('c'); c.inc(5); d = copy.copy(c); del c\n"
        "print(platform.machine(), g.add(0), d.value())\n"
    )
    out = run_arm64(arm64_root, ["-c", code], pythonpath=site).stdout.split()
    assert out == ["aarch64", "1600", "5"], out


def test_cgo_command_for_linux_arm64(gowright_bin, project, zig_env, arm64_root, tmp_path):
    proj = project("cgo-main")
    wheel = built(gowright(gowright_bin, "build", "--target", "linux/arm64", cwd=proj, env=zig_env))[0]
    assert wheel.name == "cgo_main-0.2.0-py3-none-manylinux2014_aarch64.manylinux_2_17_aarch64.whl"
    check_wheel(wheel)
    with zipfile.ZipFile(wheel) as zf:
        exe = tmp_path / "cgo-main-arm64"
        exe.write_bytes(zf.read("cgo_main-0.2.0.data/scripts/cgo-main"))
    exe.chmod(0o755)
    out = run(["qemu-aarch64-static", "-L", arm64_root, exe]).stdout
    assert out == "cgo says 42\n"


def test_host_cgo_with_zig_is_manylinux_2_17(gowright_bin, project, zig_env, tmp_path):
    proj = project("cgo-main")
    wheel = built(gowright(gowright_bin, "build", cwd=proj, env=zig_env))[0]
    assert wheel.name.endswith("-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"), wheel
    check_wheel(wheel)
    python = make_venv(tmp_path / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, wheel])
    assert run([tmp_path / "venv" / "bin" / "cgo-main"]).stdout == "cgo says 42\n"


def test_compatibility_chooses_the_glibc_floor(gowright_bin, project, zig_env):
    proj = project("scalars-lib")
    proc = gowright(gowright_bin, "build", "-v", "--compatibility", "manylinux_2_28", cwd=proj, env=zig_env)
    assert "x86_64-linux-gnu.2.28" in proc.stderr
    wheel = built(proc)[0]
    assert wheel.name.endswith("-cp311-abi3-manylinux_2_28_x86_64.whl"), wheel
    check_wheel(wheel)


def test_library_outside_the_policy_is_refused(gowright_bin, project, tmp_path):
    """A cgo command linking libcrypt (no manylinux policy allows it) is refused, naming the
    library; `--compatibility linux` builds it for local use with a plain linux tag."""
    import os

    proj = project("crypt-bin")
    env = dict(os.environ, CC="gcc")
    proc = gowright(gowright_bin, "build", cwd=proj, env=env, check=False)
    assert proc.returncode == 1
    assert "libcrypt.so.1" in proc.stderr and "--compatibility linux" in proc.stderr, proc.stderr
    assert not (proj / "dist").exists()
    wheel = built(gowright(gowright_bin, "build", "--compatibility", "linux", cwd=proj, env=env))[0]
    assert wheel.name == "crypt_bin-0.1.0-py3-none-linux_x86_64.whl"
    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--quiet", wheel])
    assert run([tmp_path / "venv" / "bin" / "crypt-bin"]).stdout.startswith("ab")


def pe_imports_and_exports(data: bytes) -> tuple[set[str], set[str]]:
    """The DLLs a PE file imports and the names it exports (read with pefile)."""
    import pefile

    pe = pefile.PE(data=data)
    imports = {entry.dll.decode() for entry in pe.DIRECTORY_ENTRY_IMPORT}
    exports = {s.name.decode() for s in pe.DIRECTORY_ENTRY_EXPORT.symbols if s.name}
    return imports, exports


def test_jwt_library_for_windows(gowright_bin, project, zig_env, windows_python, tmp_path):
    """examples/jwt for Windows amd64 and arm64: each `.pyd` imports python3.dll (never a
    versioned python3XY.dll) and system DLLs only; the amd64 one passes the interop suite in a
    Windows CPython under wine."""
    from checks import pe_machine

    proj = project("jwt")
    proc = gowright(
        gowright_bin, "build", "--target", "windows/amd64", "--target", "windows/arm64",
        cwd=proj, env=zig_env,
    )
    wheels = {w.name.rsplit("-", 1)[-1]: w for w in built(proc)}
    assert sorted(wheels) == ["win_amd64.whl", "win_arm64.whl"], wheels
    for tag, machine in [("win_amd64.whl", 0x8664), ("win_arm64.whl", 0xAA64)]:
        wheel = wheels[tag]
        assert wheel.name.startswith("gojwt-0.1.0-cp311-abi3-"), wheel
        check_wheel(wheel)
        run([tool("abi3audit"), "--strict", "--report", wheel])
        with zipfile.ZipFile(wheel) as zf:
            pyd = zf.read("gojwt/_gojwt.pyd")
        assert pe_machine(pyd) == machine
        imports, exports = pe_imports_and_exports(pyd)
        assert "python3.dll" in imports, imports
        assert all(
            d == "python3.dll" or d == "KERNEL32.dll" or d.startswith("api-ms-win-crt-") for d in imports
        ), imports
        assert "PyInit__gojwt" in exports, sorted(exports)[:10]

    site = tmp_path / "win-site"
    install_for_windows(site, wheels["win_amd64.whl"], "PyJWT", "cryptography", "pytest")
    out = run_windows(
        windows_python,
        ["-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests"],
        pythonpath=site,
        cwd=EXAMPLES / "jwt",
    ).stdout
    assert " passed" in out and "failed" not in out and "error" not in out.lower(), out


def test_windows_commands_run_under_wine(gowright_bin, project, zig_env, windows_python, tmp_path):
    """A pure-Go command and a cgo one (compiled with zig) for windows/amd64 run under wine."""
    for fixture, exe_name, args, expected in [
        ("hello-bin", "hello-bin.exe", ["wine"], "Hello, wine!"),
        ("cgo-main", "cgo-main.exe", [], "cgo says 42"),
    ]:
        proj = project(fixture)
        wheel = built(gowright(gowright_bin, "build", "--target", "windows/amd64", cwd=proj, env=zig_env))[0]
        assert wheel.name.endswith("-py3-none-win_amd64.whl"), wheel
        check_wheel(wheel)
        with zipfile.ZipFile(wheel) as zf:
            member = next(n for n in zf.namelist() if n.endswith("/scripts/" + exe_name))
            exe = tmp_path / exe_name
            exe.write_bytes(zf.read(member))
        out = run([Path(__file__).resolve().parents[2] / ".ci" / "wine-run.sh", exe, *args]).stdout
        assert out.strip().replace("\r", "") == expected, out


def test_jwt_library_for_macos(gowright_bin, project, zig_env):
    """examples/jwt for macOS amd64 and arm64: nothing here runs Mach-O, so the files are checked
    for what macOS needs: the architecture, `minos` equal to the tag, an ad-hoc code signature,
    `PyInit__gojwt` exported, Python's symbols left undefined and no libpython linked."""
    proj = project("jwt")
    proc = gowright(
        gowright_bin, "build", "--target", "darwin/amd64", "--target", "darwin/arm64",
        cwd=proj, env=zig_env,
    )
    wheels = built(proc)
    assert sorted(w.name for w in wheels) == [
        "gojwt-0.1.0-cp311-abi3-macosx_12_0_arm64.whl",
        "gojwt-0.1.0-cp311-abi3-macosx_12_0_x86_64.whl",
    ]
    for wheel in wheels:
        check_wheel(wheel)
        run([tool("abi3audit"), "--strict", "--report", wheel])
        with zipfile.ZipFile(wheel) as zf:
            facts = macho_facts(zf.read("gojwt/_gojwt.abi3.so"))
        arch = "ARM64" if wheel.name.endswith("arm64.whl") else "X86_64"
        assert facts["cpu"] == arch, facts["cpu"]
        assert facts["minos"] == (12, 0)
        # Apple Silicon runs only signed code; zig signs arm64 ad hoc.
        assert facts["signed"] or arch == "X86_64"
        assert "_PyInit__gojwt" in facts["exported"]
        assert {"_PyModule_Create2", "_Py_IncRef", "_PyExc_TypeError"} <= facts["imported"]
        # The check for another Go runtime in the process (dyld's image list).
        assert {"__dyld_image_count", "__dyld_get_image_name", "_dlopen"} <= facts["imported"]
        assert not any("ython" in lib for lib in facts["libraries"]), facts["libraries"]
        assert "/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation" in facts["libraries"]
    # abi3t: the module is found by its slots, and objects are reached through functions.
    abi3t = built(proc, "abi3.abi3t")
    assert sorted(w.name for w in abi3t) == [
        "gojwt-0.1.0-cp315-abi3.abi3t-macosx_12_0_arm64.whl",
        "gojwt-0.1.0-cp315-abi3.abi3t-macosx_12_0_x86_64.whl",
    ]
    for wheel in abi3t:
        check_wheel(wheel)
        with zipfile.ZipFile(wheel) as zf:
            facts = macho_facts(zf.read("gojwt/_gojwt.abi3t.so"))
        assert facts["minos"] == (12, 0) and (facts["signed"] or facts["cpu"] == "X86_64")
        assert "_PyModExport__gojwt" in facts["exported"] and "_PyInit__gojwt" not in facts["exported"]
        assert {"_Py_TYPE", "_Py_GetConstantBorrowed"} <= facts["imported"]
        assert "__Py_NoneStruct" not in facts["imported"]


def test_cgo_command_for_macos(gowright_bin, project, zig_env):
    proj = project("cgo-main")
    for target, arch in [("darwin/arm64", "ARM64"), ("darwin/amd64", "X86_64")]:
        wheel = built(gowright(gowright_bin, "build", "--target", target, cwd=proj, env=zig_env))[0]
        check_wheel(wheel)
        with zipfile.ZipFile(wheel) as zf:
            facts = macho_facts(zf.read("cgo_main-0.2.0.data/scripts/cgo-main"))
        assert facts["cpu"] == arch and facts["minos"] == (12, 0), facts
        assert facts["signed"] or arch == "X86_64"
        assert wheel.name.endswith(f"-py3-none-macosx_12_0_{'arm64' if arch == 'ARM64' else 'x86_64'}.whl")


def test_fixture_lib_for_every_target(gowright_bin, project, zig_env):
    """`--all-targets` builds the six default targets of a library in one run, in parallel."""
    proj = project("collections-lib")
    proc = gowright(gowright_bin, "build", "--all-targets", cwd=proj, env=zig_env)
    wheels = built(proc)
    platforms = sorted(w.name.split("-abi3-", 1)[1] for w in wheels)
    assert platforms == [
        "macosx_12_0_arm64.whl",
        "macosx_12_0_x86_64.whl",
        "manylinux2014_aarch64.manylinux_2_17_aarch64.whl",
        "manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        "win_amd64.whl",
        "win_arm64.whl",
    ], platforms
    for wheel in wheels:
        check_wheel(wheel)
        run([tool("abi3audit"), "--strict", "--report", wheel])
    # abi3t for every target but Windows, which is said to be skipped.
    abi3t = sorted(w.name.split("-abi3.abi3t-", 1)[1] for w in built(proc, "abi3.abi3t"))
    assert abi3t == [p for p in platforms if not p.startswith("win")], abi3t
    assert "abi3t for windows/amd64" in proc.stderr and "Skipping" in proc.stderr
    assert len(built(proc, None)) == 10
