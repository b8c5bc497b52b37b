#!/usr/bin/env python3
"""Encode and decode throughput of gojwt (examples/jwt, Go core) against PyJWT, per algorithm.

    python3 bench/jwt/run.py                  # cargo build --release, build gojwt, measure
    python3 bench/jwt/run.py --no-build       # use the existing target/release/gowright
    python3 bench/jwt/run.py --quick          # 3 short repeats, to check the script
    python3 bench/jwt/run.py --algorithms HS256,ES256
    python3 bench/jwt/run.py --python PATH    # measure in an interpreter that already has gojwt,
                                              # PyJWT and cryptography (nothing is built)
    python3 bench/jwt/run.py --write-results  # also replace the "## JWT" section of bench/RESULTS.md

examples/jwt is copied into a temporary directory, built there with `gowright build` and
pip-installed into a fresh venv together with PyJWT and cryptography (from the index); the driver
then re-runs this file with the venv's interpreter (`--measure`). Both libraries get the keys as a
user hands them over: PEM text (PKCS#8 private keys, SubjectPublicKeyInfo public keys) and a str
HMAC secret. For every repeat, every (algorithm, operation) is timed for both libraries back to
back, their order alternating between repeats; the best repeat gives the ops/s, and the median of
the per-repeat ratios shows how noisy the run was. Standard library only in the driver.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import build_gowright, copy_project, cpu_model, run, step  # noqa: E402  (bench/_common.py)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PROJECT = REPO / "examples" / "jwt"
RESULTS = REPO / "bench" / "RESULTS.md"
SECTION = "## JWT"  # the heading of the section --write-results replaces
DEFAULT_GOWRIGHT = REPO / "target" / "release" / "gowright"

ALGORITHMS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
              "ES256", "ES384", "ES512", "EdDSA"]  # fmt: skip
REPEATS = 5
TARGET_SECONDS = 0.2  # length of one timed run of one (algorithm, op, library)


# --------------------------------------------------------------------------------------------
# Driver: build gowright and gojwt, make the venv, run the measurement, print and record.
# --------------------------------------------------------------------------------------------


def build_venv(gowright: Path, tmp: Path) -> Path:
    """gojwt's wheel built and installed with PyJWT and cryptography; returns the venv's python."""
    step('gowright build (examples/jwt, bindings = "lib") ...')
    proj = copy_project(PROJECT, tmp / "jwt")
    out = run([str(gowright), "build", "-q", "-o", str(tmp / "wheels")], cwd=proj,
              env={"GOWRIGHT_PYTHON": sys.executable})  # fmt: skip
    wheel = out.strip().splitlines()[-1]
    step("python -m venv, pip install the wheel, PyJWT and cryptography ...")
    run([sys.executable, "-m", "venv", str(tmp / "venv")])
    python = tmp / "venv" / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel, "PyJWT", "cryptography"])
    return python


def machine_info(gowright: Path | None) -> list[tuple[str, str]]:
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    info = [
        ("date", time.strftime("%Y-%m-%d", time.gmtime())),
        ("machine", f"{platform.system()} {platform.machine()}, {cpu_model()}, {os.cpu_count()} CPUs"),
        ("go", run(["go", "env", "GOVERSION"]).strip() if shutil.which("go") else "not on PATH"),
    ]
    if gowright is not None:
        info.append(("gowright", f"{run([str(gowright), '--version']).strip()} (repository at {commit or '?'})"))
    return info


def write_results(text: str) -> None:
    """Replaces the section of RESULTS.md whose heading starts with SECTION (up to the next
    level-2 heading), or appends it."""
    lines = RESULTS.read_text().splitlines() if RESULTS.exists() else []
    start = next((i for i, line in enumerate(lines) if line.startswith(SECTION)), None)
    new = text.strip("\n").splitlines()
    if start is None:
        lines += ([""] if lines and lines[-1] else []) + new
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = new + ([""] if end < len(lines) else [])
    RESULTS.write_text("\n".join(lines) + "\n")
    step(f"wrote the {SECTION!r} section of {RESULTS.relative_to(REPO)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="skip `cargo build --release`")
    parser.add_argument("--gowright", help="the gowright binary to use (implies --no-build)")
    parser.add_argument("--python", help="measure in this interpreter (gojwt, PyJWT, cryptography installed); build nothing")
    parser.add_argument("--quick", action="store_true", help="3 repeats of short runs")
    parser.add_argument("--repeat", type=int, default=REPEATS, help="timed repeats (best counts)")
    parser.add_argument("--seconds", type=float, default=TARGET_SECONDS, help="length of one timed run")
    parser.add_argument("--algorithms", default=",".join(ALGORITHMS), help="comma-separated")
    parser.add_argument("--write-results", action="store_true", help=f"replace the {SECTION!r} section of bench/RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: JSON settings
    args = parser.parse_args()

    if args.measure:
        measure(json.loads(args.measure))
        return

    algorithms = [a.strip() for a in args.algorithms.split(",") if a.strip()]
    if unknown := [a for a in algorithms if a not in ALGORITHMS]:
        sys.exit(f"unknown algorithms: {', '.join(unknown)} (known: {', '.join(ALGORITHMS)})")
    settings = {
        "algorithms": algorithms,
        "repeat": 3 if args.quick else args.repeat,
        "seconds": args.seconds / 10 if args.quick else args.seconds,
    }
    tmp = Path(tempfile.mkdtemp(prefix="gowright-bench-jwt-"))
    try:
        if args.python:
            gowright, python = None, Path(args.python)
        else:
            if sys.version_info < (3, 11):
                sys.exit("needs Python ≥ 3.11 (gowright extension modules are abi3 for 3.11+)")
            gowright = build_gowright(args)
            python = build_venv(gowright, tmp)
        header = [f"{SECTION}: gojwt (Go core) against PyJWT, tokens per second", ""]
        header += [f"- {key}: {value}" for key, value in machine_info(gowright)]
        header.append(f"- command: `{shlex.join(['python3', 'bench/jwt/run.py', *sys.argv[1:]])}`")
        step("measuring ...")
        child = [str(python), str(Path(__file__).resolve()), "--measure", json.dumps(settings)]
        proc = subprocess.run(child, stdout=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            sys.exit(f"the measurement failed ({proc.returncode})\n{proc.stdout}")
        text = "\n".join(header) + "\n" + proc.stdout
        print(text, end="")
        if args.write_results:
            write_results(text)
    finally:
        if args.keep:
            step(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Measurement: runs where gojwt, PyJWT and cryptography are importable.
# --------------------------------------------------------------------------------------------


def make_keys(algorithms: list[str]) -> dict[str, tuple[object, object, object, object]]:
    """{algorithm: (signing PEM, verifying PEM, signing key object, verifying key object)}: the
    keys as a user has them (PEM text, str secrets), and as ``cryptography`` objects loaded
    once, which PyJWT also accepts and does not parse again."""
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    def forms(private) -> tuple[object, object, object, object]:
        priv = private.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption())
        pub = private.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
        return priv.decode(), pub.decode(), private, private.public_key()

    secret = "s" * 64  # long enough for HS512: no InsecureKeyLengthWarning
    rsa_forms = forms(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    families = {
        "HS": (secret, secret, secret, secret),
        "RS": rsa_forms,
        "PS": rsa_forms,
        "ES256": forms(ec.generate_private_key(ec.SECP256R1())),
        "ES384": forms(ec.generate_private_key(ec.SECP384R1())),
        "ES512": forms(ec.generate_private_key(ec.SECP521R1())),
        "EdDSA": forms(ed25519.Ed25519PrivateKey.generate()),
    }
    return {alg: families.get(alg) or families[alg[:2]] for alg in algorithms}


def timed(fn, n: int) -> float:
    """Seconds for n calls of fn()."""
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return time.perf_counter() - t0


def calls_per_run(fn, seconds: float) -> int:
    """How many calls of fn take about `seconds` (at least 3)."""
    n, elapsed = 1, timed(fn, 1)
    while elapsed < 0.05:
        n *= 4
        elapsed = timed(fn, n)
    return max(3, math.ceil(n * seconds / elapsed))


def measure(settings: dict) -> None:
    import cryptography
    import gojwt
    import jwt

    algorithms, repeats, seconds = settings["algorithms"], settings["repeat"], settings["seconds"]
    keys = make_keys(algorithms)
    now = int(time.time())
    payload = {"iss": "https://issuer.example", "sub": "user-1234567890", "aud": "api", "iat": now,
               "nbf": now, "exp": now + 86400, "scope": "read write", "name": "John Doe"}  # fmt: skip
    libs = {"PyJWT": jwt, "gojwt": gojwt}
    # PyJWT once more, with keys loaded into cryptography objects up front: its best case.
    LOADED = "PyJWT, loaded keys"

    # The timed calls: encode with the private key, decode (signature and all claims checked)
    # with the public key. Both decode the same token, made by PyJWT.
    calls: dict[tuple[str, str, str], object] = {}
    for alg in algorithms:
        private, public, private_obj, public_obj = keys[alg]
        token = jwt.encode(payload, private, algorithm=alg)
        for name, lib in libs.items():
            # Each library's tokens must verify with the other before anything is timed.
            other = libs["gojwt" if name == "PyJWT" else "PyJWT"]
            theirs = other.encode(payload, private, algorithm=alg)
            got = lib.decode(theirs, public, algorithms=[alg], audience="api", issuer=payload["iss"])
            if got != payload:
                sys.exit(f"{name} decoded a {alg} token of the other library to {got!r}")

            def encode(lib=lib, private=private, alg=alg):
                return lib.encode(payload, private, algorithm=alg)

            def decode(lib=lib, public=public, alg=alg, token=token):
                return lib.decode(token, public, algorithms=[alg], audience="api", issuer=payload["iss"])

            calls[(alg, "encode", name)] = encode
            calls[(alg, "decode", name)] = decode
        calls[(alg, "encode", LOADED)] = lambda p=private_obj, alg=alg: jwt.encode(payload, p, algorithm=alg)
        calls[(alg, "decode", LOADED)] = lambda p=public_obj, alg=alg, token=token: jwt.decode(
            token, p, algorithms=[alg], audience="api", issuer=payload["iss"]
        )

    sizes = {key: calls_per_run(fn, seconds) for key, fn in calls.items()}
    rates: dict[tuple[str, str, str], list[float]] = {key: [] for key in calls}
    names = [*libs, LOADED]
    gc_was_enabled = gc.isenabled()
    gc.disable()  # as timeit does
    try:
        for r in range(-1, repeats):  # repeat -1 warms up and is not counted
            for alg in algorithms:
                for op in ("encode", "decode"):
                    order = names if r % 2 == 0 else names[::-1]  # alternate who goes first
                    for name in order:
                        key = (alg, op, name)
                        elapsed = timed(calls[key], sizes[key])
                        if r >= 0:
                            rates[key].append(sizes[key] / elapsed)
    finally:
        if gc_was_enabled:
            gc.enable()

    print(f"- gojwt {getattr(gojwt, '__version__', '?')} ({Path(gojwt.__file__).parent}), "
          f"PyJWT {jwt.__version__}, cryptography {cryptography.__version__}, "
          f"{platform.python_implementation()} {platform.python_version()}")  # fmt: skip
    print("- keys as PEM text (PKCS#8 private, SubjectPublicKeyInfo public; RSA 2048 bits), HMAC "
          "secret a 64-character str; payload of 8 claims; decode checks the signature, exp, nbf, "
          "iat, aud and iss")  # fmt: skip
    print("- \"PyJWT, loaded keys\": PyJWT given cryptography key objects loaded once instead of "
          "PEM text (it then parses nothing per call); gojwt always gets the PEM text")  # fmt: skip
    print(f"- best of {repeats} repeats of ≈{seconds:g} s per (algorithm, op, library), the "
          "libraries back to back in alternating order; ratio = gojwt ops/s ÷ PyJWT ops/s of the "
          "best repeats, and the median of the per-repeat ratios\n")  # fmt: skip
    print("| algorithm | op | PyJWT ops/s | PyJWT, loaded keys | gojwt ops/s | gojwt ÷ PyJWT | median ratio "
          "| gojwt ÷ PyJWT, loaded keys |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    ratios: dict[tuple[str, str], list[float]] = {}
    for alg in algorithms:
        for op in ("encode", "decode"):
            ours, theirs, loaded = (rates[(alg, op, n)] for n in ("gojwt", "PyJWT", LOADED))
            ratio, ratio_loaded = max(ours) / max(theirs), max(ours) / max(loaded)
            ratios.setdefault((op, "PyJWT"), []).append(ratio)
            ratios.setdefault((op, LOADED), []).append(ratio_loaded)
            paired = median(o / t for o, t in zip(ours, theirs))
            print(f"| {alg} | {op} | {max(theirs):,.0f} | {max(loaded):,.0f} | {max(ours):,.0f} "
                  f"| {ratio:.2f}× | {paired:.2f}× | {ratio_loaded:.2f}× |")  # fmt: skip
    print()
    for (op, against), values in ratios.items():
        geo = math.exp(sum(map(math.log, values)) / len(values))
        print(f"- {op}: gojwt ÷ {against} {geo:.2f}× (geometric mean over {len(values)} algorithms), "
              f"{min(values):.2f}× to {max(values):.2f}×")  # fmt: skip


if __name__ == "__main__":
    main()
