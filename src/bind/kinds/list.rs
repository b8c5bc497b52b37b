//! `[]T` ↔ `list` (any sequence as argument), encoded item by item.

use super::{Binding, Transport, Value, ValueKind, codec, elem};

pub struct List;

impl ValueKind for List {
    fn transport(&self) -> Transport {
        Transport::Encoded
    }

    fn go_decode(&self, binding: &Binding, value: &Value) -> String {
        format!(
            "\tn, err := r.list()\n\tif err != nil {{\n\t\treturn nil, err\n\t}}\n\tout := make({}, n)\n\tfor i := range out {{\n\t\tif out[i], err = gwDec{}(r); err != nil {{\n\t\t\treturn nil, gwAt(i, err)\n\t\t}}\n\t}}\n\treturn out, nil",
            value.go_type,
            codec(binding, elem(value))
        )
    }

    fn go_encode(&self, binding: &Binding, value: &Value) -> String {
        encode_items(binding, value)
    }

    fn parts<'a>(&self, _: &'a Binding, value: &'a Value) -> Vec<&'a Value> {
        vec![elem(value)]
    }

    fn mangled(&self, value: &Value) -> String {
        format!("Slice{}", elem(value).mangled())
    }

    fn nests(&self) -> bool {
        true
    }

    fn py_type(&self, binding: &Binding, value: &Value, argument: bool) -> String {
        sequence_type(binding, value, argument)
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = field(default_factory=list)".into()
    }
}

/// The encoder of a list or an array: its items, as a list.
pub(super) fn encode_items(binding: &Binding, value: &Value) -> String {
    format!(
        "\tif !w.enter() {{\n\t\treturn\n\t}}\n\tw.list(len(v))\n\tfor _, e := range v {{\n\t\tgwEnc{}(w, e)\n\t}}\n\tw.leave()",
        codec(binding, elem(value))
    )
}

/// `Sequence[T]` as argument, `list[T]` as result.
pub(super) fn sequence_type(binding: &Binding, value: &Value, argument: bool) -> String {
    let item = elem(value).py_type(binding, argument);
    if argument {
        format!("Sequence[{item}]")
    } else {
        format!("list[{item}]")
    }
}
