"""Turning the keys users pass into the bytes the Go core reads."""

from __future__ import annotations

from typing import Any


def key_bytes(key: Any, algorithm: str) -> bytes:
    """The bytes of key: an HMAC secret or PEM text.

    str and bytes-like keys pass through; objects of the ``cryptography`` package (private and
    public keys, as PyJWT accepts) are serialized to PEM, so code that hands PyJWT such objects
    keeps working.
    """
    if isinstance(key, bytes):
        return key
    if isinstance(key, str):
        return key.encode("utf-8")
    if isinstance(key, (bytearray, memoryview)):
        return bytes(key)
    if key is None:
        if algorithm == "none":
            return b""
        raise TypeError("Expected a string value")
    return _cryptography_pem(key)


def _cryptography_pem(key: Any) -> bytes:
    if hasattr(key, "private_bytes") or hasattr(key, "public_bytes"):
        from cryptography.hazmat.primitives import serialization as s

        if hasattr(key, "private_bytes"):
            return key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption())  # type: ignore[no-any-return]
        if hasattr(key, "public_bytes"):
            return key.public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo)  # type: ignore[no-any-return]
    raise TypeError("Expecting a PEM-formatted key.")
