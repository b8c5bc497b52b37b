package gojwt

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"math/big"
)

// jwk holds the members of a JSON Web Key (RFC 7517, 7518, 8037) this package reads.
type jwk struct {
	Kty, Alg, Kid, Use, Crv string
	K, N, E, D, P, Q, X, Y  *string
	HasOth                  bool
}

// readJWK picks the members out of a JWK object by their exact names (encoding/json would
// match struct fields without regard to case).
func readJWK(raw map[string]json.RawMessage) (*jwk, error) {
	var j jwk
	text := func(name string, dst *string) error {
		v, ok := raw[name]
		if !ok || string(v) == "null" {
			return nil
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return newErr(kindKey, "Unable to construct key from JWK: %q must be a string", name)
		}
		return nil
	}
	optional := func(name string, dst **string) error {
		if _, ok := raw[name]; !ok {
			return nil
		}
		*dst = new(string)
		return text(name, *dst)
	}
	for name, dst := range map[string]*string{"kty": &j.Kty, "alg": &j.Alg, "kid": &j.Kid, "use": &j.Use, "crv": &j.Crv} {
		if err := text(name, dst); err != nil {
			return nil, err
		}
	}
	for name, dst := range map[string]**string{"k": &j.K, "n": &j.N, "e": &j.E, "d": &j.D, "p": &j.P, "q": &j.Q, "x": &j.X, "y": &j.Y} {
		if err := optional(name, dst); err != nil {
			return nil, err
		}
	}
	_, j.HasOth = raw["oth"]
	return &j, nil
}

// ParseJWK reads a JSON Web Key. algorithm chooses the algorithm the key is for; when it is
// empty the key's "alg" member is used, and failing that the usual algorithm of its type
// (HS256, RS256, ES256/384/512 by curve, EdDSA).
func ParseJWK(data []byte, algorithm string) (*Key, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, newErr(kindKey, "Key is not valid JSON")
	}
	j, err := readJWK(raw)
	if err != nil {
		return nil, err
	}
	if j.Kty == "" {
		return nil, newErr(kindKey, "kty is not found: %s", data)
	}
	if algorithm == "" {
		algorithm = j.Alg
	}
	if algorithm == "" {
		switch j.Kty {
		case "EC":
			switch j.Crv {
			case "P-256", "":
				algorithm = "ES256"
			case "P-384":
				algorithm = "ES384"
			case "P-521":
				algorithm = "ES512"
			default:
				return nil, newErr(kindKey, "Unsupported crv: %s", j.Crv)
			}
		case "RSA":
			algorithm = "RS256"
		case "oct":
			algorithm = "HS256"
		case "OKP":
			if j.Crv == "" {
				return nil, newErr(kindKey, "crv is not found: %s", data)
			}
			if j.Crv != "Ed25519" {
				return nil, newErr(kindKey, "Unsupported crv: %s", j.Crv)
			}
			algorithm = "EdDSA"
		default:
			return nil, newErr(kindKey, "Unsupported kty: %s", j.Kty)
		}
	}
	alg, ok := algorithms[algorithm]
	if !ok || alg.family == familyNone {
		return nil, newErr(kindJWK, "Unable to find an algorithm for key: %s", data)
	}
	key, err := j.key(alg)
	if err != nil {
		return nil, err
	}
	key.alg, key.kty, key.kid, key.use = algorithm, j.Kty, j.Kid, j.Use
	return key, nil
}

// key builds the key for alg out of the JWK's members.
func (j *jwk) key(alg *algorithm) (*Key, error) {
	switch alg.family {
	case familyHMAC:
		if j.Kty != "oct" {
			return nil, newErr(kindKey, "Not an HMAC key")
		}
		k, err := j.bytes("k", j.K)
		if err != nil {
			return nil, err
		}
		if len(k) == 0 {
			return nil, newErr(kindKey, "HMAC key must not be empty.")
		}
		return &Key{family: familyHMAC, secret: k}, nil
	case familyRSA:
		if j.Kty != "RSA" {
			return nil, newErr(kindKey, "Not an RSA key")
		}
		return j.rsaKey()
	case familyEC:
		if j.Kty != "EC" {
			return nil, newErr(kindKey, "Not an Elliptic curve key")
		}
		return j.ecKey()
	case familyEd25519:
		if j.Kty != "OKP" {
			return nil, newErr(kindKey, "Not an Octet Key Pair")
		}
		return j.okpKey()
	}
	return nil, newErr(kindJWK, "Unable to find an algorithm for the key")
}

// bytes decodes the base64url member name.
func (j *jwk) bytes(name string, v *string) ([]byte, error) {
	if v == nil {
		return nil, newErr(kindKey, "Unable to construct key from JWK: missing %q", name)
	}
	b, err := b64.DecodeString(*v)
	if err != nil {
		// Some producers pad; accept that but nothing else.
		b, err = b64.DecodeString(trimPadding(*v))
		if err != nil {
			return nil, newErr(kindKey, "Unable to construct key from JWK: %q is not base64url", name)
		}
	}
	return b, nil
}

func trimPadding(s string) string {
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	return s
}

func (j *jwk) int(name string, v *string) (*big.Int, error) {
	b, err := j.bytes(name, v)
	if err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(b), nil
}

func (j *jwk) rsaKey() (*Key, error) {
	n, err := j.int("n", j.N)
	if err != nil {
		return nil, err
	}
	e, err := j.int("e", j.E)
	if err != nil {
		return nil, err
	}
	if !e.IsInt64() || e.Int64() > 1<<31-1 || e.Int64() < 3 {
		return nil, newErr(kindKey, "Unable to construct key from JWK: unsupported RSA exponent")
	}
	pub := &rsa.PublicKey{N: n, E: int(e.Int64())}
	if j.D == nil {
		return &Key{family: familyRSA, rsaPublic: pub}, nil
	}
	if j.HasOth {
		return nil, newErr(kindKey, "Unsupported RSA private key: > 2 primes not supported")
	}
	if j.P == nil || j.Q == nil {
		return nil, newErr(kindKey, "RSA private JWKs without the primes p and q are not supported")
	}
	d, err := j.int("d", j.D)
	if err != nil {
		return nil, err
	}
	p, err := j.int("p", j.P)
	if err != nil {
		return nil, err
	}
	q, err := j.int("q", j.Q)
	if err != nil {
		return nil, err
	}
	priv := &rsa.PrivateKey{PublicKey: *pub, D: d, Primes: []*big.Int{p, q}}
	if err := priv.Validate(); err != nil {
		return nil, newErr(kindKey, "Invalid RSA private key: %v", err)
	}
	priv.Precompute()
	return &Key{family: familyRSA, rsaPrivate: priv, rsaPublic: &priv.PublicKey}, nil
}

var jwkCurves = map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}

func (j *jwk) ecKey() (*Key, error) {
	curve, ok := jwkCurves[j.Crv]
	if !ok {
		return nil, newErr(kindKey, "Invalid curve: %s", j.Crv)
	}
	size := (curve.Params().BitSize + 7) / 8
	x, err := j.bytes("x", j.X)
	if err != nil {
		return nil, err
	}
	y, err := j.bytes("y", j.Y)
	if err != nil {
		return nil, err
	}
	if len(x) != size || len(y) != size {
		return nil, newErr(kindKey, "Coords should be %d bytes for curve %s", size, j.Crv)
	}
	point := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
	if err != nil {
		return nil, newErr(kindKey, "Invalid EC public key: %v", err)
	}
	if j.D == nil {
		return &Key{family: familyEC, ecPublic: pub}, nil
	}
	d, err := j.bytes("d", j.D)
	if err != nil {
		return nil, err
	}
	if len(d) != size {
		return nil, newErr(kindKey, "D should be %d bytes for curve %s", size, j.Crv)
	}
	priv, err := ecdsa.ParseRawPrivateKey(curve, d)
	if err != nil {
		return nil, newErr(kindKey, "Invalid EC private key: %v", err)
	}
	if !priv.PublicKey.Equal(pub) {
		return nil, newErr(kindKey, "Invalid EC private key: d does not match x and y")
	}
	return &Key{family: familyEC, ecPrivate: priv, ecPublic: &priv.PublicKey}, nil
}

func (j *jwk) okpKey() (*Key, error) {
	if j.Crv != "Ed25519" {
		return nil, newErr(kindKey, "Invalid curve: %s (only Ed25519 is supported)", j.Crv)
	}
	x, err := j.bytes("x", j.X)
	if err != nil {
		return nil, newErr(kindKey, `OKP should have "x" parameter`)
	}
	if len(x) != ed25519.PublicKeySize {
		return nil, newErr(kindKey, "Invalid Ed25519 public key: %d bytes, not 32", len(x))
	}
	pub := ed25519.PublicKey(x)
	if j.D == nil {
		return &Key{family: familyEd25519, edPublic: pub}, nil
	}
	d, err := j.bytes("d", j.D)
	if err != nil {
		return nil, err
	}
	if len(d) != ed25519.SeedSize {
		return nil, newErr(kindKey, "Invalid Ed25519 private key: %d bytes, not 32", len(d))
	}
	priv := ed25519.NewKeyFromSeed(d)
	if !pub.Equal(priv.Public()) {
		return nil, newErr(kindKey, "Invalid Ed25519 private key: d does not match x")
	}
	return &Key{family: familyEd25519, edPrivate: priv, edPublic: pub}, nil
}
