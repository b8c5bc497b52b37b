package gojwt

import "encoding/base64"

var b64 = base64.RawURLEncoding.Strict()

// encodeSegment appends the unpadded base64url form of data to dst.
func encodeSegment(dst []byte, data []byte) []byte {
	n := b64.EncodedLen(len(data))
	dst = append(dst, make([]byte, n)...)
	b64.Encode(dst[len(dst)-n:], data)
	return dst
}

// decodeSegment decodes one token segment the way PyJWT does: at most two '=' of padding (and
// then only on a length that is a multiple of four), nothing outside the base64url alphabet,
// and the canonical encoding only (no stray bits in the last character).
func decodeSegment(seg string, name string) ([]byte, error) {
	bad := func() error { return newErr(kindDecode, "Invalid %s padding", name) }
	stripped := seg
	padding := 0
	for len(stripped) > 0 && stripped[len(stripped)-1] == '=' {
		stripped = stripped[:len(stripped)-1]
		padding++
		if padding > 2 {
			return nil, bad()
		}
	}
	if padding > 0 && len(seg)%4 != 0 {
		return nil, bad()
	}
	// The decoder skips '\r' and '\n'; a token must not hold them.
	for i := 0; i < len(stripped); i++ {
		c := stripped[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, bad()
		}
	}
	out, err := b64.DecodeString(stripped)
	if err != nil {
		return nil, bad()
	}
	return out, nil
}
