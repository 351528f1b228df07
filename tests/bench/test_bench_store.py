"""bench_store's verdicts can fail: with impossible goals every figure misses them."""

from __future__ import annotations

from bench_helpers import assert_verdicts_fail, run_bench


def test_store_figures_miss_impossible_goals() -> None:
    status, figures = run_bench("bench_store.py", "--impossible", timeout=900)
    assert status == 1
    reruns = {
        f"store.rerun.{name}"
        for name in (
            "core.case_import",
            "core.grading_edit",
            "core.summary_in_process",
            "packs.export_500_cases",
            "packs.merge",
        )
    }
    assert_verdicts_fail(
        figures,
        {"store.kdf", "store.cli_startup", "store.window_shown", "store.window_cases_listed"}
        | reruns,
    )
