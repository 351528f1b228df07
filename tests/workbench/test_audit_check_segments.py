"""``audit verify`` over a long received trail: 5,000 events of another store kept as a merge
keeps them (one segment of zlib-compressed canonical lines, each linked to the one before)
in a lead's store. The honest trail verifies and is counted; one event edited in its middle
is found and named; an event naming its record with a list (its chain's hashes made afresh)
is reported as unreadable rather than stopping the check; and the check leaves Python's
cyclic collector running."""

from __future__ import annotations

import gc
import hashlib
import shutil
import zlib
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from packs_helpers import closed_lead_file
from store_helpers import connect_file

from db.models import new_id
from workbench.audit import GENESIS, event_line
from workbench.cli import main

EVENTS = 5_000
ORIGIN = "0b0b0b0b-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def lead(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return closed_lead_file(tmp_path_factory.mktemp("segments"))


def _lines(edit: dict[int, dict[str, Any]] | None = None) -> list[bytes]:
    """``EVENTS`` events of ``ORIGIN`` (an inspector grading assessments), chained; ``edit``
    changes an event's fields (by sequence number) before it is hashed."""
    lines, previous = [], GENESIS
    for seq in range(1, EVENTS + 1):
        values = dict(
            id=new_id(), origin=ORIGIN, origin_seq=seq,
            at=f"2026-11-29T08:{seq // 600 % 60:02d}:{seq // 10 % 60:02d}.{seq:06d}+00:00",
            actor="Ann Able", action="update", entity="assessment",
            entity_id=f"a{seq // 40:04d}-0000-4000-8000-000000000000",
            field=f"prompt:p{seq % 40}", old_value=None, new_value="yes", prev_hash=previous,
        )  # fmt: skip
        values.update((edit or {}).get(seq, {}))
        line = event_line(values).encode("utf-8")
        lines.append(line)
        previous = hashlib.sha256(line).hexdigest()
    return lines


def _with_segment(lead: Path, tmp_path: Path, lines: list[bytes]) -> Path:
    """A copy of the lead's store holding ``lines`` as one received segment, recorded on
    receipt as the merge records it (span, count, last hash)."""
    path = tmp_path / "lead.sqlite"
    shutil.copy(lead, path)
    with closing(connect_file(path)) as conn, conn:
        conn.execute(
            "INSERT INTO audit_segment (id, origin, first_seq, last_seq, events, last_hash, "
            "lines, received_at) VALUES (?, ?, 1, ?, ?, ?, ?, '2026-11-29T09:00:00.000000+00:00')",
            (new_id(), ORIGIN, EVENTS, EVENTS, hashlib.sha256(lines[-1]).hexdigest(),
             zlib.compress(b"\n".join(lines))),
        )  # fmt: skip
    return path


def _verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, list[str]]:
    code = main(["--db", str(path), "audit", "verify"])
    captured = capsys.readouterr()
    problems = [line for line in captured.err.splitlines() if line.startswith("  - ")]
    return code, captured.out, problems


def _count(out: str) -> tuple[int, int]:
    words = out.split()  # "Audit trail intact: N events from K stores."
    return int(words[3]), int(words[6])


def test_a_long_received_trail_verifies_and_is_counted(lead, tmp_path, capsys) -> None:
    code, before, _ = _verify(lead, capsys)
    assert code == 0
    code, out, problems = _verify(_with_segment(lead, tmp_path, _lines()), capsys)
    assert (code, problems) == (0, [])
    events, stores = _count(before)
    assert _count(out) == (events + EVENTS, stores + 1)
    assert out.splitlines()[1] == before.splitlines()[1]  # the same records proved
    assert gc.isenabled()


def test_an_event_edited_in_the_middle_of_a_long_trail_is_found(lead, tmp_path, capsys) -> None:
    lines = _lines()
    lines[2_500] = lines[2_500].replace(b'"yes"', b'"no"')  # event 2501, after its hash
    code, out, problems = _verify(_with_segment(lead, tmp_path, lines), capsys)
    assert (code, out) == (1, "")
    assert problems == [
        f"  - event 2502 received from {ORIGIN} does not follow the event before it (link "
        "broken, or edited after it was received)"
    ]
    assert gc.isenabled()


def test_an_event_naming_its_record_with_a_list_is_reported(lead, tmp_path, capsys) -> None:
    lines = _lines(edit={2_500: {"entity_id": ["not", "an", "id"]}})  # hashes made afresh
    code, out, problems = _verify(_with_segment(lead, tmp_path, lines), capsys)
    assert (code, out) == (1, "")
    assert len(problems) == 1
    assert problems[0].startswith(f"  - the events received from {ORIGIN} are unreadable: ")
    assert gc.isenabled()


@pytest.mark.parametrize("lines", [[b"5", b"6"], [b'{"a": 1}'], [b"[]"], [b""]])
def test_a_segment_of_lines_that_are_not_events_is_reported(lead, tmp_path, capsys, lines):
    code, out, problems = _verify(_with_segment(lead, tmp_path, lines), capsys)
    assert (code, out) == (1, "")
    assert problems[-1] == f"  - the events received from {ORIGIN} are not all events"
