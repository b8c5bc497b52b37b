// Command apidump prints the exported API of one Go package as JSON.
//
// gowright embeds this program, builds it once with the project's Go toolchain
// and runs it for `bindings = "lib"`: the JSON it prints is what gowright
// generates the Python extension module from. It uses the standard library
// only, and works with Go 1.21 and later.
//
// Usage:
//
//	apidump [-tags a,b] <package dir>
//
// The package is the one in <package dir>, as the go command sees it when
// building for the GOOS, GOARCH and CGO_ENABLED of the environment with the
// given build tags. The go command run is $GOWRIGHT_GO if set, else "go" from
// PATH, as for gowright itself.
//
// # How the package is loaded
//
//  1. `go list -deps -json` runs in <package dir>. The go command decides which
//     files make up the package and each of its dependencies (build
//     constraints, GOOS/GOARCH file names, -tags, cgo; _test.go files are never
//     part of a package) and where each dependency lives (standard library,
//     the module cache, replace directives, vendor/, go.work). apidump never
//     second-guesses it.
//  2. Every listed package is parsed and type-checked from source with
//     go/types, dependencies first. Only declarations matter for an API, so
//     function bodies are not type-checked; nothing is compiled, and no C
//     compiler is needed: in packages that use cgo, `import "C"` is faked.
//     Type errors in dependencies are ignored (the compiler reports them
//     later, when the package is built); those in the package itself are
//     reported and make apidump fail.
//  3. The exported declarations of the package become the model below.
//
// Loading from source through `go list` was chosen over the ready-made
// importers of go/importer. importer.Default() reads compiled export data,
// which it finds for the standard library only ("can't find import" for a
// package of the user's module), and which ties the reader to the compiler
// version that wrote it. importer.ForCompiler(fset, "source", nil) works for
// both, but resolves each import with go/build (one `go list` process per
// non-standard import), type-checks about three times slower than apidump
// does, and runs the real cgo tool, so a C compiler for the target, for cgo
// packages (among them net and os/user when CGO_ENABLED=1): it fails where no
// such compiler is installed, as when cross-building a wheel.
//
// # Output
//
// One JSON object (see the API type): the package, its exported top-level
// functions, its exported named types, and the exported declarations the model
// cannot express at all ("skipped"). Functions whose signatures use types the
// model cannot express are still listed: such types appear as
// {"kind": "unsupported"} and gowright decides what to do with them. Positions
// are "file.go:LINE" with the file's base name. Errors go to stderr with exit
// status 1 (2 for a wrong command line).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

func main() {
	// apidump is short-lived and allocates a lot while parsing: collecting
	// garbage less often saves about a quarter of its time.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program, apart from the exit: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("apidump", flag.ContinueOnError)
	flags.SetOutput(stderr)
	tags := flags.String("tags", "", "comma-separated list of build tags, as for `go build -tags`")
	exports := flags.Bool("exports", false, "print the //export functions of a main package instead (see exports.go)")
	pattern := flags.String("package", ".", "the package to read, as the go command names it in <dir>: \".\", or an import path of a module that <dir>'s go.mod requires")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: apidump [-tags a,b] [-exports] [-package import/path] <dir>")
		fmt.Fprintln(stderr, "Prints the exported API of the Go package in <dir> (or of -package, seen from <dir>) as JSON.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return 2
	}
	var api any
	var err error
	if *exports {
		api, err = dumpExports(flags.Arg(0), *pattern, *tags)
	} else {
		api, err = dump(flags.Arg(0), *pattern, *tags)
	}
	if err != nil {
		fmt.Fprintf(stderr, "apidump: %v\n", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(api); err != nil {
		fmt.Fprintf(stderr, "apidump: %v\n", err)
		return 1
	}
	return 0
}

// ---------------------------------------------------------------------------
// The JSON model. gowright reads it with the matching Rust types in
// src/bind/model.rs: change both together. Lists are never null.

// API is the whole output.
type API struct {
	Package   PackageInfo `json:"package"`
	Functions []Func      `json:"functions"` // exported top-level functions, in source order
	Types     []Type      `json:"types"`     // exported named types, in source order
	Consts    []Const     `json:"consts"`    // exported constants, in source order
	Vars      []Var       `json:"vars"`      // exported package-level variables, in source order
	Skipped   []Skipped   `json:"skipped"`   // exported declarations the model cannot express
}

// Const is an exported constant of a boolean, numeric or string type (named or not).
type Const struct {
	Name string `json:"name"`
	Doc  string `json:"doc"`
	Pos  string `json:"pos"`
	// Kind is "bool", "int", "float" or "string".
	Kind string `json:"kind"`
	// Value is the exact value: "true"/"false", the decimal digits of an integer (of any size),
	// the shortest decimal that round-trips a float64, or the string itself.
	Value string `json:"value"`
}

// Var is an exported package-level variable (`var ErrNotFound = errors.New(...)`,
// `var DefaultCost = 10`).
type Var struct {
	Name string   `json:"name"`
	Doc  string   `json:"doc"`
	Pos  string   `json:"pos"`
	Type *TypeRef `json:"type"`
}

// PackageInfo describes the package itself.
type PackageInfo struct {
	Name       string `json:"name"`
	ImportPath string `json:"import_path"` // "" when the go command knows none
	Doc        string `json:"doc"`
}

// Func is an exported top-level function.
type Func struct {
	Name     string  `json:"name"`
	Doc      string  `json:"doc"`
	Pos      string  `json:"pos"`
	Params   []Param `json:"params"`
	Results  []Param `json:"results"`
	Variadic bool    `json:"variadic"` // the last parameter is ...T; its type is then []T
	// Trivial: the body is one return statement of operators applied to identifiers and
	// literals (no calls, no channel operations, no closures, and none of / % << >>, which
	// can panic), so the call cannot block or panic and finishes in nanoseconds.
	Trivial bool `json:"trivial"`
}

// Param is a parameter or a result. Name is "" when it is unnamed or blank (_).
type Param struct {
	Name string   `json:"name"`
	Type *TypeRef `json:"type"`
	// NonNil, for a result of pointer type: every return statement of the body gives &x or
	// new(T) there, so the result is never nil. (Omitted when it may be, or is not known.)
	NonNil bool `json:"non_nil,omitempty"`
}

// Type is an exported named type declared in the package (not an alias).
type Type struct {
	Name string `json:"name"`
	Doc  string `json:"doc"`
	Pos  string `json:"pos"`
	// Kind is "struct" or "basic" (the underlying type is a struct, or one of
	// the basic types of TypeRef), else "other".
	Kind       string   `json:"kind"`
	Underlying *TypeRef `json:"underlying"`
	Fields     []Field  `json:"fields"`  // exported fields, for kind "struct"
	Methods    []Method `json:"methods"` // exported methods declared on T or *T
	// NoCopy, for kind "struct", says why a value of the type must not be copied, as go vet's
	// copylocks check sees it: "holds a sync.Mutex in field mu", "is a lock (*T has Lock
	// and Unlock methods)"; omitted when it may be.
	NoCopy string `json:"no_copy,omitempty"`
	// Comparable says that Go's == compares values of the type (no slices, maps or functions
	// in it).
	Comparable bool `json:"comparable,omitempty"`
}

// Field is an exported struct field; an embedded one is named after its type.
type Field struct {
	Name     string   `json:"name"`
	Type     *TypeRef `json:"type"`
	Doc      string   `json:"doc"` // its doc comment, else its line comment
	Embedded bool     `json:"embedded"`
}

// Method is an exported method.
type Method struct {
	Name            string  `json:"name"`
	Doc             string  `json:"doc"`
	Pos             string  `json:"pos"`
	PointerReceiver bool    `json:"pointer_receiver"`
	Params          []Param `json:"params"`
	Results         []Param `json:"results"`
	Variadic        bool    `json:"variadic"`
}

// Skipped is an exported declaration left out of the model, and why.
type Skipped struct {
	Pos    string `json:"pos"`
	Decl   string `json:"decl"` // e.g. "func Map"
	Reason string `json:"reason"`
}

// TypeRef is a reference to a type. Kind says which of the other fields are
// set, and only those are printed:
//
//	basic        Name: bool, string, int, int8...uint64, uintptr, float32,
//	             float64, complex64 or complex128 (byte is uint8, rune int32)
//	error        -
//	any          - (any empty interface)
//	slice        Elem
//	array        Len, Elem
//	map          Key, Elem
//	pointer      Elem
//	named        Package (import path, "" for the package dumped), Name: any
//	             other named type that is not generic; one of the package
//	             dumped is always an entry of API.Types
//	unsupported  Text: the type as Go source, qualified relative to the
//	             package (channels, functions, interfaces other than error and any,
//	             struct literals, generic instances, unexported types...)
//
// Aliases are resolved: a type is described by what it stands for.
type TypeRef struct {
	Kind    string   `json:"kind"`
	Package *string  `json:"package,omitempty"`
	Name    string   `json:"name,omitempty"`
	Len     *int64   `json:"len,omitempty"`
	Key     *TypeRef `json:"key,omitempty"`
	Elem    *TypeRef `json:"elem,omitempty"`
	Text    string   `json:"text,omitempty"`
}

// ---------------------------------------------------------------------------
// Loading.

// listedPackage is the part of one `go list -json` entry that apidump uses.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	CgoFiles   []string
	ImportMap  map[string]string // import path in the source -> the package's ImportPath (vendoring)

	files []*ast.File    // parsed GoFiles and CgoFiles, sorted by file name
	types *types.Package // once type-checked
}

// dump loads the package in dir and returns its API.
func dump(dir, pattern, tags string) (*API, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if info, err := os.Stat(abs); err != nil {
		return nil, err
	} else if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", abs)
	}
	pkgs, err := goList(abs, pattern, tags)
	if err != nil {
		return nil, err
	}
	// `go list -deps` lists each package after all its dependencies, so the
	// package asked for comes last.
	target := pkgs[len(pkgs)-1]

	fset := token.NewFileSet()
	if err := parseAll(fset, pkgs, target); err != nil {
		return nil, fmt.Errorf("the Go package %s has syntax errors:\n\t%v", target.ImportPath, err)
	}
	info := &types.Info{Defs: make(map[*ast.Ident]types.Object)}
	if err := typeCheck(fset, pkgs, target, info); err != nil {
		return nil, err
	}

	d := &dumper{
		fset:      fset,
		pkg:       target.types,
		info:      info,
		fieldDocs: make(map[token.Pos]string),
		typeIndex: make(map[*types.TypeName]int),
		api: &API{
			Package: PackageInfo{
				Name:       target.types.Name(),
				ImportPath: importPath(target.ImportPath),
			},
			Functions: []Func{},
			Types:     []Type{},
			Consts:    []Const{},
			Vars:      []Var{},
			Skipped:   []Skipped{},
		},
	}
	d.walk(target.files)
	return d.api, nil
}

// goList runs `go list -deps -json` on pattern ("." or an import path) in dir and
// returns the package and all its dependencies, each after its own dependencies.
func goList(dir, pattern, tags string) ([]*listedPackage, error) {
	goCmd := os.Getenv("GOWRIGHT_GO")
	if goCmd == "" {
		goCmd = "go"
	}
	args := []string{"list", "-deps", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,ImportMap"}
	if tags != "" {
		args = append(args, "-tags="+tags)
	}
	args = append(args, "--", pattern)
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	shown := goCmd + " " + strings.Join(args, " ") // for messages
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("`%s` in %s failed:\n%s", shown, dir, msg)
	}
	var pkgs []*listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("cannot read the output of `%s`: %v", shown, err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("`%s` in %s listed no package", shown, dir)
	}
	return pkgs, nil
}

// importPath returns the import path go list gave the package, or "" when it
// made one up because the directory is in no module or GOPATH.
func importPath(listed string) string {
	if listed == "command-line-arguments" || strings.HasPrefix(listed, "_/") {
		return ""
	}
	return listed
}

// parseAll parses the files of every package, on all CPUs. A syntax error in
// the target package is an error; those in dependencies are left to the
// compiler (the type checker works with what could be parsed).
func parseAll(fset *token.FileSet, pkgs []*listedPackage, target *listedPackage) error {
	type job struct {
		pkg  *listedPackage
		slot int
		path string
	}
	var jobs []job
	for _, p := range pkgs {
		if p.ImportPath == "unsafe" {
			continue // built into go/types
		}
		names := append(append([]string{}, p.GoFiles...), p.CgoFiles...)
		sort.Strings(names)
		p.files = make([]*ast.File, len(names))
		for i, name := range names {
			jobs = append(jobs, job{pkg: p, slot: i, path: filepath.Join(p.Dir, name)})
		}
	}

	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		targetErr error
		queue     = make(chan job)
	)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				// Comments only matter for the docs of the target package.
				mode := parser.SkipObjectResolution
				if j.pkg == target {
					mode |= parser.ParseComments
				}
				f, err := parser.ParseFile(fset, j.path, nil, mode)
				if err != nil && j.pkg == target {
					mu.Lock()
					if targetErr == nil {
						targetErr = err
					}
					mu.Unlock()
				}
				if f == nil { // the file could not be read at all
					f = &ast.File{Name: ast.NewIdent(j.pkg.Name)}
				}
				j.pkg.files[j.slot] = f
			}
		}()
	}
	for _, j := range jobs {
		queue <- j
	}
	close(queue)
	wg.Wait()
	return targetErr
}

// typeCheck type-checks the packages in order (each after its dependencies),
// filling info for the target package.
func typeCheck(fset *token.FileSet, pkgs []*listedPackage, target *listedPackage, info *types.Info) error {
	byPath := make(map[string]*listedPackage, len(pkgs))
	for _, p := range pkgs {
		byPath[p.ImportPath] = p
	}
	// Sizes matter for constant array lengths such as [unsafe.Sizeof(x)]byte.
	goarch := os.Getenv("GOARCH")
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	sizes := types.SizesFor("gc", goarch)

	for _, p := range pkgs {
		if p.ImportPath == "unsafe" {
			p.types = types.Unsafe
			continue
		}
		p := p
		var errs []string // of the target package
		conf := types.Config{
			Importer: importerFunc(func(path string) (*types.Package, error) {
				if path == "unsafe" {
					return types.Unsafe, nil
				}
				if mapped, ok := p.ImportMap[path]; ok {
					path = mapped
				}
				if dep := byPath[path]; dep != nil && dep.types != nil {
					return dep.types, nil
				}
				return nil, fmt.Errorf("package %s was not listed by go list", path)
			}),
			Sizes:            sizes,
			IgnoreFuncBodies: true,
			FakeImportC:      true,
			Error: func(err error) {
				if p != target {
					return // the compiler will report them
				}
				if te, ok := err.(types.Error); ok && te.Soft {
					return // unused variables and the like: not our business
				}
				errs = append(errs, err.Error())
			},
		}
		var pkgInfo *types.Info
		if p == target {
			pkgInfo = info
		}
		// With conf.Error set, Check goes on after errors and always returns
		// a package.
		p.types, _ = conf.Check(p.ImportPath, fset, p.files, pkgInfo)
		if p == target && len(errs) > 0 {
			const limit = 10
			if len(errs) > limit {
				errs = append(errs[:limit], fmt.Sprintf("(and %d more errors)", len(errs)-limit))
			}
			return fmt.Errorf("the Go package %s does not type-check:\n\t%s",
				p.ImportPath, strings.Join(errs, "\n\t"))
		}
	}
	return nil
}

// importerFunc makes a function a types.Importer.
type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// ---------------------------------------------------------------------------
// Building the model.

// dumper turns the declarations of the type-checked target package into an API.
type dumper struct {
	fset *token.FileSet
	pkg  *types.Package
	info *types.Info
	api  *API

	fieldDocs map[token.Pos]string    // struct field name position -> doc
	typeIndex map[*types.TypeName]int // exported type -> index in api.Types
	methods   []*ast.FuncDecl         // method declarations, in source order
}

// errorType is the predeclared type error.
var errorType = types.Universe.Lookup("error").Type()

// walk visits the top-level declarations of the files (sorted by name), in
// order, so that every list of the API comes out in source order.
func (d *dumper) walk(files []*ast.File) {
	for _, f := range files {
		if f.Doc != nil {
			// Like go/doc: all package comments, one after the other.
			if d.api.Package.Doc != "" {
				d.api.Package.Doc += "\n\n"
			}
			d.api.Package.Doc += docText(f.Doc)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if st, ok := n.(*ast.StructType); ok {
				d.collectFieldDocs(st)
			}
			return true
		})
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				d.funcDecl(decl)
			case *ast.GenDecl:
				d.genDecl(decl)
			}
		}
	}
	// Methods last: their receiver type may be declared further down.
	for _, decl := range d.methods {
		d.method(decl)
	}
}

// funcDecl records an exported function; methods are kept for later.
func (d *dumper) funcDecl(decl *ast.FuncDecl) {
	fn, ok := d.info.Defs[decl.Name].(*types.Func)
	if !ok {
		return
	}
	if decl.Recv != nil {
		d.methods = append(d.methods, decl)
		return
	}
	if !fn.Exported() {
		return
	}
	if decl.Type.TypeParams != nil {
		d.skip(fn, "func "+fn.Name(), "generic functions are not supported")
		return
	}
	params, results, variadic := d.signature(fn.Type().(*types.Signature))
	d.markNonNil(results, decl.Body)
	d.api.Functions = append(d.api.Functions, Func{
		Name:     fn.Name(),
		Doc:      docText(decl.Doc),
		Pos:      d.pos(fn.Pos()),
		Params:   params,
		Results:  results,
		Variadic: variadic,
		Trivial:  isTrivial(decl.Body),
	})
}

// markNonNil sets NonNil on the pointer results that every return statement of body (outside
// function literals) gives as &x or new(T): never nil. A bare return, or one returning a call's
// results, leaves every result as it may be.
func (d *dumper) markNonNil(results []Param, body *ast.BlockStmt) {
	if body == nil {
		return
	}
	candidates := make([]bool, len(results))
	pointers := false
	for i, r := range results {
		candidates[i] = r.Type.Kind == "pointer"
		pointers = pointers || candidates[i]
	}
	if !pointers {
		return
	}
	// new is the builtin unless the package declares its own (shadowing in a function body is
	// not seen: bodies are not type-checked).
	builtinNew := d.pkg.Scope().Lookup("new") == nil
	returns := 0
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			returns++
			if len(n.Results) != len(results) {
				candidates = make([]bool, len(results))
				return false
			}
			for i, e := range n.Results {
				candidates[i] = candidates[i] && isNewPointer(e, builtinNew)
			}
		}
		return true
	})
	for i := range results {
		results[i].NonNil = candidates[i] && returns > 0
	}
}

// isNewPointer reports whether e is &x or new(T) (when new is the builtin), never nil.
func isNewPointer(e ast.Expr, builtinNew bool) bool {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return isNewPointer(e.X, builtinNew)
	case *ast.UnaryExpr:
		return e.Op == token.AND
	case *ast.CallExpr:
		id, ok := e.Fun.(*ast.Ident)
		return ok && id.Name == "new" && builtinNew && len(e.Args) == 1
	}
	return false
}

// isTrivial reports whether body is a single return of expressions built from identifiers,
// literals and operators only (see Func.Trivial).
func isTrivial(body *ast.BlockStmt) bool {
	if body == nil || len(body.List) != 1 {
		return false
	}
	ret, ok := body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) == 0 {
		return false
	}
	for _, e := range ret.Results {
		if !isOperatorExpr(e) {
			return false
		}
	}
	return true
}

func isOperatorExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return isOperatorExpr(e.X)
	case *ast.UnaryExpr:
		// Not <- (a channel receive blocks) nor & (taking an address may allocate).
		switch e.Op {
		case token.ADD, token.SUB, token.NOT, token.XOR:
			return isOperatorExpr(e.X)
		}
		return false
	case *ast.BinaryExpr:
		// Integer division by zero and negative shift counts panic.
		switch e.Op {
		case token.QUO, token.REM, token.SHL, token.SHR:
			return false
		}
		return isOperatorExpr(e.X) && isOperatorExpr(e.Y)
	}
	return false
}

// method adds an exported method to the entry of its receiver's type, if
// that type is listed (exported, not generic).
func (d *dumper) method(decl *ast.FuncDecl) {
	fn, ok := d.info.Defs[decl.Name].(*types.Func)
	if !ok || !fn.Exported() {
		return
	}
	sig := fn.Type().(*types.Signature)
	recv := unalias(sig.Recv().Type())
	ptr, pointer := recv.(*types.Pointer)
	if pointer {
		recv = unalias(ptr.Elem())
	}
	named, ok := recv.(*types.Named)
	if !ok {
		return
	}
	i, ok := d.typeIndex[named.Obj()]
	if !ok {
		return
	}
	params, results, variadic := d.signature(sig)
	d.markNonNil(results, decl.Body)
	t := &d.api.Types[i]
	t.Methods = append(t.Methods, Method{
		Name:            fn.Name(),
		Doc:             docText(decl.Doc),
		Pos:             d.pos(fn.Pos()),
		PointerReceiver: pointer,
		Params:          params,
		Results:         results,
		Variadic:        variadic,
	})
}

// genDecl records the exported types of a type declaration, and skips
// exported constants and variables.
func (d *dumper) genDecl(decl *ast.GenDecl) {
	for _, spec := range decl.Specs {
		switch spec := spec.(type) {
		case *ast.TypeSpec:
			obj, ok := d.info.Defs[spec.Name].(*types.TypeName)
			if !ok || !obj.Exported() {
				continue
			}
			what := "type " + obj.Name()
			switch {
			case spec.TypeParams != nil:
				d.skip(obj, what, "generic types are not supported")
			case spec.Assign.IsValid():
				d.skip(obj, what, fmt.Sprintf("type aliases are not supported (where %s is used, %s is seen)",
					obj.Name(), types.TypeString(unalias(obj.Type()), types.RelativeTo(d.pkg))))
			default:
				// Like go/doc: the spec's own comment, else the declaration's.
				doc := spec.Doc
				if doc == nil {
					doc = decl.Doc
				}
				d.typeDecl(obj, docText(doc))
			}
		case *ast.ValueSpec:
			for _, name := range spec.Names {
				obj := d.info.Defs[name]
				if obj == nil || !obj.Exported() {
					continue
				}
				doc := spec.Doc
				if doc == nil && len(decl.Specs) == 1 {
					doc = decl.Doc
				}
				if doc == nil {
					doc = spec.Comment
				}
				switch obj := obj.(type) {
				case *types.Const:
					d.constDecl(obj, docText(doc))
				case *types.Var:
					d.api.Vars = append(d.api.Vars, Var{
						Name: obj.Name(),
						Doc:  docText(doc),
						Pos:  d.pos(obj.Pos()),
						Type: d.typeRef(obj.Type()),
					})
				}
			}
		}
	}
}

// constDecl adds an exported constant whose value Python can hold exactly.
func (d *dumper) constDecl(c *types.Const, doc string) {
	k := Const{Name: c.Name(), Doc: doc, Pos: d.pos(c.Pos())}
	basic, _ := c.Type().Underlying().(*types.Basic)
	info := types.BasicInfo(0)
	if basic != nil {
		info = basic.Info()
	}
	v := c.Val()
	switch {
	case info&types.IsBoolean != 0:
		k.Kind, k.Value = "bool", strconv.FormatBool(constant.BoolVal(v))
	case info&types.IsInteger != 0:
		k.Kind, k.Value = "int", constant.ToInt(v).ExactString()
	case info&types.IsFloat != 0:
		f, _ := constant.Float64Val(constant.ToFloat(v))
		if math.IsInf(f, 0) {
			d.skip(c, "const "+c.Name(), "the value does not fit a float64")
			return
		}
		k.Kind, k.Value = "float", strconv.FormatFloat(f, 'g', -1, 64)
	case info&types.IsString != 0:
		k.Kind, k.Value = "string", constant.StringVal(v)
		if !utf8.ValidString(k.Value) {
			d.skip(c, "const "+c.Name(), "the string is not valid UTF-8")
			return
		}
	default:
		d.skip(c, "const "+c.Name(), "complex constants are not supported")
		return
	}
	d.api.Consts = append(d.api.Consts, k)
}

// typeDecl adds an exported, non-generic named type to the API.
func (d *dumper) typeDecl(obj *types.TypeName, doc string) {
	named, ok := obj.Type().(*types.Named)
	if !ok {
		return
	}
	t := Type{
		Name:       obj.Name(),
		Doc:        doc,
		Pos:        d.pos(obj.Pos()),
		Kind:       "other",
		Underlying: d.typeRef(named.Underlying()),
		Fields:     []Field{},
		Methods:    []Method{},
		Comparable: types.Comparable(named),
	}
	switch u := named.Underlying().(type) {
	case *types.Struct:
		t.Kind = "struct"
		t.NoCopy = noCopy(named, d.pkg)
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if !f.Exported() {
				continue
			}
			t.Fields = append(t.Fields, Field{
				Name:     f.Name(),
				Type:     d.typeRef(f.Type()),
				Doc:      d.fieldDocs[f.Pos()], // "" for fields of other packages
				Embedded: f.Embedded(),
			})
		}
	case *types.Basic:
		if t.Underlying.Kind == "basic" { // not unsafe.Pointer
			t.Kind = "basic"
		}
	}
	d.typeIndex[obj] = len(d.api.Types)
	d.api.Types = append(d.api.Types, t)
}

// lockerType is sync.Locker: interface{ Lock(); Unlock() }.
var lockerType = func() *types.Interface {
	method := func(name string) *types.Func {
		return types.NewFunc(token.NoPos, nil, name, types.NewSignatureType(nil, nil, nil, nil, nil, false))
	}
	return types.NewInterfaceType([]*types.Func{method("Lock"), method("Unlock")}, nil).Complete()
}()

// noCopy says why a value of the struct type t must not be copied, "" if it may be: t is a
// lock itself, or holds one by value (in a field, nested structs and arrays included). A lock
// is what go vet's copylocks check takes for one: a type whose pointer has Lock and Unlock
// methods while the type itself has not (sync.Mutex, sync.WaitGroup, and the types of
// sync/atomic through their noCopy field).
func noCopy(t *types.Named, pkg *types.Package) string {
	qualify := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	if isLock(t) {
		return "is a lock (*" + types.TypeString(t, qualify) + " has Lock and Unlock methods)"
	}
	lock, path := lockIn(t, pkg, map[types.Type]bool{})
	if lock == nil {
		return ""
	}
	return "holds a lock in field " + strings.Join(path, ".") + " (" + types.TypeString(lock, qualify) + ")"
}

// isLock says whether *t is a sync.Locker while t is not.
func isLock(t types.Type) bool {
	return types.Implements(types.NewPointer(t), lockerType) && !types.Implements(t, lockerType)
}

// lockIn finds a lock held by value in the fields of t: the lock's type and the field path. A
// type of another package holding a lock (atomic.Int64) counts as the lock itself.
func lockIn(t types.Type, pkg *types.Package, seen map[types.Type]bool) (types.Type, []string) {
	if seen[t] {
		return nil, nil
	}
	seen[t] = true
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return nil, nil
	}
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		ft := f.Type()
		for {
			a, ok := ft.Underlying().(*types.Array)
			if !ok {
				break
			}
			ft = a.Elem()
		}
		if isLock(ft) {
			return ft, []string{f.Name()}
		}
		if lock, path := lockIn(ft, pkg, seen); lock != nil {
			if n, ok := ft.(*types.Named); ok && n.Obj().Pkg() != pkg {
				return ft, []string{f.Name()}
			}
			return lock, append([]string{f.Name()}, path...)
		}
	}
	return nil, nil
}

// collectFieldDocs remembers the doc of every field of a struct type literal
// of the package, by the position of the field's name (which is the position
// go/types gives the field).
func (d *dumper) collectFieldDocs(st *ast.StructType) {
	for _, field := range st.Fields.List {
		doc := field.Doc
		if doc == nil {
			doc = field.Comment
		}
		if doc == nil {
			continue
		}
		names := field.Names
		if len(names) == 0 { // embedded: named after its type
			if id := embeddedName(field.Type); id != nil {
				names = []*ast.Ident{id}
			}
		}
		for _, name := range names {
			d.fieldDocs[name.Pos()] = docText(doc)
		}
	}
}

// embeddedName returns the type name of an embedded field's type expression
// (T, *T, pkg.T, T[A]...), which is also the field's name.
func embeddedName(x ast.Expr) *ast.Ident {
	for {
		switch e := x.(type) {
		case *ast.Ident:
			return e
		case *ast.SelectorExpr:
			return e.Sel
		case *ast.StarExpr:
			x = e.X
		case *ast.ParenExpr:
			x = e.X
		case *ast.IndexExpr:
			x = e.X
		case *ast.IndexListExpr:
			x = e.X
		default:
			return nil
		}
	}
}

// signature describes the parameters and results of a function or method.
func (d *dumper) signature(sig *types.Signature) (params, results []Param, variadic bool) {
	return d.params(sig.Params()), d.params(sig.Results()), sig.Variadic()
}

func (d *dumper) params(tuple *types.Tuple) []Param {
	list := make([]Param, 0, tuple.Len())
	for i := 0; i < tuple.Len(); i++ {
		v := tuple.At(i)
		name := v.Name()
		if name == "_" {
			name = ""
		}
		list = append(list, Param{Name: name, Type: d.typeRef(v.Type())})
	}
	return list
}

// typeRef describes a type for the model (see TypeRef).
func (d *dumper) typeRef(t types.Type) *TypeRef {
	switch u := unalias(t).(type) {
	case *types.Basic:
		if u.Info()&types.IsUntyped == 0 && u.Kind() != types.UnsafePointer && u.Kind() != types.Invalid {
			// types.Typ holds the canonical names: byte is uint8, rune int32.
			return &TypeRef{Kind: "basic", Name: types.Typ[u.Kind()].Name()}
		}
	case *types.Named:
		if u == errorType {
			return &TypeRef{Kind: "error"}
		}
		if d.nameable(u) {
			path := ""
			if u.Obj().Pkg() != d.pkg {
				path = u.Obj().Pkg().Path()
			}
			return &TypeRef{Kind: "named", Package: &path, Name: u.Obj().Name()}
		}
	case *types.Slice:
		return &TypeRef{Kind: "slice", Elem: d.typeRef(u.Elem())}
	case *types.Array:
		n := u.Len()
		return &TypeRef{Kind: "array", Len: &n, Elem: d.typeRef(u.Elem())}
	case *types.Map:
		return &TypeRef{Kind: "map", Key: d.typeRef(u.Key()), Elem: d.typeRef(u.Elem())}
	case *types.Pointer:
		return &TypeRef{Kind: "pointer", Elem: d.typeRef(u.Elem())}
	case *types.Interface:
		if u.Empty() {
			return &TypeRef{Kind: "any"}
		}
	}
	return &TypeRef{Kind: "unsupported", Text: types.TypeString(t, types.RelativeTo(d.pkg))}
}

// nameable reports whether code outside the package dumped can refer to the
// named type by package and name: an exported, non-generic type declared at
// package level. For a type of the package dumped, that means it is an entry
// of API.Types.
func (d *dumper) nameable(n *types.Named) bool {
	obj := n.Obj()
	if obj.Pkg() == nil || !obj.Exported() || obj.Parent() != obj.Pkg().Scope() {
		return false
	}
	if n.TypeParams().Len() > 0 || n.TypeArgs().Len() > 0 {
		return false
	}
	// An exported package-level type of the package dumped that is neither
	// generic nor an alias (n.Obj() never is) is one typeDecl lists.
	return true
}

// unalias follows a chain of aliases to the type it stands for.
// types.Unalias only exists from Go 1.22, and go/types only creates alias
// types from Go 1.22 on (by default from 1.23), so this asks the type for
// its right-hand side (Alias.Rhs, Go 1.23) without naming the type.
func unalias(t types.Type) types.Type {
	for {
		a, ok := t.(interface{ Rhs() types.Type })
		if !ok {
			return t
		}
		t = a.Rhs()
	}
}

// skip records an exported declaration the model leaves out.
func (d *dumper) skip(obj types.Object, decl, reason string) {
	d.api.Skipped = append(d.api.Skipped, Skipped{Pos: d.pos(obj.Pos()), Decl: decl, Reason: reason})
}

// pos formats a position as "file.go:LINE".
func (d *dumper) pos(p token.Pos) string {
	position := d.fset.Position(p)
	return fmt.Sprintf("%s:%d", filepath.Base(position.Filename), position.Line)
}

// docText is the text of a doc comment, without comment markers, directives
// (//go:...) and the final newline.
func docText(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	return strings.TrimRight(g.Text(), "\n")
}
