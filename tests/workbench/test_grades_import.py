"""Importing one inspector's grades from a spreadsheet: all or nothing, each bad row named."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from store_helpers import refused, write_file

from db.engine import Store
from db.models import AuditEvent, ImportLog
from workbench import audit
from workbench.errors import ImportRefused, WorkbenchError
from workbench.services import grading
from workbench.services.case_import import import_cases
from workbench.services.grades_import import import_grades
from workbench.services.inspections import create_inspection, get_case
from workbench.services.referrals import list_referrals

INSPECTOR = "Jo Smith"
# police_protection: initial_contact, assessment_and_help, decision_making, trusted_adult
# rso_management: assessment_and_help, investigation, decision_making, managing_risk
CASES = "reference,category\nPP-1,police_protection\nPP-2,police_protection\nRSO-1,rso_management\n"
PP_STAGES = ["initial_contact", "assessment_and_help", "decision_making", "trusted_adult"]
STAGE_HEADER = ",".join(f"stage:{s}" for s in PP_STAGES)


@pytest.fixture
def inspection_id(store: Store, tmp_path: Path) -> str:
    created = create_inspection(
        store, force="Testshire Police", title="Test", start=date(2026, 1, 5), end=date(2026, 1, 30)
    )
    import_cases(store, created.id, write_file(tmp_path, "cases.csv", CASES))
    return created.id


def _refused(store: Store, inspection_id: str, path: Path, kind=ImportRefused) -> str:
    return refused(store, lambda: import_grades(store, inspection_id, INSPECTOR, path), kind)


def _view(store: Store, inspection_id: str, reference: str) -> grading.AssessmentView:
    with store.sessions() as session:
        case_id = get_case(session, inspection_id, reference).id
    return grading.view(store, case_id, INSPECTOR)


def test_grade_words_in_any_case_or_spacing_grade_the_case(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "grades.csv",
        f"Case Ref,Overall Grade,Rationale,{STAGE_HEADER},stage:investigation\n"
        "PP-1,Requires improvement,Slow to act,GOOD,requires_improvement,"
        "REQUIRES-IMPROVEMENT, Requires  Improvement ,Not assessed\n",
    )

    result = import_grades(store, inspection_id, INSPECTOR, path)

    assert (result.assessments, result.graded, result.in_progress) == (1, 1, 0)
    assert result.referrals == 0 and result.warnings == []
    view = _view(store, inspection_id, "PP-1")
    assert view.status == "graded"
    assert view.overall_grade == "requires_improvement"
    assert view.rationale == "Slow to act"
    assert view.stage_grades == {
        "initial_contact": "good",
        "assessment_and_help": "requires_improvement",
        "decision_making": "requires_improvement",
        "trusted_adult": "requires_improvement",
    }
    with store.sessions() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        fields = [e.field for e in events if e.entity == "assessment"]
        assert fields[0] == ""  # the assessment's creation
        assert set(fields[1:]) == {
            "overall_grade",
            "rationale",
            *(f"stage:{s}:grade" for s in PP_STAGES),
            "status",
        }
        assert json.loads(events[-1].new_value)["file"] == "grades.csv"
        log = session.get(ImportLog, result.log_id)
        assert (log.kind, log.inspector, log.actor) == ("grades", INSPECTOR, "Alex Inspector")
        assert audit.verify(session).intact


def test_xlsx_grades_import(store: Store, inspection_id: str, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["case_ref", "overall_grade", "rationale", *(f"stage:{s}" for s in PP_STAGES)])
    sheet.append(["PP-2", "Inadequate", "No strategy discussion", *["inadequate"] * 4])
    path = tmp_path / "grades.xlsx"
    book.save(path)

    result = import_grades(store, inspection_id, INSPECTOR, path)

    assert result.graded == 1
    view = _view(store, inspection_id, "PP-2")
    assert (view.status, view.overall_grade) == ("graded", "inadequate")
    assert set(view.stage_grades.values()) == {"inadequate"}


def test_unknown_grade_word_is_refused_naming_its_line(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "bad.csv",
        f"case_ref,overall_grade,{STAGE_HEADER}\nPP-1,good,good,,,\nPP-2,good,excellent,,,\n",
    )
    message = _refused(store, inspection_id, path)
    assert message.startswith("1 row of bad.csv cannot be imported; nothing was imported.")
    assert (
        "line 3, column 'stage:initial_contact': 'excellent' is not a grade; use good, "
        "requires improvement, inadequate or not assessed" in message
    )
    assert _view(store, inspection_id, "PP-1").id is None  # line 2 was not applied either


REFUSED_FILES = [
    pytest.param(
        "na.csv",
        "case_ref,overall_grade\nPP-1,not assessed\n",
        ImportRefused,
        ["line 2, column 'overall_grade': 'not assessed' is not a grade"],
        id="not_assessed_is_not_an_overall_grade",
    ),
    pytest.param(
        "stage.csv",
        "case_ref,overall_grade,stage:police_detention\nRSO-1,good,good\n",
        ImportRefused,
        [
            "line 2, column 'stage:police_detention': the stage 'Police detention' does not "
            "apply to case 'RSO-1' (Management of registered sex offenders)"
        ],
        id="grade_for_a_stage_that_does_not_apply_is_refused",
    ),
    pytest.param(
        "col.csv",
        "case_ref,overall_grade,stage:interview\nPP-1,good,good\n",
        WorkbenchError,
        ["'stage:interview'", "stage:initial_contact", "stage:police_detention"],
        id="unknown_stage_column_is_refused_naming_the_allowed_ones",
    ),
    pytest.param(
        "ref.csv",
        "case_ref,overall_grade,referred,referral_summary,referral_urgency\n"
        "PP-1,good,y,,\nPP-2,good,maybe,,\nRSO-1,good,true,At risk,whenever\n",
        ImportRefused,
        [
            "line 2, column 'referral_summary': the case is referred but",
            "line 3, column 'referred': 'maybe' is not yes or no",
            "line 4, column 'referral_urgency': 'whenever' is not an urgency",
        ],
        id="referral_without_summary_or_with_bad_flag_is_refused",
    ),
]


@pytest.mark.parametrize(("name", "content", "kind", "fragments"), REFUSED_FILES)
def test_bad_file_is_refused_saying_why(
    store: Store,
    inspection_id: str,
    tmp_path: Path,
    name: str,
    content: str,
    kind: type,
    fragments: list[str],
) -> None:
    message = _refused(store, inspection_id, write_file(tmp_path, name, content), kind)
    for fragment in fragments:
        assert fragment in message


def test_unknown_and_duplicate_case_refs_are_refused(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "refs.csv",
        "case_ref,overall_grade\nPP-1,good\nXX-9,good\nPP-1,inadequate\n,good\n",
    )
    message = _refused(store, inspection_id, path)
    assert message.startswith("3 rows of refs.csv cannot be imported")
    assert "line 3, column 'case_ref': there is no case 'XX-9' in this inspection" in message
    assert "line 4, column 'case_ref': the case 'PP-1' is also on line 2" in message
    assert "line 5, column 'case_ref': the case reference is empty" in message


def test_referral_is_raised_and_not_repeated_on_a_second_import(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "ref.csv",
        "case_ref,overall_grade,referred,referral_summary,referral_urgency\n"
        "PP-1,inadequate,Yes,Child returned home to a known offender,Immediate\n"
        "PP-2,good,no,,\n",
    )

    result = import_grades(store, inspection_id, INSPECTOR, path)

    assert result.referrals == 1
    referrals = list_referrals(store, inspection_id)
    assert [(r.case_reference, r.urgency, r.status) for r in referrals] == [
        ("PP-1", "immediate", "open")
    ]
    assert referrals[0].risk_summary == "Child returned home to a known offender"

    again = import_grades(store, inspection_id, INSPECTOR, path)

    assert again.referrals == 0
    assert len(list_referrals(store, inspection_id)) == 1
    assert any(
        "line 2, case 'PP-1': an open referral with the same summary already exists" in w
        for w in again.warnings
    )


def test_incomplete_row_stays_in_progress_with_a_warning(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "part.csv",
        "case_ref,overall_grade,stage:investigation,stage:decision_making\nRSO-1,good,good,good\n",
    )

    result = import_grades(store, inspection_id, INSPECTOR, path)

    assert (result.assessments, result.graded, result.in_progress) == (1, 0, 1)
    assert result.warnings == [
        "line 2, case 'RSO-1' stays in progress: grade the stage 'Assessment and help'; "
        "grade the stage 'Managing those who pose a risk to children'; write the rationale "
        "for the overall grade."
    ]
    view = _view(store, inspection_id, "RSO-1")
    assert view.status == "in_progress"
    assert view.stage_grades == {"investigation": "good", "decision_making": "good"}


def test_overall_better_than_worst_stage_is_graded_with_a_warning(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "warn.csv",
        f"case_ref,overall_grade,rationale,{STAGE_HEADER}\n"
        "PP-1,good,Strong overall,good,good,good,inadequate\n",
    )
    result = import_grades(store, inspection_id, INSPECTOR, path)
    assert result.graded == 1
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("line 2, case 'PP-1': The overall grade (Good) is better")


def test_inspector_name_is_required(store: Store, inspection_id: str, tmp_path: Path) -> None:
    path = write_file(tmp_path, "g.csv", "case_ref,overall_grade\nPP-1,good\n")
    with pytest.raises(WorkbenchError, match="Name the inspector"):
        import_grades(store, inspection_id, "  ", path)


def test_empty_rows_and_half_given_referrals_are_warned_about(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "notes.csv",
        "case_ref,overall_grade,referred,referral_summary\nPP-1,,,\nPP-2,good,no,Worried\n",
    )

    result = import_grades(store, inspection_id, INSPECTOR, path)

    assert (result.assessments, result.graded, result.in_progress, result.referrals) == (1, 0, 1, 0)
    assert (
        "line 2, case 'PP-1' has no grades in this file; nothing was recorded." in result.warnings
    )
    assert (
        "line 3, case 'PP-2': referral_summary given but 'referred' is not yes; no referral raised."
        in result.warnings
    )
    assert _view(store, inspection_id, "PP-1").id is None
    assert list_referrals(store, inspection_id) == []
