"""bench_ui's verdicts can fail: with impossible goals every figure misses them."""

from __future__ import annotations

from bench_helpers import assert_verdicts_fail, run_bench


def test_ui_figures_miss_impossible_goals() -> None:
    status, figures = run_bench("bench_ui.py", "--impossible")
    assert status == 1
    assert_verdicts_fail(
        figures,
        {"ui.startup_shown", "ui.startup_cases_listed", "ui.select_case", "ui.search_filter"},
    )
    listed = next(f for f in figures if f["bench"] == "ui.startup_cases_listed")
    shown = next(f for f in figures if f["bench"] == "ui.startup_shown")
    assert listed["median"] >= shown["median"]  # the list fills after the first paint
    # What the store key's derivation costs beside it, reported with the figure.
    assert listed["kdf_s"] > 0 and listed["listed_after_shown_s"] >= 0
