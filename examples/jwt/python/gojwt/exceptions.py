"""The exceptions of gojwt: the same classes, hierarchy and messages as PyJWT's."""

from __future__ import annotations


class PyJWTError(Exception):
    """Base class for all exceptions."""


class InvalidTokenError(PyJWTError):
    """The token is invalid: every decoding and validation failure derives from this."""


class DecodeError(InvalidTokenError):
    """The token could not be decoded: bad segments, base64 or JSON."""


class InvalidSignatureError(DecodeError):
    """The signature does not match."""


class ExpiredSignatureError(InvalidTokenError):
    """The "exp" claim is in the past."""


class InvalidAudienceError(InvalidTokenError):
    """The "aud" claim does not match the expected audience."""


class InvalidIssuerError(InvalidTokenError):
    """The "iss" claim does not match the expected issuer."""


class InvalidIssuedAtError(InvalidTokenError):
    """The "iat" claim is not an integer."""


class ImmatureSignatureError(InvalidTokenError):
    """The "nbf" or "iat" claim is in the future."""


class InvalidKeyError(PyJWTError):
    """The key is not usable with the algorithm."""


class InvalidAlgorithmError(InvalidTokenError):
    """The algorithm is not allowed or not supported."""


class MissingRequiredClaimError(InvalidTokenError):
    """A required claim is missing from the token."""

    def __init__(self, claim: str) -> None:
        self.claim = claim

    def __str__(self) -> str:
        return f'Token is missing the "{self.claim}" claim'


class InvalidSubjectError(InvalidTokenError):
    """The "sub" claim is not a string or does not match the expected subject."""


class InvalidJTIError(InvalidTokenError):
    """The "jti" claim is not a string."""


class PyJWKError(PyJWTError):
    """A JWK could not be used."""


class PyJWKSetError(PyJWTError):
    """A JWK set is empty or malformed."""


class InsecureKeyLengthWarning(UserWarning):
    """A key is shorter than the minimum recommended for its algorithm."""


__all__ = [
    "DecodeError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "InsecureKeyLengthWarning",
    "InvalidAlgorithmError",
    "InvalidAudienceError",
    "InvalidIssuedAtError",
    "InvalidIssuerError",
    "InvalidJTIError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidSubjectError",
    "InvalidTokenError",
    "MissingRequiredClaimError",
    "PyJWKError",
    "PyJWKSetError",
    "PyJWTError",
]
