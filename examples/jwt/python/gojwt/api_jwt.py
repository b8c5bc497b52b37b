"""Encoding and decoding tokens: PyJWT's ``PyJWT`` class and module functions.

The Go core does the work that decides whether a token is good: splitting and base64url,
the header rules, the algorithm policy, key parsing and checks, signatures and the registered
claims. This layer adapts PyJWT's arguments to it and turns JSON into Python objects, with
Python's own ``json`` so that tokens match PyJWT's byte for byte.
"""

from __future__ import annotations

import json
import time
import warnings
from calendar import timegm
from collections.abc import Container, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from . import _gojwt, _types
from ._errors import raise_from_go
from ._keys import key_bytes
from .api_jwk import PyJWK
from .exceptions import DecodeError, InsecureKeyLengthWarning, InvalidTokenError

_ALGORITHM_UNSET: Any = object()

_DEFAULT_OPTIONS: dict[str, Any] = {
    "verify_signature": True,
    "verify_exp": True,
    "verify_nbf": True,
    "verify_iat": True,
    "verify_aud": True,
    "verify_iss": True,
    "verify_sub": True,
    "verify_jti": True,
    "require": [],
    "strict_aud": False,
    "enforce_minimum_key_length": False,
}

# json.dumps(..., separators=(",", ":")) made once: the same output, without building an
# encoder per call.
_COMPACT = json.JSONEncoder(separators=(",", ":"))
_COMPACT_SORTED = json.JSONEncoder(separators=(",", ":"), sort_keys=True)

_MAX_VERIFIERS = 256


class PyJWT:
    """Encoder and decoder of JSON Web Tokens with default ``options``, as in PyJWT."""

    header_typ = "JWT"

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options: dict[str, Any] = dict(_DEFAULT_OPTIONS)
        if options is not None:
            self.options = self._merge_options(options)
        self._verifiers: dict[Any, _types.Verifier] = {}

    def _merge_options(self, options: dict[str, Any] | None) -> dict[str, Any]:
        if options is None:
            return self.options
        merged = dict(options)
        if not merged.get("verify_signature", True):
            for name in ("verify_exp", "verify_nbf", "verify_iat", "verify_aud", "verify_iss", "verify_sub", "verify_jti"):
                merged.setdefault(name, False)
        return {**self.options, **merged}

    def encode(
        self,
        payload: dict[str, Any],
        key: Any,
        algorithm: str | None = _ALGORITHM_UNSET,
        headers: dict[str, Any] | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
        sort_headers: bool = True,
    ) -> str:
        """Encode ``payload`` as a signed JSON Web Token.

        ``key`` is an HMAC secret, a PEM private key (str or bytes), a ``PyJWK`` or a
        ``cryptography`` private key. ``headers`` adds JOSE header members (its ``alg`` wins
        over ``algorithm``). Datetimes in ``exp``, ``iat`` and ``nbf`` become timestamps.
        """
        if not isinstance(payload, dict):
            raise TypeError("Expecting a dict object, as JWT only supports JSON objects as payloads.")
        for claim in ("exp", "iat", "nbf"):
            if isinstance(payload.get(claim), datetime):
                payload = payload.copy()
                for c in ("exp", "iat", "nbf"):
                    value = payload.get(c)
                    if isinstance(value, datetime):
                        payload[c] = timegm(value.utctimetuple())
                break
        if "iss" in payload and not isinstance(payload["iss"], str):
            raise TypeError("Issuer (iss) must be a string.")

        if algorithm is _ALGORITHM_UNSET:
            alg = key.algorithm_name if isinstance(key, PyJWK) else "HS256"
        elif algorithm is None:
            alg = key.algorithm_name if isinstance(key, PyJWK) else "none"
        else:
            alg = algorithm
        header: dict[str, Any] = {"typ": self.header_typ, "alg": alg}
        if headers:
            if headers.get("alg"):
                alg = header["alg"] = headers["alg"]
            if headers.get("b64") is False:
                raise NotImplementedError("gojwt does not support detached payloads (b64 false)")
            if "kid" in headers and not isinstance(headers["kid"], str):
                raise InvalidTokenError("Key ID header parameter must be a string")
            header.update(headers)
            if not header["typ"]:
                del header["typ"]
            header.pop("b64", None)

        if json_encoder is None:
            json_header = (_COMPACT_SORTED if sort_headers else _COMPACT).encode(header).encode()
            json_payload = _COMPACT.encode(payload).encode()
        else:
            json_header = json.dumps(header, separators=(",", ":"), cls=json_encoder, sort_keys=sort_headers).encode()
            json_payload = json.dumps(payload, separators=(",", ":"), cls=json_encoder).encode()

        enforce = bool(self.options.get("enforce_minimum_key_length", False))
        try:
            if isinstance(key, PyJWK):
                token, warning = _gojwt.encode_with_key(json_header, json_payload, alg, key.key, enforce)
            else:
                token, warning = _gojwt.encode(json_header, json_payload, alg, key_bytes(key, alg), enforce)
        except _gojwt.GoError as err:
            raise_from_go(err)
        if warning:
            warnings.warn(warning, InsecureKeyLengthWarning, stacklevel=2)
        return token

    def decode_complete(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
        verify: bool | None = None,
        detached_payload: bytes | None = None,
        audience: str | Iterable[str] | None = None,
        issuer: str | Container[str] | None = None,
        subject: str | None = None,
        leeway: float | timedelta = 0,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Like ``decode``, but return the header, the payload and the signature:
        ``{"header": {...}, "payload": {...}, "signature": b"..."}``."""
        header, payload, signature = self._decode(
            jwt, key, algorithms, options, detached_payload, audience, issuer, subject, leeway
        )
        return {"header": json.loads(header), "payload": json.loads(payload), "signature": signature}

    def decode(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
        verify: bool | None = None,
        detached_payload: bytes | None = None,
        audience: str | Iterable[str] | None = None,
        subject: str | None = None,
        issuer: str | Container[str] | None = None,
        leeway: float | timedelta = 0,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Verify the token's signature and claims and return its claims.

        ``algorithms`` (required when verifying) lists the algorithms to accept; never derive
        it from the token. ``key`` is an HMAC secret, a PEM public or private key, a
        certificate, a ``PyJWK`` or a ``cryptography`` key. ``options`` switches checks off
        (``verify_signature``, ``verify_exp``, ...) and lists claims to ``require``.
        """
        _, payload, _ = self._decode(jwt, key, algorithms, options, detached_payload, audience, issuer, subject, leeway)
        result: dict[str, Any] = json.loads(payload)
        return result

    def _decode(
        self,
        jwt: str | bytes,
        key: Any,
        algorithms: Sequence[str] | None,
        options: dict[str, Any] | None,
        detached_payload: bytes | None,
        audience: Any,
        issuer: Any,
        subject: str | None,
        leeway: float | timedelta,
    ) -> tuple[bytes, bytes, bytes]:
        token = _token_text(jwt)
        if detached_payload is not None:
            raise NotImplementedError("gojwt does not support detached payloads (b64 false)")
        verifier = self._verifier(algorithms, options, audience, issuer, subject, leeway)
        try:
            if isinstance(key, PyJWK):
                header, payload, signature, warning = verifier.decode_with_key(token, key.key, time.time())
            else:
                header, payload, signature, warning = verifier.decode(token, key_bytes(key, ""), time.time())
        except _gojwt.GoError as err:
            raise_from_go(err)
        if warning:
            warnings.warn(warning, InsecureKeyLengthWarning, stacklevel=3)
        return header, payload, signature

    def _verifier(
        self,
        algorithms: Sequence[str] | None,
        options: dict[str, Any] | None,
        audience: Any,
        issuer: Any,
        subject: str | None,
        leeway: float | timedelta,
    ) -> _types.Verifier:
        """The Go verifier for these arguments, made once and reused."""
        try:
            cache_key: Any = (
                tuple(algorithms) if algorithms else None,
                _freeze(options),
                audience if isinstance(audience, str) or audience is None else tuple(audience),
                issuer if isinstance(issuer, str) or issuer is None else tuple(issuer),
                subject,
                leeway,
            )
            hash(cache_key)
        except TypeError:
            cache_key = None
        verifier = self._verifiers.get(cache_key) if cache_key is not None else None
        if verifier is None:
            verifier = _gojwt.new_verifier(self._options(algorithms, options, audience, issuer, subject, leeway))
            if cache_key is not None:
                if len(self._verifiers) >= _MAX_VERIFIERS:
                    self._verifiers.clear()
                self._verifiers[cache_key] = verifier
        return verifier

    def _options(
        self,
        algorithms: Sequence[str] | None,
        options: dict[str, Any] | None,
        audience: Any,
        issuer: Any,
        subject: str | None,
        leeway: float | timedelta,
    ) -> _types.Options:
        merged = self._merge_options(options)
        verify_signature = True if options is None else bool(options.get("verify_signature", True))
        if isinstance(leeway, timedelta):
            leeway = leeway.total_seconds()
        if audience is not None and not isinstance(audience, (str, Iterable)):
            raise TypeError("audience must be a string, iterable or None")
        issuers: list[str] = []
        issuer_invalid = False
        if isinstance(issuer, str):
            issuers = [issuer]
        elif issuer is not None:
            try:
                issuers = [i for i in issuer if isinstance(i, str)]
            except TypeError:
                issuer_invalid = True
        return _types.Options(
            algorithms=[a for a in algorithms or () if isinstance(a, str)],
            verify_signature=verify_signature,
            verify_exp=bool(merged["verify_exp"]),
            verify_nbf=bool(merged["verify_nbf"]),
            verify_iat=bool(merged["verify_iat"]),
            verify_aud=bool(merged["verify_aud"]),
            verify_iss=bool(merged["verify_iss"]),
            verify_sub=bool(merged.get("verify_sub", True)),
            verify_jti=bool(merged.get("verify_jti", True)),
            require=list(merged["require"]),
            has_audience=audience is not None,
            audience_is_string=isinstance(audience, str),
            audience=[audience] if isinstance(audience, str) else list(audience or ()),
            strict_audience=bool(merged.get("strict_aud", False)),
            has_issuer=issuer is not None,
            issuer_invalid=issuer_invalid,
            issuer=issuers,
            has_subject=subject is not None,
            subject=subject or "",
            leeway=float(leeway),
            enforce_minimum_key_length=bool(merged.get("enforce_minimum_key_length", False)),
        )


def get_unverified_header(jwt: str | bytes) -> dict[str, Any]:
    """The token's header, without verifying the token: do not trust it yet."""
    try:
        header: dict[str, Any] = json.loads(_gojwt.unverified_header(_token_text(jwt)))
    except _gojwt.GoError as err:
        raise_from_go(err)
    return header


def _token_text(jwt: Any) -> str:
    if isinstance(jwt, str):
        return jwt
    if isinstance(jwt, bytes):
        # Latin-1 keeps every byte; a non-ASCII byte then fails the base64url check in Go.
        return jwt.decode("latin-1")
    raise DecodeError(f"Invalid token type. Token must be a {bytes}")


def _freeze(options: dict[str, Any] | None) -> Any:
    if not options:
        return None
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))


_jwt_global_obj = PyJWT()
encode = _jwt_global_obj.encode
decode_complete = _jwt_global_obj.decode_complete
decode = _jwt_global_obj.decode
