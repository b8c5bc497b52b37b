package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json with what apidump prints now")

// The test module: testdata/mod, module example.com/testmod. Its package hello
// has one declaration for each case apidump handles; geo and cdep are
// imported by hello (cdep uses cgo); broken does not type-check, nogo has no
// Go file.
const (
	moduleDir  = "testdata/mod"
	helloDir   = "testdata/mod/hello"
	goldenFile = "testdata/golden.json"
)

// setEnv makes the go command see the test module alone (no go.work above,
// no toolchain switch), for a fixed target so that the golden file holds on
// any machine, with cgo on but no C compiler: apidump must not need one.
func setEnv(t *testing.T) {
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("GOOS", "linux")
	t.Setenv("GOARCH", "amd64")
	t.Setenv("CGO_ENABLED", "1")
	t.Setenv("CC", "/nonexistent/cc")
	t.Setenv("GODEBUG", "")
}

// apidump runs the program in-process and returns what it printed and its
// exit status.
func apidump(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// mustDump runs apidump, which must succeed, and decodes its output.
func mustDump(t *testing.T, args ...string) (string, *API) {
	t.Helper()
	stdout, stderr, code := apidump(t, args...)
	if code != 0 {
		t.Fatalf("apidump %s: exit status %d\n%s", strings.Join(args, " "), code, stderr)
	}
	var api API
	if err := json.Unmarshal([]byte(stdout), &api); err != nil {
		t.Fatalf("apidump printed invalid JSON: %v\n%s", err, stdout)
	}
	return stdout, &api
}

// goMinor returns the minor version of the Go running the test (22 for
// go1.22.5), or 1000 for a development version.
func goMinor() int {
	v := strings.TrimPrefix(runtime.Version(), "go1.")
	if i := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		v = v[:i]
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 1000
	}
	return n
}

// TestGolden compares the dump of testdata/mod/hello with testdata/golden.json,
// both with and without alias types in go/types. Which one apidump sees
// depends on the Go it is built with: none before Go 1.22; from 1.22 to 1.26
// GODEBUG=gotypesalias decides, and its default follows the go line of
// apidump's go.mod (1.21: off); Go 1.27 removed the setting, and alias types
// are always on (setting gotypesalias=0 is then a fatal error).
func TestGolden(t *testing.T) {
	for _, aliases := range []string{"0", "1"} {
		t.Run("gotypesalias="+aliases, func(t *testing.T) {
			if aliases == "1" && goMinor() < 23 {
				t.Skip("alias types need Go 1.23 (Alias.Rhs)")
			}
			if aliases == "0" && goMinor() >= 27 {
				t.Skip("Go 1.27 removed gotypesalias=0")
			}
			setEnv(t)
			t.Setenv("GODEBUG", "gotypesalias="+aliases)
			got, api := mustDump(t, helloDir)
			if *update {
				if err := os.WriteFile(goldenFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenFile)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("apidump output differs from %s (go test -update rewrites it):\n%s",
					goldenFile, firstDifference(string(want), got))
			}
			checkFacts(t, api)
		})
	}
}

// checkFacts checks what the golden file must say, so that a careless -update
// cannot make a mistake the norm.
func checkFacts(t *testing.T, api *API) {
	t.Helper()
	if api.Package.Name != "hello" || api.Package.ImportPath != "example.com/testmod/hello" {
		t.Errorf("package = %+v", api.Package)
	}
	if !strings.HasPrefix(api.Package.Doc, "Package hello is the test package") {
		t.Errorf("package doc = %q", api.Package.Doc)
	}
	funcs := map[string]Func{}
	for _, f := range api.Functions {
		funcs[f.Name] = f
	}
	for _, name := range []string{"OnlyInTests", "TestNothing", "unexported", "Extra", "WindowsOnly", "Map"} {
		if _, ok := funcs[name]; ok {
			t.Errorf("function %s is listed", name)
		}
	}
	ref := func(f, param string, i int) string {
		fn, ok := funcs[f]
		if !ok {
			t.Errorf("function %s is missing", f)
			return ""
		}
		list := fn.Params
		if param == "result" {
			list = fn.Results
		}
		b, _ := json.Marshal(list[i].Type)
		return string(b)
	}
	for _, c := range []struct {
		fn, which string
		i         int
		want      string
	}{
		{"ByteRune", "param", 0, `{"kind":"basic","name":"uint8"}`},
		{"ByteRune", "param", 1, `{"kind":"basic","name":"int32"}`},
		{"Bytes", "param", 0, `{"kind":"slice","elem":{"kind":"basic","name":"uint8"}}`},
		{"Sum4", "param", 0, `{"kind":"array","len":4,"elem":{"kind":"basic","name":"int"}}`},
		{"Word", "param", 0, `{"kind":"array","len":8,"elem":{"kind":"basic","name":"uint8"}}`},
		{"Div", "result", 1, `{"kind":"error"}`},
		{"Later", "param", 0, `{"kind":"named","package":"time","name":"Duration"}`},
		{"Wait", "param", 0, `{"kind":"named","package":"time","name":"Duration"}`},
		{"Identity", "param", 0, `{"kind":"basic","name":"int"}`},
		{"Origin", "result", 0, `{"kind":"named","package":"","name":"Point"}`},
		{"NewPoint", "result", 0, `{"kind":"pointer","elem":{"kind":"named","package":"","name":"Point"}}`},
		{"Move", "param", 0, `{"kind":"named","package":"example.com/testmod/geo","name":"Vec"}`},
		{"Release", "param", 0, `{"kind":"named","package":"example.com/testmod/cdep","name":"Handle"}`},
		{"Send", "param", 0, `{"kind":"unsupported","text":"chan int"}`},
	} {
		if got := ref(c.fn, c.which, c.i); got != c.want {
			t.Errorf("%s %s %d: got %s, want %s", c.fn, c.which, c.i, got, c.want)
		}
	}
	for name, want := range map[string]bool{"NewPoint": true, "MaybePoint": false, "FreshPoint": true} {
		if got := funcs[name].Results[0].NonNil; got != want {
			t.Errorf("NonNil of the result of %s: %v, want %v", name, got, want)
		}
	}
	if !funcs["Sum"].Variadic || funcs["Join"].Variadic {
		t.Errorf("Sum must be variadic, Join not")
	}

	types := map[string]Type{}
	for _, ty := range api.Types {
		types[ty.Name] = ty
	}
	for _, name := range []string{"MyInt", "Timeout", "Pt", "Box", "secret", "base"} {
		if _, ok := types[name]; ok {
			t.Errorf("type %s is listed", name)
		}
	}
	point := types["Point"]
	var names []string
	for _, m := range point.Methods {
		names = append(names, m.Name+"/"+strconv.FormatBool(m.PointerReceiver))
	}
	if got, want := strings.Join(names, " "), "Scale/true String/false Translate/true"; got != want {
		t.Errorf("methods of Point: %s, want %s", got, want)
	}
	names = nil
	for _, f := range types["Labelled"].Fields {
		names = append(names, f.Name+"/"+strconv.FormatBool(f.Embedded))
	}
	if got, want := strings.Join(names, " "), "Point/true Vec/true Label/false Tags/false Notes/false At/false"; got != want {
		t.Errorf("fields of Labelled: %s, want %s", got, want)
	}
	for name, want := range map[string]string{
		"Point":   "",
		"Guarded": "holds a lock in field mu (sync.Mutex)",
		"Tally":   "holds a lock in field inner.n (atomic.Int64)",
	} {
		if got := types[name].NoCopy; got != want {
			t.Errorf("NoCopy of %s: %q, want %q", name, got, want)
		}
	}
	if c := types["Celsius"]; c.Kind != "basic" || len(c.Methods) != 2 {
		t.Errorf("Celsius = %+v", c)
	}

	if len(api.Vars) != 1 || api.Vars[0].Name != "Version" || api.Vars[0].Type.Kind != "basic" {
		t.Errorf("vars: %+v, want the string Version", api.Vars)
	}

	var skipped []string
	for _, s := range api.Skipped {
		skipped = append(skipped, s.Decl)
	}
	if got, want := strings.Join(skipped, ", "),
		"func Map, const Imaginary, const Broken, type MyInt, type Timeout, type Pt, type Box"; got != want {
		t.Errorf("skipped: %s\nwant:    %s", got, want)
	}
}

// firstDifference shows the first line where two texts differ, with context.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; ; i++ {
		if i < len(w) && i < len(g) && w[i] == g[i] {
			continue
		}
		var b strings.Builder
		for j := max(0, i-5); j < i; j++ {
			b.WriteString("  " + w[j] + "\n")
		}
		if i < len(w) {
			b.WriteString("- " + w[i] + "\n")
		}
		if i < len(g) {
			b.WriteString("+ " + g[i] + "\n")
		}
		return "line " + strconv.Itoa(i+1) + ":\n" + b.String()
	}
}

// findFunc returns the function of the API with that name, or nil.
func findFunc(api *API, name string) *Func {
	for i := range api.Functions {
		if api.Functions[i].Name == name {
			return &api.Functions[i]
		}
	}
	return nil
}

// TestTags: a file with a build constraint is read only with its tag.
func TestTags(t *testing.T) {
	setEnv(t)
	_, api := mustDump(t, "-tags=other,apidump_extra", helloDir)
	f := findFunc(api, "Extra")
	if f == nil {
		t.Fatal("Extra is not listed with -tags apidump_extra")
	}
	if f.Pos != "extra.go:6" {
		t.Errorf("Extra at %s, want extra.go:6", f.Pos)
	}
}

// TestTarget: GOOS and GOARCH of the environment select files and sizes.
func TestTarget(t *testing.T) {
	setEnv(t)
	t.Setenv("GOOS", "windows")
	t.Setenv("GOARCH", "386")
	_, api := mustDump(t, helloDir)
	if findFunc(api, "WindowsOnly") == nil {
		t.Error("WindowsOnly is not listed with GOOS=windows")
	}
	if w := findFunc(api, "Word"); w == nil || w.Params[0].Type.Len == nil || *w.Params[0].Type.Len != 4 {
		t.Errorf("Word with GOARCH=386: %+v, want a [4]byte parameter", w)
	}
}

// TestCgoOff: with CGO_ENABLED=0 the cgo file of cdep is left out, and
// nothing changes for hello.
func TestCgoOff(t *testing.T) {
	setEnv(t)
	t.Setenv("CGO_ENABLED", "0")
	got, _ := mustDump(t, helloDir)
	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output with CGO_ENABLED=0 differs from %s:\n%s", goldenFile, firstDifference(string(want), got))
	}
}

// TestExecutable builds apidump and runs it as gowright does, here from
// another directory of the module, with a relative package directory and
// the "-tags a,b" form of the flag.
func TestExecutable(t *testing.T) {
	if testing.Short() {
		t.Skip("builds apidump")
	}
	setEnv(t)
	exe := filepath.Join(t.TempDir(), "apidump")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	build := exec.Command("go", "build", "-o", exe, ".")
	// The tool runs here: build it for this machine, not for the target.
	build.Env = append(os.Environ(), "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH, "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(exe, "-tags", "apidump_extra", "../hello")
	cmd.Dir = filepath.Join(moduleDir, "geo")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var api API
	if err := json.Unmarshal(out, &api); err != nil {
		t.Fatal(err)
	}
	if api.Package.ImportPath != "example.com/testmod/hello" || findFunc(&api, "Extra") == nil {
		t.Errorf("unexpected output:\n%s", out)
	}

	// A wrong command line.
	cmd = exec.Command(exe)
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Errorf("apidump without arguments: %v, want exit status 2", err)
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestErrors: what goes wrong is said on stderr, with exit status 1.
func TestErrors(t *testing.T) {
	setEnv(t)
	outside := t.TempDir() // in no module
	writeFile(t, filepath.Join(outside, "a.go"), "package a\n")
	// A syntax error in a function body, which go list does not read (kept out
	// of testdata so that gofmt has nothing to say about testdata).
	syntaxDir := t.TempDir()
	writeFile(t, filepath.Join(syntaxDir, "go.mod"), "module example.com/syntax\n\ngo 1.21\n")
	writeFile(t, filepath.Join(syntaxDir, "syntax.go"), "package syntax\n\n// F has a syntax error.\nfunc F() {\n\tif {\n\t}\n}\n")
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string // in stderr
	}{
		{"type error", []string{moduleDir + "/broken"}, 1,
			[]string{"example.com/testmod/broken does not type-check", "broken.go:4:10: undefined: Undefined"}},
		{"syntax error", []string{syntaxDir}, 1,
			[]string{"example.com/syntax has syntax errors", "syntax.go:5:5: missing condition"}},
		{"no such directory", []string{moduleDir + "/nonexistent"}, 1, []string{"nonexistent"}},
		{"no Go files", []string{moduleDir + "/nogo"}, 1, []string{"go list", "no Go files"}},
		{"not a directory", []string{moduleDir + "/go.mod"}, 1, []string{"is not a directory"}},
		{"outside a module", []string{outside}, 1, []string{"go.mod"}},
		{"no arguments", nil, 2, []string{"usage: apidump"}},
		{"two directories", []string{helloDir, helloDir}, 2, []string{"usage: apidump"}},
		{"unknown flag", []string{"-x", helloDir}, 2, []string{"-x"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := apidump(t, c.args...)
			if code != c.code {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, c.code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout is not empty:\n%s", stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, stderr)
				}
			}
		})
	}
}
