//! `float32`/`float64` ↔ `float` (an `int` is accepted as argument).

use super::{Binding, CArg, Cleanup, Transport, Value, ValueKind, scalar_decode};

pub struct Float;

impl ValueKind for Float {
    fn transport(&self) -> Transport {
        Transport::Scalar {
            c: "double",
            go: "C.double",
        }
    }

    fn go_arg(&self, value: &Value, name: &str) -> String {
        format!("{}({name})", value.go_type)
    }

    fn go_store(&self, _: &Value, var: &str, out: &str) -> String {
        format!("*{out} = C.double({var})")
    }

    fn go_decode(&self, _: &Binding, value: &Value) -> String {
        scalar_decode(value, "float()")
    }

    fn go_encode(&self, _: &Binding, _: &Value) -> String {
        "\tw.float(float64(v))".into()
    }

    fn c_arg(&self, _: &Value, i: usize, name: &str) -> CArg {
        CArg {
            code: format!(
                "    double p{i};\n    if (gw_as_float(argv[{i}], {name}, &p{i}) < 0) goto fail;"
            ),
            call: format!("p{i}"),
            cleanup: Cleanup::None,
        }
    }

    fn c_result(&self, _: &Value, i: usize) -> String {
        format!("PyFloat_FromDouble(r{i})")
    }

    fn py_type(&self, _: &Binding, _: &Value, _: bool) -> String {
        "float".into()
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = 0.0".into()
    }
}
