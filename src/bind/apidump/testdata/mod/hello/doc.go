// Package hello is the test package of apidump.
//
// It has a function or type for each case apidump must handle; golden.json
// holds what apidump prints for it.
package hello
