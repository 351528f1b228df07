"""Keys, the passphrase KDF, sealing, signatures and fingerprints (``cryptography`` only).

- An inspection has an Ed25519 key (signs kits) and an X25519 key (packs are encrypted to
  it). Its private half is sealed with AES-256-GCM under a key derived from the lead's
  passphrase by Argon2id at OWASP strength (19 MiB, 2 passes, 1 lane); the parameters are
  stored beside it so they can be raised later without breaking old stores.
- A pack's payload is encrypted to the inspection: an ephemeral X25519 key agreement,
  HKDF-SHA256, AES-256-GCM with the plaintext header as associated data (``new_pack_key``).
- Fingerprints are SHA-256 of the public key bytes, the first 128 bits shown as eight
  groups of four hex digits, for people to compare by phone.
- A kit code is 100 random bits written as five groups of four letters and digits; the kit
  is encrypted under a key derived from it, and the lead tells it to the inspector.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from workbench.errors import WorkbenchError

MIN_PASSPHRASE = 12
KIT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0 or 1 to misread
KIT_CODE_LENGTH = 20
NONCE = 12
_RAW_PUBLIC = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)
_RAW_PRIVATE = (
    serialization.Encoding.Raw,
    serialization.PrivateFormat.Raw,
    serialization.NoEncryption(),
)
# OWASP Password Storage Cheat Sheet, Argon2id: m=19 MiB, t=2, p=1.
ARGON2ID = {"name": "argon2id", "memory_kib": 19456, "iterations": 2, "lanes": 1}


class WrongPassphrase(WorkbenchError):
    """The passphrase does not open the inspection's private key."""


class WrongKitCode(WorkbenchError):
    """The kit code does not open the kit."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def fingerprint(*public_keys: bytes) -> str:
    """``3F2A 9C1B 77E0 ...``: the first 128 bits of SHA-256 over the public key bytes."""
    return _grouped(hashlib.sha256(b"".join(public_keys)).hexdigest()[:32].upper())


def _grouped(digits: str) -> str:
    """32 hex digits as eight groups of four, the form people compare by phone."""
    return " ".join(digits[i : i + 4] for i in range(0, 32, 4))


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as typed (any spacing or case) in the standard grouped form."""
    digits = "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-:")
    if len(digits) != 32 or any(ch not in "0123456789ABCDEF" for ch in digits):
        raise WorkbenchError(
            f"'{text}' is not a key fingerprint: it should be 32 hex digits, "
            "shown as eight groups of four such as 3F2A 9C1B 77E0 ..."
        )
    return _grouped(digits)


# -- passphrase KDF and sealing -------------------------------------------------------------


MIN_STRENGTH = 3  # zxcvbn's score, 0 to 4: 3 is "safely unguessable: moderate protection"


def check_new_passphrase(passphrase: str, *, user_inputs: tuple[str, ...] = ()) -> None:
    """Refuse, saying why, a passphrase shorter than 12 characters or easy to guess.

    Strength is estimated by zxcvbn (dictionary words, names, keyboard patterns, repeats,
    dates and leet substitutions); ``user_inputs`` (the user's name, the force) count as
    guessable too.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        raise WorkbenchError(
            f"The passphrase must be at least {MIN_PASSPHRASE} characters; a few unrelated "
            "words make a good one."
        )
    from zxcvbn import zxcvbn  # loaded only when a passphrase is chosen

    result = zxcvbn(passphrase[:100], user_inputs=[u for u in user_inputs if u])
    if result["score"] < MIN_STRENGTH:
        feedback = result.get("feedback") or {}
        reasons = [feedback.get("warning") or ""] + list(feedback.get("suggestions") or [])
        why = " ".join(r.strip().rstrip(".") + "." for r in reasons if r and r.strip())
        raise WorkbenchError(
            "That passphrase is too easy to guess"
            + (f": {why}" if why else ".")
            + " Choose another: a few unrelated words make a good one."
        )


def new_kdf_params() -> dict[str, object]:
    return {**ARGON2ID, "salt": b64(os.urandom(16))}


def derive_key(passphrase: str, params: dict[str, object]) -> bytes:
    """The 256-bit key that ``passphrase`` gives under the stored KDF ``params``."""
    if params.get("name") != "argon2id":
        raise WorkbenchError(f"Unknown key derivation '{params.get('name')}' in this store.")
    return Argon2id(
        salt=unb64(str(params["salt"])),
        length=32,
        iterations=int(params["iterations"]),  # type: ignore[call-overload]
        lanes=int(params["lanes"]),  # type: ignore[call-overload]
        memory_cost=int(params["memory_kib"]),  # type: ignore[call-overload]
    ).derive(passphrase.encode("utf-8"))


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM: a random nonce followed by the ciphertext and tag."""
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Open ``seal``'s output; raises ``InvalidTag`` if anything was changed."""
    return AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], aad)


# -- the inspection key pair ----------------------------------------------------------------


@dataclass(frozen=True)
class InspectionPublic:
    sign: bytes
    encrypt: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sign, self.encrypt)


@dataclass(frozen=True)
class InspectionPrivate:
    sign: Ed25519PrivateKey
    encrypt: X25519PrivateKey

    @classmethod
    def generate(cls) -> InspectionPrivate:
        return cls(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    @property
    def public(self) -> InspectionPublic:
        return InspectionPublic(
            self.sign.public_key().public_bytes(*_RAW_PUBLIC),
            self.encrypt.public_key().public_bytes(*_RAW_PUBLIC),
        )

    def seal(self, passphrase: str, aad: bytes) -> tuple[str, str]:
        """The private keys sealed under ``passphrase``: (blob, KDF parameters as JSON)."""
        params = new_kdf_params()
        raw = self.sign.private_bytes(*_RAW_PRIVATE) + self.encrypt.private_bytes(*_RAW_PRIVATE)
        return b64(seal(derive_key(passphrase, params), raw, aad)), json.dumps(params)

    @classmethod
    def unseal(cls, blob: str, kdf: str, passphrase: str, aad: bytes) -> InspectionPrivate:
        try:
            raw = unseal(derive_key(passphrase, json.loads(kdf)), unb64(blob), aad)
        except InvalidTag:
            raise WrongPassphrase(
                "The passphrase is wrong: it does not open this inspection's key. Check it "
                "(it is case-sensitive) and try again."
            ) from None
        return cls(
            Ed25519PrivateKey.from_private_bytes(raw[:32]),
            X25519PrivateKey.from_private_bytes(raw[32:]),
        )


# -- signatures -----------------------------------------------------------------------------


def new_signing_key() -> tuple[bytes, bytes]:
    """A new Ed25519 key: (private bytes, public bytes)."""
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(*_RAW_PRIVATE), key.public_key().public_bytes(*_RAW_PUBLIC)


def sign(private: bytes | Ed25519PrivateKey, data: bytes) -> bytes:
    if not isinstance(private, Ed25519PrivateKey):
        private = Ed25519PrivateKey.from_private_bytes(private)
    return private.sign(data)


def signature_valid(public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


# -- encryption to the inspection -----------------------------------------------------------

_PACK_INFO = b"inspectors-workbench pack key v1"


def _pack_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_PACK_INFO
    ).derive(shared)


def new_pack_key(recipient: bytes) -> tuple[bytes, bytes]:
    """A fresh key for one pack to the X25519 ``recipient``: (ephemeral public key, key).

    The ephemeral public key goes in the pack's header; only the holder of the recipient's
    private key can derive the same key from it (``pack_key``).
    """
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(*_RAW_PUBLIC)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    return ephemeral_public, _pack_key(shared, ephemeral_public, recipient)


def pack_key(private: X25519PrivateKey, ephemeral: bytes) -> bytes:
    """The key of a pack whose header gives ``ephemeral``; raises ``ValueError`` if invalid."""
    recipient = private.public_key().public_bytes(*_RAW_PUBLIC)
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    return _pack_key(shared, ephemeral, recipient)


# -- kit codes ------------------------------------------------------------------------------


def new_kit_code() -> str:
    code = "".join(secrets.choice(KIT_CODE_ALPHABET) for _ in range(KIT_CODE_LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, KIT_CODE_LENGTH, 4))


def normalise_kit_code(text: str) -> str:
    code = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(code) != KIT_CODE_LENGTH or any(ch not in KIT_CODE_ALPHABET for ch in code):
        raise WrongKitCode(
            "That is not a kit code: it is 20 letters and digits in five groups of four, "
            "such as 7KQF-M2XA-...; ask the lead inspector to read it to you again."
        )
    return code


def kit_key(code: str, salt: bytes) -> bytes:
    """The key a kit is sealed under. The code carries 100 random bits, so HKDF suffices."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"inspectors-workbench kit v1"
    ).derive(normalise_kit_code(code).encode("ascii"))


__all__ = [
    "InspectionPrivate",
    "InspectionPublic",
    "InvalidTag",
    "WrongKitCode",
    "WrongPassphrase",
    "b64",
    "check_new_passphrase",
    "derive_key",
    "fingerprint",
    "kit_key",
    "new_kit_code",
    "new_pack_key",
    "new_signing_key",
    "normalise_fingerprint",
    "normalise_kit_code",
    "pack_key",
    "seal",
    "sign",
    "signature_valid",
    "unb64",
    "unseal",
]
