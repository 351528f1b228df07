"""A pack's audit trail: kept in the lead's store as segments that verify, only what is new
added; refused, with the store unchanged, when it is not the sender's, not in order, broken
or at odds with the part already here."""

from __future__ import annotations

import hashlib
import threading
import zlib
from pathlib import Path

import backends
import pytest
from pack_docs import INSPECTORS, audit_chain, document, write_pack
from packs_helpers import ANN, BOB, PASSPHRASE, refused_import
from sqlalchemy import func, select, text

from db.engine import Store
from db.models import AuditEvent, AuditSegment
from workbench import audit, crypto
from workbench.packs import container, import_packs, opening
from workbench.store import open_workbench_store

SPEC = {"inspector": ANN, "assessments": {}, "referral": None, "audit": 0}


@pytest.fixture
def lead(template: dict, tmp_path: Path) -> Store:
    store = open_workbench_store(backends.copy_store(template["path"], tmp_path / "lead.sqlite"))
    yield store
    store.close()


def lines_of(events: list[dict]) -> list[str]:
    return [audit.event_line(event) for event in events]


def pack(template: dict, folder: Path, lines: list[str], name: str = "ann") -> Path:
    doc = document(SPEC, template["case_ids"], template["inspection_id"])
    doc["audit"] = lines
    return write_pack(folder / f"{name}.wbpack", doc, template["public"])


def imported(store: Store, path: Path):
    [outcome] = import_packs(store, [path], PASSPHRASE)
    return outcome


def refused(store: Store, path: Path) -> str:
    return str(refused_import(store, path))  # not a row changed but the refusal's record


def test_a_received_trail_is_kept_as_a_segment_that_verifies(lead, template, tmp_path):
    events = audit_chain(ANN, 4)
    outcome = imported(lead, pack(template, tmp_path, lines_of(events)))
    assert outcome.error is None and outcome.result.counts.audit_events_added == 4
    with lead.sessions() as session:
        [segment] = session.scalars(select(AuditSegment)).all()
        received = list(audit.received_events(session))
        report = audit.verify(session)
        own = session.scalar(select(func.count()).select_from(AuditEvent))
    assert (segment.origin, segment.first_seq, segment.last_seq) == (events[0]["origin"], 1, 4)
    assert segment.last_hash == events[-1]["hash"]
    assert [(e.id, e.new_value, e.hash) for e in received] == [
        (e["id"], e["new_value"], e["hash"]) for e in events
    ]
    assert report.intact and (report.events, report.origins) == (own + 4, 2)


def test_a_later_pack_adds_only_the_events_not_yet_here(lead, template, tmp_path):
    events = lines_of(audit_chain(ANN, 4))
    first = imported(lead, pack(template, tmp_path, events[:2], "day1"))
    later = imported(lead, pack(template, tmp_path, events, "day2"))
    again = imported(lead, pack(template, tmp_path, events[:3], "older"))
    added = [o.result.counts.audit_events_added for o in (first, later, again)]
    assert added == [2, 2, 0]
    with lead.sessions() as session:
        spans = session.execute(
            select(AuditSegment.first_seq, AuditSegment.last_seq).order_by(AuditSegment.first_seq)
        ).all()
        assert [e.origin_seq for e in audit.received_events(session)] == [1, 2, 3, 4]
        assert audit.verify(session).intact
    assert spans == [(1, 2), (3, 4)]


def test_events_from_another_store_than_the_senders_are_refused(lead, template, tmp_path):
    bobs = lines_of(audit_chain(BOB, 2))
    message = refused(lead, pack(template, tmp_path, bobs))
    assert "audit trail holds events from another store than the sender's" in message
    mixed = lines_of(audit_chain(ANN, 2)) + bobs[1:]
    message = refused(lead, pack(template, tmp_path, mixed, "mixed"))
    assert "holds an event from another store or not an event" in message


def test_a_trail_out_of_order_or_not_of_events_is_refused(lead, template, tmp_path):
    events = lines_of(audit_chain(ANN, 3))
    assert "not in order" in refused(lead, pack(template, tmp_path, events[::-1]))
    garbage = [*events[:2], "Interview notes, not an audit event."]
    assert "not an event" in refused(lead, pack(template, tmp_path, garbage, "garbage"))


def test_an_event_edited_before_export_breaks_the_link_and_is_refused(lead, template, tmp_path):
    events = audit_chain(ANN, 4)
    events[1]["new_value"] = "changed after it was recorded"
    message = refused(lead, pack(template, tmp_path, lines_of(events)))
    assert "event 3 of the sender's audit trail does not follow on" in message


def test_a_trail_at_odds_with_the_part_already_here_is_refused(lead, template, tmp_path):
    assert imported(lead, pack(template, tmp_path, lines_of(audit_chain(ANN, 2)))).error is None
    rewritten = audit_chain(ANN, 4)
    rewritten[1]["new_value"] = "another history"
    for later in rewritten[2:]:  # re-linked: a consistent chain, but not the one received
        later["prev_hash"] = audit.event_hash(**{k: rewritten[later["origin_seq"] - 2][k]
                                                 for k in audit.HASHED})  # fmt: skip
    lines = [audit.event_line(e) for e in rewritten]
    message = refused(lead, pack(template, tmp_path, lines, "rewritten"))
    assert "event 2 of the sender's audit trail differs from ours" in message


def test_a_pack_of_the_first_format_is_refused_as_older(lead, template, tmp_path):
    private, public = INSPECTORS[ANN]
    header = {
        "magic": container.MAGIC, "format": 1, "kind": "pack",
        "inspection_id": template["inspection_id"], "created_at": "2026-01-01T09:00:00+00:00",
        "signer": {"key": crypto.b64(public), "fingerprint": crypto.fingerprint(public)},
    }  # fmt: skip
    path = tmp_path / "old.wbpack"
    container.write(path, header, b"sealed", private)
    message = refused(lead, path)
    assert "format version 1 by an earlier version" in message
    assert "export the pack again" in message


def edit_received(store: Store, old: bytes, new: bytes) -> None:
    with store.engine.begin() as conn:
        block = conn.execute(text("SELECT lines FROM audit_segment")).scalar_one()
        edited = zlib.decompress(block).replace(old, new)
        assert edited != zlib.decompress(block)
        conn.execute(text("UPDATE audit_segment SET lines = :b"), {"b": zlib.compress(edited)})


def test_verify_finds_a_received_event_edited_in_the_store(lead, template, tmp_path):
    assert imported(lead, pack(template, tmp_path, lines_of(audit_chain(ANN, 3)))).error is None
    edit_received(lead, b'"step 2"', b'"step 9"')
    with lead.sessions() as session:
        report = audit.verify(session)
    assert not report.intact  # the next event no longer follows on from the edited one
    assert report.broken_event is not None and report.broken_event.origin_seq == 3
    assert "link broken" in report.problem


def test_verify_finds_the_last_received_event_edited_in_the_store(lead, template, tmp_path):
    assert imported(lead, pack(template, tmp_path, lines_of(audit_chain(ANN, 3)))).error is None
    edit_received(lead, b'"step 3"', b'"step 9"')
    with lead.sessions() as session:
        report = audit.verify(session)
    assert not report.intact
    assert "(from event 1 to 3) are not those recorded on receipt: edited since" in report.problem


def test_in_a_batch_a_pack_that_cannot_be_opened_is_refused_in_its_place(
    lead, template, tmp_path, monkeypatch
):
    """Packs after the first are opened ahead on a worker thread; one that cannot be opened
    there is still refused, with its own reason, between the packs either side of it."""
    events = lines_of(audit_chain(ANN, 4))
    first = pack(template, tmp_path, events[:2], "first")
    stranger = crypto.InspectionPrivate.generate().public  # not this inspection's key
    doc = document(SPEC, template["case_ids"], template["inspection_id"])
    doc["audit"] = events
    elsewhere = write_pack(tmp_path / "elsewhere.wbpack", doc, stranger)
    middle, later = (pack(template, tmp_path, events[:n], f"day{n}") for n in (3, 4))
    batch = [first, middle, elsewhere, later, first]
    opened_on: list[tuple[str, str]] = []
    open_body = opening.open_body
    names = {hashlib.sha256(path.read_bytes()).hexdigest(): path.stem for path in batch}

    def recording(opened, private):
        opened_on.append((names[opened.sha256], threading.current_thread().name.split("_")[0]))
        return open_body(opened, private)

    monkeypatch.setattr(opening, "open_body", recording)
    outcomes = import_packs(lead, batch, PASSPHRASE)
    assert [o.path for o in outcomes] == batch
    errors = [o.error.code if o.error else None for o in outcomes]
    assert errors == [None, None, "wrong_key", None, None]
    added = [o.result.counts.audit_events_added for o in outcomes if o.result]
    assert added == [2, 1, 1, 0]  # the last is the first file again: logged, not merged
    # The files after the first are opened ahead on the worker once the first has unlocked
    # the key (the second may be read before it has); the first file again is not opened at
    # all, being in the imports log. The one the worker could not open was opened again in
    # turn, and refused.
    second = [thread for name, thread in opened_on if name == "day3"]
    assert len(second) == 1
    assert sorted(entry for entry in opened_on if entry[0] != "day3") == [
        ("day4", "pack-open"), ("elsewhere", "MainThread"), ("elsewhere", "pack-open"),
        ("first", "MainThread"),
    ]  # fmt: skip
