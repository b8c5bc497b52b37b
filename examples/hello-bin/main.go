// Command hello-bin greets and shows the version it was built with.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
)

// version is set by gowright from [project].version (tool.gowright.version-variable).
var version = "dev"

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Printf("hello-bin %s (%s/%s)\n", version, runtime.GOOS, runtime.GOARCH)
		return
	}
	name := "world"
	if flag.NArg() > 0 {
		name = flag.Arg(0)
	}
	fmt.Fprintf(os.Stdout, "Hello, %s!\n", name)
}
