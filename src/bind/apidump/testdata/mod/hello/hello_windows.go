package hello

// WindowsOnly only exists when GOOS=windows.
func WindowsOnly() {}
