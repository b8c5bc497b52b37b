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

// Stats summarizes a text.
type Stats struct {
	Words int
	Lines int
	// Longest is the longest word.
	Longest string
}

// Analyze returns the statistics of text.
func Analyze(text string) Stats {
	s := Stats{Lines: strings.Count(text, "\n") + 1}
	for _, w := range strings.Fields(text) {
		s.Words++
		if len(w) > len(s.Longest) {
			s.Longest = w
		}
	}
	return s
}

// Tally counts words across many texts.
type Tally struct {
	counts map[string]int
}

// NewTally returns an empty tally.
func NewTally() *Tally { return &Tally{counts: map[string]int{}} }

// Add counts the words of text.
func (t *Tally) Add(text string) {
	for _, w := range strings.Fields(strings.ToLower(text)) {
		t.counts[w]++
	}
}

// Count returns how often word was seen.
func (t *Tally) Count(word string) int { return t.counts[strings.ToLower(word)] }

// Counts returns every word with its count.
func (t *Tally) Counts() map[string]int { return t.counts }
