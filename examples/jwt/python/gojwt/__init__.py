"""JSON Web Tokens with a Go core: PyJWT's API, so that switching is one import.

    import gojwt as jwt

    token = jwt.encode({"sub": "42"}, "a-secret-of-at-least-32-bytes-long", algorithm="HS256")
    claims = jwt.decode(token, "a-secret-of-at-least-32-bytes-long", algorithms=["HS256"])
"""

from __future__ import annotations

from ._gojwt import algorithms as _algorithms
from .api_jwk import PyJWK, PyJWKSet
from .api_jwt import PyJWT, decode, decode_complete, encode, get_unverified_header
from . import exceptions
from .exceptions import *  # noqa: F403  (the exception classes, as PyJWT exports them)

__version__ = "0.1.0"


def get_algorithms() -> list[str]:
    """The supported ``alg`` values."""
    return _algorithms()


__all__ = [
    "PyJWK",
    "PyJWKSet",
    "PyJWT",
    "decode",
    "decode_complete",
    "encode",
    "get_algorithms",
    "get_unverified_header",
    *exceptions.__all__,
]
