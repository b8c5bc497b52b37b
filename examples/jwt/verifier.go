package gojwt

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Options says how to verify tokens: PyJWT's decode() arguments and options, gathered once.
type Options struct {
	// Algorithms the header's "alg" must be one of.
	Algorithms      []string
	VerifySignature bool
	VerifyExp       bool
	VerifyNbf       bool
	VerifyIat       bool
	VerifyAud       bool
	VerifyIss       bool
	VerifySub       bool
	VerifyJti       bool
	// Require lists claims that must be present and not null.
	Require []string
	// HasAudience is set when an audience was given; AudienceIsString when it was one string.
	HasAudience      bool
	AudienceIsString bool
	Audience         []string
	StrictAudience   bool
	// HasIssuer is set when an issuer was given; IssuerInvalid when it was neither a string
	// nor a collection of strings.
	HasIssuer     bool
	IssuerInvalid bool
	Issuer        []string
	HasSubject    bool
	Subject       string
	// Leeway is a margin in seconds for the time claims.
	Leeway                  float64
	EnforceMinimumKeyLength bool
}

// Verifier decodes and verifies tokens under fixed Options. Making one checks the options
// once, so verifying many tokens the same way costs only the per-token work.
type Verifier struct {
	opts Options
}

// NewVerifier returns a verifier for opts.
func NewVerifier(opts Options) *Verifier {
	return &Verifier{opts: opts}
}

// Decode verifies token with key (an HMAC secret or a PEM key) at time now (seconds since
// the epoch) and returns its header and payload as JSON, its signature, and a warning when
// the key is shorter than the algorithm recommends.
func (v *Verifier) Decode(token string, key []byte, now float64) (header, payload, signature []byte, warning string, err error) {
	return v.decode(token, func(alg *algorithm) (*Key, error) { return prepareKey(alg, key) }, nil, now)
}

// DecodeWithKey is Decode with a key made by ParseJWK. When no algorithms were given, the
// key's algorithm is the only one allowed.
func (v *Verifier) DecodeWithKey(token string, key *Key, now float64) (header, payload, signature []byte, warning string, err error) {
	if key == nil {
		return nil, nil, nil, "", newErr(kindKey, "no key given")
	}
	return v.decode(token, func(alg *algorithm) (*Key, error) {
		if alg.name != key.alg {
			return nil, newErr(kindAlgorithm, "Token algorithm '%s' does not match the key's algorithm '%s'", alg.name, key.alg)
		}
		return key, alg.check(key)
	}, key, now)
}

func (v *Verifier) decode(token string, keyFor func(*algorithm) (*Key, error), jwkKey *Key, now float64) ([]byte, []byte, []byte, string, error) {
	o := &v.opts
	allowed := o.Algorithms
	if len(allowed) == 0 && jwkKey != nil {
		allowed = []string{jwkKey.alg}
	}
	if o.VerifySignature && len(allowed) == 0 {
		return nil, nil, nil, "", newErr(kindDecode, `It is required that you pass in a value for the "algorithms" argument when calling decode().`)
	}
	p, err := load(token)
	if err != nil {
		return nil, nil, nil, "", err
	}
	if err := validateHeader(p.header); err != nil {
		return nil, nil, nil, "", err
	}
	if b64False(p.header) {
		return nil, nil, nil, "", newErr(kindDecode, "Detached payloads (b64 false) are not supported")
	}
	warning := ""
	if o.VerifySignature {
		if warning, err = v.verifySignature(p, allowed, keyFor); err != nil {
			return nil, nil, nil, "", err
		}
	}
	claims, err := jsonObject(p.payload, "payload")
	if err != nil {
		return nil, nil, nil, "", err
	}
	if err := v.validateClaims(claims, now); err != nil {
		return nil, nil, nil, "", err
	}
	return p.headerJSON, p.payload, p.signature, warning, nil
}

func (v *Verifier) verifySignature(p *parts, allowed []string, keyFor func(*algorithm) (*Key, error)) (string, error) {
	raw, ok := p.header.get("alg")
	if !ok {
		return "", newErr(kindAlgorithm, "Algorithm not specified")
	}
	name, ok := jsonString(raw)
	if !ok || name == "" || !slices.Contains(allowed, name) {
		return "", newErr(kindAlgorithm, "The specified alg value is not allowed")
	}
	alg, ok := algorithms[name]
	if !ok {
		return "", newErr(kindAlgorithm, "Algorithm not supported")
	}
	key, err := keyFor(alg)
	if err != nil {
		return "", err
	}
	warning := ""
	if alg.family != familyNone {
		if warning = alg.keyLengthWarning(key); warning != "" && v.opts.EnforceMinimumKeyLength {
			return "", newErr(kindKey, "%s", warning)
		}
	}
	if !alg.verify([]byte(p.signingInput), p.signature, key) {
		return "", newErr(kindSignature, "Signature verification failed")
	}
	return warning, nil
}

// validateClaims checks the registered claims in PyJWT's order: required claims, iat, nbf,
// exp, iss, aud, sub, jti.
func (v *Verifier) validateClaims(claims object, now float64) error {
	o := &v.opts
	for _, name := range o.Require {
		if c, ok := claims.get(name); !ok || string(c) == "null" {
			return newErr(kindMissingClaim, "%s", name)
		}
	}
	// PyJWT's checks and messages: a bad iat is its own error, a bad nbf or exp a DecodeError.
	if t, ok, err := timeClaim(claims, "iat", o.VerifyIat, kindIssuedAt); err != nil {
		return err
	} else if ok && t > now+o.Leeway {
		return newErr(kindImmature, "The token is not yet valid (iat)")
	}
	if t, ok, err := timeClaim(claims, "nbf", o.VerifyNbf, kindDecode); err != nil {
		return err
	} else if ok && t > now+o.Leeway {
		return newErr(kindImmature, "The token is not yet valid (nbf)")
	}
	if t, ok, err := timeClaim(claims, "exp", o.VerifyExp, kindDecode); err != nil {
		return err
	} else if ok && t <= now-o.Leeway {
		return newErr(kindExpired, "Signature has expired")
	}
	if o.VerifyIss {
		if err := v.validateIssuer(claims); err != nil {
			return err
		}
	}
	if o.VerifyAud {
		if err := v.validateAudience(claims); err != nil {
			return err
		}
	}
	if sub, ok := claims.get("sub"); ok && o.VerifySub {
		s, ok := jsonString(sub)
		if !ok {
			return newErr(kindSubject, "Subject must be a string")
		}
		if o.HasSubject && s != o.Subject {
			return newErr(kindSubject, "Invalid subject")
		}
	}
	if jti, ok := claims.get("jti"); ok && o.VerifyJti && !isJSONString(jti) {
		return newErr(kindJTI, "JWT ID must be a string")
	}
	return nil
}

var timeClaimNames = map[string]string{"iat": "Issued At", "nbf": "Not Before", "exp": "Expiration Time"}

// timeClaim reads the NumericDate claim name when it is present and to be verified; a value
// int() would refuse is an error of kind badKind.
func timeClaim(claims object, name string, verify bool, badKind string) (float64, bool, error) {
	raw, ok := claims.get(name)
	if !ok || !verify {
		return 0, false, nil
	}
	t, ok := pythonInt(raw)
	if !ok {
		return 0, false, newErr(badKind, "%s claim (%s) must be an integer.", timeClaimNames[name], name)
	}
	return t, true, nil
}

func (v *Verifier) validateIssuer(claims object) error {
	o := &v.opts
	if !o.HasIssuer {
		return nil
	}
	raw, ok := claims.get("iss")
	if !ok {
		return newErr(kindMissingClaim, "iss")
	}
	iss, ok := jsonString(raw)
	if !ok {
		return newErr(kindIssuer, "Payload Issuer (iss) must be a string")
	}
	if o.IssuerInvalid {
		return newErr(kindIssuer, `Issuer param must be "str" or "Container[str]"`)
	}
	if !slices.Contains(o.Issuer, iss) {
		return newErr(kindIssuer, "Invalid issuer")
	}
	return nil
}

func (v *Verifier) validateAudience(claims object) error {
	o := &v.opts
	raw, present := claims.get("aud")
	present = present && truthy(raw)
	if !o.HasAudience {
		if present {
			return newErr(kindAudience, "Invalid audience")
		}
		return nil
	}
	if !present {
		return newErr(kindMissingClaim, "aud")
	}
	if o.StrictAudience {
		if !o.AudienceIsString {
			return newErr(kindAudience, "Invalid audience (strict)")
		}
		aud, ok := jsonString(raw)
		if !ok {
			return newErr(kindAudience, "Invalid claim format in token (strict)")
		}
		if aud != o.Audience[0] {
			return newErr(kindAudience, "Audience doesn't match (strict)")
		}
		return nil
	}
	var auds []string
	if one, ok := jsonString(raw); ok {
		auds = []string{one}
	} else if json.Unmarshal(raw, &auds) != nil {
		// Not a list, or a list holding something other than strings.
		return newErr(kindAudience, "Invalid claim format in token")
	}
	for _, want := range o.Audience {
		if slices.Contains(auds, want) {
			return nil
		}
	}
	return newErr(kindAudience, "Audience doesn't match")
}

// truthy is Python's truth value of a JSON value.
func truthy(raw json.RawMessage) bool {
	switch s := strings.TrimSpace(string(raw)); {
	case s == "null", s == "false", s == `""`, s == "[]", s == "{}":
		return false
	case len(s) > 0 && (s[0] == '-' || s[0] >= '0' && s[0] <= '9'):
		f, err := strconv.ParseFloat(s, 64)
		return err != nil || f != 0
	case len(s) > 1 && (s[0] == '[' || s[0] == '{'):
		var v any
		if json.Unmarshal(raw, &v) == nil {
			switch v := v.(type) {
			case []any:
				return len(v) > 0
			case map[string]any:
				return len(v) > 0
			}
		}
	}
	return true
}

// pythonInt converts a claim the way Python's int() does for JSON values: numbers truncate
// toward zero, booleans are 0 and 1, strings of digits parse; anything else fails.
func pythonInt(raw json.RawMessage) (float64, bool) {
	s := string(raw)
	switch {
	case s == "true":
		return 1, true
	case s == "false":
		return 0, true
	case isJSONString(raw):
		text, _ := jsonString(raw)
		return parseIntText(text)
	case len(s) > 0 && (s[0] == '-' || s[0] >= '0' && s[0] <= '9'):
		f, err := strconv.ParseFloat(s, 64)
		if strings.ContainsAny(s, ".eE") {
			// A JSON float: int() of inf fails, and it truncates.
			if err != nil || math.IsInf(f, 0) {
				return 0, false
			}
			return math.Trunc(f), true
		}
		// A JSON integer: Python's ints are unbounded, so a huge one is just huge.
		return f, true
	}
	return 0, false
}

// parseIntText follows int(str): surrounding whitespace, a sign, and decimal digits with
// single underscores between them.
func parseIntText(text string) (float64, bool) {
	text = strings.TrimFunc(text, unicode.IsSpace)
	digits := strings.TrimLeft(text, "+-")
	if len(text)-len(digits) > 1 || digits == "" || digits[0] == '_' || digits[len(digits)-1] == '_' || strings.Contains(digits, "__") {
		return 0, false
	}
	for _, r := range digits {
		if r != '_' && (r < '0' || r > '9') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(digits, "_", ""), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	if text[0] == '-' {
		f = -f
	}
	return f, true
}
