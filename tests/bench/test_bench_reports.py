"""bench_reports' verdicts can fail: with impossible goals every figure misses them."""

from __future__ import annotations

from bench_helpers import assert_verdicts_fail, run_bench


def test_reports_figures_miss_impossible_goals() -> None:
    status, figures = run_bench("bench_reports.py", "--impossible")
    assert status == 1
    assert_verdicts_fail(
        figures,
        {
            "reports.findings_pdf_render",
            "reports.findings_pdf",
            "reports.findings_pdf_peak_memory",
            "reports.xlsx",
            "reports.html",
        },
    )
    render = next(f for f in figures if f["bench"] == "reports.findings_pdf_render")
    assert render["pages"] > 10 and render["baseline_pages"] > 10
