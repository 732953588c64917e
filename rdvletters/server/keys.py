"""The server's cryptography, in one place: sealing, wrapping, deriving.

- ``seal``/``unseal``: AES-256-GCM with a random 96-bit nonce and associated data
  naming what the bytes are (a blob of case X cannot be swapped into case Y).
- Case keys are random 256-bit AES keys, stored only *wrapped*:
  to a volunteer's or the association's recovery X25519 public key (``wrap_to``:
  an ephemeral key pair, ECDH, HKDF-SHA256, AES-GCM), or under a key derived
  from a person's link token (``link_key``: the token has at least 128 bits of
  entropy, so HKDF suffices). Wrapping to a public key lets a volunteer hand a
  case over to a colleague who is not signed in.
- A volunteer's X25519 private key is sealed under a key derived from their
  password with Argon2id (``password_key``); it is unsealed at login only.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16


class SealError(Exception):
    """A sealed value that does not open: wrong key, or bytes altered."""


@dataclass(frozen=True)
class Argon2Cost:
    """Argon2id cost (RFC 9106's second recommended option by default: 64 MiB, t=3)."""

    memory_kib: int = 65536
    time_cost: int = 3
    parallelism: int = 1


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def seal(key: bytes, data: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, data, aad)


def unseal(key: bytes, blob: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError) as exc:
        raise SealError("sealed value does not open") from exc


def _hkdf(secret: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(hashes.SHA256(), KEY_BYTES, salt, info).derive(secret)


def password_key(password: str, salt: bytes, cost: Argon2Cost) -> bytes:
    """A 256-bit key from a password (Argon2id)."""
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=cost.time_cost,
        memory_cost=cost.memory_kib,
        parallelism=cost.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def new_keypair() -> tuple[bytes, bytes]:
    """(private, public), 32 raw bytes each."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def public_of(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def wrap_to(public: bytes, secret: bytes, aad: bytes) -> bytes:
    """``secret`` readable only with the private key of ``public``."""
    ephemeral = X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    key = _hkdf(shared, b"rdvletters wrap v1", eph_pub + public)
    return eph_pub + seal(key, secret, aad)


def unwrap_with(private: bytes, blob: bytes, aad: bytes) -> bytes:
    return Unwrapper(private).unwrap(blob, aad)


class Unwrapper:
    """``unwrap_with`` for many blobs wrapped to the same key (a volunteer's list of
    cases): the private key is loaded, and its public half computed, once; each blob
    still costs its own key exchange, derivation and authenticated decryption."""

    def __init__(self, private: bytes) -> None:
        self._me = X25519PrivateKey.from_private_bytes(private)
        self._public = self._me.public_key().public_bytes_raw()

    def unwrap(self, blob: bytes, aad: bytes) -> bytes:
        eph_pub, sealed = blob[:KEY_BYTES], blob[KEY_BYTES:]
        try:
            shared = self._me.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        except ValueError as exc:
            raise SealError("not a wrapped key") from exc
        key = _hkdf(shared, b"rdvletters wrap v1", eph_pub + self._public)
        return unseal(key, sealed, aad)


def seal_private(private: bytes, password: str, cost: Argon2Cost) -> bytes:
    """A volunteer's private key under their password: salt, then the sealed key."""
    salt = secrets.token_bytes(SALT_BYTES)
    return salt + seal(password_key(password, salt, cost), private, b"user private key")


def open_private(blob: bytes, password: str, cost: Argon2Cost) -> bytes:
    salt, sealed = blob[:SALT_BYTES], blob[SALT_BYTES:]
    return unseal(password_key(password, salt, cost), sealed, b"user private key")


def token_hash(token: str) -> str:
    """How a link or session token is stored: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def derived_key(secret: bytes, purpose: bytes) -> bytes:
    """A key for one purpose, derived from the server's secret (high entropy: HKDF)."""
    return _hkdf(secret, purpose)


def token_key(token: str, purpose: bytes) -> bytes:
    """A key that only the holder of ``token`` can compute (a link, a session cookie)."""
    return _hkdf(token.encode("ascii", "replace"), b"rdvletters token key " + purpose)


def new_token(nbytes: int = 24) -> str:
    """A capability token: 192 bits by default, URL-safe."""
    return secrets.token_urlsafe(nbytes)


def recovery_text(private: bytes) -> str:
    """The recovery key as printed at set-up: base32 in groups of four."""
    text = base64.b32encode(private).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def recovery_from_text(text: str) -> bytes:
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    compact += "=" * (-len(compact) % 8)
    try:
        raw = base64.b32decode(compact)
    except ValueError as exc:
        raise SealError("not a recovery key") from exc
    if len(raw) != KEY_BYTES:
        raise SealError("not a recovery key")
    return raw
