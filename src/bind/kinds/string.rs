//! `string` ↔ `str` (UTF-8; the glue hands the export the `str`'s own UTF-8 buffer, and Go
//! copies it).

use super::{Binding, CArg, Cleanup, Transport, Value, ValueKind, scalar_decode};

pub struct Str;

impl ValueKind for Str {
    fn transport(&self) -> Transport {
        Transport::Span
    }

    fn go_arg(&self, value: &Value, name: &str) -> String {
        match value.go_type.as_str() {
            "string" => format!("gwGoString({name}, {name}Len)"),
            ty => format!("{ty}(gwGoString({name}, {name}Len))"),
        }
    }

    fn go_store(&self, _: &Value, var: &str, out: &str) -> String {
        format!("gwSetBytes(string({var}), {out}, {out}Len)")
    }

    fn go_decode(&self, _: &Binding, value: &Value) -> String {
        scalar_decode(value, "str()")
    }

    fn go_encode(&self, _: &Binding, _: &Value) -> String {
        "\tw.str(string(v))".into()
    }

    fn c_arg(&self, _: &Value, i: usize, name: &str) -> CArg {
        CArg {
            code: format!(
                "    Py_ssize_t p{i}_len;\n    const char *p{i} = gw_as_utf8(argv[{i}], {name}, &p{i}_len);\n    if (p{i} == NULL) goto fail;"
            ),
            call: format!("(char *)p{i}, (size_t)p{i}_len"),
            cleanup: Cleanup::None,
        }
    }

    fn c_result(&self, _: &Value, i: usize) -> String {
        format!("gw_take_str(r{i}, r{i}_len)")
    }

    fn py_type(&self, _: &Binding, _: &Value, _: bool) -> String {
        "str".into()
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = \"\"".into()
    }
}
