// Package cdep uses cgo: apidump must load it without a C compiler.
package cdep

// Handle is declared in a file without cgo.
type Handle int
