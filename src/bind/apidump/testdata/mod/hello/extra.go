//go:build apidump_extra

package hello

// Extra only exists with -tags apidump_extra.
func Extra() string { return "extra" }
