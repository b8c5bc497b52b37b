package cdep

// #include <stdlib.h>
import "C"

import "unsafe"

// Free releases memory allocated by C.
func Free(p unsafe.Pointer) { C.free(p) }

// Size is declared with a C type.
var Size C.size_t
