package broken

// F returns a type that does not exist.
func F() Undefined { return nil }
