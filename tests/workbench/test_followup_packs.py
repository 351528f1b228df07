"""Quarterly findings drafted offline and merged by the lead: recommendations travel in the
kit, each inspector's assessments in their pack; the merge keeps both inspectors' work, is
idempotent, order-independent and monotone, and refuses a pack whose follow-up is not the
sender's own or names a recommendation outside the inspection."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import backends
import pytest
from packs_helpers import ANN, BOB, LEAD, PASSPHRASE, Team, make_inspector, make_lead
from sqlalchemy import text
from store_helpers import write_file

from db.backups import copy_store
from db.engine import Store
from workbench import audit
from workbench.followup import pack_records
from workbench.followup.quarters import add_evidence, all_assessments, assess, chosen_assessments
from workbench.followup.recommendations import import_recommendations, list_recommendations
from workbench.packs import export_pack, import_packs
from workbench.store import open_workbench_store

RECS = """\
published = 2026-04-01
[[recommendation]]
number = 1
title = "Governance"
timeframe = "immediately"
text = "Put governance in place."
[[recommendation]]
number = 2
title = "Missing children"
timeframe = "within 3 months"
text = "Improve the response to children who go missing."
points = ["train the control room"]
"""


def _rows(store: Store) -> list[tuple]:
    with store.engine.connect() as conn:
        found = conn.execute(text(
            "SELECT a.id, a.quarter, a.author, a.judgement, a.finding, a.revision, a.updated_at,"
            " e.id, e.title, e.figures FROM quarter_assessment a LEFT JOIN quarter_evidence e"
            " ON e.assessment_id = a.id ORDER BY a.id, e.seq"))  # fmt: skip
        return [tuple(row) for row in found]


@pytest.fixture
def team(tmp_path: Path) -> tuple[Team, Store, Store]:
    team = make_lead(tmp_path / "team")
    import_recommendations(team.lead, team.inspection_id, write_file(tmp_path, "r.toml", RECS))
    ann, bob = make_inspector(team, ANN), make_inspector(team, BOB)
    yield team, ann, bob
    for store in (team.lead, ann, bob):
        store.close()


def _pack(store: Store, team: Team, name: str) -> Path:
    return export_pack(store, team.inspection_id, team.folder / name).path


def _import(store: Store, *paths: Path) -> list:
    outcomes = import_packs(store, list(paths), PASSPHRASE)
    return [o.error for o in outcomes]


def test_the_kit_carries_the_recommendations_to_the_inspector(team) -> None:
    lead_team, ann, _bob = team
    theirs = list_recommendations(ann, lead_team.inspection_id)
    ours = list_recommendations(lead_team.lead, lead_team.inspection_id)

    assert theirs == ours
    assert theirs[1].due == date(2026, 7, 1) and theirs[1].points == ("train the control room",)


def test_two_inspectors_quarterly_findings_merge_idempotently_in_any_order(
    team, tmp_path: Path
) -> None:
    lead_team, ann, bob = team
    ident = lead_team.inspection_id
    assess(ann, ident, 1, 2, judgement="some_progress", finding="Training has begun.")
    add_evidence(ann, ident, 1, 2, "audit", "The force's audit", on_date=date(2026, 6, 1),
                 figures={"cases audited": 40, "returned": 12})  # fmt: skip
    assess(bob, ident, 1, 2, judgement="too_early", finding="Too soon to tell.")
    assess(bob, ident, 1, 1, judgement="sufficient_progress")
    ann_pack, bob_pack = _pack(ann, lead_team, "ann.wbpack"), _pack(bob, lead_team, "bob.wbpack")
    other = tmp_path / "other-lead.sqlite"
    if backends.on_server():  # a copy of the server database (unused while it is copied)
        lead_team.lead.engine.dispose()
        other = backends.copy_store(lead_team.lead.url, other)
    else:
        copy_store(lead_team.lead, other)

    assert _import(lead_team.lead, ann_pack, bob_pack) == [None, None]
    merged = _rows(lead_team.lead)
    assert _import(lead_team.lead, ann_pack, bob_pack) == [None, None]  # again: nothing changes
    assert _rows(lead_team.lead) == merged
    second = open_workbench_store(other)
    try:
        assert _import(second, bob_pack, ann_pack) == [None, None]  # the other order
        assert _rows(second) == merged
    finally:
        second.close()

    views = {(v.number, v.quarter, v.author): v for v in all_assessments(lead_team.lead, ident)}
    assert set(views) == {(2, 1, ANN), (2, 1, BOB), (1, 1, BOB)}
    assert views[(2, 1, ANN)].evidence[0].figures == {"cases audited": 40, "returned": 12}
    assess(lead_team.lead, ident, 1, 2, judgement="some_progress", finding="Moderated wording.")
    chosen = chosen_assessments(lead_team.lead, ident, LEAD)[(2, 1)]
    assert (chosen.author, chosen.finding) == (LEAD, "Moderated wording.")
    with lead_team.lead.sessions() as session:
        assert audit.verify(session).intact


def test_an_older_version_never_overwrites_a_newer_one(team) -> None:
    lead_team, ann, _bob = team
    ident = lead_team.inspection_id
    assess(ann, ident, 1, 2, judgement="too_early")
    first = _pack(ann, lead_team, "first.wbpack")
    assess(ann, ident, 1, 2, judgement="some_progress", finding="Now under way.")
    second = _pack(ann, lead_team, "second.wbpack")

    assert _import(lead_team.lead, second) == [None]
    assert _import(lead_team.lead, first) == [None]

    [view] = all_assessments(lead_team.lead, ident)
    assert (view.judgement, view.finding) == ("some_progress", "Now under way.")


def test_a_signed_pack_with_someone_elses_findings_is_refused(
    team, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead_team, ann, bob = team
    ident = lead_team.inspection_id
    assess(bob, ident, 1, 2, judgement="insufficient_progress")
    with bob.sessions() as session:
        bobs = pack_records.pack_section(session, ident, BOB)
    # Ann's store signs a pack that carries Bob's assessment as if it were hers to send.
    monkeypatch.setattr(pack_records, "pack_section", lambda *_args: bobs)
    forged = _pack(ann, lead_team, "forged.wbpack")
    monkeypatch.undo()
    before = _rows(lead_team.lead)

    [error] = _import(lead_team.lead, forged)

    assert error is not None and f"is recorded by {BOB}" in str(error)
    assert f"may carry only quarterly assessments {ANN} recorded" in str(error)
    assert _rows(lead_team.lead) == before


def test_findings_on_a_recommendation_outside_the_inspection_are_refused(team) -> None:
    lead_team, ann, _bob = team
    ident = lead_team.inspection_id
    assess(ann, ident, 1, 1, judgement="some_progress")
    pack = _pack(ann, lead_team, "ann.wbpack")
    with lead_team.lead.engine.begin() as conn:  # the lead's store no longer holds it
        conn.execute(text("DELETE FROM recommendation WHERE number = 1"))

    [error] = _import(lead_team.lead, pack)

    assert error is not None and "which is not in this inspection in this store" in str(error)
    assert _rows(lead_team.lead) == []
