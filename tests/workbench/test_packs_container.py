"""The container is untrusted input: every malformed, hostile or damaged file is refused
with its reason before anything in it is used."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest

from workbench import crypto
from workbench.packs import container, payload
from workbench.packs.container import PackRefused

SIGNING_KEY, PUBLIC_KEY = crypto.new_signing_key()


def _header(**changes: object) -> dict:
    header = {
        "magic": container.MAGIC,
        "format": container.FORMAT,
        "kind": "pack",
        "inspection_id": "00000000-0000-4000-8000-000000000000",
        "signer": {"key": crypto.b64(PUBLIC_KEY), "fingerprint": crypto.fingerprint(PUBLIC_KEY)},
    }
    header.update(changes)
    return header


def _valid(tmp_path: Path, **changes: object) -> Path:
    path = tmp_path / "valid.wbpack"
    container.write(path, _header(**changes), b"\x01ciphertext" * 50, SIGNING_KEY)
    return path


def _zip(
    tmp_path: Path, entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_STORED
) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    path = tmp_path / "crafted.wbpack"
    path.write_bytes(buffer.getvalue())
    return path


def _refusal(path: Path, max_payload: int = 1024 * 1024) -> PackRefused:
    with pytest.raises(PackRefused) as caught:
        container.read(path, "pack", max_payload)
    return caught.value


def test_a_valid_container_reads_back_with_its_signer(tmp_path: Path) -> None:
    opened = container.read(_valid(tmp_path), "pack", 1024 * 1024)
    assert opened.payload == b"\x01ciphertext" * 50
    assert opened.signer == PUBLIC_KEY
    assert opened.header["inspection_id"] == "00000000-0000-4000-8000-000000000000"
    with zipfile.ZipFile(tmp_path / "valid.wbpack") as archive:  # any zip tool can list it
        assert archive.namelist() == ["workbench.json", "payload.bin"]


def test_every_flipped_byte_is_refused(tmp_path: Path) -> None:
    data = _valid(tmp_path).read_bytes()
    target = tmp_path / "flipped.wbpack"
    codes = set()
    for position in range(len(data)):
        target.write_bytes(data[:position] + bytes([data[position] ^ 0x20]) + data[position + 1 :])
        codes.add(_refusal(target).code)
    # Every position was refused (``_refusal`` fails otherwise); a change to an entry's
    # contents or the signature itself is caught by the signature check.
    assert "signature" in codes
    assert codes <= {
        "signature",
        "damaged",
        "not_a_pack",
        "bomb",
        "unsafe_name",
        "unexpected_entry",
    }


@pytest.mark.parametrize("keep", [0, 1, 21, 100, -200, -96, -1])
def test_a_truncated_file_is_refused_as_damaged(tmp_path: Path, keep: int) -> None:
    data = _valid(tmp_path).read_bytes()
    target = tmp_path / "cut.wbpack"
    target.write_bytes(data[:keep])
    refusal = _refusal(target)
    assert refusal.code in {"damaged", "not_a_pack"}
    assert "damaged or incomplete" in str(refusal) or "not a findings pack" in str(refusal)


def test_bytes_added_after_the_signature_are_refused(tmp_path: Path) -> None:
    path = _valid(tmp_path)
    path.write_bytes(path.read_bytes() + b"\n")
    assert _refusal(path).code in {"damaged", "signature"}


@pytest.mark.parametrize(
    "content", [b"Date,Case\n1,2\n", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"%PDF-1.7\n"]
)
def test_a_file_that_is_not_a_pack_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.wbpack"
    path.write_bytes(content)
    refusal = _refusal(path)
    assert refusal.code == "not_a_pack"
    assert "notes.wbpack is not a findings pack" in str(refusal)


def test_an_ordinary_zip_is_not_a_pack(tmp_path: Path) -> None:
    path = _zip(tmp_path, [("workbench.json", b'{"hello": 1}'), ("payload.bin", b"x")])
    assert _refusal(path).code == "not_a_pack"


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "a/../../b", "C:\\x.txt", "a\\b"])
def test_entry_names_that_climb_out_or_are_absolute_are_refused(tmp_path: Path, name: str) -> None:
    path = _zip(tmp_path, [("workbench.json", b"{}"), (name, b"x")])
    refusal = _refusal(path)
    assert refusal.code == "unsafe_name"
    assert "points outside its folder" in str(refusal)


@pytest.mark.parametrize("name", ["inner.zip", "other.wbpack", "data.tar.gz"])
def test_nested_archives_are_refused(tmp_path: Path, name: str) -> None:
    inner = _valid(tmp_path).read_bytes()
    path = _zip(tmp_path, [("workbench.json", b"{}"), (name, inner)])
    refusal = _refusal(path)
    assert refusal.code == "nested_archive"
    assert "contains another archive" in str(refusal)


def test_an_archive_hidden_under_an_expected_name_is_refused(tmp_path: Path) -> None:
    inner = _valid(tmp_path).read_bytes()
    path = _zip(tmp_path, [("workbench.json", inner), ("payload.bin", b"x")])
    assert _refusal(path).code == "nested_archive"


def test_more_entries_than_a_pack_holds_are_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path, [(f"e{i}.txt", b"x") for i in range(container.MAX_ENTRIES + 1)])
    refusal = _refusal(path)
    assert refusal.code == "too_many_entries"
    assert f"holds {container.MAX_ENTRIES + 1} entries" in str(refusal)


def test_unexpected_entries_are_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path, [("workbench.json", b"{}"), ("payload.bin", b"x"), ("run.sh", b"x")])
    assert _refusal(path).code == "unexpected_entry"


def test_a_decompression_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = b"\0" * (8 * 1024 * 1024)
    path = _zip(tmp_path, [("workbench.json", b"{}"), ("payload.bin", bomb)], zipfile.ZIP_DEFLATED)
    refusal = _refusal(path, max_payload=64 * 1024 * 1024)
    assert refusal.code == "bomb"
    assert "decompression bomb" in str(refusal)


def test_more_uncompressed_bytes_than_a_pack_can_hold_are_refused(tmp_path: Path) -> None:
    path = _valid(tmp_path)
    refusal = _refusal(path, max_payload=100)
    assert refusal.code == "bomb"


def test_a_file_larger_than_any_pack_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _valid(tmp_path)
    monkeypatch.setattr(container, "MAX_FILE_BYTES", path.stat().st_size - 1)
    refusal = _refusal(path)
    assert refusal.code == "too_large"


def test_a_payload_that_inflates_past_its_cap_is_refused() -> None:
    compressed = zlib.compress(b" " * (4 * 1024 * 1024))
    with pytest.raises(PackRefused) as caught:
        payload.decode(compressed, "findings pack", cap=1024 * 1024)
    assert caught.value.code == "bomb"


def test_a_newer_format_is_refused_with_the_reason(tmp_path: Path) -> None:
    refusal = _refusal(_valid(tmp_path, format=container.FORMAT + 1))
    assert refusal.code == "newer_format"
    assert f"format version {container.FORMAT + 1} by a newer version" in str(refusal)


def test_a_kit_is_not_accepted_as_a_pack(tmp_path: Path) -> None:
    refusal = _refusal(_valid(tmp_path, kind="kit"))
    assert refusal.code == "wrong_kind"
    assert str(refusal) == "This file is an inspection kit, not a findings pack."


def test_a_signature_by_another_key_than_the_header_names_is_refused(tmp_path: Path) -> None:
    other_private, _ = crypto.new_signing_key()
    path = tmp_path / "forged.wbpack"
    container.write(path, _header(), b"payload", other_private)
    refusal = _refusal(path)
    assert refusal.code == "signature"
    assert "does not match its contents" in str(refusal)


def test_an_unsigned_pack_with_compressed_entries_is_refused_before_inflating(
    tmp_path: Path,
) -> None:
    header = container.encode_header(_header())
    path = _zip(
        tmp_path, [("workbench.json", header), ("payload.bin", b"x" * 4000)], zipfile.ZIP_DEFLATED
    )
    data = bytearray(path.read_bytes())
    start = data.index(b"payload.bin") + len(b"payload.bin")
    data[start + 2 : start + 12] = b"\xff" * 10  # the deflate stream no longer inflates
    path.write_bytes(bytes(data))
    refusal = _refusal(path)
    assert refusal.code == "damaged"
    assert "an entry is compressed" in str(refusal)


def test_the_payload_is_not_read_before_the_signature_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "forged.wbpack"
    other_private, _ = crypto.new_signing_key()
    container.write(path, _header(), b"payload", other_private)
    read: list[str] = []
    original = container._read_entry

    def reading(archive, info, cap, what):
        read.append(info.filename)
        return original(archive, info, cap, what)

    monkeypatch.setattr(container, "_read_entry", reading)
    assert _refusal(path).code == "signature"
    assert read == ["workbench.json"]
