"""The benchmarks' own tests: each runs a benchmark at tiny sizes in a child process."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_helpers
