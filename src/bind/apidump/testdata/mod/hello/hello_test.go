package hello

import "testing"

// OnlyInTests is declared in a _test.go file: never listed.
func OnlyInTests() int { return 1 }

func TestNothing(t *testing.T) {}
