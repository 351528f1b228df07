"""Running a benchmark as ``make bench`` does, at tiny sizes, and reading its figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def run_bench(script: str, *args: str, timeout: float = 600) -> tuple[int, list[dict[str, Any]]]:
    """Run ``bench/<script>`` (or ``bench/run.py``) at the tiny scale; its exit status and
    the figures it printed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--scale=tiny", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout,
    )  # fmt: skip
    figures = []
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if not record.get("info_only"):
                figures.append(record)
    assert figures or done.returncode == 0, done.stderr[-3000:]
    return done.returncode, figures


def assert_verdicts_fail(figures: list[dict[str, Any]], names: set[str]) -> None:
    """Every figure named was measured, and with impossible goals each one missed them."""
    assert {f["bench"] for f in figures} == names
    for figure in figures:
        assert figure["runs"] >= 3
        assert figure["min"] <= figure["median"] <= figure["max"]
        assert figure["goal_met"] is False, figure
        if "baseline_median" in figure:
            assert figure["ratio"] > 0
            assert figure["ratio_met"] is False, figure
