// Package gocalls holds the three Go functions whose per-call cost bench/calls measures, reached
// from Python through gowright, a hand-written CPython C-API module, cffi and ctypes. They do
// almost nothing on purpose: what is measured is the crossing, not the work.
package gocalls

// Add returns a + b.
func Add(a, b int) int { return a + b }

// Echo returns s unchanged.
func Echo(s string) string { return s }

// Sum returns len(data): the benchmark measures handing the bytes to Go, not work on them.
func Sum(data []byte) int { return len(data) }
