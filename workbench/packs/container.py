"""The container of kits and packs: a small zip, signed over every byte.

A container holds exactly two stored (uncompressed) entries, ``workbench.json`` (the
plaintext header: no case data) and ``payload.bin`` (the encrypted payload), and carries an
Ed25519 signature in the zip's archive comment, which is the last thing in the file. The
signature covers every byte before the comment, so a changed byte anywhere is detected.
See ``docs/pack-format.md``.

The file is untrusted input: it is read into memory only after its size is checked, entry
names and counts are checked before any entry is read, each entry is read through a hard
cap (never trusting the sizes it declares), and nothing is ever written to disk under a
name taken from the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.files import write_bytes_owner_only
from workbench.crypto import b64, sign, signature_valid, unb64
from workbench.errors import WorkbenchError

MAGIC = "inspectors-workbench"
FORMAT = 2
HEADER_NAME, PAYLOAD_NAME = "workbench.json", "payload.bin"
MAX_FILE_BYTES = 128 * 1024 * 1024
MAX_HEADER_BYTES = 16 * 1024
MAX_ENTRIES = 8
MAX_RATIO = 50  # declared uncompressed / compressed size of an entry
SIGNATURE_PREFIX = b"WBSIG1 "
SIGNATURE_LENGTH = len(SIGNATURE_PREFIX) + 88  # base64 of a 64-byte Ed25519 signature
_EOCD = b"PK\x05\x06"
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh")
_ARCHIVE_NAMES = re.compile(
    r"\.(zip|wbpack|wbkit|jar|gz|tgz|tar|bz2|xz|7z|rar|zst)$", re.IGNORECASE
)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
KINDS = {"pack": "findings pack", "kit": "inspection kit"}
# The oldest format each kind is still read in, and what to do with an older file. Format 2
# packs carry the audit trail as canonical lines (format 1: JSON records); kits are unchanged.
OLDEST_FORMAT = {
    "pack": (2, "Ask the inspector to export the pack again after updating"),
    "kit": (1, "Ask the lead inspector to issue the kit again"),
}
A_KIND = {"pack": "a findings pack", "kit": "an inspection kit"}


class PackRefused(WorkbenchError):
    """A kit or pack refused as a whole; ``code`` says which check refused it."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Opened:
    """A container whose signature has been checked against the key in its header."""

    header: dict[str, Any]
    header_bytes: bytes
    payload: bytes
    signer: bytes
    sha256: str  # of the whole file


def encode_header(header: dict[str, Any]) -> bytes:
    """The header's bytes as written; the payload's encryption binds them (associated data)."""
    return json.dumps(header, sort_keys=True, indent=1).encode("utf-8")


def write(path: Path, header: dict[str, Any], payload: bytes, signing_key: bytes) -> bytes:
    """Write the container atomically (temporary file, then rename); return its bytes."""
    header_bytes = encode_header(header)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in ((HEADER_NAME, header_bytes), (PAYLOAD_NAME, payload)):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)
        archive.comment = b"\0" * SIGNATURE_LENGTH
    data = buffer.getvalue()
    signed = data[:-SIGNATURE_LENGTH]
    signature = SIGNATURE_PREFIX + b64(sign(signing_key, signed)).encode("ascii")
    data = signed + signature
    try:
        write_bytes_owner_only(path, data)  # readable by its owner only; whole or not at all
    except OSError as exc:
        raise WorkbenchError(f"Could not write {path}: {exc.strerror or exc}.") from exc
    return data


def read(path: Path, kind: str, max_payload: int, verified: Container[str] = ()) -> Opened:
    """Read, check and verify a container of ``kind`` ("pack" or "kit").

    A file whose SHA-256 is among those ``verified`` before (the very bytes of a file
    imported here) is checked as any other, but its signature is not computed again."""
    what = KINDS[kind]
    data = _read_bytes(path, what)
    digest = hashlib.sha256(data).hexdigest()
    archive = _open_zip(data, path, what)
    infos = _checked_entries(archive, what, max_payload)
    # Both entries are stored, so reading one inflates nothing; the header is read first only
    # for the key that signed the file, and nothing else is read before the signature over
    # every byte of the file has been checked against it.
    header_bytes = _read_entry(archive, infos[HEADER_NAME], MAX_HEADER_BYTES, what)
    if header_bytes[:4] in _ARCHIVE_MAGIC or header_bytes[:3] in _ARCHIVE_MAGIC:
        raise PackRefused(
            f"This file contains another archive; a {what} never does. It was not opened.",
            "nested_archive",
        )
    header = _parse_header(header_bytes, path, what)
    signer = _verify_signature(data, header, what, digest not in verified)
    payload = _read_entry(archive, infos[PAYLOAD_NAME], max_payload, what)
    _check_format(header, kind, what)
    return Opened(header, header_bytes, payload, signer, digest)


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PackRefused(
                f"{path.name} is {size / 1e6:.0f} MB, larger than any {what} can be "
                f"({MAX_FILE_BYTES / 1e6:.0f} MB); it was not opened.",
                "too_large",
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise WorkbenchError(f"Could not read {path}: {exc.strerror or exc}.") from exc
    if len(data) > MAX_FILE_BYTES:
        raise PackRefused(f"{path.name} is larger than any {what} can be.", "too_large")
    if not data:
        raise _damaged(what, "the file is empty")
    return data


def _not_a(path: Path, what: str) -> PackRefused:
    article = "an" if what[0] in "aeiou" else "a"
    return PackRefused(
        f"{path.name} is not {article} {what}: it is some other kind of file.", "not_a_pack"
    )


def _damaged(what: str, detail: str) -> PackRefused:
    return PackRefused(
        f"This {what} is damaged or incomplete ({detail}); ask for it to be sent again.",
        "damaged",
    )


def _open_zip(data: bytes, path: Path, what: str) -> zipfile.ZipFile:
    if not data.startswith(b"PK\x03\x04"):
        raise _not_a(path, what)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, struct.error) as exc:
        raise _damaged(what, f"the container cannot be read: {exc}") from exc


def _unsafe(name: str) -> bool:
    if not name or "\\" in name or "\0" in name or name.startswith("/"):
        return True
    if re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in name.split("/") or posixpath.normpath(name) != name


def _checked_entries(
    archive: zipfile.ZipFile, what: str, max_payload: int
) -> dict[str, zipfile.ZipInfo]:
    """Check names, counts and declared sizes before reading anything."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise PackRefused(
            f"This file holds {len(infos)} entries; a {what} holds 2. It was not opened.",
            "too_many_entries",
        )
    for info in infos:
        if _unsafe(info.filename):
            raise PackRefused(
                f"This file has an entry named '{info.filename[:80]}', a path that points "
                f"outside its folder; a {what} never does. It was not opened.",
                "unsafe_name",
            )
        if _ARCHIVE_NAMES.search(info.filename):
            raise PackRefused(
                f"This file contains another archive ('{info.filename[:80]}'); a {what} "
                "never does. It was not opened.",
                "nested_archive",
            )
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise _damaged(what, "an entry appears twice")
    declared = sum(info.file_size for info in infos)
    if declared > max_payload + MAX_HEADER_BYTES or any(
        info.file_size > MAX_RATIO * max(info.compress_size, 1024) for info in infos
    ):
        raise PackRefused(
            f"This file would unpack to far more than a {what} can hold (a decompression "
            "bomb); it was not opened.",
            "bomb",
        )
    if any(info.compress_type != zipfile.ZIP_STORED for info in infos):
        raise _damaged(what, "an entry is compressed, and a file of this kind never is")
    unexpected = sorted(set(names) - {HEADER_NAME, PAYLOAD_NAME})
    if unexpected:
        raise PackRefused(
            f"This file holds an entry a {what} never has ('{unexpected[0][:80]}'); "
            "it was not opened.",
            "unexpected_entry",
        )
    if len(names) != 2:
        raise _damaged(what, "an entry is missing")
    return {info.filename: info for info in infos}


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, what: str) -> bytes:
    """An entry's bytes, read in chunks and stopped as soon as it passes ``cap``."""
    chunks, total = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(64 * 1024):
                total += len(chunk)
                if total > cap:
                    raise PackRefused(
                        f"An entry of this file unpacks to more than a {what} can hold (a "
                        "decompression bomb); it was not opened.",
                        "bomb",
                    )
                chunks.append(chunk)
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        zlib.error,
    ) as exc:
        raise _damaged(what, str(exc) or type(exc).__name__) from exc
    except RuntimeError as exc:  # an entry flagged as password-protected
        raise _damaged(what, str(exc)) from exc
    return b"".join(chunks)


def _parse_header(header_bytes: bytes, path: Path, what: str) -> dict[str, Any]:
    try:
        header = json.loads(header_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(what, "its header cannot be read") from exc
    if not isinstance(header, dict) or header.get("magic") != MAGIC:
        raise _not_a(path, what)
    return header


def _verify_signature(data: bytes, header: dict[str, Any], what: str, check: bool = True) -> bytes:
    """Check the signature in the archive comment against the key named in the header (its
    form only, unless ``check``: these very bytes were verified before)."""
    length = struct.pack("<H", SIGNATURE_LENGTH)
    trailer = data[-(SIGNATURE_LENGTH + 22) :]
    if not (
        len(data) > SIGNATURE_LENGTH + 22
        and trailer[:4] == _EOCD
        and trailer[20:22] == length
        and trailer[22:].startswith(SIGNATURE_PREFIX)
    ):
        raise _damaged(what, "its signature is missing or cut short")
    try:
        signer = unb64(str(header["signer"]["key"]))
        signature = unb64(trailer[22 + len(SIGNATURE_PREFIX) :].decode("ascii"))
    except (KeyError, TypeError, ValueError, UnicodeDecodeError):
        signer, signature = b"", b""
    if len(signer) != 32 or (
        check and not signature_valid(signer, signature, data[:-SIGNATURE_LENGTH])
    ):
        raise PackRefused(
            f"The signature of this {what} does not match its contents: it was changed after "
            "it was signed, or damaged on the way. Ask for it to be sent again.",
            "signature",
        )
    return signer


def _check_format(header: dict[str, Any], kind: str, what: str) -> None:
    version = header.get("format")
    if not isinstance(version, int) or version < 1:
        raise _damaged(what, "its format version is missing")
    if version > FORMAT:
        raise PackRefused(
            f"This {what} was written in format version {version} by a newer version of the "
            f"Inspector's Workbench; this version reads format {FORMAT}. Install the newer "
            "version to open it.",
            "newer_format",
        )
    if header.get("kind") != kind:
        other = A_KIND.get(str(header.get("kind")), "a different kind of file")
        raise PackRefused(f"This file is {other}, not {A_KIND[kind]}.", "wrong_kind")
    oldest, remedy = OLDEST_FORMAT[kind]
    if version < oldest:
        raise PackRefused(
            f"This {what} was written in format version {version} by an earlier version of "
            f"the Inspector's Workbench; this version reads {what}s of format {oldest} and "
            f"later. {remedy}; nothing was imported.",
            "older_format",
        )
