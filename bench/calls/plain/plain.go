// The plain C library of bench/calls: cgo exports of the Go functions of example.com/gocalls
// taking C types, built with -buildmode=c-shared into libgocalls_plain.so, knowing nothing of
// Python. It is what people write by hand to reach Go through ctypes or cffi (ABI mode).
//
// Strings are copied in (C.GoStringN) and out (C.CString: malloc'd, NUL-terminated, released
// by the caller with FreeString); bytes are copied into a Go slice (C.GoBytes). These are the
// same copies gowright's generated shims make.
package main

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"unsafe"

	"example.com/gocalls"
)

// main is required by -buildmode=c-shared and never runs.
func main() {}

//export Add
func Add(a, b C.int64_t) C.int64_t {
	return C.int64_t(gocalls.Add(int(a), int(b)))
}

// AddTrivial is Add written in place: one return of operators, which cannot block or panic,
// so gowright's generated module calls it with the GIL held (as it does for lib's Add).
//
//export AddTrivial
func AddTrivial(a, b C.int64_t) C.int64_t { return a + b }

//export Echo
func Echo(s *C.char, n C.size_t) *C.char {
	return C.CString(gocalls.Echo(C.GoStringN(s, C.int(n))))
}

//export Sum
func Sum(p *C.char, n C.size_t) C.int64_t {
	return C.int64_t(gocalls.Sum(C.GoBytes(unsafe.Pointer(p), C.int(n))))
}

//export FreeString
func FreeString(p *C.char) {
	C.free(unsafe.Pointer(p))
}
