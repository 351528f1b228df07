"""Many at once on one server: 8 processes grading the same assessments and 2 importing
findings packs, for a bounded number of operations. No accepted edit is lost (each is in the
final state and the trail), nothing ends in a traceback, and every refusal says why."""

from __future__ import annotations

import multiprocessing
import traceback
from pathlib import Path

import backends
from packs_helpers import ANN, BOB, PASSPHRASE, REFERENCES, grade, make_inspector, make_lead
from sqlalchemy import select
from sqlalchemy.engine import make_url

from db.models import Assessment, AuditEvent
from workbench import audit, fields
from workbench.errors import WorkbenchError
from workbench.packs import export_pack, import_packs
from workbench.server.errors import ConcurrentChange
from workbench.services import grading
from workbench.store import open_workbench_store

GRADERS, IMPORTERS, EDITS, ATTEMPTS = 8, 2, 10, 60
SHARED = "Pat Shared"  # every grader edits this inspector's assessments: the same rows
NOTES = fields.stage_notes("initial_contact")


def _grader(url: str, number: int, cases: list[str], results) -> None:
    accepted, refusals, tracebacks = [], [], []
    try:
        store = open_workbench_store(url)
        for attempt in range(ATTEMPTS):
            if len(accepted) == EDITS:
                break
            case_id = cases[(number + attempt) % len(cases)]
            seen = grading.view(store, case_id, SHARED).revision
            value = f"grader {number} edit {attempt}"
            try:
                grading.edit(store, case_id, SHARED, NOTES, value, revision=seen)
                accepted.append((case_id, value))
            except WorkbenchError as exc:
                refusals.append(str(exc))
        store.close()
    except Exception:  # noqa: BLE001 - the test asserts there are none
        tracebacks.append(traceback.format_exc())
    results.put(("grader", accepted, refusals, tracebacks))


def _importer(url: str, packs: list[str], results) -> None:
    imported, refusals, tracebacks = 0, [], []
    try:
        store = open_workbench_store(url)
        for _ in range(3):
            for pack in packs:
                for _attempt in range(5):  # a pack that met a concurrent change, again
                    outcome = import_packs(store, [pack], PASSPHRASE)[0]
                    if outcome.error is None:
                        imported += 1
                        break
                    refusals.append(str(outcome.error))
                    if not isinstance(outcome.error, ConcurrentChange):
                        break
        store.close()
    except Exception:  # noqa: BLE001
        tracebacks.append(traceback.format_exc())
    results.put(("importer", imported, refusals, tracebacks))


def test_eight_graders_and_two_importers_lose_nothing(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    inspection_id, cases = team.inspection_id, [team.cases[r] for r in REFERENCES]
    packs = []
    for name, case in ((ANN, REFERENCES[0]), (BOB, REFERENCES[2])):
        inspector = make_inspector(team, name)
        grade(inspector, team.cases[case], name, "requires_improvement")
        packs.append(str(export_pack(inspector, inspection_id, tmp_path / f"{name}.wbpack").path))
        inspector.close()
    database = make_url(team.lead.url).database
    urls = [backends.database_url(database, backends.login_for(f"Grader {n}")) for n in range(8)]

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=_grader, args=(urls[n], n, cases, results)) for n in range(GRADERS)
    ] + [
        context.Process(target=_importer, args=(team.lead.url, packs, results))
        for _ in range(IMPORTERS)
    ]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0

    assert [r[3] for r in reports] == [[]] * len(workers)  # no tracebacks
    accepted = [edit for kind, edits, _, _ in reports if kind == "grader" for edit in edits]
    refusals = [words for _, _, refused, _ in reports for words in refused]
    assert len(accepted) == GRADERS * EDITS
    for words in refusals:  # each says why, and what to do
        assert "; reload it and make your change again." in words or "Reload" in words, words
    assert any("was changed by Grader" in words for words in refusals)  # they did collide
    assert sum(r[1] for r in reports if r[0] == "importer") == IMPORTERS * 3 * len(packs)

    with team.lead.sessions() as session:
        for case_id in cases:
            row = session.scalars(
                select(Assessment).where(
                    Assessment.case_id == case_id, Assessment.inspector == SHARED
                )
            ).one()
            events = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_id == row.id, AuditEvent.field == NOTES)
                .order_by(AuditEvent.seq)
            ).all()
            mine = sorted(value for case, value in accepted if case == case_id)
            assert sorted(e.new_value for e in events) == mine  # every accepted edit, once
            chain = [(e.old_value, e.new_value) for e in events]  # each edit saw the one before
            assert [old for old, _ in chain[1:]] == [new for _, new in chain[:-1]], [
                (e.seq, e.actor, str(e.at)[11:23], e.old_value, e.new_value) for e in events[:4]
            ]
            assert row.revision == len(mine)
            final = next(s.notes for s in row.stages if s.stage_id == "initial_contact")
            assert final == events[-1].new_value  # the last accepted edit is what is held
        imported = session.scalars(
            select(Assessment.inspector).where(Assessment.inspector.in_([ANN, BOB]))
        ).all()
        assert sorted(imported) == [ANN, BOB]
        assert audit.verify(session).intact
    team.lead.close()
