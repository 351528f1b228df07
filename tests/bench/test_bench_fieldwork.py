"""bench_fieldwork's verdicts can fail: with impossible goals every figure misses them."""

from __future__ import annotations

from bench_helpers import assert_verdicts_fail, run_bench


def test_fieldwork_figures_miss_impossible_goals() -> None:
    status, figures = run_bench("bench_fieldwork.py", "--impossible")
    assert status == 1
    assert_verdicts_fail(
        figures,
        {
            "fieldwork.sampling",
            "fieldwork.dashboard_after_a_change",
            "fieldwork.dashboard_unchanged",
            "fieldwork.dashboard_after_other_changes",
        },
    )
    sampling = next(f for f in figures if f["bench"] == "fieldwork.sampling")
    assert sampling["drawn"] == 400
