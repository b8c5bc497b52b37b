//! Go's integers ↔ `int`, range-checked against the Go type's bits (`int` and `uintptr` are
//! 64-bit on the targets served).

use super::{Binding, CArg, Cleanup, Kind, Transport, Value, ValueKind, scalar_decode};

/// A signed integer (`int8` … `int64`, `int`).
pub struct Int;

/// An unsigned integer (`uint8` … `uint64`, `uint`, `uintptr`).
pub struct Uint;

fn bits(value: &Value) -> u8 {
    match value.kind {
        Kind::Int { bits } | Kind::Uint { bits } => bits,
        _ => unreachable!("not an integer"),
    }
}

impl ValueKind for Int {
    fn transport(&self) -> Transport {
        Transport::Scalar {
            c: "int64_t",
            go: "C.int64_t",
        }
    }

    fn go_arg(&self, value: &Value, name: &str) -> String {
        format!("{}({name})", value.go_type)
    }

    fn go_store(&self, _: &Value, var: &str, out: &str) -> String {
        format!("*{out} = C.int64_t({var})")
    }

    fn go_decode(&self, _: &Binding, value: &Value) -> String {
        scalar_decode(value, &format!("int({})", bits(value)))
    }

    fn go_encode(&self, _: &Binding, _: &Value) -> String {
        "\tw.int(int64(v))".into()
    }

    fn c_arg(&self, value: &Value, i: usize, name: &str) -> CArg {
        CArg {
            code: format!(
                "    int64_t p{i};\n    if (gw_as_int(argv[{i}], {}, {name}, &p{i}) < 0) goto fail;",
                bits(value)
            ),
            call: format!("p{i}"),
            cleanup: Cleanup::None,
        }
    }

    fn c_result(&self, _: &Value, i: usize) -> String {
        format!("PyLong_FromLongLong((long long)r{i})")
    }

    fn py_type(&self, _: &Binding, _: &Value, _: bool) -> String {
        "int".into()
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = 0".into()
    }
}

impl ValueKind for Uint {
    fn transport(&self) -> Transport {
        Transport::Scalar {
            c: "uint64_t",
            go: "C.uint64_t",
        }
    }

    fn go_arg(&self, value: &Value, name: &str) -> String {
        format!("{}({name})", value.go_type)
    }

    fn go_store(&self, _: &Value, var: &str, out: &str) -> String {
        format!("*{out} = C.uint64_t({var})")
    }

    fn go_decode(&self, _: &Binding, value: &Value) -> String {
        scalar_decode(value, &format!("uint({})", bits(value)))
    }

    fn go_encode(&self, _: &Binding, _: &Value) -> String {
        "\tw.uint(uint64(v))".into()
    }

    fn c_arg(&self, value: &Value, i: usize, name: &str) -> CArg {
        CArg {
            code: format!(
                "    uint64_t p{i};\n    if (gw_as_uint(argv[{i}], {}, {name}, &p{i}) < 0) goto fail;",
                bits(value)
            ),
            call: format!("p{i}"),
            cleanup: Cleanup::None,
        }
    }

    fn c_result(&self, _: &Value, i: usize) -> String {
        format!("PyLong_FromUnsignedLongLong((unsigned long long)r{i})")
    }

    fn py_type(&self, _: &Binding, _: &Value, _: bool) -> String {
        "int".into()
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = 0".into()
    }
}
