"""Turning the errors of the Go core into gojwt's exceptions."""

from __future__ import annotations

from typing import NoReturn

from . import exceptions
from ._gojwt import GoError

# The Go core's errors read "Kind: message"; Kind names the exception to raise.
_KINDS: dict[str, type[Exception]] = {
    name: getattr(exceptions, name)
    for name in exceptions.__all__
    if issubclass(getattr(exceptions, name), exceptions.PyJWTError)
}
_KINDS["NotImplementedError"] = NotImplementedError


def raise_from_go(err: GoError) -> NoReturn:
    """Raise the gojwt exception that err, an error of the Go core, stands for."""
    kind, _, message = str(err).partition(": ")
    cls = _KINDS.get(kind)
    if cls is None:
        raise exceptions.PyJWTError(str(err)) from None
    raise cls(message) from None
