"""The case list read straight from the store file as the window starts, without SQLAlchemy.

Importing SQLAlchemy and the models and running the first ORM query took over half of the
window's start-up, while reading the rows themselves took 2% of it. So the window first
reads what its case list shows through a plain read-only SQLCipher connection
(``db.cipher``) and plain SQL, lists the cases, and only then opens the store the normal
way (``workbench.store.open_workbench_store``: SQLAlchemy, migrations, checks) to attach
the rest.

The rows are those ``workbench.services.caselist.case_rows`` gives: the same statements (in
a fixed join order), handed to the same ``caselist_rows.build_rows``; the inspections are those of
``list_inspections``. Anything out of the ordinary (no file yet, a plaintext or server
store, a file that cannot be written, an interrupted encryption, a wrong passphrase, a
schema not at this version's head, a store with no user name) raises ``NotQuick``, and the
caller opens the store the normal way, which says what is wrong exactly as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db import cipher
from workbench.quick_store import NotQuick as NotQuick  # re-exported for the window
from workbench.quick_store import open_read
from workbench.quick_store import store_file as store_file

if TYPE_CHECKING:  # imported where the rows are built (on the window's thread)
    from workbench.services.caselist_rows import CaseRow
    from workbench.services.inspection_info import InspectionInfo


_INSPECTIONS = """
SELECT inspection.id, inspection.force, inspection.title, inspection.start_date,
       inspection.end_date, inspection.methodology_id, inspection.methodology_version,
       inspection.marking, inspection.fictional, coalesce(cases.n, 0), coalesce(graded.n, 0),
       inspection.archived_at IS NOT NULL
FROM inspection
LEFT OUTER JOIN (SELECT case_file.inspection_id AS inspection_id, count(*) AS n
                 FROM case_file GROUP BY case_file.inspection_id) AS cases
  ON cases.inspection_id = inspection.id
LEFT OUTER JOIN (SELECT case_file.inspection_id AS inspection_id,
                        count(DISTINCT case_file.id) AS n
                 FROM case_file JOIN assessment ON assessment.case_id = case_file.id
                 WHERE assessment.status = 'graded' GROUP BY case_file.inspection_id) AS graded
  ON graded.inspection_id = inspection.id
ORDER BY inspection.created_at
"""
# The same rows without the counts, and the counts of the inspections other than the one
# listed (whose counts come from its rows: counting graded cases in SQL went through every
# assessment of the store, a fifth of the reading at 10,000 cases).
_INSPECTION_ROWS = """
SELECT inspection.id, inspection.force, inspection.title, inspection.start_date,
       inspection.end_date, inspection.methodology_id, inspection.methodology_version,
       inspection.marking, inspection.fictional, inspection.archived_at IS NOT NULL
FROM inspection ORDER BY inspection.created_at
"""
_OTHER_COUNTS = """
SELECT case_file.inspection_id, count(*),
       sum(EXISTS (SELECT 1 FROM assessment WHERE assessment.case_id = case_file.id
                   AND assessment.status = 'graded'))
FROM case_file WHERE case_file.inspection_id != ? GROUP BY case_file.inspection_id
"""
# The statements workbench.services.caselist runs, as SQLAlchemy compiles them for SQLite,
# but with the join order fixed (CROSS JOIN): SQLite then goes through the assessments,
# referrals and moderations (a few) rather than through every case looking for them, three
# times faster at 100,000 cases. The rows are the same, each case's assessments in the same
# order (by inspector, from ix_assessment_listed).
_CASES = (
    "SELECT case_file.id, case_file.reference, case_file.category, case_file.unit, "
    "case_file.assigned_to FROM case_file WHERE case_file.inspection_id = ? "
    "ORDER BY case_file.reference"
)
_ASSESSMENTS = (
    "SELECT assessment.case_id, assessment.status, assessment.overall_grade FROM assessment "
    "CROSS JOIN case_file ON case_file.id = assessment.case_id "
    "WHERE case_file.inspection_id = ?"
)
_REFERRALS = (
    "SELECT referral.case_id, count(*), sum(CASE WHEN (referral.status = 'open') THEN 1 "
    "ELSE 0 END) FROM referral CROSS JOIN case_file ON case_file.id = referral.case_id "
    "WHERE case_file.inspection_id = ? GROUP BY referral.case_id"
)
_MODERATIONS = (
    "SELECT moderation.case_id, moderation.grade FROM moderation "
    "CROSS JOIN case_file ON case_file.id = moderation.case_id "
    "WHERE case_file.inspection_id = ?"
)


@dataclass(frozen=True)
class Fetched:
    """An inspection's case list as the store's rows, before they are built into ``CaseRow``
    objects (``rows()``): fetched on a thread, built on the window's."""

    methodology: tuple[str, str]  # id and version
    cases: list[tuple[Any, ...]]
    assessments: list[tuple[Any, ...]]
    referrals: list[tuple[Any, ...]]
    moderations: list[tuple[Any, ...]]

    def rows(self) -> list[CaseRow]:
        from workbench.methodology import load_methodology
        from workbench.services.caselist_rows import build_rows, group_assessments, referral_counts

        names = {c.id: c.name for c in load_methodology(*self.methodology).categories}
        assessments, referrals = (
            group_assessments(self.assessments),
            referral_counts(self.referrals),
        )
        return build_rows(self.cases, names, assessments, referrals, dict(self.moderations))


class QuickCaseList:
    """A read-only look at one store file: its user, inspections and an inspection's rows.

    The ``fetch`` methods only read (the SQL runs without Python's lock); ``inspections``
    and ``case_rows`` also build the objects the window shows.
    """

    def __init__(self, connection: Any) -> None:
        self._conn = connection

    def _all(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        return list(self._conn.execute(sql, params).fetchall())

    def user_name(self) -> str | None:
        """The name recorded for the store (``workbench.identity.user_name``)."""
        found = self._all("SELECT user_name FROM store_identity LIMIT 1")
        return found[0][0] if found else None

    def fetch_inspections(self) -> list[tuple[Any, ...]]:
        """Every inspection's row: (id, ..., archived), in ``inspection_infos`` order."""
        return self._all(_INSPECTIONS)

    def fetch_listing(
        self, choose: Callable[[list[tuple[str, bool]]], str | None]
    ) -> tuple[list[tuple[Any, ...]], str, Fetched] | None:
        """Every inspection's row (as ``fetch_inspections``), the one ``choose`` picks from
        their (id, archived) and its cases' rows (``fetch_cases``); None when it picks none.
        The counts of the one picked are those of its rows, not counted again."""
        plain = self._all(_INSPECTION_ROWS)
        chosen = choose([(row[0], bool(row[-1])) for row in plain])
        if chosen is None:
            return None
        fetched = self.fetch_cases(chosen)
        counts = {row[0]: (row[1], row[2]) for row in self._all(_OTHER_COUNTS, chosen)}
        graded = {a[0] for a in fetched.assessments if a[1] == "graded"}
        counts[chosen] = (len(fetched.cases), len(graded))
        rows = [(*row[:-1], *counts.get(row[0], (0, 0)), row[-1]) for row in plain]
        return rows, chosen, fetched

    def inspections(self) -> list[InspectionInfo]:
        """Every inspection with its counts, as ``list_inspections`` gives them."""
        return inspection_infos(self.fetch_inspections())

    def fetch_cases(self, inspection_id: str, inspector: str | None = None) -> Fetched:
        """The rows ``case_rows`` builds its case list from."""
        found = self._all(
            "SELECT methodology_id, methodology_version FROM inspection WHERE id = ?",
            inspection_id,
        )
        if not found:
            raise NotQuick(f"no inspection {inspection_id}")
        if inspector is None:
            assessments = self._all(_ASSESSMENTS, inspection_id)
        else:
            mine = _ASSESSMENTS + " AND assessment.inspector = ?"
            assessments = self._all(mine, inspection_id, inspector)
        moderated = [] if inspector is not None else self._all(_MODERATIONS, inspection_id)
        return Fetched(
            methodology=(found[0][0], found[0][1]),
            cases=self._all(_CASES, inspection_id),
            assessments=assessments,
            referrals=self._all(_REFERRALS, inspection_id),
            moderations=moderated,
        )

    def case_rows(self, inspection_id: str, inspector: str | None = None) -> list[CaseRow]:
        """Every case of the inspection as ``caselist.case_rows`` gives them."""
        return self.fetch_cases(inspection_id, inspector).rows()


def inspection_infos(rows: list[tuple[Any, ...]]) -> list[InspectionInfo]:
    """``fetch_inspections``'s rows as ``InspectionInfo``."""
    from workbench.services.inspection_info import InspectionInfo

    return [
        InspectionInfo(
            id=row[0],
            force=row[1],
            title=row[2],
            start_date=date.fromisoformat(row[3]),
            end_date=date.fromisoformat(row[4]),
            methodology_id=row[5],
            methodology_version=row[6],
            marking=row[7],
            fictional=bool(row[8]),
            cases=row[9],
            graded=row[10],
            archived=bool(row[11]),
        )
        for row in rows
    ]


def usable(path: Path) -> None:
    """``NotQuick`` unless ``path`` is an encrypted store that the normal open would only
    read: it exists, is not plaintext (to be encrypted), can be written (else it opens
    read-only, which that path decides) and no encryption was interrupted beside it."""
    if not path.is_file() or path.stat().st_size == 0 or cipher.is_plaintext(path):
        raise NotQuick("no encrypted store there yet")
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise NotQuick("the store cannot be written")
    for leftover in (".plaintext.bak", ".encrypting"):
        if path.with_name(path.name + leftover).exists():
            raise NotQuick("an encryption was interrupted")


def read(path: Path, passphrase: str, then: Callable[[QuickCaseList], Any]) -> Any:
    """``then(reader)`` over a read-only connection to the store at ``path``, closed after.

    ``NotQuick`` when the passphrase does not open it, it is not a database, or its schema
    is not this version's head (the normal open migrates it, or refuses a newer one).
    """
    usable(path)
    with closing(open_read(path, passphrase)) as connection:
        return then(QuickCaseList(connection))
