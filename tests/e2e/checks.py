"""Checks every artefact gowright writes must pass, with the real packaging tools."""

from __future__ import annotations

import csv
import hashlib
import base64
import io
import tarfile
import zipfile
from pathlib import Path

from packaging.utils import parse_sdist_filename, parse_wheel_filename

from conftest import run, tool


def audit_linux_tags(path: Path, platforms: list[str]) -> None:
    """`auditwheel show` must agree with the manylinux tag: the glibc it says the wheel needs is
    never newer than the one the tag claims."""
    import re

    out = " ".join(run([tool("auditwheel"), "show", path]).stdout.split())
    found = re.search(r'consistent with the following platform tag:\s*"manylinux_(\d+)_(\d+)_', out)
    claimed = [tuple(map(int, m.groups())) for p in platforms if (m := re.match(r"manylinux_(\d+)_(\d+)_", p))]
    if not claimed:
        return
    assert found, out
    needs = tuple(map(int, found.groups()))
    assert min(claimed) >= needs, f"tagged {platforms}, but auditwheel says {needs}:\n{out}"


def check_wheel(path: Path, *, ignore: tuple[str, ...] = ()) -> None:
    """twine, check-wheel-contents (but the checks named in `ignore`), auditwheel (Linux),
    filename round trip, zip and RECORD rules."""
    run([tool("twine"), "check", "--strict", path])
    run([tool("check-wheel-contents"), *(["--ignore", ",".join(ignore)] if ignore else []), path])
    name, version, build, tags = parse_wheel_filename(path.name)
    platforms = sorted({t.platform for t in tags})
    assert path.name.endswith("-" + ".".join(platforms) + ".whl"), "platform tags not sorted"
    if any("linux" in p for p in platforms):
        audit_linux_tags(path, platforms)
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert len(names) == len(set(names)), "duplicate entries"
        assert zf.comment == b""
        dist_info = f"{path.name.split('-')[0]}-{path.name.split('-')[1]}.dist-info"
        assert names[-1] == f"{dist_info}/RECORD", "RECORD must come last"
        first_dist_info = next(i for i, n in enumerate(names) if n.startswith(dist_info + "/"))
        assert all(n.startswith(dist_info + "/") for n in names[first_dist_info:])
        for info in infos:
            assert info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            assert not info.flag_bits & 0x08, f"{info.filename} uses a data descriptor"
            mode = info.external_attr >> 16
            assert mode in (0o100644, 0o100755), f"{info.filename}: mode {oct(mode)}"
            if "/scripts/" in info.filename:
                assert mode == 0o100755, "executables must be stored 0755"
        record = zf.read(f"{dist_info}/RECORD").decode()
        rows = list(csv.reader(io.StringIO(record)))
        assert sorted(r[0] for r in rows) == sorted(names)
        for file, digest, size in rows:
            if file.endswith("/RECORD"):
                assert (digest, size) == ("", "")
                continue
            data = zf.read(file)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == f"sha256={expected}", file
            assert int(size) == len(data), file
        wheel = zf.read(f"{dist_info}/WHEEL").decode()
        assert "Root-Is-Purelib: false" in wheel
        assert sorted(line[5:] for line in wheel.splitlines() if line.startswith("Tag: ")) == sorted(
            str(t) for t in tags
        )


def check_sdist(path: Path) -> list[str]:
    """twine, PEP 625 name, one top directory, only regular files, no escaping paths."""
    run([tool("twine"), "check", "--strict", path])
    name, version = parse_sdist_filename(path.name)
    top = path.name[: -len(".tar.gz")]
    assert top == f"{str(name).replace('-', '_')}-{version}"
    with tarfile.open(path) as tf:
        members = tf.getmembers()
        for m in members:
            assert m.isfile(), f"{m.name} is not a regular file"
            assert m.name.startswith(top + "/"), m.name
            assert ".." not in m.name.split("/") and not m.name.startswith("/")
            assert m.uid == 0 and m.gid == 0 and m.uname == "" and m.gname == ""
        names = [m.name[len(top) + 1 :] for m in members]
    assert "PKG-INFO" in names and "pyproject.toml" in names
    return names


def elf_machine(data: bytes) -> int:
    assert data[:4] == b"\x7fELF", "not an ELF file"
    return int.from_bytes(data[18:20], "little")


def macho_cputype(data: bytes) -> int:
    assert data[:4] == b"\xcf\xfa\xed\xfe", "not a 64-bit Mach-O file"
    return int.from_bytes(data[4:8], "little")


def pe_machine(data: bytes) -> int:
    assert data[:2] == b"MZ", "not a PE file"
    offset = int.from_bytes(data[0x3C:0x40], "little")
    assert data[offset : offset + 4] == b"PE\0\0"
    return int.from_bytes(data[offset + 4 : offset + 6], "little")


def macho_facts(data: bytes) -> dict:
    """What a Mach-O file says of itself, read with LIEF."""
    import lief

    binary = lief.MachO.parse(list(data)).at(0)
    return {
        "cpu": str(binary.header.cpu_type).rsplit(".", 1)[-1],
        "minos": tuple(binary.build_version.minos[:2]),
        "signed": binary.has_code_signature,
        "libraries": [lib.name for lib in binary.libraries],
        "exported": {s.name for s in binary.exported_symbols},
        "imported": {s.name for s in binary.imported_symbols},
    }
