package hello

import (
	"sync"
	"sync/atomic"
	"time"

	"example.com/testmod/geo"
)

// Point is a point in the plane.
type Point struct {
	// X is the abscissa.
	X float64
	Y float64 // Y is the ordinate.

	label string
}

// Scale multiplies both coordinates by k, in place.
func (p *Point) Scale(k float64) {
	p.X *= k
	p.Y *= k
}

// String formats the point.
func (p Point) String() string { return p.label }

func (p Point) norm() float64 { return p.X*p.X + p.Y*p.Y }

// Labelled embeds structs.
type Labelled struct {
	Point    // the point labelled
	*geo.Vec // an offset
	base
	Label       string
	Tags, Notes []string
	At          time.Time
	ch          chan int
}

type base struct{ ID int }

// Exported is a method of an unexported type: not listed.
func (base) Exported() {}

// Celsius is a temperature.
type Celsius float64

// Fahrenheit converts c.
func (c Celsius) Fahrenheit() float64 { return float64(c)*9/5 + 32 }

// Warm raises c by d, in place.
func (c *Celsius) Warm(d Celsius) { *c += d }

// Level is a named byte: its underlying type is uint8.
type Level byte

// A group of types: Vector, without a doc comment of its own, gets this one
// (as in go doc).
type (
	// Grid is a matrix.
	Grid [][]float64

	// Names maps ids to names.
	Names map[int]string

	Vector [3]float64
)

// Op is a named function type.
type Op func(a, b int) int

// Shape is an interface.
type Shape interface {
	Area() float64
}

// Spot has Point's underlying type: its fields but none of its methods.
type Spot Point

// MyInt is an alias: not a type of its own.
type MyInt = int

// Timeout is an alias of a named type of another package.
type Timeout = time.Duration

// Pt is an alias of a type of this package.
type Pt = Point

// Box is generic: skipped, and its methods with it.
type Box[T any] struct{ V T }

// Get returns the value.
func (b *Box[T]) Get() T { return b.V }

type secret struct{}

// Guarded holds a mutex: its values must not be copied.
type Guarded struct {
	mu sync.Mutex
	N  int
}

// Tally holds atomic counters inside a nested struct.
type Tally struct {
	inner struct{ n [2]atomic.Int64 }
}
