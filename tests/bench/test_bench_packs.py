"""bench_packs' verdicts can fail: with impossible goals every figure misses them."""

from __future__ import annotations

from bench_helpers import assert_verdicts_fail, run_bench


def test_packs_figures_miss_impossible_goals() -> None:
    status, figures = run_bench("bench_packs.py", "--impossible")
    assert status == 1
    assert_verdicts_fail(
        figures,
        {
            "packs.export_500_cases",
            "packs.merge",
            "packs.audit_verify_merged_lead_store",
            "packs.import_again_same_files",
            "packs.import_again_reexported_unchanged",
        },
    )
    merge = next(f for f in figures if f["bench"] == "packs.merge")
    assert merge["rows_written"] > merge["records_added"] > 0
