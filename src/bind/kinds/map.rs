//! `map[K]V` ↔ `dict` (any mapping as argument) for string and integer keys `K`; encoded with
//! its keys sorted, so the same map gives the same bytes.

use super::{Binding, GoNeeds, Kind, Transport, Value, ValueKind, codec, elem};

pub struct Map;

/// The key of a map value.
fn key(value: &Value) -> &Value {
    match &value.kind {
        Kind::Map(key, _) => key,
        _ => unreachable!("not a map"),
    }
}

/// Whether the keys are strings (the common case, which keeps its own short code).
fn string_keys(value: &Value) -> bool {
    matches!(key(value).kind, Kind::Str) && key(value).go_type == "string"
}

impl ValueKind for Map {
    fn transport(&self) -> Transport {
        Transport::Encoded
    }

    fn go_decode(&self, binding: &Binding, value: &Value) -> String {
        let (read_key, at_key) = if string_keys(value) {
            (
                "\t\tk, err := r.str()\n\t\tif err != nil {\n\t\t\treturn nil, gwKeyErr(err)\n\t\t}".to_string(),
                "gwAtKey(k, err)",
            )
        } else {
            (
                format!(
                    "\t\tk, err := gwDec{}(r)\n\t\tif err != nil {{\n\t\t\treturn nil, gwKeyErrFor(\"{}\", err)\n\t\t}}",
                    codec(binding, key(value)),
                    key(value).py_type(binding, false)
                ),
                "gwAtKeyText(fmt.Sprint(k), err)",
            )
        };
        format!(
            "\tn, err := r.dict()\n\tif err != nil {{\n\t\treturn nil, err\n\t}}\n\tout := make({}, n)\n\tfor i := 0; i < n; i++ {{\n{read_key}\n\t\tv, err := gwDec{}(r)\n\t\tif err != nil {{\n\t\t\treturn nil, {at_key}\n\t\t}}\n\t\tout[k] = v\n\t}}\n\treturn out, nil",
            value.go_type,
            codec(binding, elem(value))
        )
    }

    fn go_encode(&self, binding: &Binding, value: &Value) -> String {
        let (keys, sort, write_key) = if string_keys(value) {
            (
                "[]string".to_string(),
                "sort.Strings(keys)".to_string(),
                "w.str(k)".to_string(),
            )
        } else {
            (
                format!("[]{}", key(value).go_type),
                "sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })".to_string(),
                format!("gwEnc{}(w, k)", codec(binding, key(value))),
            )
        };
        format!(
            "\tif !w.enter() {{\n\t\treturn\n\t}}\n\tkeys := make({keys}, 0, len(v))\n\tfor k := range v {{\n\t\tkeys = append(keys, k)\n\t}}\n\t{sort}\n\tw.dict(len(v))\n\tfor _, k := range keys {{\n\t\t{write_key}\n\t\tgwEnc{}(w, v[k])\n\t}}\n\tw.leave()",
            codec(binding, elem(value))
        )
    }

    fn parts<'a>(&self, _: &'a Binding, value: &'a Value) -> Vec<&'a Value> {
        if string_keys(value) {
            vec![elem(value)]
        } else {
            vec![key(value), elem(value)]
        }
    }

    fn mangled(&self, value: &Value) -> String {
        if string_keys(value) {
            format!("Map{}", elem(value).mangled())
        } else {
            format!("Map{}To{}", key(value).mangled(), elem(value).mangled())
        }
    }

    fn nests(&self) -> bool {
        true
    }

    fn go_needs(&self) -> GoNeeds {
        GoNeeds {
            sort: true,
            fmt: true,
            ..Default::default()
        }
    }

    fn py_type(&self, binding: &Binding, value: &Value, argument: bool) -> String {
        let k = key(value).py_type(binding, argument);
        let item = elem(value).py_type(binding, argument);
        if argument {
            format!("Mapping[{k}, {item}]")
        } else {
            format!("dict[{k}, {item}]")
        }
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = field(default_factory=dict)".into()
    }
}
