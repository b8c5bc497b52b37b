package gojwt

import "testing"

func BenchmarkDecodeHS256(b *testing.B) {
	key := []byte("ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss")
	tok, _, err := Encode([]byte(`{"alg":"HS256","typ":"JWT"}`), []byte(`{"sub":"1234567890","name":"John Doe","iat":1516239022}`), "HS256", key, false)
	if err != nil {
		b.Fatal(err)
	}
	v := NewVerifier(Options{Algorithms: []string{"HS256"}, VerifySignature: true, VerifyExp: true, VerifyIat: true, VerifyNbf: true, VerifyAud: true, VerifyIss: true, VerifySub: true, VerifyJti: true})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, _, _, err := v.Decode(tok, key, 2e9); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeHS256(b *testing.B) {
	key := []byte("ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Encode([]byte(`{"alg":"HS256","typ":"JWT"}`), []byte(`{"sub":"1234567890","name":"John Doe","iat":1516239022}`), "HS256", key, false)
	}
}
