"""Each refusal of a pack says why, and leaves the lead's store exactly as it was."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from packs_helpers import (
    ANN,
    LEAD,
    PASSPHRASE,
    REFERENCES,
    digest,
    grade,
    make_inspector,
    make_lead,
    refusals,
    refused_import,
)
from packs_helpers import dump as dump_store

from db.models import DeviceKey
from workbench import crypto
from workbench.packs import container, create_inspection_keys, export_pack, import_packs, reregister
from workbench.services.inspections import create_inspection


@pytest.fixture
def scene(tmp_path: Path):
    """The lead's store, Ann's store with one graded case, and Ann's pack."""
    team = make_lead(tmp_path)
    ann = make_inspector(team, ANN)
    grade(ann, team.cases[REFERENCES[0]], ANN, "requires_improvement")
    pack = export_pack(ann, team.inspection_id, tmp_path / "ann.wbpack").path
    return team, ann, pack


def _refused(team, path: Path, code: str, **kwargs) -> str:
    """Import ``path``, expecting refusal ``code``; the store is unchanged but for the record
    of the refusal (in the imports log, with the reason); the reason."""
    error = refused_import(team.lead, path, **kwargs)
    assert getattr(error, "code", None) == code, error
    return str(error)


def test_a_flipped_byte_anywhere_is_refused(scene, tmp_path: Path) -> None:
    team, _, pack = scene
    data = pack.read_bytes()
    target = tmp_path / "flipped.wbpack"
    before = digest(team.lead, but_refusals=True)
    for position in range(0, len(data), max(1, len(data) // 400)):
        target.write_bytes(data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :])
        [outcome] = import_packs(team.lead, [target], PASSPHRASE)
        assert outcome.result is None and outcome.error is not None, position
    assert digest(team.lead, but_refusals=True) == before


def test_a_flipped_payload_byte_fails_the_signature_before_the_payload_is_read(
    scene, tmp_path: Path
) -> None:
    team, _, pack = scene
    data = bytearray(pack.read_bytes())
    data[len(data) // 2] ^= 0x01  # in the middle of the encrypted payload
    target = tmp_path / "changed.wbpack"
    target.write_bytes(bytes(data))
    assert "changed after it was signed, or damaged" in _refused(team, target, "signature")


def test_a_payload_rewritten_without_the_senders_key_fails_the_signature(
    scene, tmp_path: Path
) -> None:
    team, _, pack = scene
    opened = container.read(pack, "pack", container.MAX_FILE_BYTES)
    payload = bytearray(opened.payload)
    payload[40] ^= 0x01
    forger, _ = crypto.new_signing_key()  # the header still names Ann's key
    target = tmp_path / "rewritten.wbpack"
    container.write(target, opened.header, bytes(payload), forger)
    reason = _refused(team, target, "signature")
    assert "changed after it was signed" in reason


def test_a_truncated_pack_is_refused(scene, tmp_path: Path) -> None:
    team, _, pack = scene
    target = tmp_path / "cut.wbpack"
    target.write_bytes(pack.read_bytes()[: pack.stat().st_size // 2])
    assert "damaged or incomplete" in _refused(team, target, "damaged")


def test_a_file_that_is_not_a_pack_is_refused(scene, tmp_path: Path) -> None:
    team, _, _ = scene
    target = tmp_path / "minutes.docx"
    target.write_text("Minutes of the strategy meeting")
    assert _refused(team, target, "not_a_pack") == (
        "minutes.docx is not a findings pack: it is some other kind of file."
    )


def test_a_pack_for_another_inspection_is_refused(scene) -> None:
    team, _, pack = scene
    other = create_inspection(
        team.lead, force="Elsewhere", title="Other", start=date(2026, 3, 2), end=date(2026, 3, 27)
    )
    create_inspection_keys(team.lead, other.id, PASSPHRASE)
    reason = _refused(team, pack, "other_inspection", inspection_id=other.id)
    assert "for another inspection ('Child protection inspection'), not 'Other'" in reason


def test_a_pack_for_an_inspection_not_in_this_store_is_refused(scene, tmp_path: Path) -> None:
    _, _, pack = scene
    stranger = make_lead(tmp_path / "stranger")
    reason = _refused(stranger, pack, "other_inspection")
    assert "not in this store" in reason


def test_the_wrong_passphrase_is_refused(scene) -> None:
    team, _, pack = scene
    before = digest(team.lead)
    with pytest.raises(crypto.WrongPassphrase, match="passphrase is wrong"):
        import_packs(team.lead, [pack], "not the right passphrase")
    assert digest(team.lead) == before


def _resigned(team, ann, pack: Path, target: Path, **header_changes) -> Path:
    """``pack`` with its header changed and signed again by Ann's own device key."""
    opened = container.read(pack, "pack", container.MAX_FILE_BYTES)
    with ann.sessions() as session:
        private = bytes.fromhex(session.query(DeviceKey).one().private_key)
    container.write(target, {**opened.header, **header_changes}, opened.payload, private)
    return target


def test_an_unknown_newer_format_is_refused(scene, tmp_path: Path) -> None:
    team, ann, pack = scene
    newer = _resigned(team, ann, pack, tmp_path / "newer.wbpack", format=container.FORMAT + 1)
    reason = _refused(team, newer, "newer_format")
    assert "Install the newer version" in reason


def test_a_header_changed_and_signed_again_no_longer_decrypts(scene, tmp_path: Path) -> None:
    team, ann, pack = scene
    changed = _resigned(team, ann, pack, tmp_path / "x.wbpack", created_at="2020-01-01")
    assert "cannot be decrypted" in _refused(team, changed, "wrong_key")


def test_a_signature_by_an_unregistered_key_is_refused_until_re_registered(
    scene, tmp_path: Path
) -> None:
    team, ann, pack = scene
    [first] = import_packs(team.lead, [pack], PASSPHRASE)
    assert first.result.registered
    # Ann on a new laptop: a new store and device key, the same name.
    (tmp_path / "new").mkdir()
    team.folder = tmp_path / "new"
    laptop = make_inspector(team, ANN)
    grade(laptop, team.cases[REFERENCES[1]], ANN, "good")
    result = export_pack(laptop, team.inspection_id, tmp_path / "laptop.wbpack")
    reason = _refused(team, result.path, "unknown_key")
    assert f"signed by the key {result.fingerprint}" in reason
    assert f"registered the key {first.result.fingerprint}" in reason
    reregister(team.lead, team.inspection_id, ANN, result.fingerprint.lower().replace(" ", ""))
    [accepted] = import_packs(team.lead, [result.path], PASSPHRASE)
    assert accepted.error is None and accepted.result.counts.added == 1
    # The old laptop's key is no longer accepted.
    assert "registered the key" in _refused(team, pack, "unknown_key")


def test_a_pack_exported_from_this_store_is_refused(scene, tmp_path: Path) -> None:
    team, _, _ = scene
    own = export_pack(team.lead, team.inspection_id, tmp_path / "own.wbpack").path
    assert "exported from this store" in _refused(team, own, "own_pack")


def test_one_refused_pack_does_not_stop_the_others(scene, tmp_path: Path) -> None:
    team, _, pack = scene
    junk = tmp_path / "junk.wbpack"
    junk.write_bytes(b"junk")
    outcomes = import_packs(team.lead, [junk, pack], PASSPHRASE)
    assert outcomes[0].error is not None and outcomes[1].result.counts.added == 1
    tables = dump_store(team.lead)
    kinds = sorted(json.loads(row)["kind"] for row in tables["import_log"])
    assert kinds == ["cases", "pack", "refused"]  # the sample, Ann's pack, the junk refused
    [refusal] = refusals(team.lead)
    assert refusal["source"] == str(junk) and "not a findings pack" in refusal["details"]["refused"]


def test_a_pack_under_the_leads_own_name_from_another_store_is_refused(
    scene, tmp_path: Path
) -> None:
    team, _, _ = scene
    (tmp_path / "impostor").mkdir()
    team.folder = tmp_path / "impostor"
    impostor = make_inspector(team, LEAD)  # a store whose user took the lead's name
    grade(impostor, team.cases[REFERENCES[0]], LEAD, "good")
    pack = export_pack(impostor, team.inspection_id, tmp_path / "impostor.wbpack").path
    assert "under your own name, Lee Lead" in _refused(team, pack, "own_name")
