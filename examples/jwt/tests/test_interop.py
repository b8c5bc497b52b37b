"""gojwt against PyJWT: the same tokens, the same answers, the same exceptions.

Every test hands both libraries the same inputs. Tokens one library writes must verify with the
other; where signatures are deterministic (HMAC, RSASSA-PKCS1-v1_5, Ed25519) the tokens must be
byte-identical; where a token is refused, gojwt must raise the exception class of the same name
as PyJWT, with the same bases (`DecodeError` is an `InvalidTokenError` is a `PyJWTError`).

The expected outcome of each table row is written down as well, and checked against PyJWT first:
if a PyJWT release changes its behaviour the test says so instead of silently following it.
"""

from __future__ import annotations

import base64
import builtins
import dataclasses
import decimal
import hashlib
import hmac
import json
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import gojwt
import jwt
import pytest

# A token made with a key shorter than recommended warns; none of the keys here is short, except
# in the tests about exactly that (which catch the warning with pytest.warns).
pytestmark = pytest.mark.filterwarnings(
    "error::jwt.InsecureKeyLengthWarning", "error::gojwt.InsecureKeyLengthWarning"
)

LIBS = {"pyjwt": jwt, "gojwt": gojwt}

HMAC_ALGORITHMS = ["HS256", "HS384", "HS512"]
ALGORITHMS = HMAC_ALGORITHMS + [
    "RS256", "RS384", "RS512",
    "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512",
    "EdDSA",
]  # fmt: skip
#: Algorithms whose signatures are a function of key and message only.
DETERMINISTIC = HMAC_ALGORITHMS + ["RS256", "RS384", "RS512", "EdDSA"]

#: The key family (conftest.Keys.pairs) of each asymmetric algorithm.
FAMILY = {
    **{f"{p}{n}": "rsa" for p in ("RS", "PS") for n in (256, 384, 512)},
    "ES256": "p256",
    "ES384": "p384",
    "ES512": "p521",
    "EdDSA": "ed25519",
}
#: PEM formats each family is tried in (conftest makes them); HMAC secrets are the key itself.
PRIVATE_PEMS = {"rsa": ["pkcs1", "pkcs8"], "p256": ["sec1", "pkcs8"], "p384": ["sec1", "pkcs8"],
                "p521": ["sec1", "pkcs8"], "ed25519": ["pkcs8"]}  # fmt: skip
PUBLIC_PEMS = {"rsa": ["spki", "pkcs1"], "p256": ["spki"], "p384": ["spki"], "p521": ["spki"],
               "ed25519": ["spki"]}  # fmt: skip
EC_SIGNATURE_SIZE = {"ES256": 64, "ES384": 96, "ES512": 132}

#: Every exception class of PyJWT's API that gojwt has too.
EXCEPTIONS = [
    "PyJWTError", "InvalidTokenError", "DecodeError", "InvalidSignatureError",
    "ExpiredSignatureError", "ImmatureSignatureError", "InvalidAudienceError",
    "InvalidIssuerError", "InvalidIssuedAtError", "MissingRequiredClaimError",
    "InvalidAlgorithmError", "InvalidKeyError", "InvalidSubjectError", "InvalidJTIError",
    "PyJWKError", "PyJWKSetError",
]  # fmt: skip

PAYLOAD = {"sub": "1234567890", "name": "John Doe", "admin": True, "iat": 1516239022}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def pyjwt_class(name: str):
    """PyJWT's class of that name: InvalidSubjectError and InvalidJTIError are not re-exported
    at the top of the `jwt` package (2.15), only in `jwt.exceptions`."""
    return getattr(jwt, name, None) or getattr(jwt.exceptions, name)


def signing_keys(keys, alg: str) -> dict[str, str]:
    """{format: key text} of the private key for `alg`."""
    if alg in HMAC_ALGORITHMS:
        return {"secret": keys.secrets[alg]}
    pair = keys.pair(FAMILY[alg])
    return {fmt: pair.private_pem[fmt] for fmt in PRIVATE_PEMS[FAMILY[alg]]}


def verifying_keys(keys, alg: str) -> dict[str, str]:
    """{format: key text} of the public key for `alg`."""
    if alg in HMAC_ALGORITHMS:
        return {"secret": keys.secrets[alg]}
    pair = keys.pair(FAMILY[alg])
    return {fmt: pair.public_pem[fmt] for fmt in PUBLIC_PEMS[FAMILY[alg]]}


def signing_key(keys, alg: str) -> str:
    return next(iter(signing_keys(keys, alg).values()))


def verifying_key(keys, alg: str) -> str:
    return next(iter(verifying_keys(keys, alg).values()))


def key_cases(table: dict[str, list[str]]) -> list:
    """pytest params (alg, format) for every algorithm and each of its key formats."""
    cases = []
    for alg in ALGORITHMS:
        formats = ["secret"] if alg in HMAC_ALGORITHMS else table[FAMILY[alg]]
        cases += [pytest.param(alg, fmt, id=f"{alg}-{fmt}") for fmt in formats]
    return cases


def as_type(value: str, kind: type) -> str | bytes:
    return value.encode() if kind is bytes else value


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64_padded(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def compact_json(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def segments(token: str) -> list[str]:
    return token.split(".")


def typed(value: Any) -> str:
    """A JSON text that tells 1 from 1.0 and True from 1 and keeps key order: two decoded
    payloads are the same if and only if these are equal (bytes, as in decode_complete's
    "signature", are written in hex)."""
    return json.dumps(value, default=bytes.hex)


def typed_result(value: Any) -> Any:
    """typed() of what decode, decode_complete... returned; the parts of decode_complete's
    result each on their own (the order of those three keys means nothing)."""
    if isinstance(value, dict) and set(value) == {"header", "payload", "signature"}:
        return {k: typed(v) for k, v in value.items()}
    return typed(value)


def outcome(call: Callable[[Any], Any], lib) -> tuple[Any, BaseException | None]:
    try:
        return call(lib), None
    except Exception as e:  # noqa: BLE001 - every exception is compared
        return None, e


def assert_same_exception(got: BaseException, want: BaseException) -> None:
    """gojwt raised `got` where PyJWT raised `want`: same class name, same bases."""
    assert type(got).__name__ == type(want).__name__, (
        f"gojwt raised {type(got).__name__}({got}), PyJWT {type(want).__name__}({want})"
    )
    for cls in type(want).__mro__:
        if cls.__module__.split(".")[0] == "jwt":
            ours = getattr(gojwt, cls.__name__)
        elif cls.__module__ == "builtins":
            ours = getattr(builtins, cls.__name__)
        else:
            continue
        assert isinstance(got, ours), f"{got!r} is not a gojwt.{cls.__name__}"
    if isinstance(want, jwt.MissingRequiredClaimError):
        assert got.claim == want.claim


def same_outcome(call: Callable[[Any], Any]) -> tuple[Any, BaseException | None]:
    """Runs call(jwt) and call(gojwt): both must return equal results (typed() equal for dicts)
    or raise the same exception. Returns PyJWT's (result, exception)."""
    want, want_exc = outcome(call, jwt)
    got, got_exc = outcome(call, gojwt)
    if want_exc is None:
        assert got_exc is None, (
            f"gojwt raised {type(got_exc).__name__}({got_exc}); PyJWT returned {want!r}"
        )
        assert got == want
        if isinstance(want, dict):
            assert typed_result(got) == typed_result(want)
    else:
        assert got_exc is not None, (
            f"PyJWT raised {type(want_exc).__name__}({want_exc}); gojwt returned {got!r}"
        )
        assert_same_exception(got_exc, want_exc)
    return want, want_exc


def expect_outcome(call: Callable[[Any], Any], expect: str | None) -> None:
    """same_outcome, with PyJWT's outcome pinned: `expect` is the name of the exception it must
    raise, or None when it must succeed."""
    _, want_exc = outcome(call, jwt)
    assert (type(want_exc).__name__ if want_exc else None) == expect, (
        f"PyJWT {jwt.__version__} itself no longer behaves as this table says: {want_exc!r}"
    )
    same_outcome(call)


# --------------------------------------------------------------------------------------------
# The API
# --------------------------------------------------------------------------------------------


def test_api_names_exist():
    for name in ["encode", "decode", "decode_complete", "get_unverified_header", "PyJWK",
                 "PyJWKSet", "InsecureKeyLengthWarning", *EXCEPTIONS]:  # fmt: skip
        assert hasattr(gojwt, name), name


def test_exception_hierarchy_is_pyjwts():
    for name in EXCEPTIONS:
        assert issubclass(getattr(gojwt, name), Exception)
        for base in EXCEPTIONS:
            want = issubclass(pyjwt_class(name), pyjwt_class(base))
            assert issubclass(getattr(gojwt, name), getattr(gojwt, base)) == want, (name, base)
    assert issubclass(gojwt.InsecureKeyLengthWarning, UserWarning)
    assert str(gojwt.MissingRequiredClaimError("exp")) == str(jwt.MissingRequiredClaimError("exp"))
    assert gojwt.MissingRequiredClaimError("exp").claim == "exp"


# --------------------------------------------------------------------------------------------
# Tokens written by one library verify with the other
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key_type", [str, bytes], ids=["str-key", "bytes-key"])
@pytest.mark.parametrize("alg, fmt", key_cases(PRIVATE_PEMS))
def test_gojwt_tokens_verify_with_pyjwt(keys, alg, fmt, key_type):
    token = gojwt.encode(PAYLOAD, as_type(signing_keys(keys, alg)[fmt], key_type), algorithm=alg)
    assert isinstance(token, str)
    assert jwt.get_unverified_header(token) == {"alg": alg, "typ": "JWT"}
    for public in verifying_keys(keys, alg).values():
        assert jwt.decode(token, public, algorithms=[alg]) == PAYLOAD
    if alg in EC_SIGNATURE_SIZE:  # JWS signatures are r || s, each as long as the curve's order
        signature = base64.urlsafe_b64decode(segments(token)[2] + "==")
        assert len(signature) == EC_SIGNATURE_SIZE[alg]


def test_threads_share_keys_and_verifiers(keys):
    """8 threads encode and decode with every algorithm at once (the Go core runs without the
    GIL and shares its key cache and verifiers): every token verifies with PyJWT, every result
    is right, and a tampered token still fails in every thread."""
    from concurrent.futures import ThreadPoolExecutor

    def work(n: int) -> None:
        for alg in ALGORITHMS:
            claims = {**PAYLOAD, "n": n}
            token = gojwt.encode(claims, signing_key(keys, alg), algorithm=alg)
            assert gojwt.decode(token, verifying_key(keys, alg), algorithms=[alg]) == claims
            assert jwt.decode(token, verifying_key(keys, alg), algorithms=[alg]) == claims
            header, payload, signature = segments(token)
            with pytest.raises(gojwt.InvalidSignatureError):
                forged = jwt.utils.base64url_encode(json.dumps({**claims, "n": -1}).encode()).decode()
                gojwt.decode(f"{header}.{forged}.{signature}", verifying_key(keys, alg), algorithms=[alg])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(32)))


@pytest.mark.parametrize("token_type", [str, bytes], ids=["str-token", "bytes-token"])
@pytest.mark.parametrize("key_type", [str, bytes], ids=["str-key", "bytes-key"])
@pytest.mark.parametrize("alg, fmt", key_cases(PUBLIC_PEMS))
def test_pyjwt_tokens_verify_with_gojwt(keys, alg, fmt, key_type, token_type):
    token = jwt.encode(PAYLOAD, signing_key(keys, alg), algorithm=alg)
    public = as_type(verifying_keys(keys, alg)[fmt], key_type)
    decoded = gojwt.decode(as_type(token, token_type), public, algorithms=[alg])
    assert typed(decoded) == typed(PAYLOAD)
    complete = gojwt.decode_complete(as_type(token, token_type), public, algorithms=[alg])
    assert complete == jwt.decode_complete(token, verifying_key(keys, alg), algorithms=[alg])
    assert gojwt.get_unverified_header(as_type(token, token_type)) == jwt.get_unverified_header(token)


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_cryptography_key_objects(keys, alg):
    if alg in HMAC_ALGORITHMS:
        private = public = keys.secrets[alg].encode()
    else:
        private, public = keys.pair(FAMILY[alg]).private, keys.pair(FAMILY[alg]).public
    token = gojwt.encode(PAYLOAD, private, algorithm=alg)
    assert jwt.decode(token, public, algorithms=[alg]) == PAYLOAD
    assert gojwt.decode(jwt.encode(PAYLOAD, private, algorithm=alg), public, algorithms=[alg]) == PAYLOAD


@pytest.mark.parametrize("alg", DETERMINISTIC)
def test_deterministic_signatures_give_identical_tokens(keys, alg):
    payload = {"sub": "user-42", "scope": ["read", "write"], "exp": 2_000_000_000, "n": 1.5}
    headers = {"kid": "key-2024", "x-extra": {"list": [1, 2, 3]}}
    for private in signing_keys(keys, alg).values():
        for key in (private, private.encode()):
            got = gojwt.encode(payload, key, algorithm=alg, headers=headers)
            assert got == jwt.encode(payload, private, algorithm=alg, headers=headers)


def test_default_algorithm_is_hs256(keys):
    secret = keys.secrets["HS256"]
    token = gojwt.encode(PAYLOAD, secret)
    assert token == jwt.encode(PAYLOAD, secret)
    assert gojwt.get_unverified_header(token)["alg"] == "HS256"


@pytest.mark.parametrize("alg", ["RS256", "PS384", "ES256", "ES384", "ES512", "EdDSA"])
def test_x509_certificate_verifies(keys, alg):
    """gojwt takes the PEM of a certificate as the public key (PyJWT 2.15 only takes keys)."""
    certificate = keys.pair(FAMILY[alg]).certificate_pem
    token = jwt.encode(PAYLOAD, signing_key(keys, alg), algorithm=alg)
    assert gojwt.decode(token, certificate, algorithms=[alg]) == PAYLOAD
    assert gojwt.decode(token, certificate.encode(), algorithms=[alg]) == PAYLOAD
    # A token of another key does not verify with the certificate.
    forged = jwt.encode(PAYLOAD, keys.others[FAMILY[alg]].private_pem["pkcs8"], algorithm=alg)
    with pytest.raises(gojwt.InvalidSignatureError):
        gojwt.decode(forged, certificate, algorithms=[alg])


@pytest.mark.parametrize("alg", [a for a in ALGORITHMS if a not in HMAC_ALGORITHMS])
def test_wrong_public_key_fails_like_pyjwt(keys, alg):
    token = gojwt.encode(PAYLOAD, signing_key(keys, alg), algorithm=alg)
    wrong = keys.others[FAMILY[alg]].public_pem["spki"]
    expect_outcome(lambda lib: lib.decode(token, wrong, algorithms=[alg]), "InvalidSignatureError")


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_tampered_tokens_fail_like_pyjwt(keys, alg):
    header, payload, signature = segments(jwt.encode(PAYLOAD, signing_key(keys, alg), algorithm=alg))
    forged_payload = b64(compact_json({**PAYLOAD, "admin": False}))
    raw_signature = base64.urlsafe_b64decode(signature + "==")
    flipped = b64(raw_signature[:-1] + bytes([raw_signature[-1] ^ 1]))
    public = verifying_key(keys, alg)
    for token in [
        f"{header}.{forged_payload}.{signature}",  # another payload
        f"{header}.{payload}.{flipped}",  # one bit of the signature
        f"{header}.{payload}.{b64(raw_signature[:-2])}",  # a short signature
        f"{header}.{payload}.",  # none at all
    ]:
        expect_outcome(lambda lib: lib.decode(token, public, algorithms=[alg]), "InvalidSignatureError")


# --------------------------------------------------------------------------------------------
# What is written: headers, payload JSON, datetimes, json_encoder
# --------------------------------------------------------------------------------------------

#: Long enough for HS512, so no InsecureKeyLengthWarning whatever the algorithm.
SECRET = "a-64-byte-secret-for-hs512-tests-of-gojwt-and-pyjwt-interop-ok!!"

HEADER_CASES = [
    pytest.param({}, id="no-headers"),
    pytest.param(None, id="headers-none"),
    pytest.param({"kid": "key-1"}, id="kid"),
    pytest.param({"typ": "at+jwt"}, id="typ-override"),
    pytest.param({"typ": None}, id="typ-none-drops-typ"),
    pytest.param({"typ": ""}, id="typ-empty-drops-typ"),
    pytest.param({"alg": "HS512"}, id="alg-header-wins-over-argument"),
    pytest.param({"cty": "JWT", "x5t": "abc", "zeta": 1, "alpha": [True, None, 2.5]}, id="extra-fields"),
    pytest.param({"b64": True}, id="b64-true-is-dropped"),
    pytest.param({"kid": "é∂"}, id="non-ascii"),
]


@pytest.mark.parametrize("sort_headers", [True, False], ids=["sorted", "unsorted"])
@pytest.mark.parametrize("headers", HEADER_CASES)
def test_headers_are_written_like_pyjwt(headers, sort_headers):
    token = gojwt.encode(PAYLOAD, SECRET, algorithm="HS256", headers=headers, sort_headers=sort_headers)
    assert token == jwt.encode(PAYLOAD, SECRET, algorithm="HS256", headers=headers, sort_headers=sort_headers)
    header = gojwt.get_unverified_header(token)
    assert typed(header) == typed(jwt.get_unverified_header(token))
    assert gojwt.decode(token, SECRET, algorithms=[header["alg"]]) == PAYLOAD


@pytest.mark.parametrize("alg", ["HS256", "RS256", "PS256", "ES256", "ES512", "EdDSA"])
def test_custom_headers_round_trip(keys, alg):
    headers = {"kid": "k-7", "typ": "at+jwt", "x-tenant": {"id": 7, "tags": ["a", "b"]}}
    token = gojwt.encode(PAYLOAD, signing_key(keys, alg), algorithm=alg, headers=headers)
    want = {"alg": alg, **headers}
    assert jwt.get_unverified_header(token) == want
    complete = jwt.decode_complete(token, verifying_key(keys, alg), algorithms=[alg])
    assert complete["header"] == want and complete["payload"] == PAYLOAD
    pyjwt_token = jwt.encode(PAYLOAD, signing_key(keys, alg), algorithm=alg, headers=headers)
    complete = gojwt.decode_complete(pyjwt_token, verifying_key(keys, alg), algorithms=[alg])
    assert complete["header"] == want and complete["payload"] == PAYLOAD


PAYLOAD_CASES = [
    pytest.param({}, id="empty"),
    pytest.param({"z": 1, "a": 2, "m": {"y": 1, "b": 2}}, id="key-order-kept"),
    pytest.param({"name": "Zoë 東京 🦫", "q": "\"'\\/\n\t\u0000\u001f\u2028"}, id="unicode-and-escapes"),
    pytest.param({"html": "<script>&amp;</script>"}, id="html-not-escaped"),
    pytest.param({"ints": [0, -1, 2**31, 2**53 + 1, 2**63, -(2**63) - 1, 10**30]}, id="big-ints"),
    pytest.param({"floats": [0.1, -0.0, 1.5, 1e100, 1e-7, 123456789.125, 2.0**70]}, id="floats"),
    pytest.param({"t": True, "f": False, "n": None, "nested": [[], {}, [{"a": [None]}]]}, id="literals"),
    pytest.param({"exp": 2_000_000_000, "iat": 1_700_000_000, "nbf": 1_700_000_000, "jti": "x"}, id="claims"),
]


@pytest.mark.parametrize("payload", PAYLOAD_CASES)
def test_payloads_are_written_and_read_like_pyjwt(payload):
    token = gojwt.encode(payload, SECRET, algorithm="HS256")
    assert token == jwt.encode(payload, SECRET, algorithm="HS256")
    assert typed(gojwt.decode(token, SECRET, algorithms=["HS256"])) == typed(payload)


ZONE = timezone(timedelta(hours=5, minutes=30))
DATETIME_CASES = [
    pytest.param({"exp": datetime(2033, 5, 18, 3, 33, 20, tzinfo=timezone.utc)}, id="aware-utc"),
    pytest.param({"exp": datetime(2033, 5, 18, 9, 3, 20, 999_999, tzinfo=ZONE)}, id="aware-other-zone"),
    pytest.param({"exp": datetime(2033, 5, 18, 3, 33, 20)}, id="naive-is-utc"),
    pytest.param(
        {
            "iat": datetime(2020, 1, 1, tzinfo=timezone.utc),
            "nbf": datetime(2020, 1, 1, 0, 0, 1),
            "exp": datetime(2099, 12, 31, 23, 59, 59, 500_000, tzinfo=timezone.utc),
        },
        id="all-three",
    ),
]


@pytest.mark.parametrize("payload", DATETIME_CASES)
def test_datetime_claims_become_numeric_dates(payload):
    token = gojwt.encode(payload, SECRET, algorithm="HS256")
    assert token == jwt.encode(payload, SECRET, algorithm="HS256")
    decoded = gojwt.decode(token, SECRET, algorithms=["HS256"])
    assert decoded == jwt.decode(token, SECRET, algorithms=["HS256"])
    assert all(type(v) is int for v in decoded.values())
    assert payload.get("exp") is None or isinstance(payload["exp"], datetime)  # input not changed


def test_datetime_claims_are_compared_with_now():
    soon = datetime.now(timezone.utc) + timedelta(hours=1)
    token = gojwt.encode({"exp": soon, "iat": datetime.now(timezone.utc)}, SECRET)
    assert gojwt.decode(token, SECRET, algorithms=["HS256"])["exp"] == int(soon.timestamp())
    past = gojwt.encode({"exp": datetime.now(timezone.utc) - timedelta(hours=1)}, SECRET)
    expect_outcome(lambda lib: lib.decode(past, SECRET, algorithms=["HS256"]), "ExpiredSignatureError")


class RichEncoder(json.JSONEncoder):
    """A json_encoder as applications write them."""

    def default(self, o):
        if isinstance(o, decimal.Decimal):
            return str(o)
        if isinstance(o, uuid.UUID):
            return o.hex
        if isinstance(o, datetime):
            return o.isoformat()
        if isinstance(o, (set, frozenset)):
            return sorted(o)
        if dataclasses.is_dataclass(o):
            return dataclasses.asdict(o)
        return super().default(o)


@dataclasses.dataclass
class Point:
    x: int
    y: int


def test_json_encoder_is_used_for_payload_and_headers():
    user = uuid.UUID("12345678-1234-5678-1234-567812345678")
    payload = {"user": user, "price": decimal.Decimal("9.99"), "created": datetime(2024, 1, 2, 3, 4, 5),
               "roles": {"b", "a"}, "at": Point(1, 2), "exp": datetime(2099, 1, 1)}  # fmt: skip
    headers = {"kid": "k", "x-request": user}
    token = gojwt.encode(payload, SECRET, headers=headers, json_encoder=RichEncoder)
    assert token == jwt.encode(payload, SECRET, headers=headers, json_encoder=RichEncoder)
    decoded = gojwt.decode(token, SECRET, algorithms=["HS256"])
    assert decoded["user"] == user.hex and decoded["price"] == "9.99" and decoded["at"] == {"x": 1, "y": 2}
    assert decoded["exp"] == 4070908800  # exp is converted before the encoder sees it
    assert gojwt.get_unverified_header(token)["x-request"] == user.hex


ENCODE_ERROR_CASES = [
    pytest.param(["not", "a", "dict"], SECRET, "HS256", "TypeError", id="payload-list"),
    pytest.param("a string", SECRET, "HS256", "TypeError", id="payload-str"),
    pytest.param(None, SECRET, "HS256", "TypeError", id="payload-none"),
    pytest.param({"iss": 42}, SECRET, "HS256", "TypeError", id="iss-not-a-string"),
    pytest.param({"when": datetime(2024, 1, 1)}, SECRET, "HS256", "TypeError", id="datetime-outside-time-claims"),
    pytest.param({"x": {1, 2}}, SECRET, "HS256", "TypeError", id="set-not-serializable"),
    pytest.param({"a": 1}, None, "HS256", "TypeError", id="hmac-key-none"),
    pytest.param({"a": 1}, 12345, "HS256", "TypeError", id="hmac-key-int"),
    pytest.param({"a": 1}, "", "HS256", "InvalidKeyError", id="hmac-key-empty"),
    pytest.param({"a": 1}, SECRET, "HS1024", "NotImplementedError", id="unknown-algorithm"),
    pytest.param({"a": 1}, SECRET, "hs256", "NotImplementedError", id="algorithm-names-are-case-sensitive"),
]


@pytest.mark.parametrize("payload, key, alg, expect", ENCODE_ERROR_CASES)
def test_encode_errors_like_pyjwt(payload, key, alg, expect):
    expect_outcome(lambda lib: lib.encode(payload, key, algorithm=alg), expect)


# --------------------------------------------------------------------------------------------
# Claims and token structure: one table, decoded by both, HS256
# --------------------------------------------------------------------------------------------

NOW = int(time.time())
HOUR = 3600
CLAIMS_SECRET = "the-claims-table-secret-32-bytes"
OTHER_SECRET = "another-secret-of-32-bytes-long!"
HS256_HEADER = {"alg": "HS256", "typ": "JWT"}
NONE_HEADER = {"alg": "none", "typ": "JWT"}


def raw_token(header: Any = HS256_HEADER, payload: Any = None, *, secret: str = CLAIMS_SECRET,
              signature: bytes | None = None, encode: Callable[[bytes], str] = b64) -> str:  # fmt: skip
    """A token built by hand: header and payload as objects (compact JSON) or raw bytes, signed
    with HMAC-SHA256 unless `signature` is given."""
    parts = [h if isinstance(h, bytes) else compact_json(h) for h in (header, payload or {})]
    signing_input = ".".join(encode(p) for p in parts)
    if signature is None:
        signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{encode(signature)}"


def non_canonical(token: str) -> str:
    """The token with the last base64url character of the signature changed so that it decodes
    to the same bytes but is not the canonical encoding (unused low bits set)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    return token[:-1] + alphabet[last | 0b11]  # 32 bytes → 43 chars: the last holds 4 bits + 2 unused


VALID = raw_token(payload={"sub": "user", "exp": NOW + HOUR})
NONE_TOKEN = raw_token(NONE_HEADER, {"admin": True}, signature=b"")  # alg "none", no signature
STRICT = {"strict_aud": True}


def other_key(payload: Any) -> str:
    """`payload` signed with HS256 and the wrong secret."""
    return raw_token(payload=payload, secret=OTHER_SECRET)


def case(id: str, expect: str | None, payload: Any = None, *, token: Any = None, **kwargs):
    """A row: the token (by default `payload` signed with HS256 by raw_token), the arguments of
    decode besides the token (default key=CLAIMS_SECRET, algorithms=["HS256"]), and the name of
    the exception PyJWT raises, None if it decodes."""
    if token is None:
        token = raw_token(payload=payload)
    return pytest.param(token, {"key": CLAIMS_SECRET, "algorithms": ["HS256"], **kwargs}, expect, id=id)


CLAIM_CASES = [
    case("valid", None, {"sub": "user", "exp": NOW + HOUR, "iat": NOW, "nbf": NOW}),
    case("no-claims-at-all", None, {}),
    # exp
    case("expired", "ExpiredSignatureError", {"exp": NOW - HOUR}),
    case("expired-within-leeway", None, {"exp": NOW - HOUR}, leeway=2 * HOUR),
    case("expired-beyond-leeway", "ExpiredSignatureError", {"exp": NOW - HOUR}, leeway=60),
    case("leeway-timedelta", None, {"exp": NOW - HOUR}, leeway=timedelta(hours=2)),
    case("leeway-timedelta-too-small", "ExpiredSignatureError", {"exp": NOW - HOUR}, leeway=timedelta(minutes=1)),
    case("leeway-float", None, {"exp": NOW - HOUR}, leeway=HOUR + 600.5),
    case("exp-float", None, {"exp": NOW + HOUR + 0.75}),
    case("exp-far-future-big-int", None, {"exp": 10**20}),
    case("exp-not-a-number", "DecodeError", {"exp": "tomorrow"}),
    case("exp-numeric-string-is-int()-ed", None, {"exp": str(NOW + HOUR)}),
    case("exp-null", "DecodeError", {"exp": None}),
    case("exp-list", "DecodeError", {"exp": [NOW + HOUR]}),
    # nbf
    case("nbf-future", "ImmatureSignatureError", {"nbf": NOW + HOUR}),
    case("nbf-future-within-leeway", None, {"nbf": NOW + HOUR}, leeway=2 * HOUR),
    case("nbf-past", None, {"nbf": NOW - HOUR}),
    case("nbf-not-a-number", "DecodeError", {"nbf": "now"}),
    # iat
    case("iat-future", "ImmatureSignatureError", {"iat": NOW + HOUR}),
    case("iat-future-within-leeway", None, {"iat": NOW + HOUR}, leeway=2 * HOUR),
    case("iat-not-a-number", "InvalidIssuedAtError", {"iat": "yesterday"}),
    case("iat-null", "InvalidIssuedAtError", {"iat": None}),
    case("iat-object", "InvalidIssuedAtError", {"iat": {"t": 1}}),
    case("iat-float", None, {"iat": NOW - 0.5}),
    case("iat-numeric-string-is-int()-ed", None, {"iat": str(NOW)}),
    case("order-iat-before-nbf-before-exp", "ImmatureSignatureError", {"exp": NOW - HOUR, "nbf": NOW + HOUR}),
    case("order-iat-type-first", "InvalidIssuedAtError", {"exp": NOW - HOUR, "iat": "x"}),
    # require
    case("require-missing", "MissingRequiredClaimError", {"sub": "x"}, options={"require": ["exp"]}),
    case("require-null-is-missing", "MissingRequiredClaimError", {"exp": None}, options={"require": ["exp"]}),
    case("require-present", None, {"exp": NOW + HOUR, "sub": "x"}, options={"require": ["exp", "sub"]}),
    case("require-before-time-claims", "MissingRequiredClaimError", {"exp": NOW - HOUR},
         options={"require": ["jti"]}),
    # aud
    case("aud-match", None, {"aud": "api"}, audience="api"),
    case("aud-mismatch", "InvalidAudienceError", {"aud": "api"}, audience="web"),
    case("audience-list", None, {"aud": "api"}, audience=["web", "api"]),
    case("audience-tuple", None, {"aud": "api"}, audience=("web", "api")),
    case("audience-list-no-match", "InvalidAudienceError", {"aud": "api"}, audience=["web", "cli"]),
    case("token-aud-list", None, {"aud": ["web", "api"]}, audience="api"),
    case("token-aud-list-no-match", "InvalidAudienceError", {"aud": ["web", "api"]}, audience="cli"),
    case("aud-missing", "MissingRequiredClaimError", {}, audience="api"),
    case("aud-empty-list", "MissingRequiredClaimError", {"aud": []}, audience="api"),
    case("aud-but-no-audience", "InvalidAudienceError", {"aud": "api"}),
    case("aud-empty-string-and-no-audience", None, {"aud": ""}),
    case("aud-not-a-string", "InvalidAudienceError", {"aud": 5}, audience="api"),
    case("aud-list-with-non-string", "InvalidAudienceError", {"aud": ["api", 5]}, audience="api"),
    case("audience-not-iterable", "TypeError", {"aud": "api"}, audience=5),
    case("strict-aud-match", None, {"aud": "api"}, audience="api", options=STRICT),
    case("strict-aud-token-list", "InvalidAudienceError", {"aud": ["api"]}, audience="api", options=STRICT),
    case("strict-aud-audience-list", "InvalidAudienceError", {"aud": "api"}, audience=["api"], options=STRICT),
    case("strict-aud-mismatch", "InvalidAudienceError", {"aud": "api"}, audience="web", options=STRICT),
    case("strict-aud-missing", "MissingRequiredClaimError", {}, audience="api", options=STRICT),
    # iss
    case("iss-match", None, {"iss": "me"}, issuer="me"),
    case("iss-mismatch", "InvalidIssuerError", {"iss": "me"}, issuer="you"),
    case("issuer-list", None, {"iss": "me"}, issuer=["you", "me"]),
    case("issuer-list-no-match", "InvalidIssuerError", {"iss": "me"}, issuer=["you", "them"]),
    case("iss-missing", "MissingRequiredClaimError", {}, issuer="me"),
    case("iss-not-a-string", "InvalidIssuerError", {"iss": 5}, issuer="me"),
    case("iss-not-a-string-no-issuer", None, {"iss": 5}),
    # sub
    case("sub-not-a-string", "InvalidSubjectError", {"sub": 5}),
    case("sub-mismatch", "InvalidSubjectError", {"sub": "alice"}, subject="bob"),
    case("sub-match", None, {"sub": "alice"}, subject="alice"),
    case("sub-missing-with-subject", None, {}, subject="alice"),
    # jti
    case("jti-not-a-string", "InvalidJTIError", {"jti": 5}),
    case("jti-string", None, {"jti": "id-1"}),
    # each verify_* option off
    case("verify-exp-off", None, {"exp": NOW - HOUR}, options={"verify_exp": False}),
    case("verify-nbf-off", None, {"nbf": NOW + HOUR}, options={"verify_nbf": False}),
    case("verify-iat-off", None, {"iat": NOW + HOUR}, options={"verify_iat": False}),
    case("verify-iat-off-bad-type", None, {"iat": "x"}, options={"verify_iat": False}),
    case("verify-aud-off", None, {"aud": "api"}, audience="web", options={"verify_aud": False}),
    case("verify-iss-off", None, {"iss": "me"}, issuer="you", options={"verify_iss": False}),
    case("verify-sub-off", None, {"sub": 5}, options={"verify_sub": False}),
    case("verify-jti-off", None, {"jti": 5}, options={"verify_jti": False}),
    # verify_signature off: the signature and, unless asked for, the claims are not checked
    case("verify-signature-off", None, token=other_key({"exp": NOW - HOUR, "aud": "x", "sub": 5}),
         key="", algorithms=None, options={"verify_signature": False}),
    case("verify-signature-off-but-exp-on", "ExpiredSignatureError", token=other_key({"exp": NOW - HOUR}),
         options={"verify_signature": False, "verify_exp": True}),
    case("verify-signature-off-still-parses", "DecodeError", token="abc.def", options={"verify_signature": False}),
    # signatures and algorithms
    case("bad-signature", "InvalidSignatureError", token=other_key({"a": 1})),
    case("tampered-payload", "InvalidSignatureError",
         token=".".join([segments(VALID)[0], b64(b'{"sub":"admin"}'), segments(VALID)[2]])),  # fmt: skip
    case("signature-checked-before-claims", "InvalidSignatureError", token=other_key({"exp": NOW - HOUR})),
    case("signature-checked-before-payload-json", "InvalidSignatureError", token=other_key(b"not json")),
    case("alg-not-allowed", "InvalidAlgorithmError", {"a": 1}, algorithms=["HS512", "RS256"]),
    case("alg-checked-before-signature", "InvalidAlgorithmError", token=other_key({"a": 1}), algorithms=["HS384"]),
    case("algorithms-missing", "DecodeError", {"a": 1}, algorithms=None),
    case("algorithms-empty", "DecodeError", {"a": 1}, algorithms=[]),
    case("alg-missing-from-header", "InvalidAlgorithmError", token=raw_token({"typ": "JWT"})),
    case("alg-empty", "InvalidAlgorithmError", token=raw_token({"alg": ""})),
    case("alg-unsupported", "InvalidAlgorithmError", token=raw_token({"alg": "HS1024"}), algorithms=["HS1024"]),
    case("alg-lowercase", "InvalidAlgorithmError", token=raw_token({"alg": "hs256"})),
    case("none-not-allowed", "InvalidAlgorithmError", token=NONE_TOKEN),
    case("none-allowed-empty-key", "InvalidSignatureError", token=NONE_TOKEN, key="", algorithms=["none"]),
    case("none-allowed-with-a-key", "InvalidKeyError", token=NONE_TOKEN, algorithms=["HS256", "none"]),
    case("none-with-an-hmac-signature", "InvalidAlgorithmError", token=raw_token(NONE_HEADER, {"admin": True})),
    case("none-verify-signature-off", None, token=NONE_TOKEN, key="", algorithms=None,
         options={"verify_signature": False}),
    # header fields
    case("kid-string", None, token=raw_token({**HS256_HEADER, "kid": "k1"})),
    case("kid-not-a-string", "InvalidTokenError", token=raw_token({**HS256_HEADER, "kid": 5})),
    case("kid-checked-before-signature", "InvalidTokenError",
         token=raw_token({**HS256_HEADER, "kid": None}, secret=OTHER_SECRET)),
    case("extra-header-fields", None, token=raw_token({"alg": "HS256", "typ": "at+jwt", "x": [1, {"y": None}]})),
    case("crit-unsupported", "InvalidTokenError", token=raw_token({**HS256_HEADER, "crit": ["exp"], "exp": 1})),
    case("crit-not-a-list", "InvalidTokenError", token=raw_token({**HS256_HEADER, "crit": "exp"})),
    case("crit-empty", "InvalidTokenError", token=raw_token({**HS256_HEADER, "crit": []})),
    # structure
    case("bytes-token", None, token=VALID.encode()),
    case("padded-base64-segments", None, token=raw_token(payload={"sub": "x"}, encode=b64_padded)),
    case("non-canonical-base64", "DecodeError", token=non_canonical(VALID)),
    case("empty-string", "DecodeError", token=""),
    case("one-segment", "DecodeError", token="eyJhbGciOiJIUzI1NiJ9"),
    case("two-segments", "DecodeError", token=".".join(segments(VALID)[:2])),
    case("four-segments", "DecodeError", token=VALID + ".AAAA"),
    case("surrounding-whitespace", "DecodeError", token=f" {VALID}\n"),
    case("header-bad-base64", "DecodeError", token="!!!!." + ".".join(segments(VALID)[1:])),
    case("payload-bad-base64", "DecodeError", token=f"{segments(VALID)[0]}.$$$$.{segments(VALID)[2]}"),
    case("signature-bad-base64", "DecodeError", token=".".join(segments(VALID)[:2]) + ".%%%"),
    case("header-not-json", "DecodeError", token=raw_token(b"{alg: HS256}")),
    case("header-json-array", "DecodeError", token=raw_token(b'["HS256"]')),
    case("header-json-string", "DecodeError", token=raw_token(b'"HS256"')),
    case("header-empty", "DecodeError", token=raw_token(b"")),
    case("payload-not-json", "DecodeError", token=raw_token(payload=b"{sub: 1}")),
    case("payload-json-array", "DecodeError", token=raw_token(payload=b"[1,2]")),
    case("payload-json-number", "DecodeError", token=raw_token(payload=b"42")),
    case("payload-json-null", "DecodeError", token=raw_token(payload=b"null")),
    case("payload-empty", "DecodeError", token=raw_token(payload=b" ")),
    case("token-not-str-or-bytes", "DecodeError", token=12345),
]  # fmt: skip


@pytest.mark.parametrize("token, kwargs, expect", CLAIM_CASES)
def test_claims_and_structure_like_pyjwt(token, kwargs, expect):
    expect_outcome(lambda lib: lib.decode(token, **kwargs), expect)
    expect_outcome(lambda lib: lib.decode_complete(token, **kwargs), expect)


HEADER_ONLY_CASES = [
    pytest.param(VALID, None, id="valid"),
    pytest.param(raw_token({**HS256_HEADER, "kid": "k", "x": [1]}, secret=OTHER_SECRET), None, id="unverified"),
    pytest.param(raw_token({**HS256_HEADER, "kid": 5}), "InvalidTokenError", id="kid-not-a-string"),
    pytest.param(raw_token(b"[1]"), "DecodeError", id="header-json-array"),
    pytest.param("abc", "DecodeError", id="one-segment"),
    pytest.param("!!.e30.AA", "DecodeError", id="bad-base64"),
]


@pytest.mark.parametrize("token, expect", HEADER_ONLY_CASES)
def test_get_unverified_header_like_pyjwt(token, expect):
    expect_outcome(lambda lib: lib.get_unverified_header(token), expect)


# --------------------------------------------------------------------------------------------
# Keys of the wrong kind, and the algorithm-confusion attack
# --------------------------------------------------------------------------------------------


def refused_hmac_secrets(keys) -> dict[str, str | bytes]:
    """Asymmetric keys (and a JWK) that must never be taken as an HMAC secret."""
    rsa, p256, ed = keys.pair("rsa"), keys.pair("p256"), keys.pair("ed25519")
    return {
        "rsa-public-spki-pem": rsa.public_pem["spki"],
        "rsa-public-spki-pem-bytes": rsa.public_pem["spki"].encode(),
        "rsa-public-pkcs1-pem": rsa.public_pem["pkcs1"],
        "rsa-private-pkcs1-pem": rsa.private_pem["pkcs1"],
        "rsa-certificate-pem": rsa.certificate_pem,
        "rsa-public-der": rsa.public_der,
        "rsa-public-openssh": rsa.public_ssh,
        "ec-public-pem": p256.public_pem["spki"],
        "ec-private-sec1-pem": p256.private_pem["sec1"],
        "ec-public-openssh": p256.public_ssh,
        "ed25519-public-pem": ed.public_pem["spki"],
        "ed25519-public-der": ed.public_der,
        "jwk-json": json.dumps(rsa.public_jwk),
        "oct-jwk-json": json.dumps({"kty": "oct", "k": b64(CLAIMS_SECRET.encode())}),
    }


REFUSED_HMAC_SECRETS = [
    "rsa-public-spki-pem", "rsa-public-spki-pem-bytes", "rsa-public-pkcs1-pem", "rsa-private-pkcs1-pem",
    "rsa-certificate-pem", "rsa-public-der", "rsa-public-openssh", "ec-public-pem", "ec-private-sec1-pem",
    "ec-public-openssh", "ed25519-public-pem", "ed25519-public-der", "jwk-json", "oct-jwk-json",
]  # fmt: skip


@pytest.mark.parametrize("name", REFUSED_HMAC_SECRETS)
def test_asymmetric_key_as_hmac_secret_is_refused(keys, name):
    key = refused_hmac_secrets(keys)[name]
    expect_outcome(lambda lib: lib.encode(PAYLOAD, key, algorithm="HS256"), "InvalidKeyError")
    # A token "signed" with the key's own text as the HMAC secret, as an attacker who only
    # knows the public key would make it.
    secret = key if isinstance(key, bytes) else key.encode()
    signing_input = f"{b64(compact_json(HS256_HEADER))}.{b64(compact_json({'admin': True}))}"
    forged = f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"
    expect_outcome(lambda lib: lib.decode(forged, key, algorithms=["HS256", "RS256"]), "InvalidKeyError")


def test_algorithm_confusion_forgery_is_rejected(keys):
    """RS256 public key used as an HS256 secret: the classic forgery never verifies."""
    public_pem = keys.pair("rsa").public_pem["spki"]
    signing_input = f"{b64(compact_json(HS256_HEADER))}.{b64(compact_json({'sub': 'admin'}))}"
    signature = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{b64(signature)}"
    for key in (public_pem, public_pem.encode()):
        with pytest.raises(gojwt.InvalidKeyError):
            gojwt.decode(forged, key, algorithms=["HS256", "RS256"])
    # The genuine RS256 token still verifies with the same call.
    genuine = jwt.encode({"sub": "admin"}, keys.pair("rsa").private_pem["pkcs1"], algorithm="RS256")
    assert gojwt.decode(genuine, public_pem, algorithms=["HS256", "RS256"]) == {"sub": "admin"}


@pytest.mark.parametrize("key", ["", "secret-of-32-bytes-for-hs256-ok!"], ids=["empty-key", "a-key"])
@pytest.mark.parametrize("algorithms", [["none"], ["HS256", "none"], ["none", "RS256"]])
def test_none_algorithm_never_verifies(key, algorithms):
    token = NONE_TOKEN
    with pytest.raises(gojwt.InvalidTokenError if key == "" else gojwt.PyJWTError):
        gojwt.decode(token, key, algorithms=algorithms)
    same_outcome(lambda lib: lib.decode(token, key, algorithms=algorithms))


#: (algorithm, key reference, what is done with it, exception PyJWT raises)
#: key reference: "<family>.<private|public>.<format>", or "secret".
WRONG_KEY_CASES = [
    ("ES256", "p384.private.sec1", "encode", "InvalidKeyError"),
    ("ES256", "p384.public.spki", "decode", "InvalidKeyError"),
    ("ES384", "p256.private.pkcs8", "encode", "InvalidKeyError"),
    ("ES512", "p256.public.spki", "decode", "InvalidKeyError"),
    ("ES256", "rsa.private.pkcs8", "encode", "InvalidKeyError"),
    ("ES256", "rsa.public.spki", "decode", "InvalidKeyError"),
    ("ES256", "ed25519.public.spki", "decode", "InvalidKeyError"),
    ("RS256", "p256.private.pkcs8", "encode", "InvalidKeyError"),
    ("RS256", "p256.public.spki", "decode", "InvalidKeyError"),
    ("PS256", "ed25519.public.spki", "decode", "InvalidKeyError"),
    ("RS256", "secret", "encode", "InvalidKeyError"),
    ("RS256", "secret", "decode", "InvalidKeyError"),
    ("RS256", "none", "encode", "TypeError"),
    ("EdDSA", "rsa.private.pkcs1", "encode", "InvalidKeyError"),
    ("EdDSA", "p256.private.pkcs8", "encode", "InvalidKeyError"),
    ("EdDSA", "rsa.public.spki", "decode", "InvalidKeyError"),
    ("EdDSA", "secret", "encode", "InvalidKeyError"),
]


def resolve_key(keys, ref: str):
    if ref == "secret":
        return CLAIMS_SECRET
    if ref == "none":
        return None
    family, kind, fmt = ref.split(".")
    pair = keys.pair(family)
    return (pair.private_pem if kind == "private" else pair.public_pem)[fmt]


@pytest.mark.parametrize("alg, ref, op, expect", [pytest.param(*c, id="-".join(c[:3])) for c in WRONG_KEY_CASES])
def test_wrong_kind_of_key_like_pyjwt(keys, alg, ref, op, expect):
    key = resolve_key(keys, ref)
    if op == "encode":
        expect_outcome(lambda lib: lib.encode(PAYLOAD, key, algorithm=alg), expect)
    else:
        token = jwt.encode(PAYLOAD, signing_key(keys, alg), algorithm=alg)
        expect_outcome(lambda lib: lib.decode(token, key, algorithms=[alg]), expect)


# --------------------------------------------------------------------------------------------
# Key length: InsecureKeyLengthWarning, enforce_minimum_key_length
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("alg, length", [("HS256", 31), ("HS384", 47), ("HS512", 63), ("HS512", 32), ("HS256", 1)])
def test_short_hmac_key_warns_like_pyjwt(alg, length):
    short = "k" * length
    with pytest.warns(jwt.InsecureKeyLengthWarning):
        want = jwt.encode(PAYLOAD, short, algorithm=alg)
    with pytest.warns(gojwt.InsecureKeyLengthWarning) as record:
        assert gojwt.encode(PAYLOAD, short, algorithm=alg) == want
    assert all(issubclass(w.category, gojwt.InsecureKeyLengthWarning) for w in record)
    with pytest.warns(gojwt.InsecureKeyLengthWarning):
        assert gojwt.decode(want, short, algorithms=[alg]) == PAYLOAD
    enforce = {"enforce_minimum_key_length": True}
    expect_outcome(lambda lib: lib.decode(want, short, algorithms=[alg], options=enforce), "InvalidKeyError")


def test_short_rsa_key_warns_like_pyjwt(keys):
    pair = keys.pair("rsa1024")
    with pytest.warns(gojwt.InsecureKeyLengthWarning):
        token = gojwt.encode(PAYLOAD, pair.private_pem["pkcs8"], algorithm="RS256")
    with pytest.warns(jwt.InsecureKeyLengthWarning):
        assert jwt.encode(PAYLOAD, pair.private_pem["pkcs1"], algorithm="RS256") == token
    with pytest.warns(gojwt.InsecureKeyLengthWarning):
        assert gojwt.decode(token, pair.public_pem["spki"], algorithms=["RS256"]) == PAYLOAD
    enforce = {"enforce_minimum_key_length": True}
    public = pair.public_pem["spki"]
    expect_outcome(lambda lib: lib.decode(token, public, algorithms=["RS256"], options=enforce), "InvalidKeyError")


# --------------------------------------------------------------------------------------------
# PyJWK and PyJWKSet
# --------------------------------------------------------------------------------------------


def jwk_for(keys, alg: str, kind: str) -> dict:
    """The JWK dict of the private or public key of `alg` (an "oct" key for HMAC)."""
    if alg in HMAC_ALGORITHMS:
        return {"kty": "oct", "k": b64(keys.secrets[alg].encode())}
    pair = keys.pair(FAMILY[alg])
    return dict(pair.private_jwk if kind == "private" else pair.public_jwk)


def jwk_attributes(key) -> tuple:
    return key.algorithm_name, key.key_type, key.key_id, key.public_key_use


@pytest.mark.parametrize("kind", ["private", "public"])
@pytest.mark.parametrize("alg", ["HS256", "RS256", "ES256", "ES384", "ES512", "EdDSA"])
def test_pyjwk_attributes_like_pyjwt(keys, alg, kind):
    """Without `algorithm`, both infer it from kty and crv (RSA → RS256, P-521 → ES512...)."""
    for data in (jwk_for(keys, alg, kind), {**jwk_for(keys, alg, kind), "kid": "k1", "use": "sig"}):
        assert jwk_attributes(gojwt.PyJWK(data)) == jwk_attributes(jwt.PyJWK(data))
        assert jwk_attributes(gojwt.PyJWK.from_dict(data)) == jwk_attributes(jwt.PyJWK(data))
        assert jwk_attributes(gojwt.PyJWK.from_json(json.dumps(data))) == jwk_attributes(jwt.PyJWK(data))
    assert gojwt.PyJWK(jwk_for(keys, alg, kind)).algorithm_name == alg


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_decode_with_pyjwk(keys, alg):
    token = jwt.encode(PAYLOAD, signing_key(keys, alg), algorithm=alg)
    key = gojwt.PyJWK(jwk_for(keys, alg, "public"), algorithm=alg)
    assert key.algorithm_name == alg
    assert gojwt.decode(token, key, algorithms=[alg]) == PAYLOAD
    assert gojwt.decode(token, key) == PAYLOAD  # algorithms default to the key's
    with_alg = gojwt.PyJWK({**jwk_for(keys, alg, "public"), "alg": alg})  # "alg" member of the JWK
    assert gojwt.decode(token, with_alg) == PAYLOAD


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_encode_with_pyjwk(keys, alg):
    key = gojwt.PyJWK(jwk_for(keys, alg, "private"), algorithm=alg)
    for token in (gojwt.encode(PAYLOAD, key), gojwt.encode(PAYLOAD, key, algorithm=alg)):
        assert jwt.get_unverified_header(token)["alg"] == alg  # the key's algorithm by default
        assert jwt.decode(token, verifying_key(keys, alg), algorithms=[alg]) == PAYLOAD
    if alg in DETERMINISTIC:
        theirs = jwt.PyJWK(jwk_for(keys, alg, "private"), algorithm=alg)
        assert gojwt.encode(PAYLOAD, key) == jwt.encode(PAYLOAD, theirs)


def test_pyjwk_algorithm_is_bound_to_the_key(keys):
    """A PyJWK verifies only tokens of its own algorithm, whatever `algorithms` allows."""
    es256 = jwt.encode(PAYLOAD, keys.pair("p256").private_pem["pkcs8"], algorithm="ES256")
    hs256 = jwt.encode(PAYLOAD, CLAIMS_SECRET, algorithm="HS256")
    rsa, p256 = keys.pair("rsa").public_jwk, keys.pair("p256").public_jwk
    oct_key = {"kty": "oct", "k": b64(CLAIMS_SECRET.encode())}
    for token, jwk, algorithm, algorithms in [
        (es256, rsa, None, ["ES256", "RS256"]),  # an RS256 key, an ES256 token
        (es256, rsa, None, None),
        (es256, p256, "ES384", ["ES256"]),  # the right key, declared for another algorithm
        (hs256, oct_key, None, ["HS512"]),
    ]:
        call = lambda lib: lib.decode(token, lib.PyJWK(jwk, algorithm=algorithm), algorithms=algorithms)  # noqa: E731
        expect_outcome(call, "InvalidAlgorithmError")


PYJWK_ERROR_CASES = [
    pytest.param({"n": "AQAB"}, None, "InvalidKeyError", id="no-kty"),
    pytest.param({"kty": "XYZ"}, None, "InvalidKeyError", id="unknown-kty"),
    pytest.param({"kty": "EC", "crv": "P-999", "x": "AA", "y": "AA"}, None, "InvalidKeyError", id="unknown-crv"),
    pytest.param({"kty": "OKP", "x": "AA"}, None, "InvalidKeyError", id="okp-without-crv"),
    pytest.param({"kty": "RSA", "e": "AQAB"}, None, "InvalidKeyError", id="rsa-without-n"),
    pytest.param({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}, None, "InvalidKeyError",
                 id="ec-short-coordinates"),
    pytest.param({"kty": "oct", "k": ""}, None, "InvalidKeyError", id="oct-empty"),
    pytest.param({"kty": "oct", "k": "c2VjcmV0"}, "XX999", "PyJWKError", id="unknown-algorithm"),
    pytest.param({"kty": "oct", "k": "c2VjcmV0"}, "RS256", "InvalidKeyError", id="algorithm-of-another-kty"),
]  # fmt: skip


@pytest.mark.parametrize("data, algorithm, expect", PYJWK_ERROR_CASES)
def test_pyjwk_errors_like_pyjwt(data, algorithm, expect):
    def call(lib):
        jwk = lib.PyJWK(data, algorithm=algorithm)
        return jwk.algorithm_name

    expect_outcome(call, expect)


def jwk_set(keys) -> dict:
    """A JWKS as an identity provider publishes it: one public key per algorithm, with kids."""
    members = [{**jwk_for(keys, alg, "public"), "kid": f"kid-{alg}", "alg": alg, "use": "sig"}
               for alg in ALGORITHMS]  # fmt: skip
    return {"keys": members}


def test_jwk_set_lookup_and_decode(keys):
    data = jwk_set(keys)
    sets = [gojwt.PyJWKSet.from_dict(data), gojwt.PyJWKSet.from_json(json.dumps(data)), gojwt.PyJWKSet(data["keys"])]
    for jwks in sets:
        assert [k.key_id for k in jwks] == [k.key_id for k in jwt.PyJWKSet.from_dict(data)]
        assert len(jwks.keys) == len(ALGORITHMS)
        for alg in ALGORITHMS:
            token = jwt.encode(PAYLOAD, signing_key(keys, alg), algorithm=alg, headers={"kid": f"kid-{alg}"})
            key = jwks[gojwt.get_unverified_header(token)["kid"]]
            assert isinstance(key, gojwt.PyJWK)
            assert jwk_attributes(key) == (alg, data["keys"][ALGORITHMS.index(alg)]["kty"], f"kid-{alg}", "sig")
            assert gojwt.decode(token, key, algorithms=[key.algorithm_name]) == PAYLOAD
        with pytest.raises(KeyError):
            jwks["no-such-kid"]


def test_jwk_set_skips_unusable_members_like_pyjwt(keys):
    good = jwk_set(keys)["keys"][:2]
    data = {"keys": [{"kty": "XYZ", "kid": "bad"}, "not-a-dict", *good, {"kty": "EC", "crv": "P-999"}]}
    assert [k.key_id for k in gojwt.PyJWKSet.from_dict(data)] == [k.key_id for k in jwt.PyJWKSet.from_dict(data)]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"keys": []}, id="empty"),
        pytest.param({}, id="no-keys-member"),
        pytest.param({"keys": [{"kty": "XYZ"}]}, id="no-usable-key"),
        pytest.param({"keys": {"kty": "oct", "k": "c2VjcmV0"}}, id="keys-not-a-list"),
    ],
)
def test_jwk_set_errors_like_pyjwt(data):
    expect_outcome(lambda lib: lib.PyJWKSet.from_dict(data).keys, "PyJWKSetError")
