package gojwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"hash"
	"math/big"
	"sort"
)

// family is a kind of key: what one key can be used for.
type family int

const (
	familyHMAC family = iota
	familyRSA
	familyEC
	familyEd25519
	familyNone
)

// algorithm is one JWS "alg" value.
type algorithm struct {
	name   string
	family family
	hash   crypto.Hash
	pss    bool           // RSASSA-PSS rather than PKCS #1 v1.5
	curve  elliptic.Curve // for ECDSA: the curve the key must be on
}

var algorithms = map[string]*algorithm{
	"none":  {name: "none", family: familyNone},
	"HS256": {name: "HS256", family: familyHMAC, hash: crypto.SHA256},
	"HS384": {name: "HS384", family: familyHMAC, hash: crypto.SHA384},
	"HS512": {name: "HS512", family: familyHMAC, hash: crypto.SHA512},
	"RS256": {name: "RS256", family: familyRSA, hash: crypto.SHA256},
	"RS384": {name: "RS384", family: familyRSA, hash: crypto.SHA384},
	"RS512": {name: "RS512", family: familyRSA, hash: crypto.SHA512},
	"PS256": {name: "PS256", family: familyRSA, hash: crypto.SHA256, pss: true},
	"PS384": {name: "PS384", family: familyRSA, hash: crypto.SHA384, pss: true},
	"PS512": {name: "PS512", family: familyRSA, hash: crypto.SHA512, pss: true},
	"ES256": {name: "ES256", family: familyEC, hash: crypto.SHA256, curve: elliptic.P256()},
	"ES384": {name: "ES384", family: familyEC, hash: crypto.SHA384, curve: elliptic.P384()},
	"ES512": {name: "ES512", family: familyEC, hash: crypto.SHA512, curve: elliptic.P521()},
	"EdDSA": {name: "EdDSA", family: familyEd25519},
}

// Algorithms lists the supported "alg" values, sorted.
func Algorithms() []string {
	names := make([]string, 0, len(algorithms))
	for name := range algorithms {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func lookupAlgorithm(name string) (*algorithm, error) {
	if alg, ok := algorithms[name]; ok {
		return alg, nil
	}
	return nil, newErr(kindNotImplemented, "Algorithm not supported")
}

func newHash(h crypto.Hash) func() hash.Hash {
	switch h {
	case crypto.SHA384:
		return sha512.New384
	case crypto.SHA512:
		return sha512.New
	default:
		return sha256.New
	}
}

func digest(h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA384:
		d := sha512.Sum384(msg)
		return d[:]
	case crypto.SHA512:
		d := sha512.Sum512(msg)
		return d[:]
	default:
		d := sha256.Sum256(msg)
		return d[:]
	}
}

// hmac returns the HMAC of msg under the key's secret. Each key keeps its HMAC states for
// reuse: setting one up hashes the secret, which would otherwise be paid per token.
func (k *Key) hmac(h crypto.Hash, msg []byte) []byte {
	pool := &k.macs[hashIndex(h)]
	mac, _ := pool.Get().(hash.Hash)
	if mac == nil {
		mac = hmac.New(newHash(h), k.secret)
	} else {
		mac.Reset()
	}
	mac.Write(msg)
	sum := mac.Sum(nil)
	pool.Put(mac)
	return sum
}

// sign signs msg with key under alg. The key has already been checked to suit alg.
func (alg *algorithm) sign(msg []byte, key *Key) ([]byte, error) {
	switch alg.family {
	case familyNone:
		return nil, nil
	case familyHMAC:
		return key.hmac(alg.hash, msg), nil
	case familyRSA:
		if key.rsaPrivate == nil {
			return nil, newErr(kindKey, "%s needs an RSA private key to sign, not a public key", alg.name)
		}
		var sig []byte
		var err error
		if alg.pss {
			opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: alg.hash}
			sig, err = rsa.SignPSS(rand.Reader, key.rsaPrivate, alg.hash, digest(alg.hash, msg), opts)
		} else {
			sig, err = rsa.SignPKCS1v15(rand.Reader, key.rsaPrivate, alg.hash, digest(alg.hash, msg))
		}
		if err != nil {
			return nil, newErr(kindKey, "Could not sign with the RSA key: %v", err)
		}
		return sig, nil
	case familyEC:
		if key.ecPrivate == nil {
			return nil, newErr(kindKey, "%s needs an EC private key to sign, not a public key", alg.name)
		}
		r, s, err := ecdsa.Sign(rand.Reader, key.ecPrivate, digest(alg.hash, msg))
		if err != nil {
			return nil, newErr(kindKey, "Could not sign with the EC key: %v", err)
		}
		size := (alg.curve.Params().BitSize + 7) / 8
		sig := make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
		return sig, nil
	case familyEd25519:
		if key.edPrivate == nil {
			return nil, newErr(kindKey, "EdDSA needs an Ed25519 private key to sign, not a public key")
		}
		return ed25519.Sign(key.edPrivate, msg), nil
	}
	return nil, newErr(kindNotImplemented, "Algorithm not supported")
}

// verify reports whether sig is alg's signature of msg under key.
func (alg *algorithm) verify(msg, sig []byte, key *Key) bool {
	switch alg.family {
	case familyHMAC:
		return subtle.ConstantTimeCompare(key.hmac(alg.hash, msg), sig) == 1
	case familyRSA:
		pub := key.rsaPublic
		if alg.pss {
			opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: alg.hash}
			return rsa.VerifyPSS(pub, alg.hash, digest(alg.hash, msg), sig, opts) == nil
		}
		return rsa.VerifyPKCS1v15(pub, alg.hash, digest(alg.hash, msg), sig) == nil
	case familyEC:
		size := (alg.curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return false
		}
		r := new(big.Int).SetBytes(sig[:size])
		s := new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(key.ecPublic, digest(alg.hash, msg), r, s)
	case familyEd25519:
		return len(sig) == ed25519.SignatureSize && ed25519.Verify(key.edPublic, msg, sig)
	}
	// "none" never verifies.
	return false
}

// keyLengthWarning returns PyJWT's warning text when key is shorter than alg recommends.
func (alg *algorithm) keyLengthWarning(key *Key) string {
	switch alg.family {
	case familyHMAC:
		if min := alg.hash.Size(); len(key.secret) < min {
			return sprintf("The HMAC key is %d bytes long, which is below the minimum recommended "+
				"length of %d bytes for %s. See RFC 7518 Section 3.2.",
				len(key.secret), min, hashName(alg.hash))
		}
	case familyRSA:
		if bits := key.rsaPublic.N.BitLen(); bits < 2048 {
			return sprintf("The RSA key is %d bits long, which is below the minimum recommended "+
				"size of 2048 bits. See NIST SP 800-131A.", bits)
		}
	}
	return ""
}

func hashIndex(h crypto.Hash) int {
	switch h {
	case crypto.SHA384:
		return 1
	case crypto.SHA512:
		return 2
	}
	return 0
}

func hashName(h crypto.Hash) string {
	switch h {
	case crypto.SHA384:
		return "SHA384"
	case crypto.SHA512:
		return "SHA512"
	}
	return "SHA256"
}
