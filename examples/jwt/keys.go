package gojwt

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"regexp"
	"sync"
)

// Key is a key ready to sign or verify: an HMAC secret, or a parsed RSA, EC or Ed25519 key.
// Keys come from PEM text or raw secrets (parsed once and cached) or from a JWK.
type Key struct {
	family family
	secret []byte

	rsaPrivate *rsa.PrivateKey
	rsaPublic  *rsa.PublicKey
	ecPrivate  *ecdsa.PrivateKey
	ecPublic   *ecdsa.PublicKey
	edPrivate  ed25519.PrivateKey
	edPublic   ed25519.PublicKey

	// macs holds HMAC states for SHA-256, SHA-384 and SHA-512, for reuse.
	macs [3]sync.Pool

	// From a JWK: the algorithm it is meant for and its "kty", "kid" and "use" members.
	alg, kty, kid, use string
}

// Algorithm is the algorithm a JWK key is meant for ("" for keys not made from a JWK).
func (k *Key) Algorithm() string { return k.alg }

// KeyType is the JWK "kty" member: "oct", "RSA", "EC" or "OKP".
func (k *Key) KeyType() string { return k.kty }

// KeyID is the JWK "kid" member, or "".
func (k *Key) KeyID() string { return k.kid }

// PublicKeyUse is the JWK "use" member, or "".
func (k *Key) PublicKeyUse() string { return k.use }

// IsPrivate reports whether the key can sign.
func (k *Key) IsPrivate() bool {
	return k.family == familyHMAC || k.rsaPrivate != nil || k.ecPrivate != nil || k.edPrivate != nil
}

// keyCache holds keys parsed from bytes, by algorithm family and key bytes, so that the
// cost of parsing PEM is paid once per key rather than once per token.
var keyCache = struct {
	sync.RWMutex
	m map[cacheKey]*Key
}{m: map[cacheKey]*Key{}}

type cacheKey struct {
	family   family
	material string
}

// maxCachedKeys bounds the cache; when full it starts over.
const maxCachedKeys = 1024

// prepareKey turns key bytes into a Key for alg: a secret for HMAC, PEM otherwise.
func prepareKey(alg *algorithm, material []byte) (*Key, error) {
	if alg.family == familyNone {
		if len(material) != 0 {
			return nil, newErr(kindKey, `When alg = "none", key value must be None.`)
		}
		return &Key{family: familyNone}, nil
	}
	keyCache.RLock()
	key, ok := keyCache.m[cacheKey{alg.family, string(material)}]
	keyCache.RUnlock()
	if ok {
		return key, alg.check(key)
	}
	var err error
	if alg.family == familyHMAC {
		key, err = hmacKey(material)
	} else {
		key, err = parsePEM(material)
	}
	if err != nil {
		return nil, err
	}
	if err := alg.check(key); err != nil {
		return nil, err
	}
	keyCache.Lock()
	if len(keyCache.m) >= maxCachedKeys {
		keyCache.m = map[cacheKey]*Key{}
	}
	keyCache.m[cacheKey{alg.family, string(material)}] = key
	keyCache.Unlock()
	return key, nil
}

// check reports an error when key cannot be used with alg.
func (alg *algorithm) check(key *Key) error {
	if key.family != alg.family {
		return newErr(kindKey, "%s needs %s, not %s", alg.name, familyNames[alg.family], familyNames[key.family])
	}
	if alg.family == familyEC && key.ecPublic.Curve != alg.curve {
		return newErr(kindKey, "The key's curve '%s' does not match the expected curve '%s' for this algorithm",
			key.ecPublic.Curve.Params().Name, alg.curve.Params().Name)
	}
	return nil
}

var familyNames = map[family]string{
	familyHMAC:    "an HMAC secret",
	familyRSA:     "an RSA key",
	familyEC:      "an EC key",
	familyEd25519: "an Ed25519 key",
	familyNone:    "no key",
}

// pemMarker finds "-----BEGIN X-----"/"-----END X-----" markers of the PEM types that hold keys.
var pemMarker = regexp.MustCompile(`----[- ](BEGIN|END) (CERTIFICATE|TRUSTED CERTIFICATE|PRIVATE KEY|PUBLIC KEY|` +
	`ENCRYPTED PRIVATE KEY|OPENSSH PRIVATE KEY|DSA PRIVATE KEY|RSA PRIVATE KEY|RSA PUBLIC KEY|EC PRIVATE KEY|` +
	`DH PARAMETERS|NEW CERTIFICATE REQUEST|CERTIFICATE REQUEST|SSH2 PUBLIC KEY|SSH2 ENCRYPTED PRIVATE KEY|X509 CRL)[- ]----`)

var sshPrefixes = [][]byte{
	[]byte("ssh-ed25519"), []byte("ssh-rsa"), []byte("ssh-dss"),
	[]byte("ecdsa-sha2-nistp256"), []byte("ecdsa-sha2-nistp384"), []byte("ecdsa-sha2-nistp521"),
}

// hmacKey accepts bytes as an HMAC secret unless they are an asymmetric key, a certificate or
// a JWK: using a public key as an HMAC secret is the classic algorithm-confusion attack, where
// a token signed with HS256 and the server's public RSA key passes as "verified".
func hmacKey(material []byte) (*Key, error) {
	if len(material) == 0 {
		return nil, newErr(kindKey, "HMAC key must not be empty.")
	}
	if looksAsymmetric(material) {
		return nil, newErr(kindKey, "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret.")
	}
	if looksLikeJWK(material) {
		return nil, newErr(kindKey, "The specified key looks like a JWK and should not be used directly as an HMAC secret. Load it via PyJWK / HMACAlgorithm.from_jwk first.")
	}
	return &Key{family: familyHMAC, secret: bytes.Clone(material)}, nil
}

func looksAsymmetric(material []byte) bool {
	begun := map[string]bool{}
	for _, m := range pemMarker.FindAllSubmatch(material, -1) {
		if string(m[1]) == "BEGIN" {
			begun[string(m[2])] = true
		} else if begun[string(m[2])] {
			return true
		}
	}
	for _, p := range sshPrefixes {
		if bytes.HasPrefix(material, p) {
			return true
		}
	}
	// DER: a public key or a certificate.
	if _, err := x509.ParsePKIXPublicKey(material); err == nil {
		return true
	}
	if _, err := x509.ParseCertificate(material); err == nil {
		return true
	}
	return false
}

// looksLikeJWK reports whether material is JSON holding a "kty" member anywhere.
func looksLikeJWK(material []byte) bool {
	trimmed := bytes.TrimLeft(material, "\ufeff \t\r\n")
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return false
	}
	var v any
	if err := json.Unmarshal(material, &v); err != nil {
		return false
	}
	pending := []any{v}
	for len(pending) > 0 {
		switch x := pending[len(pending)-1].(type) {
		case map[string]any:
			pending = pending[:len(pending)-1]
			if _, ok := x["kty"]; ok {
				return true
			}
			for _, e := range x {
				pending = append(pending, e)
			}
		case []any:
			pending = append(pending[:len(pending)-1], x...)
		default:
			pending = pending[:len(pending)-1]
		}
	}
	return false
}

// parsePEM reads the first key or certificate in PEM text.
func parsePEM(material []byte) (*Key, error) {
	rest := material
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			if bytes.HasPrefix(bytes.TrimSpace(material), []byte("ssh-")) || bytes.HasPrefix(material, []byte("ecdsa-sha2-")) {
				return nil, newErr(kindKey, "SSH public keys are not supported; convert the key to PEM (ssh-keygen -e -m PKCS8)")
			}
			return nil, newErr(kindKey, "Could not parse the provided key: expected a PEM-formatted key")
		}
		if block.Type == "EC PARAMETERS" {
			continue
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] != "" {
			return nil, newErr(kindKey, "Encrypted private keys are not supported; decrypt the key first")
		}
		var parsed any
		var err error
		switch block.Type {
		case "RSA PRIVATE KEY":
			parsed, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "PRIVATE KEY":
			parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			parsed, err = x509.ParseECPrivateKey(block.Bytes)
		case "PUBLIC KEY":
			parsed, err = x509.ParsePKIXPublicKey(block.Bytes)
		case "RSA PUBLIC KEY":
			parsed, err = x509.ParsePKCS1PublicKey(block.Bytes)
		case "CERTIFICATE":
			var cert *x509.Certificate
			if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
				parsed = cert.PublicKey
			}
		default:
			return nil, newErr(kindKey, "Unsupported PEM block %q: expected a private key, a public key or a certificate", block.Type)
		}
		if err != nil {
			return nil, newErr(kindKey, "Could not parse the provided key (%s): %v", block.Type, err)
		}
		return keyFromCrypto(parsed)
	}
}

// keyFromCrypto wraps a key of the crypto packages.
func keyFromCrypto(k any) (*Key, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return &Key{family: familyRSA, rsaPrivate: k, rsaPublic: &k.PublicKey}, nil
	case *rsa.PublicKey:
		return &Key{family: familyRSA, rsaPublic: k}, nil
	case *ecdsa.PrivateKey:
		return &Key{family: familyEC, ecPrivate: k, ecPublic: &k.PublicKey}, nil
	case *ecdsa.PublicKey:
		return &Key{family: familyEC, ecPublic: k}, nil
	case ed25519.PrivateKey:
		return &Key{family: familyEd25519, edPrivate: k, edPublic: k.Public().(ed25519.PublicKey)}, nil
	case ed25519.PublicKey:
		return &Key{family: familyEd25519, edPublic: k}, nil
	}
	return nil, newErr(kindKey, "Unsupported key type %T: expected an RSA, EC (P-256, P-384, P-521) or Ed25519 key", k)
}
