"""A payload's JSON: compressed before encryption, decompressed through a hard cap, checked.

Every record in a payload is checked against a spec before anything is merged: the fields
it must have, their types and their lengths (the store's own column sizes). Timestamps are
rewritten in the one canonical form (ISO 8601 UTC with microseconds) so that the same
record always has the same digest, whichever store it came from.
"""

from __future__ import annotations

import functools
import json
import re
import zlib
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime
from typing import Any

from workbench.packs.container import PackRefused

MAX_JSON_BYTES = 256 * 1024 * 1024
MAX_TEXT = 100_000
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHA256 = re.compile(r"[0-9a-f]{64}")


MAX_AUDIT_BYTES = 1024 * 1024 * 1024


def encode(document: dict[str, Any]) -> bytes:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def encode_pack(document: dict[str, Any], audit_lines: list[bytes]) -> bytes:
    """A pack's body: its document, then its audit trail as a second zlib stream of lines."""
    return encode(document) + zlib.compress(b"\n".join(audit_lines), 6)


def inflate(data: bytes, what: str, cap: int) -> tuple[bytes, bytes]:
    """The first zlib stream in ``data``, inflated through ``cap``, and the bytes after it."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, cap + 1)
    except zlib.error as exc:
        raise malformed(what, "its contents cannot be unpacked") from exc
    if len(text) > cap or inflater.unconsumed_tail:
        raise PackRefused(
            f"The contents of this {what} unpack to more than it can hold (a decompression "
            "bomb); it was not imported.",
            "bomb",
        )
    if not inflater.eof:
        raise malformed(what, "its contents are cut short")
    return text, inflater.unused_data


def decode(data: bytes, what: str, cap: int = MAX_JSON_BYTES) -> dict[str, Any]:
    """The payload's JSON object; a payload that would inflate past ``cap`` is refused."""
    text, rest = inflate(data, what, cap)
    if rest:
        raise malformed(what, "its contents have extra bytes")
    return parse_json(text, what)


def parse_json(text: bytes, what: str) -> dict[str, Any]:
    try:
        document = json.loads(text.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, absurdly long numbers
        raise malformed(what, "its contents are not valid JSON") from exc
    if not isinstance(document, dict):
        raise malformed(what, "its contents are not a record set")
    return document


_DECODER = json.JSONDecoder()


def parse_json_items(text: bytes, what: str, first: str) -> tuple[dict[str, Any], list[str] | None]:
    """``parse_json``, and the exact text of each item of the list under the key ``first``
    when the document opens with it (as a pack's does: ``{"assessments":[...],...``), so
    an item can be recognised by the digest of its text without being encoded again.

    The items are read one by one with the same decoder as ``json.loads``; anything but
    that exact layout (spaces, the key given twice, bad JSON) is parsed by ``parse_json``
    and has no item texts."""
    opening = f'{{"{first}":['
    if text.startswith(opening.encode("ascii")):
        with suppress(ValueError, IndexError, RecursionError):
            return _items_first(text.decode("utf-8"), len(opening), first)
    return parse_json(text, what), None


def _items_first(text: str, start: int, first: str) -> tuple[dict[str, Any], list[str]]:
    items: list[Any] = []
    spans: list[str] = []
    index = start
    if text[index] == "]":
        index += 1
    else:
        while True:
            item, end = _DECODER.raw_decode(text, index)
            items.append(item)
            spans.append(text[index:end])
            index = end + 1
            if text[end] == "]":
                break
            if text[end] != ",":
                raise ValueError("not a list")
    if text[index] == "}" and not text[index + 1 :].strip():
        rest: Any = {}
    elif text[index] == ",":
        rest = json.loads("{" + text[index + 1 :])
    else:
        raise ValueError("not an object")
    if not isinstance(rest, dict) or first in rest:
        raise ValueError("the key given twice")
    return {first: items, **rest}, spans


def malformed(what: str, detail: str) -> PackRefused:
    return PackRefused(
        f"This {what} is signed but its contents are not what this version expects "
        f"({detail}); nothing was imported.",
        "malformed",
    )


def unauthorised(detail: str) -> PackRefused:
    """A signed pack carrying something its sender may not create or change."""
    return PackRefused(
        f"This pack changes what its sender may not change: {detail}. Nothing was imported.",
        "not_authorised",
    )


def conflict(detail: str) -> PackRefused:
    return PackRefused(
        f"This pack clashes with what is already in this store ({detail}); nothing was "
        "imported. Ask the inspector which copy is right before going further.",
        "conflict",
    )


def timestamp(value: datetime | None) -> str | None:
    """The canonical text of a timestamp (as ``db.types.UTCDateTime`` stores it)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def parse_timestamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("timestamp without a time zone")
    return moment.astimezone(UTC)


_CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")


def _timestamp(value: Any) -> str:
    if type(value) is str and len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if _CANONICAL.fullmatch(value):
                return value
            if moment.tzinfo is not None:
                return timestamp(moment) or ""
    raise ValueError("is not a timestamp")


def _date(value: Any) -> str:
    if type(value) is str and len(value) == 10:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError("is not a date")


def is_id(text: str) -> bool:
    return _UUID.match(text) is not None


def _id(value: Any) -> str:
    if type(value) is str and _UUID.match(value):
        return value
    raise ValueError("is not an id")


def _int(value: Any) -> int:
    if type(value) is int and 0 <= value < 2**31:
        return value
    raise ValueError("is not a whole number")


def _bool(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise ValueError("is not true or false")


def _sha256(value: Any) -> str:
    if type(value) is str and _SHA256.fullmatch(value):
        return value
    raise ValueError("is not a SHA-256 digest (64 hexadecimal digits)")


def _text(size: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if type(value) is str and len(value) <= size:
            return value
        raise ValueError(f"is not text of at most {size} characters")

    return check


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "id": _id,
    "int": _int,
    "ts": _timestamp,
    "date": _date,
    "bool": _bool,
    "sha256": _sha256,
}


@functools.lru_cache(maxsize=64)
def _compiled(spec: tuple[tuple[str, str], ...]) -> tuple[tuple[str, bool, Callable], ...]:
    """``(field, optional, check)`` for each field of a spec such as ``{"at": "ts?"}``."""
    result = []
    for field, kind in spec:
        name, _, size = kind.partition(":")
        optional = name.endswith("?")
        name = name.rstrip("?")
        check = _CHECKS.get(name) or _text(int(size or MAX_TEXT))
        result.append((field, optional, check))
    return tuple(result)


def check_record(record: Any, spec: dict[str, str], what: str, label: str) -> dict[str, Any]:
    """A copy of ``record`` with exactly the fields of ``spec``, each checked; else refused."""
    if type(record) is not dict:
        raise malformed(what, f"a {label} is not a record")
    named = name_of(record, label)
    if len(record) > len(spec) or not record.keys() <= spec.keys():
        extra = ", ".join(sorted(set(record) - set(spec)))[:200]
        raise malformed(what, f"{named} has unknown fields: {extra}")
    result = {}
    for field, optional, check in _compiled(tuple(spec.items())):
        value = record.get(field)
        try:
            if value is None:
                if not optional:
                    raise ValueError("is missing")
                result[field] = None
            else:
                result[field] = check(value)
        except ValueError as exc:
            raise malformed(what, f"{named}: its field '{field}' {exc}") from None
    return result


def name_of(record: dict[str, Any], label: str) -> str:
    """How a refusal names a record: its kind and, if it has a well-formed one, its id."""
    ident = record.get("id")
    return f"the {label} {ident}" if type(ident) is str and is_id(ident) else f"a {label}"


def check_list(value: Any, what: str, label: str, cap: int) -> list[Any]:
    if not isinstance(value, list):
        raise malformed(what, f"the {label} list is missing")
    if len(value) > cap:
        raise malformed(what, f"it holds {len(value)} {label} records, more than {cap}")
    return value
