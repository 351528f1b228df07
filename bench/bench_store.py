"""The cost of encryption at rest: encrypted stores against plaintext ones, in one run.

- store_kdf: deriving the store key from the passphrase (PBKDF2-HMAC-SHA512, 256,000
  iterations, as SQLCipher 4). Goal: under 0.5 s.
- store_cli_startup: ``workbench summary`` on a 10,000-case store, from launching a fresh
  process to its exit, encrypted and plaintext. Goal: within 1.3x.
- store_window_startup: the window's first paint and its full case list with a 10,000-case
  store (bench_ui's child), encrypted and plaintext. Goal: shown under 1.5 s, within 1.3x.
- store_rerun: bench_core (import, grading edit, summary) and bench_packs (merge) run on
  encrypted and on plaintext stores, alternately, RUNS times; each figure's median and
  ratio. Goal: each within 1.3x.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(ROOT)]

from _common import emit, median  # noqa: E402
from bench_ui import CASES, WORKBENCH_CHILD, make_store, time_to_lines  # noqa: E402
from plaintext import PLAINTEXT_PATCH  # noqa: E402

import workbench.store  # noqa: E402
from db import cipher  # noqa: E402

RUNS = int(os.environ.get("BENCH_STORE_RUNS", "3"))
STARTUP_RUNS = 5
GOAL = 1.3
CLI_CHILD = "import sys\nfrom workbench.cli import main\nsys.exit(main(sys.argv[1:]))\n"
# Figures compared between the two reruns (lower is better), by benchmark name.
FIGURES = {
    "case_import": "seconds",
    "grading_edit": "p95_ms",
    "summary": "seconds",
    "packs.export_500_cases": "seconds",
    "packs.merge_20_packs_of_500": "seconds",
}


@contextmanager
def plaintext_stores():
    real = workbench.store.open_store

    def plain(target, *, passphrase=None, **options):  # type: ignore[no-untyped-def]
        return real(target, **options)

    workbench.store.open_store = plain
    try:
        yield
    finally:
        workbench.store.open_store = real


def bench_kdf() -> None:
    samples = []
    for _ in range(5):
        key = cipher.StoreKey("benchmark lantern orchard 42")
        start = time.perf_counter()
        key.raw(secrets.token_bytes(cipher.SALT_BYTES))
        samples.append(time.perf_counter() - start)
    seconds = median(samples)
    emit("store_kdf", seconds=round(seconds, 3), iterations=cipher.KDF_ITERATIONS,
         goal="under 0.5 s", met=seconds < 0.5)  # fmt: skip


def run_child(code: str, *args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True,
                   env=env, cwd=ROOT, timeout=300)  # fmt: skip
    return time.perf_counter() - start


def ratio_figures(name: str, encrypted: list[float], plain: list[float], **extra) -> None:
    enc, pla = median(encrypted), median(plain)
    emit(name, encrypted=round(enc, 3), plaintext=round(pla, 3), ratio=round(enc / pla, 2),
         runs=len(encrypted), goal=f"within {GOAL}x", met=enc / pla <= GOAL, **extra)  # fmt: skip


def bench_startups(folder: Path) -> None:
    stores = {"encrypted": folder / "encrypted.sqlite", "plaintext": folder / "plaintext.sqlite"}
    ids = {"encrypted": make_store(stores["encrypted"])}
    with plaintext_stores():
        ids["plaintext"] = make_store(stores["plaintext"])
    assert cipher.is_plaintext(stores["plaintext"])
    assert not cipher.is_plaintext(stores["encrypted"])
    codes = {"encrypted": "", "plaintext": PLAINTEXT_PATCH}
    cli: dict[str, list[float]] = {"encrypted": [], "plaintext": []}
    shown: dict[str, list[float]] = {"encrypted": [], "plaintext": []}
    listed: dict[str, list[float]] = {"encrypted": [], "plaintext": []}
    for mode in stores:  # warm the file cache
        run_child(codes[mode] + CLI_CHILD, "--db", str(stores[mode]), "identity", "show")
    for _ in range(STARTUP_RUNS):
        for mode, path in stores.items():
            args = ("--db", str(path), "summary", "--inspection", ids[mode])
            cli[mode].append(run_child(codes[mode] + CLI_CHILD, *args))
            seen = time_to_lines(
                codes[mode] + WORKBENCH_CHILD, str(path), str(folder / mode), str(CASES)
            )
            shown[mode].append(seen["shown"])
            listed[mode].append(seen["listed"])
    ratio_figures("store_cli_startup", cli["encrypted"], cli["plaintext"], cases=CASES,
                  command="summary")  # fmt: skip
    ratio_figures("store_window_shown", shown["encrypted"], shown["plaintext"], cases=CASES,
                  shown_under_1_5_s=median(shown["encrypted"]) < 1.5)  # fmt: skip
    ratio_figures("store_window_cases_listed", listed["encrypted"], listed["plaintext"],
                  cases=CASES)  # fmt: skip


def rerun(script: str, plaintext: bool) -> dict[str, float]:
    command = [sys.executable, *([str(HERE / "plaintext.py")] if plaintext else []), script]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=900).stdout  # fmt: skip
    figures = {}
    for line in out.splitlines():
        record = json.loads(line)
        field = FIGURES.get(record["bench"])
        if field and field in record:
            figures[record["bench"]] = float(record[field])
    return figures


def bench_reruns() -> None:
    samples: dict[str, dict[str, list[float]]] = {}
    for _ in range(RUNS):
        for script in ("bench/bench_core.py", "bench/bench_packs.py"):
            for mode in ("encrypted", "plaintext"):
                for name, value in rerun(script, mode == "plaintext").items():
                    samples.setdefault(name, {"encrypted": [], "plaintext": []})[mode].append(value)
    for name, modes in samples.items():
        ratio_figures(f"store_rerun_{name}", modes["encrypted"], modes["plaintext"],
                      figure=FIGURES[name],
                      spread_encrypted=round(statistics.pstdev(modes["encrypted"]), 3))  # fmt: skip


def main() -> int:
    bench_kdf()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        bench_startups(Path(folder))
    bench_reruns()
    return 0


if __name__ == "__main__":
    sys.exit(main())
