//! `[]byte` ↔ `bytes`; any bytes-like object (buffer protocol) as argument, held for the call.

use super::{Binding, CArg, Cleanup, Transport, Value, ValueKind, bytes_py_type};

pub struct Bytes;

impl ValueKind for Bytes {
    fn transport(&self) -> Transport {
        Transport::Span
    }

    fn go_arg(&self, _: &Value, name: &str) -> String {
        format!("gwGoBytes({name}, {name}Len)")
    }

    fn go_store(&self, _: &Value, var: &str, out: &str) -> String {
        format!("gwSetSlice({var}, {out}, {out}Len)")
    }

    fn go_decode(&self, _: &Binding, _: &Value) -> String {
        "\treturn r.bytes()".into()
    }

    fn go_encode(&self, _: &Binding, _: &Value) -> String {
        "\tw.bytes(v)".into()
    }

    fn c_arg(&self, _: &Value, i: usize, name: &str) -> CArg {
        CArg {
            code: format!(
                "    Py_buffer p{i};\n    if (gw_as_buffer(argv[{i}], {name}, &p{i}) < 0) goto fail;\n    held_{i} = 1;"
            ),
            call: format!("(char *)p{i}.buf, (size_t)p{i}.len"),
            cleanup: Cleanup::Buffer,
        }
    }

    fn c_result(&self, _: &Value, i: usize) -> String {
        format!("gw_take_bytes(r{i}, r{i}_len)")
    }

    fn py_type(&self, _: &Binding, _: &Value, argument: bool) -> String {
        bytes_py_type(argument)
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = b\"\"".into()
    }
}
