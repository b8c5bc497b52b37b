//! `[N]byte` ↔ `bytes` of exactly N bytes (a digest, a UUID, an address); any bytes-like
//! object as argument, its length checked by the glue before the call.

use super::{
    Binding, CArg, Cleanup, GoNeeds, Kind, Transport, Value, ValueKind, bytes_py_type,
    plain_mangled,
};

pub struct ByteArray;

fn len(value: &Value) -> u64 {
    match value.kind {
        Kind::ByteArray(n) => n,
        _ => unreachable!("not a byte array"),
    }
}

impl ValueKind for ByteArray {
    fn transport(&self) -> Transport {
        Transport::Span
    }

    /// The glue checked the length: the N bytes are copied into the array.
    fn go_prepare(&self, _: &Binding, value: &Value, i: usize, _: &str) -> Option<String> {
        Some(format!(
            "\tvar a{i} {}\n\tgwCopyBytes(a{i}[:], p{i})",
            value.go_type
        ))
    }

    fn go_store(&self, _: &Value, var: &str, out: &str) -> String {
        format!("gwSetSlice({var}[:], {out}, {out}Len)")
    }

    fn go_decode(&self, _: &Binding, value: &Value) -> String {
        let n = len(value);
        format!(
            "\tvar out {}\n\tb, err := r.bytes()\n\tif err != nil {{\n\t\treturn out, err\n\t}}\n\tif len(b) != {n} {{\n\t\treturn out, gwArgError{{kind: 'V', msg: fmt.Sprintf(\"expected {n} bytes, got %d\", len(b))}}\n\t}}\n\tcopy(out[:], b)\n\treturn out, nil",
            value.go_type
        )
    }

    fn go_encode(&self, _: &Binding, _: &Value) -> String {
        "\tw.bytes(v[:])".into()
    }

    fn mangled(&self, value: &Value) -> String {
        format!("Bytes{}", plain_mangled(&value.go_type))
    }

    fn go_needs(&self) -> GoNeeds {
        GoNeeds {
            fmt: true,
            ..Default::default()
        }
    }

    fn c_arg(&self, value: &Value, i: usize, name: &str) -> CArg {
        CArg {
            code: format!(
                "    Py_buffer p{i};\n    if (gw_as_bytes_of(argv[{i}], {name}, {}, &p{i}) < 0) goto fail;\n    held_{i} = 1;",
                len(value)
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

    fn py_default(&self, _: &Binding, value: &Value) -> String {
        format!(" = bytes({})", len(value))
    }
}
