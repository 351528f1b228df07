"""The cost of encryption at rest: encrypted stores against plaintext ones, in one run.

Every figure's baseline is the same work on a plaintext store (or, for the key, plain
``hashlib``), alternately in the same run.

- store.kdf: deriving the store key from the passphrase (PBKDF2-HMAC-SHA512, 256,000
  iterations, as SQLCipher 4), beside ``hashlib.pbkdf2_hmac``. Goal: under 0.5 s.
- store.cli_startup: ``workbench summary`` on a 10,000-case store (100,000 at 10x), from
  launching a fresh process to its exit. Goal: within 1.3x of plaintext.
- store.window_shown and store.window_cases_listed: the window's first paint and its full
  case list (bench_ui's child). Goals: within 1.3x of plaintext, shown under 1.5 s.
- store.rerun.<figure>: bench_core (import, grading edit, summary) and bench_packs (export,
  merge) run whole on encrypted and on plaintext stores, alternately, RUNS times (1x sizes
  only); each figure is the child's own median. Goal: each within 1.3x.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(ROOT)]

from bench_ui import SCALE_CASES, WORKBENCH_CHILD, make_store, time_to_lines  # noqa: E402
from harness import Figure, Options, Sample, forwarded, parse_options, report  # noqa: E402
from plaintext import PLAINTEXT_PATCH  # noqa: E402

import db.engine  # noqa: E402
from db import cipher  # noqa: E402

RUNS = int(os.environ.get("BENCH_STORE_RUNS", "3"))
STARTUP_RUNS = 5
GOAL = 1.3
CLI_CHILD = "import sys\nfrom workbench.cli import main\nsys.exit(main(sys.argv[1:]))\n"
# Figures compared between the two reruns (lower is better): (benchmark, --only words).
RERUNS = (
    ("bench/bench_core.py", "core.case_import,core.grading_edit,core.summary_in_process"),
    ("bench/bench_packs.py", "packs.export,packs.merge"),
)


@contextmanager
def plaintext_stores():
    real = db.engine.open_store

    def plain(target, *, passphrase=None, **options):  # type: ignore[no-untyped-def]
        return real(target, plaintext=True, **options)

    db.engine.open_store = plain
    try:
        yield
    finally:
        db.engine.open_store = real


def kdf_figure() -> Figure:
    passphrase = "benchmark lantern orchard 42"

    def ours() -> None:
        cipher.StoreKey(passphrase).raw(secrets.token_bytes(cipher.SALT_BYTES))

    def plain() -> None:
        salt = secrets.token_bytes(cipher.SALT_BYTES)
        hashlib.pbkdf2_hmac("sha512", passphrase.encode(), salt, cipher.KDF_ITERATIONS)

    return Figure(
        "store.kdf", "deriving the store key from the passphrase", ours, plain,
        "hashlib.pbkdf2_hmac with the same hash and iterations", goal=0.5, repetitions=5,
        info={"iterations": cipher.KDF_ITERATIONS},
    )  # fmt: skip


def run_child(code: str, *args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True,
                   env=env, cwd=ROOT, timeout=300)  # fmt: skip
    return time.perf_counter() - start


def startup_figures(folder: Path, scale: str) -> Iterator[Figure]:
    cases = SCALE_CASES[scale]
    stores = {"encrypted": folder / "encrypted.sqlite", "plaintext": folder / "plaintext.sqlite"}
    ids = {"encrypted": make_store(stores["encrypted"], cases)}
    with plaintext_stores():
        ids["plaintext"] = make_store(stores["plaintext"], cases)
    assert cipher.is_plaintext(stores["plaintext"])
    assert not cipher.is_plaintext(stores["encrypted"])
    codes = {"encrypted": "", "plaintext": PLAINTEXT_PATCH}
    for mode in stores:  # warm the file cache
        run_child(codes[mode] + CLI_CHILD, "--db", str(stores[mode]), "identity", "show")

    def cli(mode: str) -> Sample:
        args = ("--db", str(stores[mode]), "summary", "--inspection", ids[mode])
        return Sample(run_child(codes[mode] + CLI_CHILD, *args))

    plain = "the same on a plaintext store"
    yield Figure(
        "store.cli_startup", f"workbench summary in a fresh process, {cases:,} cases",
        lambda: cli("encrypted"), lambda: cli("plaintext"), plain, ratio_goal=GOAL,
        scale=scale, repetitions=STARTUP_RUNS, info={"cases": cases},
    )  # fmt: skip
    listed: dict[str, list[float]] = {"encrypted": [], "plaintext": []}

    def window(mode: str) -> Sample:
        seen = time_to_lines(codes[mode] + WORKBENCH_CHILD, str(stores[mode]),
                             str(folder / mode), str(cases))  # fmt: skip
        listed[mode].append(seen["listed"])
        return Sample(seen["shown"])

    yield Figure(
        "store.window_shown", f"the window's first paint in a fresh process, {cases:,} cases",
        lambda: window("encrypted"), lambda: window("plaintext"), plain, ratio_goal=GOAL,
        goal=1.5, scale=scale, repetitions=STARTUP_RUNS, info={"cases": cases},
    )  # fmt: skip
    encrypted, plaintext = iter(list(listed["encrypted"])), iter(list(listed["plaintext"]))
    yield Figure(
        "store.window_cases_listed", f"the window listing all {cases:,} cases",
        lambda: Sample(next(encrypted)), lambda: Sample(next(plaintext)), plain,
        ratio_goal=GOAL, scale=scale, repetitions=STARTUP_RUNS, info={"cases": cases},
        note="measured in the same runs as store.window_shown",
    )  # fmt: skip


def rerun(script: str, only: str, plaintext: bool, scale: str) -> dict[str, tuple[float, str]]:
    """The medians a child benchmark reports at ``scale``, with their units, by figure name."""
    command = [sys.executable, *([str(HERE / "plaintext.py")] if plaintext else []), script]
    # One scale only: the child's figures are keyed by name, so a second scale would
    # overwrite the first (and cost its time).
    child = Options(only=only.split(","), scales=[scale], impossible=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([*command, *forwarded(child)], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=3600).stdout  # fmt: skip
    figures = {}
    for line in out.splitlines():
        record = json.loads(line) if line.startswith("{") else {}
        if "median" in record:
            figures[record["bench"]] = (float(record["median"]), str(record.get("unit", "s")))
    return figures


def rerun_figures(scale: str) -> Iterator[Figure]:
    samples: dict[str, dict[str, list[float]]] = {}
    units: dict[str, str] = {}
    for _ in range(RUNS):
        for script, only in RERUNS:
            for mode in ("encrypted", "plaintext"):
                found = rerun(script, only, mode == "plaintext", scale)
                for name, (value, unit) in found.items():
                    samples.setdefault(name, {"encrypted": [], "plaintext": []})[mode].append(value)
                    units[name] = unit
    for name, modes in samples.items():
        encrypted, plaintext = iter(modes["encrypted"]), iter(modes["plaintext"])
        yield Figure(
            f"store.rerun.{name}", f"{name} (the child benchmark's median) on encrypted stores",
            lambda e=encrypted: Sample(next(e)), lambda p=plaintext: Sample(next(p)),
            "the same benchmark on plaintext stores", ratio_goal=GOAL, scale=scale,
            unit=units[name], repetitions=min(len(modes["encrypted"]), len(modes["plaintext"])),
        )  # fmt: skip


def figures(folder: Path, options: Options) -> Iterator[Figure]:
    if options.wanted("store.kdf"):
        yield kdf_figure()
    for scale in options.scales:
        sub = folder / scale
        sub.mkdir()
        if options.wanted("store.cli_startup", "store.window"):
            yield from (f for f in startup_figures(sub, scale) if options.wanted(f.name))
        if scale != "10x" and options.wanted("store.rerun"):
            yield from rerun_figures(scale)


def main() -> int:
    options = parse_options()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        return report(figures(Path(folder), options), options)


if __name__ == "__main__":
    sys.exit(main())
