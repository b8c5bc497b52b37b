"""JSON Web Keys: PyJWK and PyJWKSet, as in PyJWT."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from . import _gojwt, _types
from ._errors import raise_from_go
from .exceptions import InvalidKeyError, PyJWKSetError, PyJWTError


class PyJWK:
    """A JSON Web Key (RFC 7517), parsed by the Go core.

    ``algorithm`` picks the algorithm the key is for; by default the key's ``alg`` member,
    or the usual algorithm of its type. Unlike PyJWT's, ``key`` is the Go key object, not a
    ``cryptography`` one; pass the ``PyJWK`` itself to ``encode`` and ``decode``.
    """

    def __init__(self, jwk_data: dict[str, Any], algorithm: str | None = None) -> None:
        self._jwk_data = jwk_data
        if not isinstance(jwk_data, dict) or not jwk_data.get("kty"):
            raise InvalidKeyError(f"kty is not found: {jwk_data}")
        try:
            self._key = _gojwt.parse_jwk(json.dumps(jwk_data).encode(), algorithm or "")
        except _gojwt.GoError as err:
            raise_from_go(err)
        #: The algorithm this key is used with.
        self.algorithm_name: str = self._key.algorithm()

    @staticmethod
    def from_dict(obj: dict[str, Any], algorithm: str | None = None) -> PyJWK:
        """A key from a JWK as a dict."""
        return PyJWK(obj, algorithm)

    @staticmethod
    def from_json(data: str, algorithm: str | None = None) -> PyJWK:
        """A key from a JWK as JSON text."""
        return PyJWK.from_dict(json.loads(data), algorithm)

    @property
    def key(self) -> _types.Key:
        """The parsed key (a Go object)."""
        return self._key

    @property
    def key_type(self) -> str | None:
        """The ``kty`` member."""
        return self._jwk_data.get("kty")

    @property
    def key_id(self) -> str | None:
        """The ``kid`` member."""
        return self._jwk_data.get("kid")

    @property
    def public_key_use(self) -> str | None:
        """The ``use`` member."""
        return self._jwk_data.get("use")

    def __repr__(self) -> str:
        return f"<PyJWK {self.key_type} {self.algorithm_name} kid={self.key_id!r}>"


class PyJWKSet:
    """A JWK set: the keys of ``{"keys": [...]}`` that could be used; others are skipped."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        self.keys: list[PyJWK] = []
        if not keys:
            raise PyJWKSetError("The JWK Set did not contain any keys")
        if not isinstance(keys, list):
            raise PyJWKSetError("Invalid JWK Set value")
        for key in keys:
            if not isinstance(key, dict):
                continue
            try:
                self.keys.append(PyJWK(key))
            except PyJWTError:
                continue
        if not self.keys:
            raise PyJWKSetError("The JWK Set did not contain any usable keys")

    @staticmethod
    def from_dict(obj: dict[str, Any]) -> PyJWKSet:
        """A set from ``{"keys": [...]}``."""
        return PyJWKSet(obj.get("keys", []))

    @staticmethod
    def from_json(data: str) -> PyJWKSet:
        """A set from JSON text."""
        return PyJWKSet.from_dict(json.loads(data))

    def __getitem__(self, kid: str) -> PyJWK:
        for key in self.keys:
            if key.key_id == kid:
                return key
        raise KeyError(f"keyset has no key for kid: {kid}")

    def __iter__(self) -> Iterator[PyJWK]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)
