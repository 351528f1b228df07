"""The keys, kit, pack, imports and moderation commands, run in-process through ``main``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packs_helpers import ANN, PASSPHRASE, REFERENCES, digest, grade, make_inspector, make_lead

from workbench.cli import main
from workbench.packs import export_pack


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("WORKBENCH_PASSPHRASE", raising=False)
    monkeypatch.delenv("WORKBENCH_KIT_CODE", raising=False)
    return make_lead(tmp_path)


def run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def test_keys_show_lists_fingerprints_as_json(team, capsys: pytest.CaptureFixture) -> None:
    db = team.lead.path
    assert run(db, "keys", "show", "--inspection", team.inspection_id[:8], "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["holds_private_key"] is True and shown["inspectors"] == []
    assert shown["kdf"]["name"] == "argon2id"
    assert len(shown["device"].split()) == len(shown["inspection"].split()) == 8


def test_a_refused_pack_is_reported_on_stderr_with_exit_1(
    team, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    junk = tmp_path / "photo.wbpack"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not a pack")
    before = digest(team.lead, but_refusals=True)
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", PASSPHRASE)
    assert run(team.lead.path, "pack", "import", str(junk)) == 1
    err = capsys.readouterr().err
    assert "photo.wbpack refused: photo.wbpack is not a findings pack" in err
    assert digest(team.lead, but_refusals=True) == before
    assert run(team.lead.path, "imports", "list") == 0
    out = capsys.readouterr().out
    assert "refused" in out and "photo.wbpack: photo.wbpack is not a findings pack" in out


def test_without_a_passphrase_or_terminal_the_import_says_how_to_give_one(
    team, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert run(team.lead.path, "pack", "import", str(tmp_path / "any.wbpack")) == 1
    assert "set WORKBENCH_PASSPHRASE" in capsys.readouterr().err


def test_reregistering_an_inspector_and_listing_imports(
    team, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = make_inspector(team, ANN)
    grade(ann, team.cases[REFERENCES[0]], ANN, "good")
    pack = export_pack(ann, team.inspection_id, tmp_path / "ann.wbpack")
    db = team.lead.path
    assert run(db, "imports", "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 3 and " cases " in listed[2]  # only the case sample so far
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", PASSPHRASE)
    assert run(db, "pack", "import", str(pack.path)) == 0
    capsys.readouterr()
    args = ["keys", "reregister", "--inspection", team.inspection_id, "--inspector", ANN]
    assert run(db, *args, "--fingerprint", "1234") == 1
    assert "not a key fingerprint" in capsys.readouterr().err
    assert run(db, *args, "--fingerprint", "ab" * 16) == 0
    assert "now accepted under the key ABAB ABAB" in capsys.readouterr().out
    assert run(db, "imports", "list", "--inspection", team.inspection_id) == 0
    listing = capsys.readouterr().out
    assert "ann.wbpack" in listing and ANN in listing and pack.fingerprint in listing
    assert run(db, "keys", "show", "--inspection", team.inspection_id) == 0
    shown = capsys.readouterr().out
    assert pack.fingerprint in shown and "ABAB ABAB" in shown


def test_moderation_list_with_nothing_to_moderate(team, capsys: pytest.CaptureFixture) -> None:
    assert run(team.lead.path, "moderation", "list", "--inspection", team.inspection_id) == 0
    assert "No dual-graded case has differing grades." in capsys.readouterr().out
    args = ["moderate", "--inspection", team.inspection_id, "--case", REFERENCES[0]]
    assert run(team.lead.path, *args, "--grade", "good", "--reason", "x") == 1
    assert "graded by 0 inspector(s)" in capsys.readouterr().err


def test_kit_list_shows_the_kits_issued(team, tmp_path: Path, capsys, monkeypatch) -> None:
    assert run(team.lead.path, "kit", "list", "--inspection", team.inspection_id) == 0
    assert "No kits have been issued for 'Child protection inspection'" in capsys.readouterr().out
    make_inspector(team, ANN, all_cases=False)
    make_inspector(team, "Bob Baker")
    assert run(team.lead.path, "kit", "list", "--inspection", team.inspection_id) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Inspector", "Issued", "(UTC)", "By", "Cases", "File"]
    assert lines[2].startswith(ANN) and lines[2].split()[-2:] == ["2", "ann.wbkit"]
    assert lines[3].startswith("Bob Baker") and "4 (every case)" in lines[3]


def test_audit_history_lists_a_cases_changes_from_every_store(team, capsys) -> None:
    ann = make_inspector(team, ANN)
    grade(ann, team.cases[REFERENCES[0]], ANN, "good")
    pack = export_pack(ann, team.inspection_id, team.folder / "ann.wbpack").path
    from workbench.packs import import_packs

    import_packs(team.lead, [pack], PASSPHRASE)
    args = ("audit", "history", "--inspection", team.inspection_id, "--case", REFERENCES[0])
    assert run(team.lead.path, *args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["When", "(UTC)", "Who", "What"]
    body = lines[2:]
    assert "create assessment" in body[0] and body[0].rstrip().endswith("Ann Able's store")
    assert any("overall_grade" in line and " good " in line for line in body)
    assert body[-1].split()[-4:] == ["graded", "Ann", "Able's", "store"]
    assert run(team.lead.path, *args, "--json") == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    assert {e["actor"] for e in entries} == {ANN}
