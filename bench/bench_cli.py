"""The command line as a user runs it: ``workbench summary --json`` in a fresh process.

- ``cli.summary_end_to_end``: from launching ``python -m workbench --db STORE summary --json``
  to its exit, on 10,000 (1x) and 100,000 (10x) graded cases. Goals: under 0.8 s and 2 s.
  The baseline, in the same run, is a fresh interpreter doing the same work with the least
  code that could: open the encrypted store with ``sqlcipher3`` (the same key derivation),
  read every case and assessment, count grades and answers per category and prompt with
  ``Counter``, print JSON. The command reads the same rows (cases, assessments with their
  answers, stage judgements) and counts them in Python too, because counting in SQL is
  slower on this store: at 100,000 cases (3.6 million answers) SQLite's ``json_each`` in a
  ``GROUP BY`` took 7 s where splitting the answers' text in Python takes 0.7 s, and even
  the stage judgements' ``GROUP BY stage_id, grade`` (no join) cost more CPU (0.5 s) than
  reading their 500,000 rows (0.37 s); so the baseline stays what it was: the least code
  doing that work. Most of what is left is decrypting and reading the rows (about 1 s of
  CPU at 100,000 cases) and counting 3.6 million answers. Reading the assessments and the
  stage judgements on a second thread of the same connection, handing their rows over in
  chunks through a queue while the counting runs, was measured slower (0.2 to 0.7 s more
  wall in each of 5 interleaved runs at 100,000 cases, no less CPU): SQLite releases the
  GIL for each row's step and takes it back for each row, so the two threads mostly wait
  for each other. The store key is derived on a thread while the summary's modules are
  imported (PBKDF2 holds no GIL).
- ``cli.store_key_derivation``: the part of both that opening an encrypted store costs,
  PBKDF2-HMAC-SHA512 over 256,000 iterations (SQLCipher 4's default), measured alone in
  process. Reported, not a goal of the summary's code: it is the price of encryption at rest,
  and is not weakened.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import fill_graded_cases, new_store
from harness import Figure, Options, Sample, parse_options, report

from db import cipher

ROOT = Path(__file__).resolve().parents[1]
CASES = {"tiny": 200, "1x": 10_000, "10x": 100_000}
GOAL_SECONDS = {"tiny": 0.8, "1x": 0.8, "10x": 2.0}

# The baseline child: the same store opened and summarised with plain sqlcipher3 and json.
RAW_SUMMARY = """
import hashlib, json, os, sys
from collections import Counter
import sqlcipher3
path, inspection = sys.argv[1], sys.argv[2]
with open(path, "rb") as handle:
    salt = handle.read(16)
key = hashlib.pbkdf2_hmac("sha512", os.environ["WORKBENCH_STORE_PASSPHRASE"].encode(), salt,
                          256_000, 32)
conn = sqlcipher3.dbapi2.connect(path)
conn.execute(f"PRAGMA key = \\"x'{key.hex()}'\\"")
rows = conn.execute(
    "SELECT c.id, c.category, c.unit, c.force_grade, a.status, a.overall_grade, a.answers "
    "FROM case_file c LEFT JOIN assessment a ON a.case_id = c.id WHERE c.inspection_id = ?",
    (inspection,),
).fetchall()
stages = Counter(conn.execute(
    "SELECT s.stage_id, s.grade FROM stage_judgement s").fetchall())
overall, by_category, by_unit, prompts = Counter(), Counter(), Counter(), Counter()
for _, category, unit, _, status, grade, answers in rows:
    if status == "graded":
        overall[grade] += 1
        by_category[category, grade] += 1
        by_unit[unit, grade] += 1
        for prompt, answer in json.loads(answers or "{}").items():
            prompts[prompt, answer, category, grade] += 1
print(json.dumps({"overall": overall, "stages": [list(k) + [n] for k, n in stages.items()],
                  "by_category": [list(k) + [n] for k, n in by_category.items()],
                  "by_unit": [list(k) + [n] for k, n in by_unit.items()],
                  "prompts": [list(k) + [n] for k, n in prompts.items()]}, indent=2))
"""


def _child(*argv: str) -> Sample:
    """A fresh interpreter from launch to exit; its standard output must not be empty."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *argv], capture_output=True, env=env, cwd=ROOT, timeout=600
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or not done.stdout:
        raise RuntimeError(f"{argv[:3]} failed: {done.stderr.decode()[-2000:]}")
    return Sample(elapsed, {"output_bytes": len(done.stdout)})


def summary_figures(folder: Path, scale: str) -> Iterator[Figure]:
    path = folder / f"cli-summary-{scale}.sqlite"
    store, inspection_id = new_store(path)
    fill_graded_cases(store, inspection_id, CASES[scale])
    store.close()
    command = ("-m", "workbench", "--db", str(path), "summary", "--json")
    _child(*command, "--inspection", inspection_id)  # the file cache warm for both
    yield Figure(
        "cli.summary_end_to_end",
        f"workbench summary --json on {CASES[scale]:,} graded cases, a fresh process from "
        "launch to exit (imports, opening the encrypted store, the summary, the JSON)",
        lambda: _child(*command, "--inspection", inspection_id),
        lambda: _child("-c", RAW_SUMMARY, str(path), inspection_id),
        "a fresh python: sqlcipher3 with the same key derivation, two queries, Counters, json",
        goal=GOAL_SECONDS[scale], scale=scale, info={"cases": CASES[scale]},
    )  # fmt: skip


def key_figure() -> Figure:
    salt = b"\x01" * cipher.SALT_BYTES

    def derive() -> None:
        hashlib.pbkdf2_hmac("sha512", b"benchmark lantern orchard 42", salt,
                            cipher.KDF_ITERATIONS, cipher.KEY_BYTES)  # fmt: skip

    return Figure(
        "cli.store_key_derivation",
        "deriving the store key once (PBKDF2-HMAC-SHA512, 256,000 iterations, SQLCipher 4's "
        "default): part of every command's opening of an encrypted store, and of the baseline",
        derive, scale="1x", info={"iterations": cipher.KDF_ITERATIONS},
    )  # fmt: skip


def figures(folder: Path, options: Options) -> Iterator[Figure]:
    if options.wanted("cli.store_key_derivation"):
        yield key_figure()
    for scale in options.scales:
        if options.wanted("cli.summary_end_to_end"):
            yield from summary_figures(folder, scale)


def main() -> int:
    options = parse_options()
    with tempfile.TemporaryDirectory() as tmp:
        return report(figures(Path(tmp), options), options)


if __name__ == "__main__":
    sys.exit(main())
