//! `map[string]T` ↔ `dict` (any mapping as argument); encoded with its keys sorted, so the same
//! map gives the same bytes.

use super::{Binding, GoNeeds, Transport, Value, ValueKind, codec, elem};

pub struct Map;

impl ValueKind for Map {
    fn transport(&self) -> Transport {
        Transport::Encoded
    }

    fn go_decode(&self, binding: &Binding, value: &Value) -> String {
        format!(
            "\tn, err := r.dict()\n\tif err != nil {{\n\t\treturn nil, err\n\t}}\n\tout := make({}, n)\n\tfor i := 0; i < n; i++ {{\n\t\tk, err := r.str()\n\t\tif err != nil {{\n\t\t\treturn nil, gwKeyErr(err)\n\t\t}}\n\t\tv, err := gwDec{}(r)\n\t\tif err != nil {{\n\t\t\treturn nil, gwAtKey(k, err)\n\t\t}}\n\t\tout[k] = v\n\t}}\n\treturn out, nil",
            value.go_type,
            codec(binding, elem(value))
        )
    }

    fn go_encode(&self, binding: &Binding, value: &Value) -> String {
        format!(
            "\tif !w.enter() {{\n\t\treturn\n\t}}\n\tkeys := make([]string, 0, len(v))\n\tfor k := range v {{\n\t\tkeys = append(keys, k)\n\t}}\n\tsort.Strings(keys)\n\tw.dict(len(v))\n\tfor _, k := range keys {{\n\t\tw.str(k)\n\t\tgwEnc{}(w, v[k])\n\t}}\n\tw.leave()",
            codec(binding, elem(value))
        )
    }

    fn parts<'a>(&self, _: &'a Binding, value: &'a Value) -> Vec<&'a Value> {
        vec![elem(value)]
    }

    fn mangled(&self, value: &Value) -> String {
        format!("Map{}", elem(value).mangled())
    }

    fn nests(&self) -> bool {
        true
    }

    fn go_needs(&self) -> GoNeeds {
        GoNeeds {
            sort: true,
            ..Default::default()
        }
    }

    fn py_type(&self, binding: &Binding, value: &Value, argument: bool) -> String {
        let item = elem(value).py_type(binding, argument);
        if argument {
            format!("Mapping[str, {item}]")
        } else {
            format!("dict[str, {item}]")
        }
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = field(default_factory=dict)".into()
    }
}
