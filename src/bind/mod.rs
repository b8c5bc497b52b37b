//! `bindings = "lib"`: an ordinary Go package becomes a CPython extension module.
//!
//! [`model`] is the API the `apidump` helper (Go, embedded) reads from the package's source;
//! [`api`] decides what is bound and how values cross; [`gen_go`], [`gen_c`] and [`gen_py`] write
//! the Go shim, the CPython glue and the Python package.

pub mod api;
pub mod apidump;
pub mod cgo_api;
pub mod cgo_header;
pub mod cgo_model;
pub mod gen_c;
pub mod gen_cgo;
pub mod gen_go;
pub mod gen_py;
pub mod kinds;
pub mod model;

#[cfg(test)]
mod tests {
    use super::model::ApiDump;

    /// A small package: every kind of value, an error result, a named basic type, and
    /// declarations that cannot be bound.
    fn dump() -> ApiDump {
        serde_json::from_str(
            r#"{
  "package": {"name": "demo", "import_path": "example.com/demo", "doc": "Package demo demonstrates."},
  "functions": [
    {"name": "Add", "doc": "Add adds.", "pos": "demo.go:5", "variadic": false, "trivial": true,
     "params": [{"name": "a", "type": {"kind": "basic", "name": "int"}}, {"name": "b", "type": {"kind": "basic", "name": "int8"}}],
     "results": [{"name": "", "type": {"kind": "basic", "name": "int"}}]},
    {"name": "ParseURL", "doc": "", "pos": "demo.go:9", "variadic": false,
     "params": [{"name": "raw", "type": {"kind": "basic", "name": "string"}}, {"name": "", "type": {"kind": "slice", "elem": {"kind": "basic", "name": "uint8"}}}],
     "results": [{"name": "", "type": {"kind": "basic", "name": "string"}}, {"name": "ok", "type": {"kind": "basic", "name": "bool"}}, {"name": "", "type": {"kind": "error"}}]},
    {"name": "Warm", "doc": "Warm converts.", "pos": "demo.go:12", "variadic": false,
     "params": [{"name": "c", "type": {"kind": "named", "package": "", "name": "Celsius"}}],
     "results": []},
    {"name": "Index", "doc": "Index groups words by first letter.", "pos": "demo.go:13", "variadic": false,
     "params": [{"name": "words", "type": {"kind": "slice", "elem": {"kind": "basic", "name": "string"}}}],
     "results": [{"name": "", "type": {"kind": "map", "key": {"kind": "basic", "name": "string"}, "elem": {"kind": "array", "len": 2, "elem": {"kind": "basic", "name": "int32"}}}}]},
    {"name": "Swap", "doc": "Swap swaps.", "pos": "demo.go:13", "variadic": false,
     "params": [{"name": "p", "type": {"kind": "named", "package": "", "name": "Pair"}}],
     "results": [{"name": "", "type": {"kind": "named", "package": "", "name": "Pair"}}]},
    {"name": "Open", "doc": "Open opens a connection.", "pos": "demo.go:13", "variadic": false,
     "params": [{"name": "addr", "type": {"kind": "basic", "name": "string"}}],
     "results": [{"name": "", "type": {"kind": "pointer", "elem": {"kind": "named", "package": "", "name": "Conn"}}, "non_nil": true}, {"name": "", "type": {"kind": "error"}}]},
    {"name": "Lookup", "doc": "Lookup finds an open connection, or nil.", "pos": "demo.go:13", "variadic": false,
     "params": [{"name": "via", "type": {"kind": "pointer", "elem": {"kind": "named", "package": "", "name": "Conn"}}}],
     "results": [{"name": "", "type": {"kind": "pointer", "elem": {"kind": "named", "package": "", "name": "Conn"}}}]},
    {"name": "Wait", "doc": "Wait waits.", "pos": "demo.go:13", "variadic": false,
     "params": [{"name": "d", "type": {"kind": "named", "package": "time", "name": "Duration"}}],
     "results": [{"name": "", "type": {"kind": "named", "package": "time", "name": "Time"}}]},
    {"name": "Sum", "doc": "", "pos": "demo.go:14", "variadic": true,
     "params": [{"name": "xs", "type": {"kind": "slice", "elem": {"kind": "basic", "name": "int"}}}],
     "results": [{"name": "", "type": {"kind": "basic", "name": "int"}}]},
    {"name": "Ident", "doc": "Ident echoes an identifier.", "pos": "demo.go:15", "variadic": false,
     "params": [{"name": "id", "type": {"kind": "named", "package": "", "name": "ID"}}],
     "results": [{"name": "", "type": {"kind": "array", "len": 4, "elem": {"kind": "basic", "name": "uint8"}}}]},
    {"name": "Feed", "doc": "", "pos": "demo.go:16", "variadic": false,
     "params": [{"name": "ch", "type": {"kind": "unsupported", "text": "chan int"}}],
     "results": []}
  ],
  "types": [
    {"name": "Celsius", "doc": "", "pos": "demo.go:3", "kind": "basic", "underlying": {"kind": "basic", "name": "float64"}, "fields": [],
     "methods": [{"name": "String", "doc": "", "pos": "demo.go:3", "pointer_receiver": false, "variadic": false, "params": [],
                  "results": [{"name": "", "type": {"kind": "basic", "name": "string"}}]}]},
    {"name": "ID", "doc": "ID identifies.", "pos": "demo.go:4", "kind": "other", "underlying": {"kind": "array", "len": 4, "elem": {"kind": "basic", "name": "uint8"}}, "fields": [], "methods": []},
    {"name": "Pair", "doc": "Pair holds two names.", "pos": "demo.go:4", "kind": "struct", "underlying": {"kind": "unsupported", "text": "struct{...}"},
     "fields": [{"name": "Left", "type": {"kind": "basic", "name": "string"}, "doc": "Left comes first.", "embedded": false},
                {"name": "Right", "type": {"kind": "basic", "name": "string"}, "doc": "", "embedded": false}],
     "methods": []},
    {"name": "Conn", "doc": "Conn is a connection.", "pos": "demo.go:5", "kind": "struct", "underlying": {"kind": "unsupported", "text": "struct{...}"},
     "fields": [{"name": "Addr", "type": {"kind": "basic", "name": "string"}, "doc": "Addr is the peer.", "embedded": false}],
     "methods": [{"name": "Send", "doc": "Send sends data.", "pos": "demo.go:6", "pointer_receiver": true, "variadic": false,
                  "params": [{"name": "data", "type": {"kind": "slice", "elem": {"kind": "basic", "name": "uint8"}}}],
                  "results": [{"name": "", "type": {"kind": "basic", "name": "int"}}, {"name": "", "type": {"kind": "error"}}]}]}
  ],
  "consts": [
    {"name": "MaxItems", "doc": "MaxItems bounds a list.", "pos": "demo.go:2", "kind": "int", "value": "100"},
    {"name": "Huge", "doc": "", "pos": "demo.go:3", "kind": "int", "value": "1267650600228229401496703205376"},
    {"name": "Ratio", "doc": "", "pos": "demo.go:3", "kind": "float", "value": "0.5"},
    {"name": "Greeting", "doc": "", "pos": "demo.go:3", "kind": "string", "value": "h\u00e9 \"there\"\n"},
    {"name": "Debug", "doc": "", "pos": "demo.go:3", "kind": "bool", "value": "false"},
    {"name": "MAX_ITEMS", "doc": "", "pos": "demo.go:4", "kind": "int", "value": "1"}
  ],
  "vars": [
    {"name": "ErrClosed", "doc": "ErrClosed is returned after Close.", "pos": "demo.go:21", "type": {"kind": "error"}},
    {"name": "Timeout", "doc": "Timeout bounds a call.", "pos": "demo.go:22", "type": {"kind": "named", "package": "time", "name": "Duration"}},
    {"name": "Hook", "doc": "", "pos": "demo.go:23", "type": {"kind": "unsupported", "text": "func()"}}
  ],
  "skipped": [{"pos": "demo.go:20", "decl": "func Map", "reason": "generic functions are not supported"}]
}"#,
        )
        .unwrap()
    }

    #[test]
    fn plan_reports_what_is_left_out() {
        let binding = super::api::plan(&dump());
        let names: Vec<&str> = binding
            .functions
            .iter()
            .map(|f| f.py_name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "add",
                "parse_url",
                "warm",
                "index",
                "swap",
                "open",
                "lookup",
                "wait",
                "sum",
                "ident",
                "timeout",
                "timeout",
                "send",
                "__new__",
                "addr",
                "addr"
            ]
        );
        assert_eq!(binding.handles.len(), 1);
        assert_eq!(binding.functions[12].receiver, Some(0));
        assert_eq!(binding.errors.len(), 1);
        assert_eq!(
            (binding.vars[0].py_name.as_str(), binding.vars[0].getter),
            ("timeout", 10)
        );
        assert!(binding.functions[8].variadic);
        insta::assert_snapshot!(binding.skipped.join("\n"), @r"
        demo.go:20: func Map: generic functions are not supported
        demo.go:16: func Feed: parameter 1: type `chan int` is not supported yet
        demo.go:4: const MAX_ITEMS: its Python name MAX_ITEMS is taken by const MaxItems
        demo.go:23: var Hook: type `func()` is not supported yet
        demo.go:3: method Celsius.String: methods of named basic types (`float64`) are not bound yet (its values cross as plain Python values)
        ");
    }

    /// One of several packages of one extension module: every global name carries the
    /// package's prefix, and the sub-package loads its module from the root module's file.
    #[test]
    fn generated_sources_of_one_of_several_packages() {
        let binding = super::api::Binding {
            prefix: "demo_".into(),
            ..super::api::plan(&dump())
        };
        let go = super::gen_go::render_package(&binding);
        assert!(go.starts_with("//go:build go1.21\n"), "{go}");
        assert!(go.contains("//export gw_demo_Add\n"), "{go}");
        assert!(go.contains("func gw_demo_Conn_copy("), "{go}");
        assert!(go.contains("gwDecdemo_"), "{go}");
        assert!(
            !go.contains("func main()"),
            "the runtime is in gowright_runtime.go"
        );
        let runtime = super::gen_go::render_runtime(std::slice::from_ref(&binding));
        assert!(runtime.contains("func main() {}"));
        assert!(runtime.contains("func gw_release_handle("));
        let glue = super::gen_c::render_submodule(&binding, "pkg.demo", "_demo", "pkg._pkg");
        assert!(glue.contains("#define GW_ROOT_MODULE \"pkg._pkg\""));
        assert!(glue.contains("PyMODINIT_FUNC PyInit__demo(void)"));
        assert!(glue.contains("gw_demo_Conn_copy, "));
        let root = super::gen_c::render_root("pkg", "_pkg", "Bindings of a and b.");
        assert!(root.contains("PyMODINIT_FUNC PyInit__pkg(void)"));
        insta::assert_snapshot!(
            "sub __init__.py",
            super::gen_py::render_sub_init(&binding, "_demo", "_pkg")
        );
        insta::assert_snapshot!(
            "root __init__.py",
            super::gen_py::render_root_init(
                "Bindings of a and b.",
                "_pkg",
                &["demo".into(), "other".into()]
            )
        );
    }

    #[test]
    fn generated_sources() {
        let binding = super::api::plan(&dump());
        insta::assert_snapshot!("main.go", super::gen_go::render(&binding));
        insta::assert_snapshot!("glue.c", super::gen_c::render(&binding, "demo", "_demo"));
        insta::assert_snapshot!("__init__.py", super::gen_py::render_init(&binding, "_demo"));
        insta::assert_snapshot!("_demo.pyi", super::gen_py::render_stub(&binding));
        insta::assert_snapshot!("_types.py", super::gen_py::render_types(&binding));
    }
}
