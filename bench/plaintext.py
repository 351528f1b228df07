"""Run a benchmark on plaintext stores, for the encrypted/plaintext ratios of bench_store.

``python bench/plaintext.py bench/bench_core.py`` runs that benchmark with every store the
workbench opens left unencrypted (the passphrase is dropped before ``db.engine.open_store``);
``PLAINTEXT_PATCH`` does the same inside a child process's code. Benchmarks only: the
workbench itself always encrypts a SQLite store.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

PLAINTEXT_PATCH = """
import db.engine, workbench.store
_open_store = db.engine.open_store
def _plaintext(target, *, passphrase=None, **options):
    return _open_store(target, plaintext=True, **options)
workbench.store.open_store = _plaintext
"""


def use_plaintext() -> None:
    exec(PLAINTEXT_PATCH, {})


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(Path(__file__).resolve().parent), str(root)]
    use_plaintext()
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(script, run_name="__main__")
