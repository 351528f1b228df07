"""Importing one inspector's grades from a spreadsheet (CSV UTF-8 or XLSX).

Teams have graded in spreadsheets before: one row per case with ``case_ref`` and
``overall_grade``, and optionally ``rationale``, ``stage:<stage id>`` grade columns,
``note:<stage id>`` evidence notes, ``prompt:<id>`` answers to prompts and case facts (see
``grades_import_evidence``) and a referral (``referred``, ``referral_summary``,
``referral_urgency``). Every row is checked
first and every problem reported with its line; one bad row refuses the whole file. A good
file is applied in one transaction through ``grading.apply_edit`` (so each change has its own
audit event); a case whose grading is complete is marked graded, any other stays in progress
with a warning. An empty cell leaves what is already recorded unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import Assessment, Case, Referral
from workbench import audit, fields
from workbench.changes import Topic, publish
from workbench.errors import RowError, WorkbenchError
from workbench.identity import require_user_name
from workbench.imports_log import log_import
from workbench.methodology import Methodology
from workbench.progress import Progress, no_progress
from workbench.services import grading
from workbench.services.case_import import refusal
from workbench.services.grades_import_evidence import evidence_columns, evidence_edits
from workbench.services.inspections import get_inspection, methodology_of
from workbench.services.referrals import OPEN, raise_referral_in
from workbench.tabular import LINE, fingerprint, read_table, records, require_columns

REQUIRED = ("case_ref", "overall_grade")
REFERRAL_COLUMNS = ("referred", "referral_summary", "referral_urgency")
DEFAULT_URGENCY = "urgent"
YES, NO = {"yes", "y", "true"}, {"no", "n", "false", ""}


@dataclass
class GradesImportResult:
    assessments: int  # rows applied, one assessment each
    graded: int  # of those, graded after the import
    in_progress: int  # of those, still missing something (see warnings)
    referrals: int  # referrals raised
    warnings: list[str] = field(default_factory=list)
    log_id: str = ""


@dataclass
class _Row:
    """One checked row: what to apply to which case."""

    line: int
    case: Case
    edits: list[tuple[str, str]]  # (field, value) for grading.apply_edit
    referral: tuple[str, str] | None  # (risk summary, urgency id)
    note: str = ""  # a warning about the row itself


def _stage_columns(method: Methodology) -> list[str]:
    return [f"stage:{stage_id}" for stage_id in method.stage_ids]


def _word_list(words: list[str]) -> str:
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else words[0]


class _Checker:
    """Checks every row against the methodology and the inspection's cases."""

    def __init__(self, method: Methodology, cases: dict[str, Case], columns: list[str]) -> None:
        self.method, self.cases, self.columns = method, cases, columns
        self.stage_columns = [c for c in columns if c.startswith("stage:")]
        self.evidence_columns = [c for c in columns if c.startswith(("prompt:", "fact:", "note:"))]
        self.errors: list[RowError] = []
        self.rows: list[_Row] = []
        self.first_line: dict[str, int] = {}
        self.grade_words = _word_list([g.name.lower() for g in method.grades])
        self.stage_words = _word_list([g.name.lower() for g in method.grades] + ["not assessed"])
        self.stage_grades = (*method.grade_ids, method.not_assessed.id)

    def check(self, line: int, cells: dict[str, str]) -> None:
        before = len(self.errors)
        case = self._case(line, cells["case_ref"])
        edits: list[tuple[str, str]] = []
        overall = self._grade(line, "overall_grade", cells["overall_grade"], stage=False)
        if overall:
            edits.append(("overall_grade", overall))
        rationale = cells.get("rationale", "")
        if len(rationale) > grading.MAX_TEXT:
            reason = f"the rationale is longer than {grading.MAX_TEXT:,} characters"
            self._error(line, "rationale", reason)
        elif rationale:
            edits.append(("rationale", rationale))
        edits += self._stage_edits(line, case, cells)
        edits += evidence_edits(
            self.method,
            self.evidence_columns,
            case,
            cells,
            lambda column, reason: self._error(line, column, reason),
        )
        referral, note = self._referral(line, cells)
        if case is not None and len(self.errors) == before:
            self.rows.append(_Row(line, case, edits, referral, note))

    def _case(self, line: int, reference: str) -> Case | None:
        if not reference:
            self._error(line, "case_ref", "the case reference is empty")
            return None
        if reference in self.first_line:
            other = self.first_line[reference]
            self._error(line, "case_ref", f"the case '{reference}' is also on line {other}")
            return None
        self.first_line[reference] = line
        case = self.cases.get(reference)
        if case is None:
            self._error(line, "case_ref", f"there is no case '{reference}' in this inspection")
        return case

    def _grade(self, line: int, column: str, text: str, *, stage: bool) -> str | None:
        if not text:
            return None
        grade = self.method.parse_grade(text)
        if grade not in (self.stage_grades if stage else self.method.grade_ids):
            words = self.stage_words if stage else self.grade_words
            self._error(line, column, f"'{text}' is not a grade; use {words}")
            return None
        return grade

    def _stage_edits(self, line: int, case: Case | None, cells: dict[str, str]) -> list:
        edits = []
        applies = {s.id for s in self.method.stages_for(case.category)} if case else set()
        for column in self.stage_columns:
            grade = self._grade(line, column, cells[column], stage=True)
            if grade is None or case is None:
                continue
            stage_id = column.split(":", 1)[1]
            if stage_id in applies:
                edits.append((fields.stage_grade(stage_id), grade))
            elif grade != self.method.not_assessed.id:
                category = self.method.category(case.category).name
                stage = self.method.stage(stage_id).name
                reason = (
                    f"the stage '{stage}' does not apply to case '{case.reference}' "
                    f"({category}); leave the cell empty or write 'not assessed'"
                )
                self._error(line, column, reason)
        return edits

    def _referral(self, line: int, cells: dict[str, str]) -> tuple[tuple | None, str]:
        """The referral to raise as (summary, urgency), and a note if one is half-given."""
        flag = cells.get("referred", "").lower()
        summary, urgency_text = cells.get("referral_summary", ""), cells.get("referral_urgency", "")
        if flag in NO:
            given = [c for c in REFERRAL_COLUMNS[1:] if cells.get(c)]
            note = f"{' and '.join(given)} given but 'referred' is not yes; no referral raised"
            return None, note if given else ""
        if flag not in YES:
            reason = f"'{cells['referred']}' is not yes or no; write yes, no, y, n, true or false"
            self._error(line, "referred", reason)
            return None, ""
        if not summary:
            reason = (
                "the case is referred but the referral_summary (the risk to the child) is empty"
            )
            self._error(line, "referral_summary", reason)
        urgency = self._urgency(urgency_text or DEFAULT_URGENCY)
        if urgency is None:
            allowed = _word_list([u.id for u in self.method.urgencies])
            self._error(
                line, "referral_urgency", f"'{urgency_text}' is not an urgency; use {allowed}"
            )
        return ((summary, urgency) if summary and urgency else None), ""

    def _urgency(self, text: str) -> str | None:
        wanted = " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()
        for urgency in self.method.urgencies:
            if wanted in (urgency.id.replace("_", " ").casefold(), urgency.name.casefold()):
                return urgency.id
        return None

    def _error(self, line: int, column: str, reason: str) -> None:
        self.errors.append(RowError(line, reason, column))


def import_grades(
    store: Store,
    inspection_id: str,
    inspector: str,
    path: str | Path,
    progress: Progress = no_progress,
) -> GradesImportResult:
    """Apply one inspector's grades from a spreadsheet to an inspection, all or nothing."""
    path, inspector = Path(path), inspector.strip()
    if not inspector:
        raise WorkbenchError("Name the inspector whose grades these are (--inspector).")
    if len(inspector) > 200:
        raise WorkbenchError("The inspector's name is longer than 200 characters; shorten it.")
    progress(0, 1, f"Reading {path.name}")
    table = read_table(path)
    digest = fingerprint(path)
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        method = methodology_of(inspection)
        _refuse_unknown_stages(table, method, path.name)
        evidence = evidence_columns(table, method, path.name)
        optional = ["rationale", *_stage_columns(method), *evidence, *REFERRAL_COLUMNS]
        require_columns(table, REQUIRED, optional, path.name)
        checker = _check(session, method, inspection.id, table)
        if checker.errors:
            raise refusal(checker.errors, path.name)
        result = GradesImportResult(0, 0, 0, 0)
        changed = 0
        for done, row in enumerate(checker.rows):
            progress(done, len(checker.rows), f"Applying grades for case {row.case.reference}")
            changed += _apply_row(session, method, row, inspector, actor, result)
        audit.record(
            session,
            actor,
            "import",
            "inspection",
            inspection.id,
            "grades",
            None,
            {
                "file": path.name,
                "inspector": inspector,
                "count": len(checker.rows),
                "sha256": digest,
            },
        )
        result.log_id = _log(
            session, path, inspection.id, actor, inspector, digest, result, changed
        )
    topics = (Topic.ASSESSMENTS, Topic.REFERRALS, Topic.IMPORTS)
    publish(store, *topics, inspection_id=inspection.id)
    progress(1, 1, f"Imported grades for {result.assessments:,} cases")
    return result


def _refuse_unknown_stages(table: pd.DataFrame, method: Methodology, source: str) -> None:
    known = set(_stage_columns(method))
    unknown = [c for c in table.columns if c.startswith("stage:") and c not in known]
    if unknown:
        raise WorkbenchError(
            f"'{source}' has a grade column for a stage this methodology does not have: "
            f"{', '.join(repr(c) for c in unknown)}. The stage columns allowed are "
            f"{', '.join(_stage_columns(method))}."
        )


def _check(
    session: Session, method: Methodology, inspection_id: str, table: pd.DataFrame
) -> _Checker:
    cases = {
        case.reference: case
        for case in session.scalars(select(Case).where(Case.inspection_id == inspection_id))
    }
    checker = _Checker(method, cases, [c for c in table.columns if c != LINE])
    for line, cells in records(table):
        checker.check(line, cells)
    return checker


def _apply_row(
    session: Session,
    method: Methodology,
    row: _Row,
    inspector: str,
    actor: str,
    result: GradesImportResult,
) -> bool:
    """Apply one row's edits, mark the case graded if complete, raise its referral."""
    case, where = row.case, f"line {row.line}, case '{row.case.reference}'"
    changed = False
    for name, value in row.edits:
        changed |= grading.apply_edit(session, case, inspector, actor, name, value, method)
    assessment = grading.find_assessment(session, case.id, inspector)
    if assessment is None:
        result.warnings.append(f"{where} has no grades in this file; nothing was recorded.")
    else:
        changed |= _settle_status(session, method, row, assessment, actor, result)
    if row.note:
        result.warnings.append(f"{where}: {row.note}.")
    if row.referral is not None:
        summary, urgency = row.referral
        if _has_open_referral(session, case, summary, {inspector, actor}):
            result.warnings.append(
                f"{where}: an open referral with the same summary already exists; not raised again."
            )
        else:
            raise_referral_in(session, case, actor, risk_summary=summary, urgency=urgency)
            result.referrals += 1
            changed = True
    return changed


def _settle_status(
    session: Session,
    method: Methodology,
    row: _Row,
    assessment: Assessment,
    actor: str,
    result: GradesImportResult,
) -> bool:
    """Mark the assessment graded when complete; otherwise warn what is missing."""
    where = f"line {row.line}, case '{row.case.reference}'"
    check = grading.check(method, row.case, assessment)
    result.assessments += 1
    if not check.complete:
        result.in_progress += 1
        missing = "; ".join(_lower_first(p.message.rstrip(".")) for p in check.problems)
        result.warnings.append(f"{where} stays in progress: {missing}.")
        return False
    result.graded += 1
    result.warnings += [f"{where}: {problem.message}" for problem in check.warnings]
    return grading.set_graded_in(session, assessment, actor)


def _has_open_referral(session: Session, case: Case, summary: str, raisers: set[str]) -> bool:
    summaries = session.scalars(
        select(Referral.risk_summary).where(
            Referral.case_id == case.id,
            Referral.status == OPEN,
            Referral.raised_by.in_(raisers),
        )
    )
    wanted = " ".join(summary.split()).casefold()
    return any(" ".join(s.split()).casefold() == wanted for s in summaries)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _log(
    session: Session,
    path: Path,
    inspection_id: str,
    actor: str,
    inspector: str,
    digest: str,
    result: GradesImportResult,
    changed: int,
) -> str:
    counts = ("assessments", "graded", "in_progress", "referrals")
    details = {"path": str(path.resolve()), **{k: getattr(result, k) for k in counts}}
    return log_import(
        session, "grades", path.name, inspection_id=inspection_id, actor=actor,
        added=result.referrals, changed=changed,
        details={**details, "warnings": len(result.warnings)},
        inspector=inspector, fingerprint=digest,
    )  # fmt: skip
