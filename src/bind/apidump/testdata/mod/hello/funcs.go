package hello

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"example.com/testmod/cdep"
	"example.com/testmod/geo"
)

// Bool negates b.
func Bool(b bool) bool { return !b }

// Ints takes every signed integer type.
func Ints(a int, b int8, c int16, d int32, e int64) int { return a }

// Uints takes every unsigned integer type.
func Uints(a uint, b uint8, c uint16, d uint32, e uint64, f uintptr) uint { return a }

// Floats takes both float types and returns them.
func Floats(a float32, b float64) (float32, float64) { return a, b }

// Complexes takes both complex types.
func Complexes(a complex64, b complex128) complex128 { return b }

// Echo returns s.
func Echo(s string) string { return s }

// ByteRune shows that byte is uint8 and rune int32.
func ByteRune(b byte, r rune) (byte, rune) { return b, r }

// Bytes returns a copy of data.
func Bytes(data []byte) []byte { return append([]byte(nil), data...) }

// Join joins parts with sep.
func Join(parts []string, sep string) string { return "" }

// Sum4 adds up an array.
func Sum4(xs [4]int) int { return xs[0] + xs[1] + xs[2] + xs[3] }

// Counts returns m.
func Counts(m map[string]int) map[string]int { return m }

// Div divides a by b.
//
// It fails when b is zero.
func Div(a, b float64) (q float64, err error) {
	if b == 0 {
		return 0, errors.New("division by zero")
	}
	return a / b, nil
}

// Check fails unless ok.
func Check(ok bool) error { return nil }

// Sum adds up xs; it is variadic.
func Sum(label string, xs ...int) (string, int) { return label, len(xs) }

// Later returns the time d from now.
func Later(d time.Duration) time.Time { return time.Now().Add(d) }

// Send sends v on ch: channels are unsupported, the function is still listed.
func Send(ch chan int, v int) { ch <- v }

// Apply calls f: functions are unsupported.
func Apply(f func(int) int, x int) int { return f(x) }

// Describe takes an empty interface: unsupported.
func Describe(v any) string { return fmt.Sprint(v) }

// Stringify takes a named interface of another package: a named type.
func Stringify(s fmt.Stringer) string { return s.String() }

// Anonymous takes a struct literal type: unsupported.
func Anonymous(s struct{ X int }) int { return s.X }

// Raw takes an unsafe.Pointer: unsupported.
func Raw(p unsafe.Pointer) uintptr { return uintptr(p) }

// Hidden returns an unexported type: unsupported.
func Hidden() secret { return secret{} }

// Move adds a vector of the package geo, of the same module, to another.
func Move(p geo.Vec, by *geo.Vec) geo.Vec { return p }

// Release takes a type of a package that uses cgo.
func Release(h cdep.Handle) {}

// Unnamed has unnamed and blank parameters.
func Unnamed(int, string) (bool, error) { return false, nil }

// Blank has a blank parameter.
func Blank(_ int, b bool) {}

// Nothing takes and returns nothing.
//
//go:noinline
func Nothing() {}

// NewPoint returns a pointer to a struct of this package.
func NewPoint(x, y float64) *Point { return &Point{X: x, Y: y} }

// Distance takes structs by value.
func Distance(a, b Point) float64 { return 0 }

// Boil returns a named basic type of this package.
func Boil() Celsius { return 100 }

// Identity goes through an alias of int.
func Identity(x MyInt) MyInt { return x }

// Wait goes through an alias of time.Duration.
func Wait(d Timeout) {}

// Local uses a type declared further down, in another file.
func Local() Zone { return Zone{} }

// Origin goes through an alias of a type of this package.
func Origin() Pt { return Pt{} }

// Word takes an array whose length depends on GOARCH.
func Word(b [unsafe.Sizeof(uintptr(0))]byte) {}

func unexported() {}

// Map is generic: it is skipped.
func Map[T, U any](xs []T, f func(T) U) []U { return nil }

// Pi is a constant.
const Pi = 3.14

const (
	// First is an untyped int constant, second is unexported.
	First = iota
	second
	Third Celsius = 3 // Third is typed by a named float type.
)

// Constants of every kind, and ones that cannot be bound.
const (
	Huge           = 1 << 100
	Greeting       = "héllo\n"
	Enabled        = true
	Tiny           = 1e-300
	Imaginary      = 2i
	Broken         = "\xff"
	Small     int8 = -3
)

// Version is a variable.
var Version = "1.0"

var internalState int

// Mix is arithmetic only: a trivial function.
func Mix(a, b int) (int, bool) { return (a*3 + -b) &^ 1, a < b && !(b == 0) }

// Recv reads a channel: not trivial.
func Recv(c chan int) int { return <-c }

// Ratio divides, which can panic: not trivial.
func Ratio(a, b int) int { return a / b }

// MaybePoint may return nil.
func MaybePoint(ok bool) *Point {
	if ok {
		return &Point{}
	}
	return nil
}

// FreshPoint returns a new point on every path, with an error.
func FreshPoint() (*Point, error) {
	f := func() *Point { return nil } // a function literal's returns are its own
	_ = f
	return new(Point), nil
}
