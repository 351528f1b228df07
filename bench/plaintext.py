"""Run a benchmark on plaintext stores, for the encrypted/plaintext ratios of bench_store.

``python bench/plaintext.py bench/bench_core.py`` runs that benchmark with every store the
workbench opens left unencrypted (the passphrase is dropped before ``db.engine.open_store``),
and the quick readers of a store file (``workbench.quick_store``, the window's
``quick_caselist``), which read only encrypted files, read the plaintext file the same way
without a key, so that both sides do the same work; ``PLAINTEXT_PATCH`` does the same inside
a child process's code. Benchmarks only: the workbench itself always encrypts a SQLite store.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

PLAINTEXT_PATCH = """
import importlib.util, sys, types
import db.cipher, workbench.quick_store, workbench.services.quick_caselist

def _plain_open(engine):
    real = engine.open_store
    def _plaintext(target, *, passphrase=None, **options):
        return real(target, plaintext=True, **options)
    engine.open_store = _plaintext

class _WhenImported:  # db.engine patched as it is imported (importing it here costs SQLAlchemy)
    def find_spec(self, name, path=None, target=None):
        if name != "db.engine":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            _plain_open(module)
        spec.loader.exec_module = exec_module
        return spec

if "db.engine" in sys.modules:
    _plain_open(sys.modules["db.engine"])
else:
    sys.meta_path.insert(0, _WhenImported())
_cipher = types.SimpleNamespace(**{n: getattr(db.cipher, n) for n in dir(db.cipher)})
_cipher.is_plaintext = lambda path: False
_cipher.store_key = lambda passphrase: None
workbench.quick_store.cipher = workbench.services.quick_caselist.cipher = _cipher
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
