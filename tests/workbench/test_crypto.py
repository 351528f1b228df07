"""Keys, the passphrase KDF, sealing, pack keys, signatures, fingerprints and kit codes."""

from __future__ import annotations

import json
import re

import pytest

from workbench import crypto
from workbench.errors import WorkbenchError

FINGERPRINT = re.compile(r"^([0-9A-F]{4} ){7}[0-9A-F]{4}$")


def test_fingerprint_is_eight_groups_of_four_hex_digits_and_depends_on_the_key() -> None:
    _, public_a = crypto.new_signing_key()
    _, public_b = crypto.new_signing_key()
    assert FINGERPRINT.match(crypto.fingerprint(public_a))
    assert crypto.fingerprint(public_a) == crypto.fingerprint(public_a)
    assert crypto.fingerprint(public_a) != crypto.fingerprint(public_b)


def test_a_fingerprint_typed_in_any_spacing_or_case_is_normalised() -> None:
    shown = crypto.fingerprint(b"x" * 32)
    typed = shown.lower().replace(" ", "")
    assert crypto.normalise_fingerprint(typed) == shown
    assert crypto.normalise_fingerprint(shown.replace(" ", "-")) == shown
    with pytest.raises(WorkbenchError, match="not a key fingerprint"):
        crypto.normalise_fingerprint(shown[:-1])
    with pytest.raises(WorkbenchError, match="not a key fingerprint"):
        crypto.normalise_fingerprint(shown.replace(shown[0], "G"))


def test_kdf_parameters_are_argon2id_at_owasp_strength_with_a_fresh_salt() -> None:
    first, second = crypto.new_kdf_params(), crypto.new_kdf_params()
    assert first["name"] == "argon2id"
    assert first["memory_kib"] >= 19456 and first["iterations"] >= 2 and first["lanes"] >= 1
    assert first["salt"] != second["salt"]
    key = crypto.derive_key("a passphrase long enough", first)
    assert len(key) == 32
    assert key == crypto.derive_key("a passphrase long enough", first)
    assert key != crypto.derive_key("a passphrase long enough", second)


def test_private_keys_sealed_under_a_passphrase_open_only_with_it() -> None:
    private = crypto.InspectionPrivate.generate()
    blob, kdf = private.seal("correct horse battery", b"inspection-1")
    assert json.loads(kdf)["name"] == "argon2id"
    opened = crypto.InspectionPrivate.unseal(blob, kdf, "correct horse battery", b"inspection-1")
    assert opened.public == private.public
    with pytest.raises(crypto.WrongPassphrase, match="passphrase is wrong"):
        crypto.InspectionPrivate.unseal(blob, kdf, "correct horse batterY", b"inspection-1")
    # Bound to its inspection: the same blob does not open as another inspection's key.
    with pytest.raises(crypto.WrongPassphrase):
        crypto.InspectionPrivate.unseal(blob, kdf, "correct horse battery", b"inspection-2")


def test_sealed_private_keys_do_not_contain_the_raw_key() -> None:
    private = crypto.InspectionPrivate.generate()
    raw = private.sign.private_bytes_raw()
    blob, _ = private.seal("correct horse battery", b"aad")
    assert raw not in crypto.unb64(blob)


def test_short_passphrases_are_refused_for_new_keys() -> None:
    with pytest.raises(WorkbenchError, match="at least 12 characters"):
        crypto.check_new_passphrase("short")
    crypto.check_new_passphrase("twelve chars")


def test_only_the_inspection_private_key_derives_a_packs_key() -> None:
    inspection = crypto.InspectionPrivate.generate()
    other = crypto.InspectionPrivate.generate()
    ephemeral, key = crypto.new_pack_key(inspection.public.encrypt)
    assert crypto.pack_key(inspection.encrypt, ephemeral) == key
    assert crypto.pack_key(other.encrypt, ephemeral) != key
    sealed = crypto.seal(key, b"grades", b"header")
    assert crypto.unseal(key, sealed, b"header") == b"grades"
    with pytest.raises(crypto.InvalidTag):
        crypto.unseal(key, sealed, b"another header")
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(crypto.InvalidTag):
        crypto.unseal(key, flipped, b"header")


def test_signatures_verify_only_for_the_signed_bytes_and_key() -> None:
    private, public = crypto.new_signing_key()
    _, other = crypto.new_signing_key()
    signature = crypto.sign(private, b"pack bytes")
    assert crypto.signature_valid(public, signature, b"pack bytes")
    assert not crypto.signature_valid(public, signature, b"pack byteS")
    assert not crypto.signature_valid(other, signature, b"pack bytes")
    assert not crypto.signature_valid(public, b"short", b"pack bytes")


def test_kit_codes_are_five_groups_of_four_unambiguous_characters() -> None:
    code = crypto.new_kit_code()
    assert re.match(r"^([A-HJ-NP-Z2-9]{4}-){4}[A-HJ-NP-Z2-9]{4}$", code)
    assert code != crypto.new_kit_code()
    salt = b"s" * 16
    assert crypto.kit_key(code.lower().replace("-", " "), salt) == crypto.kit_key(code, salt)
    assert crypto.kit_key(code, salt) != crypto.kit_key(crypto.new_kit_code(), salt)
    with pytest.raises(crypto.WrongKitCode, match="not a kit code"):
        crypto.kit_key("ABCD-EFGH", salt)
