"""Opening a findings pack's sealed body: decrypt it, then inflate its two streams.

Reading, verifying, decrypting and inflating tens of megabytes needs no database and little
of the interpreter (file hashing, AES-GCM and zlib run in C with the interpreter lock
released), so while one pack is merged the next ones are read and opened on worker threads
(``prefetch``). The workers only prepare; every refusal is still raised by the importing
thread in the order a pack's checks run (a body the worker could not open is opened again
there). Checking and hashing the trail's lines stays on the importing thread: it holds the
lock, and sharing it would slow the merge more than it saves.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag

from workbench import crypto
from workbench.errors import WorkbenchError
from workbench.packs import container, payload
from workbench.packs.container import PackRefused
from workbench.packs.pack import MAX_PACK_BYTES, SCHEME
from workbench.packs.trail import AuditTrail, Held, check_trail

WHAT = "findings pack"


@dataclass(frozen=True)
class Inflated:
    """A pack's decrypted body inflated: its document's JSON text and its audit trail's
    lines, with the trail as carried (compressed), which an import keeps as it is."""

    document: bytes
    trail: bytes
    trail_block: bytes

    def checked_trail(self, held: Held | None = None) -> AuditTrail:
        return check_trail(self.trail, self.trail_block, held)


def unseal(opened: container.Opened, private: crypto.InspectionPrivate) -> bytes:
    """The decrypted body; refused if the pack is not for this inspection's key."""
    encryption = opened.header.get("encryption")
    if not isinstance(encryption, dict) or encryption.get("scheme") != SCHEME:
        raise payload.malformed(WHAT, "its encryption scheme is not known")
    if encryption.get("recipient") != private.public.fingerprint:
        raise PackRefused(
            "This pack was encrypted to another key than this inspection's "
            f"({encryption.get('recipient')!s:.40} rather than {private.public.fingerprint}); "
            "it cannot be opened here.",
            "wrong_key",
        )
    try:
        key = crypto.pack_key(private.encrypt, crypto.unb64(str(encryption.get("ephemeral"))))
        return crypto.unseal(key, opened.payload, opened.header_bytes)
    except (InvalidTag, ValueError):
        raise PackRefused(
            "This pack cannot be decrypted with this inspection's key: it was not made for "
            "it, or it was altered. Nothing was imported.",
            "wrong_key",
        ) from None


def inflate_body(body: bytes) -> Inflated:
    """The document and the audit trail, each inflated through its cap (no bombs)."""
    document, block = payload.inflate(body, WHAT, payload.MAX_JSON_BYTES)
    trail, rest = payload.inflate(block, WHAT, payload.MAX_AUDIT_BYTES)
    if rest:
        raise payload.malformed(WHAT, "its contents have extra bytes")
    return Inflated(document, trail, block)


def open_body(opened: container.Opened, private: crypto.InspectionPrivate) -> Inflated:
    return inflate_body(unseal(opened, private))


@dataclass
class Fetched:
    """One pack file as read ahead: its verified container (or why it was refused), and
    ``body()``, its opened body if the worker could open it with a key already unlocked."""

    path: Path
    opened: container.Opened | None
    error: WorkbenchError | None
    _body: Future[tuple[str, Inflated] | None] | None = None

    def opened_or_raise(self) -> container.Opened:
        """The verified container; the refusal it met on reading, raised here, in turn."""
        if self.opened is None:
            raise self.error or WorkbenchError(f"{self.path} could not be read.")
        return self.opened

    def body(self, inspection_id: str) -> Inflated | None:
        """The body the worker opened with this inspection's key, else None."""
        found = self._body.result() if self._body is not None else None
        return found[1] if found is not None and found[0] == inspection_id else None


def _read(
    path: Path, imported: Container[str]
) -> tuple[container.Opened | None, WorkbenchError | None]:
    try:
        return container.read(path, "pack", MAX_PACK_BYTES, imported), None
    except WorkbenchError as exc:
        return None, exc


def _open_ahead(
    read: Future[tuple[container.Opened | None, WorkbenchError | None]],
    keys: dict[str, crypto.InspectionPrivate],
    imported: Container[str],
) -> tuple[str, Inflated] | None:
    opened, _ = read.result()
    if opened is None or opened.sha256 in imported:
        return None  # a file imported before is recognised by its digest, not opened
    inspection_id = str(opened.header.get("inspection_id", ""))
    private = keys.get(inspection_id)
    if private is None:
        return None
    try:
        return inspection_id, open_body(opened, private)
    except Exception:  # noqa: BLE001 - opened again, and refused in order, by the importer
        return None


@contextmanager
def prefetch(
    paths: Sequence[Path],
    keys: dict[str, crypto.InspectionPrivate],
    imported: Container[str] = (),
) -> Iterator[Iterator[Fetched]]:
    """The packs at ``paths`` in order, each read ahead, and opened ahead once its
    inspection's key is in ``keys``, while the one before it is imported; a file whose
    SHA-256 is among those ``imported`` before is read but neither decrypted nor its
    signature computed again (``container.read``): the importer finds it in the imports log.

    Reading and opening run on separate threads, so the next file is never kept waiting
    behind the opening of one that turns out to need none (a file imported before)."""
    with (
        ThreadPoolExecutor(1, thread_name_prefix="pack-read") as readers,
        ThreadPoolExecutor(1, thread_name_prefix="pack-open") as openers,
    ):

        def submit(path: Path) -> tuple[Path, Future, Future]:
            read = readers.submit(_read, path, imported)
            return path, read, openers.submit(_open_ahead, read, keys, imported)

        def fetched() -> Iterator[Fetched]:
            ahead = submit(paths[0]) if paths else None
            for index in range(len(paths)):
                path, read, body = ahead  # type: ignore[misc]
                ahead = submit(paths[index + 1]) if index + 1 < len(paths) else None
                opened, error = read.result()
                yield Fetched(path, opened, error, body)

        yield fetched()
