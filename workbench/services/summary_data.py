"""What the findings summary is computed from: a few SQL queries and one record per case.

Plain rows and plain Python rather than DataFrames: ``workbench summary`` runs in a fresh
process, where importing pandas would cost more than the whole computation at 10,000 cases.
The rows are fetched through the DB-API cursor (building SQLAlchemy Row objects for 100,000
stage judgements costs more than the rest of the summary put together). ``case_frame`` in
``workbench.services.summary`` turns the records into a DataFrame for the reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from workbench.errors import NotFoundError, WorkbenchError
from workbench.methodology import Methodology, load_methodology
from workbench.services.inspection_words import no_inspection, several_inspections
from workbench.services.status import GRADED, STATUS_ORDER

if TYPE_CHECKING:
    from db.engine import Store
    from db.models import Inspection

# fetch(sql, params) -> the rows as tuples
Fetch = Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]

_STATUS_BY_RANK = {rank: status for status, rank in STATUS_ORDER.items()}
CASE_COLUMNS = [
    "case_id",
    "reference",
    "category",
    "unit",
    "assigned_to",
    "force_grade",
    "status",
    "inspectors",
    "effective_grade",
    "unresolved",
    "referred",
    "moderated",
    "graded",
]


class _InspectionRow(NamedTuple):
    """An inspection's row as the summary reads it with plain SQL."""

    id: str
    force: str
    title: str
    start_date: date | str  # SQLite keeps dates as ISO 8601 text
    end_date: date | str
    marking: str
    methodology_id: str
    methodology_version: str
    fictional: bool | int


def _iso(value: date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def inspection_facts(row: Inspection | _InspectionRow) -> dict[str, Any]:
    """The summary's ``inspection`` entry."""
    return {
        "id": row.id,
        "force": row.force,
        "title": row.title,
        "start_date": _iso(row.start_date),
        "end_date": _iso(row.end_date),
        "marking": row.marking,
        "methodology_id": row.methodology_id,
        "methodology_version": row.methodology_version,
        "fictional": bool(row.fictional),
    }


@dataclass(slots=True)
class CaseRecord:
    """One case of the summary: its status, effective grade and flags."""

    case_id: str
    reference: str
    category: str
    unit: str
    assigned_to: str | None
    force_grade: str | None
    status: str = "not_started"
    inspectors: list[str] = field(default_factory=list)
    effective_grade: str | None = None
    unresolved: bool = False
    referred: bool = False
    moderated: bool = False
    graded: bool = False
    votes: int = 0  # graded assessments with an overall grade
    kinds: int = 0  # distinct overall grades among them

    @property
    def outcome(self) -> str | None:
        """What a graded case counts as: its effective grade or ``unresolved``."""
        if not self.graded:
            return None
        return "unresolved" if self.unresolved else self.effective_grade

    def row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in CASE_COLUMNS)


@dataclass
class SummaryData:
    """The inspection's rows, as read for the summary."""

    inspection: dict[str, Any]
    method: Methodology
    cases: list[tuple[str, str, str, str, str | None, str | None]]  # by reference
    # (case_id, inspector, status, overall_grade, answers JSON text), first graded first
    assessments: list[tuple[str, str, str, str | None, Any]]
    stages: list[tuple[str, str, str | None]]  # case_id, stage_id, grade (graded only)
    moderations: dict[str, str]  # case_id -> grade
    referrals: list[tuple[str, str, str]]  # case_id, status, urgency
    stage_moderations: list[tuple[str, str, str]]  # case_id, stage_id, grade

    def graded_assessments(self) -> list[tuple[str, str, str, str | None, Any]]:
        """Graded assessments with an overall grade, in order."""
        return [a for a in self.assessments if a[2] == GRADED and a[3] is not None]


# The summary's queries, in SQL that SQLite and PostgreSQL both read. ``:inspection`` is the
# inspection's id.
_CASES = (
    "SELECT id, reference, category, unit, assigned_to, force_grade FROM case_file "
    "WHERE inspection_id = :inspection ORDER BY reference"
)
_ASSESSMENTS = (
    "SELECT a.id, a.case_id, a.inspector, a.status, a.overall_grade, a.answers "
    "FROM assessment a JOIN case_file c ON c.id = a.case_id WHERE c.inspection_id = :inspection "
    "ORDER BY a.case_id, a.graded_at, a.created_at, a.inspector"
)
_STAGES_ALL = "SELECT assessment_id, stage_id, grade FROM stage_judgement"
# Several inspections: only this one's (one pass over the whole table is several times
# quicker than the join where the store holds one inspection).
_STAGES_OF_ONE = (
    "SELECT s.assessment_id, s.stage_id, s.grade FROM stage_judgement s "
    "JOIN assessment a ON a.id = s.assessment_id JOIN case_file c ON c.id = a.case_id "
    "WHERE c.inspection_id = :inspection"
)
_OF_CASES = "JOIN case_file c ON c.id = t.case_id WHERE c.inspection_id = :inspection"
_MODERATIONS = f"SELECT t.case_id, t.grade FROM moderation t {_OF_CASES}"
_REFERRALS = f"SELECT t.case_id, t.status, t.urgency FROM referral t {_OF_CASES}"
_STAGE_MODERATIONS = f"SELECT t.case_id, t.stage_id, t.grade FROM stage_moderation t {_OF_CASES}"
_INSPECTION = (
    "SELECT id, force, title, start_date, end_date, marking, methodology_id, "
    "methodology_version, fictional FROM inspection WHERE id = :inspection"
)


def load(store: Store, inspection_id: str) -> SummaryData:
    """The summary's rows of an inspection (by its full id) from an open store."""
    from sqlalchemy import text

    from workbench.services.plain_rows import rows

    with store.engine.connect() as conn:

        def fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
            return rows(conn, text(sql).bindparams(**params))  # type: ignore[arg-type]

        return read(fetch, inspection_id)


def read(fetch: Fetch, inspection_id: str) -> SummaryData:
    """The summary's rows of an inspection (by its full id), through ``fetch(sql, params)``:
    a SQLAlchemy connection's (``load``), or a plain DB-API connection's for a quick reader of
    a store file (``workbench.quick_store``)."""
    given = {"inspection": find_inspection(fetch, inspection_id)}
    found = fetch(_INSPECTION, given)
    inspection = inspection_facts(_InspectionRow(*found[0]))
    cases = fetch(_CASES, given)
    assessments = fetch(_ASSESSMENTS, given)
    graded_case = {a[0]: a[1] for a in assessments if a[3] == GRADED}
    several = fetch("SELECT count(*) FROM inspection", {})[0][0] > 1
    stage_rows = fetch(_STAGES_OF_ONE, given) if several else fetch(_STAGES_ALL, {})
    stages = [
        (graded_case[assessment_id], stage_id, grade)
        for assessment_id, stage_id, grade in stage_rows
        if assessment_id in graded_case
    ]
    method = load_methodology(inspection["methodology_id"], inspection["methodology_version"])
    return SummaryData(
        inspection,
        method,
        [(c[0], c[1], c[2], c[3] if c[3] is not None else "", c[4], c[5]) for c in cases],
        [a[1:] for a in assessments],
        stages,
        dict(fetch(_MODERATIONS, given)),
        fetch(_REFERRALS, given),
        fetch(_STAGE_MODERATIONS, given),
    )


def find_inspection(fetch: Fetch, key: str) -> str:
    """The full id of the inspection ``key`` (its id or an unambiguous prefix of at least 4
    characters), as ``workbench.services.inspections.get_inspection`` finds it."""
    key = key.strip()
    if fetch("SELECT id FROM inspection WHERE id = :key", {"key": key}):
        return key
    if len(key) >= 4:
        # LIKE, as SQLAlchemy's startswith() that get_inspection uses
        found = fetch("SELECT id FROM inspection WHERE id LIKE :key || '%'", {"key": key})
        if len(found) == 1:
            return str(found[0][0])
        if len(found) > 1:
            raise WorkbenchError(several_inspections(key, len(found)))
    raise NotFoundError(no_inspection(key))


def grade_id(method: Methodology, value: object) -> str | None:
    """The force's own grade as a grade id (it may have been stored as a word)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value if value in method.grade_ids else method.parse_grade(value)


def per_case(data: SummaryData) -> list[CaseRecord]:
    """One record per case (by reference) with its status, effective grade and flags."""
    method = data.method
    records = {
        case_id: CaseRecord(case_id, ref, category, unit, assigned, grade_id(method, force))
        for case_id, ref, category, unit, assigned, force in data.cases
    }
    ranks: dict[str, int] = {}
    votes: dict[str, list[str]] = {}
    for case_id, inspector, status, overall, _answers in data.assessments:
        record = records.get(case_id)
        if record is None:
            continue
        record.inspectors.append(inspector)
        ranks[case_id] = max(ranks.get(case_id, 0), STATUS_ORDER.get(status, 0))
        if status == GRADED and overall is not None:
            votes.setdefault(case_id, []).append(overall)
    referred = {case_id for case_id, _status, _urgency in data.referrals}
    for case_id, record in records.items():
        record.status = _STATUS_BY_RANK[ranks.get(case_id, 0)]
        grades = votes.get(case_id, [])
        record.votes, record.kinds = len(grades), len(set(grades))
        moderated = data.moderations.get(case_id)
        record.moderated = moderated is not None
        record.effective_grade = (
            moderated if moderated is not None else (grades[0] if record.kinds == 1 else None)
        )
        record.unresolved = record.kinds > 1 and not record.moderated
        record.referred = case_id in referred
        record.graded = record.votes > 0 or record.moderated
    return list(records.values())
