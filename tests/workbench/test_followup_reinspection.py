"""A re-inspection against its baseline: shares requiring improvement or inadequate by
category and stage, checked against shares worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from backends import cli_target
from reports_helpers import add_case, grade_case, make_inspection

from db.engine import Store
from workbench.cli import main
from workbench.followup.recommendations import set_baseline
from workbench.followup.reinspection import compare

BASELINE = [("section_47", "good"), ("section_47", "requires_improvement"),
            ("section_47", "inadequate"), ("missing_children", "requires_improvement"),
            ("cse", "good")]  # fmt: skip
NOW = [("section_47", "good"), ("section_47", "good"), ("section_47", "requires_improvement"),
       ("missing_children", "good"), ("cse", "inadequate")]  # fmt: skip


def _graded(store: Store, force: str, cases: list[tuple[str, str]]) -> str:
    inspection_id = make_inspection(store, force=force)
    for n, (category, grade) in enumerate(cases, start=1):
        case_id = add_case(store, inspection_id, f"{force}/{n}", category=category)
        grade_case(store, case_id, grade, category=category)
    return inspection_id


@pytest.fixture
def pair(store: Store) -> tuple[str, str]:
    baseline = _graded(store, "Baseshire", BASELINE)
    now = _graded(store, "Reshire", NOW)
    set_baseline(store, now, baseline)
    return baseline, now


def test_shares_by_category_and_stage_equal_those_worked_out_by_hand(
    store: Store, pair: tuple[str, str]
) -> None:
    result = compare(store, pair[1])

    by_category = {line.key: line for line in result.by_category}
    counts = {k: (v.baseline_bad, v.baseline_total, v.now_bad, v.now_total, v.direction)
              for k, v in by_category.items()}  # fmt: skip
    assert counts == {
        "section_47": (2, 3, 1, 3, "improved"),
        "missing_children": (1, 1, 0, 1, "improved"),
        "cse": (0, 1, 1, 1, "worsened"),
    }
    assert by_category["section_47"].baseline_share == pytest.approx(200 / 3)
    assert by_category["section_47"].now_share == pytest.approx(100 / 3)
    stages = {line.key: line for line in result.by_stage}
    # Every stage of a case was graded as the case: initial contact applies to all five.
    assert (stages["initial_contact"].baseline_bad, stages["initial_contact"].now_bad) == (3, 2)
    assert stages["initial_contact"].baseline_total == stages["initial_contact"].now_total == 5
    assert stages["initial_contact"].direction == "improved"
    assert (stages["managing_risk"].baseline_bad, stages["managing_risk"].now_bad) == (0, 1)
    assert stages["managing_risk"].direction == "worsened"
    assert "police_detention" not in stages  # no custody case on either side
    assert (result.overall.baseline_bad, result.overall.now_bad) == (3, 2)
    assert result.sentences[0] == (
        "Of all graded cases, 2 of 5 (40 percent) require improvement or are inadequate now, "
        "against 3 of 5 (60 percent) in the baseline: improved."
    )
    assert "It worsened in these categories: Child sexual exploitation." in result.sentences


def test_the_cli_prints_the_comparison(
    store: Store, pair: tuple[str, str], capsys: pytest.CaptureFixture
) -> None:
    assert main(["--db", cli_target(store), "followup", "compare", "--inspection", pair[1]]) == 0
    out = capsys.readouterr().out

    assert "Child sexual exploitation" in out and "0/1" in out and "worsened" in out
    assert main(["--db", cli_target(store), "followup", "compare", "--inspection", pair[0]]) == 1
    assert "names no baseline inspection" in capsys.readouterr().err


def test_the_update_report_of_the_baseline_gives_the_comparison(
    store: Store, pair: tuple[str, str], tmp_path: Path
) -> None:
    from followup_helpers import RECOMMENDATIONS
    from reports_helpers import flat, read
    from store_helpers import write_file

    from workbench.followup.recommendations import import_recommendations
    from workbench.reports.update import write_update_report

    baseline, _now = pair
    import_recommendations(store, baseline, write_file(tmp_path, "r.toml", RECOMMENDATIONS))
    written = write_update_report(store, baseline, 4, tmp_path / "q4.pdf")

    report = flat(" ".join(page.extract_text() for page in read(written.path).pages))
    section = report[report.index("The re-inspection against the inspection Child") :]
    assert "Section 47 child protection investigation 2 of 3 67% 1 of 3 33% improved" in section
    assert "Child sexual exploitation 0 of 1 0% 1 of 1 100% worsened" in section
    assert "Initial contact 3 of 5 60% 2 of 5 40% improved" in section
