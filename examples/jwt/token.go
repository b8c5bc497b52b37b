// Package gojwt creates, signs, decodes and verifies JSON Web Tokens (RFC 7519) with Go's
// standard library crypto. It is the core of the Python package gojwt, whose Python layer
// gives it PyJWT's API; the rules a token must pass (structure, algorithm policy, key checks,
// signature, registered claims) all live here.
package gojwt

import (
	"encoding/json"
	"strings"
)

// Encode makes a compact JWS: it signs the base64url forms of header and payload (both JSON,
// serialized by the caller) with key under alg. key is an HMAC secret or a PEM private key.
// The warning is set when the key is shorter than alg recommends; with enforceKeyLength that
// is an error instead.
func Encode(header, payload []byte, alg string, key []byte, enforceKeyLength bool) (token string, warning string, err error) {
	a, err := lookupAlgorithm(alg)
	if err != nil {
		return "", "", err
	}
	k, err := prepareKey(a, key)
	if err != nil {
		return "", "", err
	}
	return encode(header, payload, a, k, enforceKeyLength)
}

// EncodeWithKey is Encode with a key made by ParseJWK.
func EncodeWithKey(header, payload []byte, alg string, key *Key, enforceKeyLength bool) (token string, warning string, err error) {
	if key == nil {
		return "", "", newErr(kindKey, "no key given")
	}
	a, err := lookupAlgorithm(alg)
	if err != nil {
		return "", "", err
	}
	if err := a.check(key); err != nil {
		return "", "", err
	}
	return encode(header, payload, a, key, enforceKeyLength)
}

func encode(header, payload []byte, alg *algorithm, key *Key, enforceKeyLength bool) (string, string, error) {
	warning := ""
	if alg.family != familyNone {
		warning = alg.keyLengthWarning(key)
		if warning != "" && enforceKeyLength {
			return "", "", newErr(kindKey, "%s", warning)
		}
	}
	buf := make([]byte, 0, b64.EncodedLen(len(header))+b64.EncodedLen(len(payload))+b64.EncodedLen(512)+2)
	buf = encodeSegment(buf, header)
	buf = append(buf, '.')
	buf = encodeSegment(buf, payload)
	sig, err := alg.sign(buf, key)
	if err != nil {
		return "", "", err
	}
	buf = append(buf, '.')
	buf = encodeSegment(buf, sig)
	return string(buf), warning, nil
}

// parts is a token split into its segments and decoded.
type parts struct {
	signingInput string
	header       object
	headerJSON   []byte
	payload      []byte
	signature    []byte
}

// load splits and decodes a compact token the way PyJWT does, including its error messages.
func load(token string) (*parts, error) {
	dot := strings.LastIndexByte(token, '.')
	if dot < 0 {
		return nil, newErr(kindDecode, "Not enough segments")
	}
	signingInput, cryptoSegment := token[:dot], token[dot+1:]
	first := strings.IndexByte(signingInput, '.')
	if first < 0 {
		return nil, newErr(kindDecode, "Not enough segments")
	}
	headerSegment, payloadSegment := signingInput[:first], signingInput[first+1:]
	p := &parts{signingInput: signingInput}
	var err error
	if p.headerJSON, err = decodeSegment(headerSegment, "header"); err != nil {
		return nil, err
	}
	if p.header, err = jsonObject(p.headerJSON, "header"); err != nil {
		return nil, err
	}
	if b64False(p.header) {
		if payloadSegment != "" {
			return nil, newErr(kindDecode, "Payload segment must be empty when 'b64' is false.")
		}
	} else if p.payload, err = decodeSegment(payloadSegment, "payload"); err != nil {
		return nil, err
	}
	if p.signature, err = decodeSegment(cryptoSegment, "crypto"); err != nil {
		return nil, err
	}
	return p, nil
}

// validateHeader checks "kid" and "crit" as PyJWT does.
func validateHeader(h object) error {
	if kid, ok := h.get("kid"); ok && !isJSONString(kid) {
		return newErr(kindToken, "Key ID header parameter must be a string")
	}
	crit, ok := h.get("crit")
	if !ok {
		return nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(crit, &list); err != nil || len(list) == 0 {
		return newErr(kindToken, "Invalid 'crit' header: must be a non-empty list")
	}
	for _, item := range list {
		var ext string
		if err := json.Unmarshal(item, &ext); err != nil {
			return newErr(kindToken, "Invalid 'crit' header: values must be strings")
		}
		if ext != "b64" {
			return newErr(kindToken, "Unsupported critical extension: %s", ext)
		}
		if _, ok := h.get(ext); !ok {
			return newErr(kindToken, "Critical extension '%s' is missing from headers", ext)
		}
	}
	return nil
}

// b64False reports whether the header says "b64": false (RFC 7797 detached payloads).
func b64False(h object) bool {
	v, ok := h.get("b64")
	return ok && string(v) == "false"
}

func isJSONString(v json.RawMessage) bool { return len(v) > 0 && v[0] == '"' }

// UnverifiedHeader returns the header of token, as JSON, without verifying anything else.
func UnverifiedHeader(token string) ([]byte, error) {
	p, err := load(token)
	if err != nil {
		return nil, err
	}
	if err := validateHeader(p.header); err != nil {
		return nil, err
	}
	return p.headerJSON, nil
}
