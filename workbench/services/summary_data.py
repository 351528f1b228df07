"""What the findings summary is computed from: a few SQL queries and one record per case.

Plain rows and plain Python rather than DataFrames: ``workbench summary`` runs in a fresh
process, where importing pandas would cost more than the whole computation at 10,000 cases.
The queries are plain SQL, read through a DB-API cursor (building SQLAlchemy Row objects for
100,000 stage judgements costs more than the rest of the summary put together): ``load``
runs them on an open store's connection, and ``workbench summary`` on a read-only SQLCipher
connection to the store file (``workbench.quick_store``), so that it imports neither
SQLAlchemy nor the models. ``case_frame`` in ``workbench.services.summary`` turns the
records into a DataFrame for the reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
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
    # What a graded case counts as: its effective grade or ``unresolved`` (None: not graded).
    outcome: str | None = None

    def row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in CASE_COLUMNS)


@dataclass
class SummaryData:
    """The inspection's rows, as read for the summary."""

    inspection: dict[str, Any]
    method: Methodology
    cases: list[tuple[str, str, str, str, str | None, str | None]]  # by reference
    # (case_id, inspector, status, overall_grade, answers JSON text, id, graded_at,
    # created_at), first graded first
    assessments: list[tuple[str, str, str, str | None, Any, str, Any, Any]]
    stages: list[tuple[str, str, str | None]]  # assessment_id, stage_id, grade
    graded_case: dict[str, str]  # a graded assessment's id -> its case's id
    moderations: dict[str, str]  # case_id -> grade
    referrals: list[tuple[str, str, str]]  # case_id, status, urgency
    stage_moderations: list[tuple[str, str, str]]  # case_id, stage_id, grade
    _graded: list[tuple[str, str, str, str | None, Any, str, Any, Any]] | None = field(
        default=None, repr=False
    )

    def graded_assessments(self) -> list[tuple[str, str, str, str | None, Any, str, Any, Any]]:
        """Graded assessments with an overall grade, in order."""
        if self._graded is None:
            self._graded = [a for a in self.assessments if a[2] == GRADED and a[3] is not None]
        return self._graded

    def case_stages(self) -> list[tuple[str | None, str, str | None]]:
        """(case_id, None where the assessment is not graded; stage_id; grade) of each stage
        judgement."""
        case = self.graded_case.get
        return [(case(a), stage_id, grade) for a, stage_id, grade in self.stages]


# The summary's queries, in SQL that SQLite and PostgreSQL both read. ``:inspection`` is the
# inspection's id. Where the store holds only this inspection every row is its own, and the
# tables are read in one pass each, several times quicker than through the join with its
# cases (which reads the assessments' pages, answers and all, out of order).
_CASES = (
    "SELECT id, reference, category, coalesce(unit, ''), assigned_to, force_grade "
    "FROM case_file "
    "WHERE inspection_id = :inspection ORDER BY reference"
)
_OF_CASES = " t JOIN case_file c ON c.id = t.case_id WHERE c.inspection_id = :inspection"
_ASSESSMENTS = (
    "SELECT t.case_id, t.inspector, t.status, t.overall_grade, t.answers, t.id, t.graded_at, "
    "t.created_at FROM assessment"
)
_STAGES = "SELECT t.assessment_id, t.stage_id, t.grade FROM stage_judgement t"
_STAGES_OF_ONE = (
    f"{_STAGES} JOIN assessment a ON a.id = t.assessment_id JOIN case_file c "
    "ON c.id = a.case_id WHERE c.inspection_id = :inspection"
)
_MODERATIONS = "SELECT t.case_id, t.grade FROM moderation"
_REFERRALS = "SELECT t.case_id, t.status, t.urgency FROM referral"
_STAGE_MODERATIONS = "SELECT t.case_id, t.stage_id, t.grade FROM stage_moderation"
_INSPECTION = (
    "SELECT id, force, title, start_date, end_date, marking, methodology_id, "
    "methodology_version, fictional FROM inspection WHERE id = :inspection"
)


def _first_graded_first(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """An assessment's place: by case, then graded, created (no time first, as SQLite orders
    NULL) and inspector."""
    case_id, inspector, _status, _grade, _answers, _id, graded_at, created_at = row
    return (case_id, graded_at is not None, graded_at or "", created_at is not None,
            created_at or "", inspector)  # fmt: skip


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
    several = fetch("SELECT count(*) FROM inspection", {})[0][0] > 1

    cases = fetch(_CASES, given)
    ids = {c[0] for c in cases}

    def table(sql: str) -> list[tuple[Any, ...]]:
        if several:
            return fetch(sql + _OF_CASES, given)
        return fetch(sql + " t", {})

    assessments = [a for a in table(_ASSESSMENTS) if a[0] in ids]
    case_ids = list(map(itemgetter(0), assessments))
    if len(set(case_ids)) < len(case_ids):  # some case graded twice: which was first matters
        assessments.sort(key=_first_graded_first)
    graded_case = {a[5]: a[0] for a in assessments if a[2] == GRADED}
    stages = fetch(_STAGES_OF_ONE, given) if several else fetch(_STAGES, {})
    method = load_methodology(inspection["methodology_id"], inspection["methodology_version"])
    return SummaryData(
        inspection,
        method,
        cases,
        assessments,
        stages,
        graded_case,
        dict(m for m in table(_MODERATIONS) if m[0] in ids),
        [r for r in table(_REFERRALS) if r[0] in ids],
        [m for m in table(_STAGE_MODERATIONS) if m[0] in ids],
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
    forces = {force: grade_id(method, force) for force in {c[5] for c in data.cases}}
    records = {
        case_id: CaseRecord(case_id, ref, category, unit, assigned, forces[force])
        for case_id, ref, category, unit, assigned, force in data.cases
    }
    get, order = records.get, STATUS_ORDER.get
    ranks: dict[str, int] = {}
    votes: dict[str, list[str]] = {}
    for case_id, inspector, status, overall, _answers, _id, _graded, _created in data.assessments:
        record = get(case_id)
        if record is None:
            continue
        record.inspectors.append(inspector)
        rank = order(status, 0)
        if rank > ranks.get(case_id, 0):
            ranks[case_id] = rank
        if status == GRADED and overall is not None:
            votes.setdefault(case_id, []).append(overall)
    referred = {case_id for case_id, _status, _urgency in data.referrals}
    moderations = data.moderations
    for case_id, record in records.items():
        record.status = _STATUS_BY_RANK[ranks.get(case_id, 0)]
        grades = votes.get(case_id)
        moderated = moderations.get(case_id)
        if grades:
            kinds = 1 if len(grades) == 1 else len(set(grades))
            record.votes, record.kinds = len(grades), kinds
            record.graded = True
        else:
            kinds = 0
            record.graded = moderated is not None
        if moderated is not None:
            record.moderated = True
            record.effective_grade = moderated
        elif kinds == 1:
            record.effective_grade = grades[0]  # type: ignore[index]
        record.unresolved = kinds > 1 and moderated is None
        record.referred = case_id in referred
        if record.graded:
            record.outcome = "unresolved" if record.unresolved else record.effective_grade
    return list(records.values())
