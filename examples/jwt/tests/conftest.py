"""Keys for the interop tests of gojwt against PyJWT, generated once per session.

Every key exists as a `cryptography` object, as PEM text in the formats people paste into
configuration files (PKCS#1, PKCS#8, SEC 1, SubjectPublicKeyInfo, X.509 certificates), as DER and
OpenSSH text (only to check that they are refused as HMAC secrets), and as a JWK dict written by
PyJWT's own `to_jwk`, so that both libraries are handed exactly the same bytes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

#: PEM formats of private keys, by name.
PRIVATE_FORMATS = {
    "pkcs1": ser.PrivateFormat.TraditionalOpenSSL,  # "RSA PRIVATE KEY"
    "sec1": ser.PrivateFormat.TraditionalOpenSSL,  # "EC PRIVATE KEY"
    "pkcs8": ser.PrivateFormat.PKCS8,  # "PRIVATE KEY"
}
#: PEM formats of public keys, by name.
PUBLIC_FORMATS = {
    "spki": ser.PublicFormat.SubjectPublicKeyInfo,  # "PUBLIC KEY"
    "pkcs1": ser.PublicFormat.PKCS1,  # "RSA PUBLIC KEY"
}

#: HMAC secrets of exactly the length RFC 7518 recommends for each algorithm (no warning).
SECRETS = {
    "HS256": "a-32-byte-secret-for-hs256-tests",
    "HS384": "a-48-byte-secret-for-hs384-tests-of-gojwt--pyjwt",
    "HS512": "a-64-byte-secret-for-hs512-tests-of-gojwt-and-pyjwt-interop-ok!!",
}
assert all(len(s) == int(alg[2:]) // 8 for alg, s in SECRETS.items())


@dataclass
class KeyPair:
    """One asymmetric key pair in every form the tests use."""

    family: str  # "rsa", "rsa1024", "p256", "p384", "p521", "ed25519"
    private: Any  # cryptography private key
    public: Any  # cryptography public key
    private_pem: dict[str, str] = field(default_factory=dict)  # format -> PEM text
    public_pem: dict[str, str] = field(default_factory=dict)
    private_jwk: dict[str, Any] = field(default_factory=dict)
    public_jwk: dict[str, Any] = field(default_factory=dict)
    certificate_pem: str = ""  # a self-signed X.509 certificate of the public key
    public_der: bytes = b""  # SubjectPublicKeyInfo, DER
    public_ssh: str = ""  # OpenSSH one-line public key


def _certificate(private, public) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gojwt interop test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(private, None if isinstance(private, ed25519.Ed25519PrivateKey) else hashes.SHA256())
    )
    return cert.public_bytes(ser.Encoding.PEM).decode()


def _key_pair(family: str, private, private_formats, public_formats, to_jwk) -> KeyPair:
    public = private.public_key()
    pair = KeyPair(family=family, private=private, public=public)
    for fmt in private_formats:
        pem = private.private_bytes(ser.Encoding.PEM, PRIVATE_FORMATS[fmt], ser.NoEncryption())
        pair.private_pem[fmt] = pem.decode()
    for fmt in public_formats:
        pair.public_pem[fmt] = public.public_bytes(ser.Encoding.PEM, PUBLIC_FORMATS[fmt]).decode()
    pair.private_jwk = to_jwk(private, as_dict=True)
    pair.public_jwk = to_jwk(public, as_dict=True)
    pair.certificate_pem = _certificate(private, public)
    pair.public_der = public.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)
    pair.public_ssh = public.public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH).decode()
    return pair


@dataclass
class Keys:
    """All the keys of a session: `keys.pairs["p384"]`, `keys.secrets["HS512"]`."""

    pairs: dict[str, KeyPair]
    secrets: dict[str, str]
    #: A second key pair of each family ("rsa", "p256", ...), to sign or verify with the wrong key.
    others: dict[str, KeyPair]

    def pair(self, family: str) -> KeyPair:
        return self.pairs[family]


@pytest.fixture(scope="session")
def keys() -> Keys:
    def rsa_key(bits):
        return rsa.generate_private_key(public_exponent=65537, key_size=bits)

    pairs = [
        _key_pair("rsa", rsa_key(2048), ["pkcs1", "pkcs8"], ["spki", "pkcs1"], RSAAlgorithm.to_jwk),
        # Below the 2048 bits NIST recommends: PyJWT warns (InsecureKeyLengthWarning).
        _key_pair("rsa1024", rsa_key(1024), ["pkcs1", "pkcs8"], ["spki"], RSAAlgorithm.to_jwk),
        _key_pair("p256", ec.generate_private_key(ec.SECP256R1()), ["sec1", "pkcs8"], ["spki"], ECAlgorithm.to_jwk),
        _key_pair("p384", ec.generate_private_key(ec.SECP384R1()), ["sec1", "pkcs8"], ["spki"], ECAlgorithm.to_jwk),
        _key_pair("p521", ec.generate_private_key(ec.SECP521R1()), ["sec1", "pkcs8"], ["spki"], ECAlgorithm.to_jwk),
        _key_pair("ed25519", ed25519.Ed25519PrivateKey.generate(), ["pkcs8"], ["spki"], OKPAlgorithm.to_jwk),
    ]
    others = [
        _key_pair("rsa", rsa_key(2048), ["pkcs8"], ["spki"], RSAAlgorithm.to_jwk),
        _key_pair("p256", ec.generate_private_key(ec.SECP256R1()), ["pkcs8"], ["spki"], ECAlgorithm.to_jwk),
        _key_pair("p384", ec.generate_private_key(ec.SECP384R1()), ["pkcs8"], ["spki"], ECAlgorithm.to_jwk),
        _key_pair("p521", ec.generate_private_key(ec.SECP521R1()), ["pkcs8"], ["spki"], ECAlgorithm.to_jwk),
        _key_pair("ed25519", ed25519.Ed25519PrivateKey.generate(), ["pkcs8"], ["spki"], OKPAlgorithm.to_jwk),
    ]
    return Keys(
        pairs={p.family: p for p in pairs},
        secrets=dict(SECRETS),
        others={p.family: p for p in others},
    )
