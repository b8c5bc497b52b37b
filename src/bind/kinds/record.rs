//! An exported struct type of the package, by value ↔ an instance of the generated dataclass
//! (`_types.py`), field by field; the record's index names the class.

use std::fmt::Write as _;

use super::{Binding, Kind, Transport, Value, ValueKind, codec};
use crate::bind::api::{BoundStruct, GO_PACKAGE_ALIAS};

pub struct Record;

fn bound<'a>(binding: &'a Binding, value: &Value) -> (usize, &'a BoundStruct) {
    match value.kind {
        Kind::Struct(index) => (index, &binding.structs[index]),
        _ => unreachable!("not a struct"),
    }
}

impl ValueKind for Record {
    fn transport(&self) -> Transport {
        Transport::Encoded
    }

    fn go_decode(&self, binding: &Binding, value: &Value) -> String {
        let (index, bound) = bound(binding, value);
        let mut out = format!(
            "\tvar out {}\n\tif err := r.record({index}, \"{}\", gw{}ClassNames); err != nil {{\n\t\treturn out, err\n\t}}\n\tvar err error\n",
            value.go_type, bound.go_name, binding.prefix
        );
        for field in &bound.fields {
            let _ = writeln!(
                out,
                "\tif out.{}, err = gwDec{}(r); err != nil {{\n\t\treturn out, gwAtField(\"{}\", err)\n\t}}",
                field.go_name,
                codec(binding, &field.value),
                field.py_name
            );
        }
        out.push_str("\treturn out, nil");
        out
    }

    fn go_encode(&self, binding: &Binding, value: &Value) -> String {
        let (index, bound) = bound(binding, value);
        let mut out = format!("\tif !w.enter() {{\n\t\treturn\n\t}}\n\tw.head('r', {index})\n");
        for field in &bound.fields {
            let _ = writeln!(
                out,
                "\tgwEnc{}(w, v.{})",
                codec(binding, &field.value),
                field.go_name
            );
        }
        out.push_str("\tw.leave()");
        out
    }

    fn parts<'a>(&self, binding: &'a Binding, value: &'a Value) -> Vec<&'a Value> {
        bound(binding, value)
            .1
            .fields
            .iter()
            .map(|f| &f.value)
            .collect()
    }

    fn mangled(&self, value: &Value) -> String {
        format!(
            "Struct{}",
            value
                .go_type
                .trim_start_matches(&format!("{GO_PACKAGE_ALIAS}."))
        )
    }

    fn nests(&self) -> bool {
        true
    }

    fn py_type(&self, binding: &Binding, value: &Value, _: bool) -> String {
        bound(binding, value).1.go_name.clone()
    }

    fn py_default(&self, binding: &Binding, value: &Value) -> String {
        format!(
            " = field(default_factory=lambda: {}())",
            bound(binding, value).1.go_name
        )
    }
}
