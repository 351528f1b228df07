"""bench_cli's verdicts can fail: with impossible goals every figure misses them."""

from __future__ import annotations

from bench_helpers import assert_verdicts_fail, run_bench


def test_cli_figures_miss_impossible_goals() -> None:
    status, figures = run_bench("bench_cli.py", "--impossible")
    assert status == 1
    assert_verdicts_fail(figures, {"cli.summary_end_to_end", "cli.store_key_derivation"})
