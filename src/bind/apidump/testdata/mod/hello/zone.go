package hello

// Zone is declared in a file after funcs.go, which uses it.
type Zone struct {
	Name   string
	Offset int
}

// Shift moves z east.
func (z Zone) Shift(hours int) Zone { return z }

// Translate is a method of Point declared in another file than Point, on an
// alias of Point: it comes after Point's methods of types.go.
func (p *Pt) Translate(dx, dy float64) {}
