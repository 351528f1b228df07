"""bench_core's verdicts can fail: with impossible goals every figure misses them."""

from __future__ import annotations

from bench_helpers import assert_verdicts_fail, run_bench


def test_core_figures_miss_impossible_goals() -> None:
    status, figures = run_bench("bench_core.py", "--impossible")
    assert status == 1
    assert_verdicts_fail(
        figures, {"core.case_import", "core.grading_edit", "core.summary_in_process"}
    )
