"""Quarterly assessments through the services and the CLI: judgements on the scale held as
data, findings, evidence with file digests and audit figures, each change audited."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from backends import as_user, cli_target
from followup_helpers import inspection_with_recommendations
from sqlalchemy import select
from store_helpers import refused, write_file

from db.engine import Store
from db.models import AuditEvent
from workbench.cli import main
from workbench.followup.quarters import add_evidence, all_assessments, assess, chosen_assessments
from workbench.followup.scale import load_scale


def test_the_scale_is_read_from_its_data_file() -> None:
    scale = load_scale()

    assert scale.ids == (
        "sufficient_progress", "some_progress", "insufficient_progress", "too_early",
        "discharged",
    )  # fmt: skip
    assert scale.parse("Too early to assess") == "too_early"
    assert scale.parse("some progress") == "some_progress"


def test_an_assessment_with_its_evidence_is_stored_and_audited(
    store: Store, tmp_path: Path
) -> None:
    inspection_id = inspection_with_recommendations(store, tmp_path)
    document = write_file(tmp_path, "board-minutes.pdf", b"%PDF-1.4 minutes of the board")

    assess(store, inspection_id, 1, 2, judgement="Some progress", finding="Training begun.")
    add_evidence(store, inspection_id, 1, 2, "document", "Safeguarding board minutes",
                 on_date=date(2027, 2, 8), document=document)  # fmt: skip
    add_evidence(store, inspection_id, 1, 2, "audit", "Dedicated audit team's audit",
                 on_date=date(2027, 2, 20),
                 figures={"cases audited": 170, "returned to officers": 97})  # fmt: skip
    assess(store, inspection_id, 1, 2, concerns="Pathfinder sites not trained.")

    [view] = all_assessments(store, inspection_id)
    assert (view.quarter, view.number, view.author, view.judgement) == (
        1, 2, "Alex Inspector", "some_progress",
    )  # fmt: skip
    assert (view.finding, view.concerns) == ("Training begun.", "Pathfinder sites not trained.")
    assert [e.kind for e in view.evidence] == ["document", "audit"]
    assert view.evidence[0].sha256 == hashlib.sha256(document.read_bytes()).hexdigest()
    assert view.evidence[1].figures == {"cases audited": 170, "returned to officers": 97}
    with store.sessions() as session:
        fields = session.scalars(
            select(AuditEvent.field).where(AuditEvent.entity == "quarter_assessment",
                                           AuditEvent.action == "update")
        ).all()  # fmt: skip
    assert fields == ["judgement", "finding", "concerns"]


def test_bad_values_are_refused_and_change_nothing(store: Store, tmp_path: Path) -> None:
    inspection_id = inspection_with_recommendations(store, tmp_path)

    assert "is not a judgement" in refused(
        store, lambda: assess(store, inspection_id, 1, 1, judgement="brilliant")
    )
    assert "no recommendation 4" in refused(
        store, lambda: assess(store, inspection_id, 1, 4, judgement="some_progress")
    )
    assert "quarter must be" in refused(
        store, lambda: assess(store, inspection_id, 0, 1, judgement="some_progress")
    )
    assert "must be a number" in refused(
        store,
        lambda: add_evidence(store, inspection_id, 1, 1, "audit", "Audit",
                             figures={"cases": float("nan")}),
    )  # fmt: skip


def test_the_lead_s_own_assessment_is_the_one_chosen(store: Store, tmp_path: Path) -> None:
    inspection_id = inspection_with_recommendations(store, tmp_path)
    assess(store, inspection_id, 1, 1, judgement="too_early")
    sam = as_user(store, "Sam Inspector")
    assess(sam, inspection_id, 1, 1, judgement="some_progress")
    if sam is not store:
        sam.close()

    assert chosen_assessments(store, inspection_id, "Alex Inspector")[(1, 1)].judgement == (
        "too_early"
    )
    assert chosen_assessments(store, inspection_id, "Sam Inspector")[(1, 1)].judgement == (
        "some_progress"
    )


def test_the_cli_assesses_and_adds_evidence(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    inspection_id = inspection_with_recommendations(store, tmp_path)
    where = ["--inspection", inspection_id, "--quarter", "2", "--recommendation", "5"]
    db = ["--db", cli_target(store)]

    assert main([*db, "quarter", "assess", *where, "--judgement", "insufficient progress",
                 "--finding", "No change in practice."]) == 0  # fmt: skip
    assert "Recommendation 5, quarter 2: Insufficient progress." in capsys.readouterr().out
    assert main([*db, "quarter", "evidence", *where, "--kind", "audit", "--title", "DAT audit",
                 "--date", "2027-05-02", "--figure", "cases audited=170",
                 "--figure", "returned=97"]) == 0  # fmt: skip
    assert main([*db, "quarter", "list", "--inspection", inspection_id]) == 0
    out = capsys.readouterr().out

    assert "Quarter 2, recommendation 5 (Alex Inspector): Insufficient progress" in out
    assert "latest 02/05/2027" in out
    [view] = all_assessments(store, inspection_id)
    assert view.evidence[0].figures == {"cases audited": 170, "returned": 97}
    assert main([*db, "quarter", "evidence", *where, "--kind", "audit", "--title", "x",
                 "--figure", "cases"]) == 1  # fmt: skip
    assert "is not NAME=NUMBER" in capsys.readouterr().err
