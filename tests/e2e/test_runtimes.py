"""Gowright-built extension modules of two kinds — three Go runtimes — in one interpreter: each
after the first warns once that Go does not support that (golang/go#65050), and all still work
for a minute under load (threads, goroutines, panics, garbage collection on every side)."""

from __future__ import annotations

from conftest import gowright, make_venv, run, tool, wheel_for

LOAD = """
import gc, threading, time, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import scalars, gocollections as col, geom
print(len(caught), caught[0].category.__name__ if caught else None)
assert "another Go runtime is loaded" in str(caught[0].message) and "scalars" in str(caught[0].message)
errors = []
stop = time.monotonic() + 60

def work(n):
    try:
        while time.monotonic() < stop:
            assert scalars.add(n, 1) == n + 1
            assert scalars.parallel(8) > 0            # goroutines
            assert col.sum_ints(list(range(100))) == 4950
            assert col.counts(["a"] * n) == ({"a": n} if n else {})
            assert geom.greet(str(n)) == "hello, " + str(n)   # the cgo kind's module
            assert geom.sum([float(n)] * 100) == 100.0 * n
            try:
                scalars.explode("boom")               # a Go panic, recovered
            except scalars.GoPanic:
                pass
            try:
                geom.crash("boom")                    # and one in an //export function
            except geom.GoPanic:
                pass
            blob = [bytes(1000) for _ in range(50)]   # garbage for Python's collector
            del blob
            if n == 0:
                gc.collect()
    except BaseException as e:
        errors.append(repr(e))

threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
[t.start() for t in threads]
[t.join() for t in threads]
assert not errors, errors[:3]
print("ok")
"""


def test_go_runtimes_of_two_kinds_warn_and_work_under_load(gowright_bin, project, zig_env, tmp_path):
    wheels = [
        wheel_for(gowright(gowright_bin, "build", cwd=project(f), env=zig_env), "abi3")
        for f in ["scalars-lib", "collections-lib", "cgo-module"]
    ]
    python = make_venv(tmp_path / "venv", with_uv=True)
    run([tool("uv"), "pip", "install", "--quiet", "--python", python, *wheels])
    out = run([python, "-c", LOAD], timeout=300).stdout.split()
    assert out == ["2", "RuntimeWarning", "ok"], out
    # With warnings as errors, the second import fails rather than running two runtimes.
    proc = run([python, "-W", "error::RuntimeWarning", "-c", "import scalars, gocollections"], check=False)
    assert proc.returncode == 1 and "RuntimeWarning" in proc.stderr and "golang/go#65050" in proc.stderr
    # One module alone says nothing.
    proc = run([python, "-W", "error::RuntimeWarning", "-c", "import scalars; print(scalars.add(1, 2))"])
    assert proc.stdout == "3\n" and proc.stderr == ""
