//! `bool` ↔ `bool`.

use super::{Binding, CArg, Cleanup, Transport, Value, ValueKind, scalar_decode};

pub struct Bool;

impl ValueKind for Bool {
    fn transport(&self) -> Transport {
        Transport::Scalar {
            c: "int",
            go: "C.int",
        }
    }

    fn go_arg(&self, value: &Value, name: &str) -> String {
        match value.go_type.as_str() {
            "bool" => format!("{name} != 0"),
            ty => format!("{ty}({name} != 0)"),
        }
    }

    fn go_store(&self, _: &Value, var: &str, out: &str) -> String {
        format!("*{out} = gwBool(bool({var}))")
    }

    fn go_decode(&self, _: &Binding, value: &Value) -> String {
        scalar_decode(value, "bool()")
    }

    fn go_encode(&self, _: &Binding, _: &Value) -> String {
        "\tw.bool(bool(v))".into()
    }

    /// Any object, by its truth value (as `if x:` sees it).
    fn c_arg(&self, _: &Value, i: usize, _: &str) -> CArg {
        CArg {
            code: format!(
                "    int p{i} = PyObject_IsTrue(argv[{i}]);\n    if (p{i} < 0) goto fail;"
            ),
            call: format!("p{i}"),
            cleanup: Cleanup::None,
        }
    }

    fn c_result(&self, _: &Value, i: usize) -> String {
        format!("PyBool_FromLong(r{i})")
    }

    fn py_type(&self, _: &Binding, _: &Value, _: bool) -> String {
        "bool".into()
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = False".into()
    }
}
