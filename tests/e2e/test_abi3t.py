"""abi3t (PEP 803): the stable ABI of CPython >= 3.15 for free-threaded and GIL-enabled builds,
built from gowright's own declarations (checked here against CPython 3.15's real headers) and
run under CPython 3.15 (Debian sid's, `.ci/sid-python.sh`), beside the abi3 wheel on 3.15."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from checks import check_wheel
from conftest import (
    EXAMPLES,
    LIB_WORKOUT,
    REPO,
    WORKOUT_FIXTURES,
    gowright,
    install_for_py315,
    run,
    run_py315,
    wheel_for,
)

HEADER = REPO / "src" / "toolchain" / "abi3.h"

#: Prints the layouts and constants abi3t code relies on; compiled against both headers.
PROBE = r"""
#include <stddef.h>
#include <stdio.h>
#define P(x) printf("%s=%lld\n", #x, (long long)(x))
int main(void) {
    P(sizeof(PySlot)); P(offsetof(PySlot, sl_flags)); P(offsetof(PySlot, sl_ptr));
    P(sizeof(PyABIInfo)); P(offsetof(PyABIInfo, flags)); P(offsetof(PyABIInfo, build_version));
    P(offsetof(PyABIInfo, abi_version));
    P(sizeof(PyMethodDef)); P(offsetof(PyMethodDef, ml_flags)); P(offsetof(PyMethodDef, ml_doc));
    P(sizeof(Py_buffer)); P(offsetof(Py_buffer, readonly)); P(offsetof(Py_buffer, internal));
    P(Py_mod_exec); P(Py_mod_multiple_interpreters); P(Py_mod_gil); P(Py_mod_name); P(Py_mod_doc);
    P(Py_mod_methods); P(Py_mod_abi); P(PySlot_STATIC); P(PySlot_INTPTR);
    P((long long)Py_MOD_GIL_NOT_USED); P((long long)Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED);
    P(PyABIInfo_STABLE); P(PyABIInfo_GIL); P(PyABIInfo_FREETHREADED);
    P(Py_CONSTANT_NONE); P(Py_CONSTANT_FALSE); P(Py_CONSTANT_TRUE);
    P(METH_VARARGS); P(METH_KEYWORDS); P(METH_NOARGS); P(METH_O); P(METH_FASTCALL);
    P(PyBUF_SIMPLE); P(PyBUF_FULL_RO); P(Py_TPFLAGS_LONG_SUBCLASS); P(Py_TPFLAGS_DICT_SUBCLASS);
    PyABIInfo_VAR(info);
    P(info.abiinfo_major_version); P(info.abiinfo_minor_version); P(info.flags); P(info.abi_version);
    PySlot slots[] = {PySlot_DATA(Py_mod_name, "m"), PySlot_STATIC_DATA(Py_mod_methods, NULL), PySlot_END};
    P(slots[0].sl_flags); P(slots[1].sl_flags); P(slots[2].sl_id);
    return 0;
}
"""

REAL = "#define Py_TARGET_ABI3T 0x030F0000\n#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n"


def abi3t_declarations() -> list[str]:
    """The function and data declarations of the header as abi3t code sees them (skipping what
    `#ifndef GW_ABI3T` leaves out), as plain C."""
    out, skipping = [], []
    for line in HEADER.read_text().splitlines():
        if line.startswith("#ifndef GW_ABI3T"):
            skipping.append(True)
        elif line.startswith("#ifdef GW_ABI3T"):
            skipping.append(False)
        elif line.startswith("#if"):
            skipping.append(skipping[-1] if skipping else False)
        elif line.startswith("#else") and skipping:
            skipping[-1] = not skipping[-1]
        elif line.startswith("#endif") and skipping:
            skipping.pop()
        elif not any(skipping):
            if m := re.match(r"GW_PY_FUNC(?:_ABI3T)?\((.*?)\) (.*)", line):
                out.append(f"{m[1]} {m[2]}")
            elif m := re.match(r"GW_PY_DATA\((.*?)\) (.*)", line):
                out.append(f"extern {m[1]} {m[2]}")
    return out


def test_abi3t_declarations_match_python_315(py315_root, tmp_path):
    include = py315_root / "usr" / "include"
    # Debian's <python3.15/pyconfig.h> includes <x86_64-linux-gnu/python3.15/pyconfig.h>: give
    # the compiler that directory alone, not the tree's C library headers.
    multiarch = tmp_path / "inc" / "x86_64-linux-gnu"
    multiarch.mkdir(parents=True)
    (multiarch / "python3.15").symlink_to(include / "x86_64-linux-gnu" / "python3.15")
    shutil.copy(HEADER, tmp_path / "gowright_abi3.h")
    flags = [f"-I{include / 'python3.15'}", f"-I{tmp_path / 'inc'}", f"-I{tmp_path}", "-Wall", "-Werror"]

    def output(prelude: str, name: str) -> str:
        (tmp_path / f"{name}.c").write_text(prelude + PROBE)
        run(["cc", *flags, "-o", tmp_path / name, tmp_path / f"{name}.c"])
        return run([tmp_path / name]).stdout

    real = output(REAL, "real")
    ours = output('#define GW_ABI3T\n#include "gowright_abi3.h"\n', "ours")
    assert ours == real
    assert "sizeof(PySlot)=16" in ours
    # Every declaration abi3t code sees agrees with CPython 3.15's (a conflict fails to compile),
    # and none needs the object header: PyObject is opaque in the real headers here.
    decls = abi3t_declarations()
    assert "PyTypeObject * Py_TYPE(PyObject *);" in decls
    assert not any("_Py_NoneStruct" in d or "PyModule_Create2" in d for d in decls)
    (tmp_path / "both.c").write_text(REAL + "\n".join(decls) + "\nint main(void) { return 0; }\n")
    run(["cc", *flags, "-c", "-o", tmp_path / "both.o", tmp_path / "both.c"])


def test_abi3_and_abi3t_wheels_on_cpython_315(gowright_bin, project, py315_root, zig_env, tmp_path):
    abi3, abi3t = [], []
    for fixture in WORKOUT_FIXTURES:
        proc = gowright(gowright_bin, "build", cwd=project(fixture), env=zig_env)
        abi3.append(wheel_for(proc, "abi3"))
        abi3t.append(wheel_for(proc, "abi3.abi3t"))
    for wheel in abi3t:
        assert "-cp315-abi3.abi3t-manylinux2014_x86_64.manylinux_2_17_x86_64.whl" in wheel.name
        check_wheel(wheel)
        with zipfile.ZipFile(wheel) as zf:
            [ext] = [n for n in zf.namelist() if n.endswith(".so")]
            assert ext.endswith(".abi3t.so"), ext
            data = zf.read(ext)
        # No object header is touched: the module is found by its slots, never by PyInit_, and
        # reaches None and types through functions, not through _Py_NoneStruct or ob_type.
        symbols = imported_and_exported(data, tmp_path)
        assert "PyModExport_" + ext.split("/")[-1].split(".")[0] in symbols["exported"]
        assert not any(s.startswith("PyInit_") for s in symbols["exported"])
        assert "Py_TYPE" in symbols["imported"] and "_Py_NoneStruct" not in symbols["imported"]
    for name, wheels in [("abi3", abi3), ("abi3t", abi3t)]:
        site = tmp_path / f"site-{name}"
        install_for_py315(site, *wheels)
        out = run_py315(py315_root, tmp_path, ["-c", LIB_WORKOUT], pythonpath=[site]).stdout.split()
        # A GIL-enabled 3.15 (no free-threaded 3.15 can be had here): the GIL stays on.
        assert out == ["True", "2400"], (name, out)


def test_jwt_interop_suite_on_cpython_315(gowright_bin, project, py315_root, zig_env, tmp_path):
    proj = project("jwt")
    proc = gowright(gowright_bin, "build", cwd=proj, env=zig_env)
    tests = tmp_path / "jwt-tests"
    shutil.copytree(EXAMPLES / "jwt" / "tests", tests)
    for abi in ["abi3", "abi3.abi3t"]:
        site = tmp_path / f"site-{abi}"
        install_for_py315(site, wheel_for(proc, abi), "PyJWT", "cryptography", "pytest")
        out = run_py315(py315_root, tmp_path, ["-m", "pytest", "-q", "-p", "no:cacheprovider", tests],
                        pythonpath=[site]).stdout
        assert " passed" in out and "failed" not in out, (abi, out)


def imported_and_exported(data: bytes, tmp_path: Path) -> dict[str, set[str]]:
    """The dynamic symbols an ELF shared object imports and exports (from `nm -D`)."""
    path = tmp_path / "probe.so"
    path.write_bytes(data)
    out = subprocess.run(["nm", "-D", path], capture_output=True, text=True, check=True).stdout
    imported, exported = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            imported.add(parts[1].split("@")[0])
        elif len(parts) == 3 and parts[1] == "T":
            exported.add(parts[2])
    return {"imported": imported, "exported": exported}
