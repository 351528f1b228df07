"""Grades import with ``prompt:<id>`` and ``note:<stage id>`` columns: answers matched as grades
are, each bad cell named, and the summary, PDF and XLSX counting what the file said."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from reports_helpers import flat, read, texts
from store_helpers import refused, write_file

from db.engine import Store
from workbench.errors import ImportRefused, WorkbenchError
from workbench.methodology import load_methodology
from workbench.reports import write_findings_pdf, write_xlsx
from workbench.services import grading
from workbench.services.case_import import import_cases
from workbench.services.grades_import import import_grades
from workbench.services.inspections import create_inspection, get_case
from workbench.services.summary import summarise

INSPECTOR = "Jo Smith"
METHOD = load_methodology()
CASES = (
    "reference,category\nK-1,children_in_custody\nK-2,children_in_custody\n"
    "K-3,children_in_custody\nS-1,section_47\n"
)
STAGES = {  # the stages that apply, by case
    "K": [s.id for s in METHOD.stages_for("children_in_custody")],
    "S": [s.id for s in METHOD.stages_for("section_47")],
}
EVERY_STAGE = sorted({*STAGES["K"], *STAGES["S"]}, key=METHOD.stage_ids.index)


@pytest.fixture
def inspection_id(store: Store, tmp_path: Path) -> str:
    created = create_inspection(
        store, force="Testshire Police", title="Test", start=date(2026, 1, 5), end=date(2026, 1, 30)
    )
    import_cases(store, created.id, write_file(tmp_path, "cases.csv", CASES))
    return created.id


def _file(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    """A grades CSV: every applicable stage graded as the overall grade, plus ``rows``."""
    full = []
    for row in rows:
        stages = STAGES[row["case_ref"][0]]
        grades = {f"stage:{s}": row["overall_grade"] if s in stages else "" for s in EVERY_STAGE}
        full.append({"rationale": "Graded from the file.", **grades, **row})
    path = tmp_path / "grades.csv"
    pd.DataFrame(full).fillna("").to_csv(path, index=False)
    return path


def _view(store: Store, inspection_id: str, reference: str) -> grading.AssessmentView:
    with store.sessions() as session:
        case_id = get_case(session, inspection_id, reference).id
    return grading.view(store, case_id, INSPECTOR)


GOOD_ROWS = [
    {
        "case_ref": "K-1", "overall_grade": "Inadequate", "Prompt: ic.child_seen": " NO ",
        "prompt:pd.fact_kept_after_charge": "Yes", "prompt:pd.appropriate_adult": "partly",
        "note:police_detention": "Kept overnight after charge; no transfer requested.",
    },
    {
        "case_ref": "K-2", "overall_grade": "Requires improvement",
        "Prompt: ic.child_seen": "Partly", "prompt:pd.fact_kept_after_charge": "YES",
        "prompt:pd.appropriate_adult": "Yes",
    },
    {
        "case_ref": "K-3", "overall_grade": "good", "Prompt: ic.child_seen": "yes",
        "prompt:pd.fact_kept_after_charge": "not  charged", "prompt:pd.appropriate_adult": "",
    },
    {
        "case_ref": "S-1", "overall_grade": "Good", "Prompt: ic.child_seen": "Yes",
        # Not a custody case: "not applicable" is accepted and left unrecorded.
        "prompt:pd.fact_kept_after_charge": "", "prompt:pd.appropriate_adult": "Not-Applicable",
    },
]  # fmt: skip


def test_answers_and_notes_land_matched_as_grades_are(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    result = import_grades(store, inspection_id, INSPECTOR, _file(tmp_path, GOOD_ROWS))
    assert (result.assessments, result.graded) == (4, 4)
    first = _view(store, inspection_id, "K-1")
    assert first.answers == {
        "ic.child_seen": "no", "pd.fact_kept_after_charge": "yes", "pd.appropriate_adult": "partly",
    }  # fmt: skip
    assert first.stage_notes["police_detention"] == (
        "Kept overnight after charge; no transfer requested."
    )
    assert _view(store, inspection_id, "K-3").answers["pd.fact_kept_after_charge"] == "not_charged"
    assert _view(store, inspection_id, "S-1").answers == {"ic.child_seen": "yes"}


def test_the_summary_pdf_and_xlsx_count_what_the_file_said(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    import_grades(store, inspection_id, INSPECTOR, _file(tmp_path, GOOD_ROWS))
    summary = summarise(store, inspection_id)
    kept = summary["by_prompt"]["pd.fact_kept_after_charge"]["all"]
    assert kept["answers"] == {"yes": 2, "no": 0, "not_known": 0, "not_charged": 1}
    assert kept["sentence"] == (
        "Of 2 children in custody cases, 2 resulted in the child being kept in custody after "
        "charge."
    )
    seen = summary["by_prompt"]["ic.child_seen"]
    assert seen["all"]["answers"] == {"yes": 2, "partly": 1, "no": 1, "not_applicable": 0}
    assert seen["by_category"]["section_47"]["answers"]["yes"] == 1
    adult = summary["by_prompt"]["pd.appropriate_adult"]["all"]
    assert (adult["cases"], adult["unanswered"], adult["shortfall"]) == (3, 1, 1)
    assert summary["by_prompt_grade"]["ic.child_seen"]["no"]["inadequate"] == 1
    pdf = " ".join(flat(t) for t in texts(read(write_findings_pdf(
        store, inspection_id, tmp_path / "f.pdf").path)))  # fmt: skip
    assert kept["sentence"] in pdf
    sheets = pd.read_excel(write_xlsx(store, inspection_id, tmp_path / "d.xlsx").path,
                           sheet_name=None)  # fmt: skip
    answers = sheets["Prompt answers"]
    kept_rows = answers[answers["Id"] == "pd.fact_kept_after_charge"]
    assert sorted(kept_rows["Answer"].dropna()) == ["Not charged", "Yes", "Yes"]


def test_each_bad_cell_is_named_and_nothing_is_imported(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    rows = [
        {**GOOD_ROWS[0], "Prompt: ic.child_seen": "sometimes"},
        {**GOOD_ROWS[1], "prompt:pd.fact_kept_after_charge": "partly"},
        {**GOOD_ROWS[3], "prompt:pd.appropriate_adult": "Yes", "note:police_detention": "Held."},
    ]
    message = refused(
        store,
        lambda: import_grades(store, inspection_id, INSPECTOR, _file(tmp_path, rows)),
        ImportRefused,
    )
    assert message.splitlines() == [
        "3 rows of grades.csv cannot be imported; nothing was imported.",
        "  line 2, column 'prompt:ic.child_seen': 'sometimes' is not an answer to "
        "'ic.child_seen'; use yes, partly, no or not applicable",
        "  line 3, column 'prompt:pd.fact_kept_after_charge': 'partly' is not an answer to "
        "'pd.fact_kept_after_charge'; use yes, no, not known (not recorded) or not charged",
        "  line 4, column 'prompt:pd.appropriate_adult': the prompt 'pd.appropriate_adult' "
        "does not apply to case 'S-1' (Section 47 child protection investigation); leave the "
        "cell empty",
        "  line 4, column 'note:police_detention': the stage 'Police detention' does not apply "
        "to case 'S-1' (Section 47 child protection investigation)",
    ]


def test_a_column_for_an_unknown_prompt_is_refused(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    rows = [{**GOOD_ROWS[0], "prompt:ic.no_such_prompt": "yes", "note:nowhere": "x"}]
    message = refused(
        store,
        lambda: import_grades(store, inspection_id, INSPECTOR, _file(tmp_path, rows)),
        WorkbenchError,
    )
    assert "'prompt:ic.no_such_prompt', 'note:nowhere'" in message
    assert "workbench methodology show --json" in message
