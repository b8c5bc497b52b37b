package main

// The -exports mode: the `//export` functions of a `main` package written for
// -buildmode=c-shared (gowright's `bindings = "cgo"`), as they are written in
// Go. gowright reads it with the Rust types in src/bind/cgo_model.rs: change
// both together.
//
// Only parsing is needed: the types of an exported function are spelled with
// C types and Go basic types, whose text is all gowright needs (the C side of
// each comes from the header cgo writes, which the C compiler then checks the
// generated glue against).

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strings"
)

// ExportsDump is the output of -exports.
type ExportsDump struct {
	Package   PackageInfo `json:"package"`
	Files     []CgoFile   `json:"files"`     // the files declaring exports, sorted by name
	Functions []Export    `json:"functions"` // in file and source order
}

// CgoFile is a file of the package that declares `//export` functions.
type CgoFile struct {
	Name string `json:"name"` // base name
	// Preamble is the comment directly above `import "C"`: the C declarations
	// the file's C types come from.
	Preamble string `json:"preamble"`
}

// Export is one function marked `//export CName`.
type Export struct {
	CName  string `json:"c_name"`
	GoName string `json:"go_name"`
	// Doc is the function's doc comment without the //export line (and
	// without other directives).
	Doc      string    `json:"doc"`
	File     string    `json:"file"`
	Pos      string    `json:"pos"`
	Params   []GoTyped `json:"params"`
	Results  []GoTyped `json:"results"`
	Variadic bool      `json:"variadic"`
	Receiver bool      `json:"receiver"` // a method: cgo refuses to export those
	// Trivial: the body is one return of operators on identifiers and literals (see
	// Func.Trivial), so the call can neither block nor panic.
	Trivial bool `json:"trivial"`
}

// GoTyped is a parameter or result: its name ("" when unnamed or _) and its
// type as written in the source.
type GoTyped struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// dumpExports reads the `//export` functions of the package in dir.
func dumpExports(dir, pattern, tags string) (*ExportsDump, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	pkgs, err := goList(abs, pattern, tags)
	if err != nil {
		return nil, err
	}
	target := pkgs[len(pkgs)-1]
	names := append(append([]string{}, target.GoFiles...), target.CgoFiles...)
	sort.Strings(names)
	out := &ExportsDump{
		Package:   PackageInfo{Name: target.Name, ImportPath: importPath(target.ImportPath)},
		Files:     []CgoFile{},
		Functions: []Export{},
	}
	fset := token.NewFileSet()
	for _, name := range names {
		f, err := parser.ParseFile(fset, filepath.Join(target.Dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("the Go package %s has syntax errors:\n\t%v", target.ImportPath, err)
		}
		found := false
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Doc == nil {
				continue
			}
			cname, doc := exportDirective(fn.Doc)
			if cname == "" {
				continue
			}
			found = true
			e := Export{
				CName:    cname,
				GoName:   fn.Name.Name,
				Doc:      doc,
				File:     name,
				Pos:      fmt.Sprintf("%s:%d", name, fset.Position(fn.Pos()).Line),
				Params:   typedList(fn.Type.Params),
				Results:  typedList(fn.Type.Results),
				Receiver: fn.Recv != nil,
				Trivial:  isTrivial(fn.Body),
			}
			if ps := fn.Type.Params.List; len(ps) > 0 {
				_, e.Variadic = ps[len(ps)-1].Type.(*ast.Ellipsis)
			}
			out.Functions = append(out.Functions, e)
		}
		if found {
			out.Files = append(out.Files, CgoFile{Name: name, Preamble: preamble(f)})
		}
	}
	return out, nil
}

// exportDirective returns the C name of a `//export Name` line in a doc
// comment, and the rest of the comment as documentation.
func exportDirective(doc *ast.CommentGroup) (cname, text string) {
	rest := &ast.CommentGroup{}
	for _, c := range doc.List {
		if after, ok := strings.CutPrefix(c.Text, "//export "); ok {
			if fields := strings.Fields(after); len(fields) > 0 {
				cname = fields[0]
			}
			continue // not a directive to CommentGroup.Text (no colon): dropped here
		}
		rest.List = append(rest.List, c)
	}
	if len(rest.List) == 0 {
		return cname, ""
	}
	return cname, strings.TrimSpace(rest.Text())
}

// typedList flattens a field list: `a, b C.int` gives two entries.
func typedList(fields *ast.FieldList) []GoTyped {
	list := []GoTyped{}
	if fields == nil {
		return list
	}
	for _, field := range fields.List {
		typ := field.Type
		if ellipsis, ok := typ.(*ast.Ellipsis); ok {
			typ = &ast.ArrayType{Elt: ellipsis.Elt}
		}
		text := types.ExprString(typ)
		if len(field.Names) == 0 {
			list = append(list, GoTyped{Type: text})
			continue
		}
		for _, n := range field.Names {
			name := n.Name
			if name == "_" {
				name = ""
			}
			list = append(list, GoTyped{Name: name, Type: text})
		}
	}
	return list
}

// preamble returns the comment above `import "C"` in f.
func preamble(f *ast.File) string {
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.IMPORT {
			continue
		}
		for _, spec := range gen.Specs {
			imp := spec.(*ast.ImportSpec)
			if imp.Path.Value != `"C"` {
				continue
			}
			doc := imp.Doc
			if doc == nil && !gen.Lparen.IsValid() {
				doc = gen.Doc
			}
			if doc != nil {
				return doc.Text()
			}
		}
	}
	return ""
}
