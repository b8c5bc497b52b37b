// Package geo is imported by hello: its types appear in hello's signatures.
package geo

// Vec is a 2-D vector.
type Vec struct {
	X, Y float64
}
