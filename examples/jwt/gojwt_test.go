package gojwt

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

const header = `{"alg":"%s","typ":"JWT"}`

var verifyAll = Options{VerifySignature: true, VerifyExp: true, VerifyNbf: true, VerifyIat: true,
	VerifyAud: true, VerifyIss: true, VerifySub: true, VerifyJti: true}

func kind(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	if err == nil {
		return ""
	}
	return "not an *Error: " + err.Error()
}

func pemOf(t *testing.T, typ string, der []byte, err error) []byte {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// keyPairs returns a private and a public PEM key for every asymmetric algorithm family.
func keyPairs(t *testing.T) map[string][2][]byte {
	t.Helper()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pairs := map[string][2][]byte{
		"RS": {pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}),
			pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsaKey.PublicKey)})},
	}
	for name, curve := range map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()} {
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		priv, err := x509.MarshalECPrivateKey(k)
		pub, err2 := x509.MarshalPKIXPublicKey(&k.PublicKey)
		pairs[name] = [2][]byte{pemOf(t, "EC PRIVATE KEY", priv, err), pemOf(t, "PUBLIC KEY", pub, err2)}
	}
	edPub, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	priv, err := x509.MarshalPKCS8PrivateKey(edPriv)
	pub, err2 := x509.MarshalPKIXPublicKey(edPub)
	pairs["EdDSA"] = [2][]byte{pemOf(t, "PRIVATE KEY", priv, err), pemOf(t, "PUBLIC KEY", pub, err2)}
	return pairs
}

func TestEveryAlgorithmRoundTrips(t *testing.T) {
	pairs := keyPairs(t)
	secret := []byte(strings.Repeat("k", 64))
	for _, alg := range Algorithms() {
		if alg == "none" {
			continue
		}
		priv, pub := secret, secret
		if pair, ok := pairs[alg]; ok {
			priv, pub = pair[0], pair[1]
		} else if pair, ok := pairs[strings.Replace(alg[:2], "PS", "RS", 1)]; ok {
			priv, pub = pair[0], pair[1]
		}
		t.Run(alg, func(t *testing.T) {
			tok, warning, err := Encode([]byte(strings.Replace(header, "%s", alg, 1)), []byte(`{"sub":"x"}`), alg, priv, true)
			if err != nil || warning != "" {
				t.Fatalf("encode: %v %q", err, warning)
			}
			opts := verifyAll
			opts.Algorithms = []string{alg}
			_, payload, _, _, err := NewVerifier(opts).Decode(tok, pub, 0)
			if err != nil || string(payload) != `{"sub":"x"}` {
				t.Fatalf("decode: %v %s", err, payload)
			}
			// A changed payload fails.
			parts := strings.Split(tok, ".")
			forged := parts[0] + "." + string(encodeSegment(nil, []byte(`{"sub":"y"}`))) + "." + parts[2]
			if _, _, _, _, err := NewVerifier(opts).Decode(forged, pub, 0); kind(err) != kindSignature {
				t.Fatalf("forged token: %v", err)
			}
		})
	}
}

func TestPublicKeyAsHMACSecretIsRefused(t *testing.T) {
	pub := keyPairs(t)["RS"][1]
	// The attacker signs with HS256, using the server's public key as the secret.
	_, _, err := Encode([]byte(`{"alg":"HS256"}`), []byte(`{}`), "HS256", pub, false)
	if kind(err) != kindKey {
		t.Fatalf("encode with a PEM key as HMAC secret: %v", err)
	}
	for _, secret := range [][]byte{
		[]byte(`{"kty":"oct","k":"c2VjcmV0"}`),
		[]byte(`[{"keys":[{"kty":"RSA"}]}]`),
		[]byte("ssh-rsa AAAAB3NzaC1yc2E"),
		[]byte(""),
	} {
		if _, err := hmacKey(secret); kind(err) != kindKey {
			t.Errorf("hmacKey(%q): %v", secret, err)
		}
	}
}

func TestLoadErrorsFollowPyJWT(t *testing.T) {
	hdr := string(encodeSegment(nil, []byte(`{"alg":"HS256"}`)))
	for token, want := range map[string]string{
		"abc":                              "Not enough segments",
		"a.b":                              "Not enough segments",
		"!!." + hdr + ".":                  "Invalid header padding",
		hdr + "=.e30.":                     "Invalid header padding",
		"e30.e30.a\nb":                     "Invalid crypto padding",
		"e30.e30.A":                        "Invalid crypto padding",
		"bm90IGpzb24.e30.":                 "Invalid header string: invalid character 'o' in literal null (expecting 'u')",
		"WzFd.e30.":                        "Invalid header string: must be a json object",
		hdr + ".e30xx.":                    "Invalid payload padding",
		"eyJraWQiOjF9.e30.":                "Key ID header parameter must be a string",
		"eyJjcml0IjpbIngiXSwieCI6MX0.e30.": "Unsupported critical extension: x",
	} {
		_, err := UnverifiedHeader(token)
		var e *Error
		if !errors.As(err, &e) || e.Msg != want {
			t.Errorf("UnverifiedHeader(%q) = %v, want %q", token, err, want)
		}
	}
}

func TestAlgorithmPolicy(t *testing.T) {
	secret := []byte(strings.Repeat("k", 64))
	tok, _, _ := Encode([]byte(`{"alg":"HS256"}`), []byte(`{}`), "HS256", secret, false)
	none, _, _ := Encode([]byte(`{"alg":"none"}`), []byte(`{}`), "none", nil, false)
	for _, c := range []struct {
		token   string
		allowed []string
		want    string
	}{
		{tok, nil, kindDecode},                                              // algorithms are required
		{tok, []string{"HS512"}, kindAlgorithm},                             // not among the allowed
		{none, []string{"HS256"}, kindAlgorithm},                            // none is not allowed
		{none, []string{"none"}, kindKey},                                   // a key given with none
		{tok, []string{"HS256", "RS256"}, ""},                               // fine
		{strings.TrimSuffix(tok, "A") + "B", []string{"HS256"}, kindDecode}, // non-canonical base64
	} {
		opts := verifyAll
		opts.Algorithms = c.allowed
		_, _, _, _, err := NewVerifier(opts).Decode(c.token, secret, 0)
		if kind(err) != c.want && !(c.want == kindDecode && kind(err) == kindSignature) {
			t.Errorf("Decode(%s, %v) = %v, want %s", c.token, c.allowed, err, c.want)
		}
	}
	opts := verifyAll
	opts.Algorithms = []string{"none"}
	if _, _, _, _, err := NewVerifier(opts).Decode(none, nil, 0); kind(err) != kindSignature {
		t.Errorf("a none token verified: %v", err)
	}
}

func TestClaims(t *testing.T) {
	secret := []byte(strings.Repeat("k", 64))
	const now = 1_000_000
	for _, c := range []struct {
		claims string
		change func(*Options)
		want   string
	}{
		{`{"exp":999999}`, nil, kindExpired},
		{`{"exp":1000000}`, nil, kindExpired},
		{`{"exp":999999}`, func(o *Options) { o.Leeway = 10 }, ""},
		{`{"exp":"1000001"}`, nil, ""},
		{`{"exp":1000000.9}`, nil, kindExpired},
		{`{"exp":"soon"}`, nil, kindDecode},
		{`{"exp":999999}`, func(o *Options) { o.VerifyExp = false }, ""},
		{`{"nbf":1000001}`, nil, kindImmature},
		{`{"iat":1000001}`, nil, kindImmature},
		{`{"iat":[]}`, nil, kindIssuedAt},
		{`{}`, func(o *Options) { o.Require = []string{"exp"} }, kindMissingClaim},
		{`{"exp":null}`, func(o *Options) { o.Require = []string{"exp"} }, kindMissingClaim},
		{`{"aud":"a"}`, nil, kindAudience},
		{`{"aud":""}`, nil, ""},
		{`{"aud":["a","b"]}`, func(o *Options) { o.HasAudience, o.Audience = true, []string{"b"} }, ""},
		{`{"aud":["a",1]}`, func(o *Options) { o.HasAudience, o.Audience = true, []string{"a"} }, kindAudience},
		{`{}`, func(o *Options) { o.HasAudience, o.Audience = true, []string{"a"} }, kindMissingClaim},
		{`{"iss":"x"}`, func(o *Options) { o.HasIssuer, o.Issuer = true, []string{"y"} }, kindIssuer},
		{`{}`, func(o *Options) { o.HasIssuer, o.Issuer = true, []string{"y"} }, kindMissingClaim},
		{`{"sub":1}`, nil, kindSubject},
		{`{"sub":"a"}`, func(o *Options) { o.HasSubject, o.Subject = true, "b" }, kindSubject},
		{`{"jti":1}`, nil, kindJTI},
		{`[]`, nil, kindDecode},
		{`{"a":` + strings.Repeat("[", 10) + strings.Repeat("]", 10) + `,"b\u0022":{"exp":1}}`, nil, ""},
	} {
		tok, _, err := Encode([]byte(`{"alg":"HS256"}`), []byte(c.claims), "HS256", secret, false)
		if err != nil {
			t.Fatal(err)
		}
		opts := verifyAll
		opts.Algorithms = []string{"HS256"}
		if c.change != nil {
			c.change(&opts)
		}
		if _, _, _, _, err := NewVerifier(opts).Decode(tok, secret, now); kind(err) != c.want {
			t.Errorf("claims %s: %v, want %q", c.claims, err, c.want)
		}
	}
}

func TestObjectReadsTopLevelMembers(t *testing.T) {
	o, err := jsonObject([]byte(` { "a" : [1, {"x":"}"}] , "b\"c":"d", "a": 2 } `), "payload")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := o.get("a"); string(v) != "2" {
		t.Errorf(`a = %s, want the last duplicate`, v)
	}
	if v, _ := o.get(`b"c`); string(v) != `"d"` {
		t.Errorf(`b"c = %s`, v)
	}
	if len(o) != 3 {
		t.Errorf("members: %v", o)
	}
}

func TestJWK(t *testing.T) {
	k, err := ParseJWK([]byte(`{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0","kid":"one"}`), "")
	if err != nil || k.Algorithm() != "HS256" || k.KeyID() != "one" || k.KeyType() != "oct" {
		t.Fatalf("oct JWK: %v %+v", err, k)
	}
	edPub, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	jwk, _ := json.Marshal(map[string]string{"kty": "OKP", "crv": "Ed25519",
		"x": string(encodeSegment(nil, edPub)), "d": string(encodeSegment(nil, edPriv.Seed()))})
	k, err = ParseJWK(jwk, "")
	if err != nil || k.Algorithm() != "EdDSA" || !k.IsPrivate() {
		t.Fatalf("OKP JWK: %v", err)
	}
	for data, want := range map[string]string{
		`{"kty":"RSA","n":"AQAB","e":"AQAB"}`:               "",
		`{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}`:      kindKey,
		`{"kty":"OKP","crv":"Ed448","x":"AA"}`:              kindKey,
		`{"kty":"oct","k":"c2VjcmV0","alg":"XS256"}`:        kindJWK,
		`{"kty":"RSA","n":"AQAB","e":"AQAB","alg":"HS256"}`: kindKey,
		`{"n":"AQAB"}`: kindKey,
		`not json`:     kindKey,
	} {
		if _, err := ParseJWK([]byte(data), ""); kind(err) != want {
			t.Errorf("ParseJWK(%s) = %v, want %q", data, err, want)
		}
	}
}

func TestPythonInt(t *testing.T) {
	for raw, want := range map[string]float64{`12`: 12, `-3.9`: -3, `true`: 1, `" 1_000 "`: 1000, `"+7"`: 7, `1e3`: 1000} {
		if got, ok := pythonInt(json.RawMessage(raw)); !ok || got != want {
			t.Errorf("pythonInt(%s) = %v %v, want %v", raw, got, ok, want)
		}
	}
	for _, raw := range []string{`null`, `"1.5"`, `"1__0"`, `"_1"`, `"--1"`, `[1]`, `{}`, `1e999`, `""`} {
		if got, ok := pythonInt(json.RawMessage(raw)); ok {
			t.Errorf("pythonInt(%s) = %v, want an error", raw, got)
		}
	}
}
