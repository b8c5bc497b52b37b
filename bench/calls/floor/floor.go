// The floor of bench/calls: the least a CPython extension module can do to call the Go functions
// of example.com/gocalls, written by hand. floor.c is the CPython side; these are the cgo exports
// it calls, built together into one c-shared library _floor.abi3.so.
//
// Strings cross the way gowright's generated shims cross them, so the comparison is like with
// like: the argument is copied into a Go string (C.GoStringN), the result into malloc'd memory the
// C side frees. Bytes are copied into a Go slice (C.GoBytes), as gowright does so that the callee
// may keep them; flSumNoCopy shows what skipping that copy would save.
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

//export flAdd
func flAdd(a, b C.int64_t) C.int64_t {
	return C.int64_t(gocalls.Add(int(a), int(b)))
}

//export flEcho
func flEcho(p *C.char, n C.size_t, out **C.char, outLen *C.size_t) {
	r := gocalls.Echo(C.GoStringN(p, C.int(n)))
	// malloc(0) may return NULL: allocate at least one byte.
	buf := C.malloc(C.size_t(len(r) + 1))
	copy(unsafe.Slice((*byte)(buf), len(r)), r)
	*out = (*C.char)(buf)
	*outLen = C.size_t(len(r))
}

//export flSum
func flSum(p *C.char, n C.size_t) C.int64_t {
	return C.int64_t(gocalls.Sum(C.GoBytes(unsafe.Pointer(p), C.int(n))))
}

//export flSumNoCopy
func flSumNoCopy(p *C.char, n C.size_t) C.int64_t {
	// The Go slice aliases the Python buffer: only valid while the caller holds the buffer.
	return C.int64_t(gocalls.Sum(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))))
}
