//! `[N]T` ↔ `list` of exactly N items.

use super::{Binding, Kind, Transport, Value, ValueKind, codec, elem, list};

pub struct Array;

fn len(value: &Value) -> u64 {
    match value.kind {
        Kind::Array(n, _) => n,
        _ => unreachable!("not an array"),
    }
}

impl ValueKind for Array {
    fn transport(&self) -> Transport {
        Transport::Encoded
    }

    fn go_decode(&self, binding: &Binding, value: &Value) -> String {
        let n = len(value);
        format!(
            "\tvar out {}\n\tn, err := r.list()\n\tif err != nil {{\n\t\treturn out, err\n\t}}\n\tif n != {n} {{\n\t\treturn out, gwArgError{{kind: 'V', msg: fmt.Sprintf(\"expected {n} items, got %d\", n)}}\n\t}}\n\tfor i := range out {{\n\t\tif out[i], err = gwDec{}(r); err != nil {{\n\t\t\treturn out, gwAt(i, err)\n\t\t}}\n\t}}\n\treturn out, nil",
            value.go_type,
            codec(binding, elem(value))
        )
    }

    fn go_encode(&self, binding: &Binding, value: &Value) -> String {
        list::encode_items(binding, value)
    }

    fn parts<'a>(&self, _: &'a Binding, value: &'a Value) -> Vec<&'a Value> {
        vec![elem(value)]
    }

    fn mangled(&self, value: &Value) -> String {
        format!("Array{}{}", len(value), elem(value).mangled())
    }

    fn nests(&self) -> bool {
        true
    }

    fn go_needs(&self) -> super::GoNeeds {
        super::GoNeeds {
            fmt: true,
            ..Default::default()
        }
    }

    fn py_type(&self, binding: &Binding, value: &Value, argument: bool) -> String {
        list::sequence_type(binding, value, argument)
    }

    /// N zero items, when the item has a plain default.
    fn py_default(&self, binding: &Binding, value: &Value) -> String {
        match elem(value).py_default(binding).strip_prefix(" = ") {
            Some(zero) => format!(
                " = field(default_factory=lambda: [{zero}] * {})",
                len(value)
            ),
            None => " = field(default_factory=list)".into(),
        }
    }
}
