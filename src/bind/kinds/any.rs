//! `any` (`interface{}`) ↔ a Python value, as encoding/json sees one: None, bool, int, float,
//! str, bytes, list, dict, datetime and timedelta, nested (`map[string]any`, `[]any` follow).
//! From Go, every value with such a form crosses (named types by kind, structs as the dict of
//! their JSON fields); one without (a channel, a function) raises TypeError.

use super::{Binding, GoNeeds, Transport, Value, ValueKind};

pub struct Any;

impl ValueKind for Any {
    fn transport(&self) -> Transport {
        Transport::Encoded
    }

    fn go_decode(&self, _: &Binding, _: &Value) -> String {
        "\treturn r.any()".into()
    }

    fn go_encode(&self, _: &Binding, _: &Value) -> String {
        "\tw.any(v)".into()
    }

    fn mangled(&self, _: &Value) -> String {
        "Any".into()
    }

    fn nests(&self) -> bool {
        true
    }

    fn go_needs(&self) -> GoNeeds {
        GoNeeds {
            any: true,
            time: true,
            ..Default::default()
        }
    }

    fn py_type(&self, _: &Binding, _: &Value, argument: bool) -> String {
        if argument {
            "object".into()
        } else {
            "Any".into()
        }
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = None".into()
    }
}
