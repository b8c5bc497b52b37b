// Package hellolib is a small Go library used from Python through gowright.
package hellolib

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"unicode"
)

// Greet returns a friendly greeting.
func Greet(name string) string {
	return "Hello, " + name + "!"
}

// WordCount counts the words of text, separated by white space.
func WordCount(text string) int {
	return len(strings.Fields(text))
}

// Slugify turns a title into a URL slug: lower-case letters and digits joined by dashes.
// It fails when nothing of the title is left.
func Slugify(title string) (string, error) {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	if b.Len() == 0 {
		return "", errors.New("the title has no letters or digits")
	}
	return b.String(), nil
}

// Digest returns the SHA-256 of data as lower-case hex.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
