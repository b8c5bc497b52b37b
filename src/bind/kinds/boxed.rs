//! A named type with methods passed or returned by value (`func Get(json, path string) Result`,
//! `func New() UUID` with `type UUID [16]byte`) ↔ an object of the generated class of the type,
//! as for `*T` (see [`super::handle`]): the object holds a handle to a copy of the value on
//! Go's heap (`&v`), so every method of the type (value or pointer receiver) and its exported
//! fields are reached on it. Passing the object to Go passes a copy of that value. Never `None`.

use super::{
    Binding, CArg, GoNeeds, Kind, Transport, Value, ValueKind, handle_c_arg, handle_c_result,
};
use crate::bind::api::GO_PACKAGE_ALIAS;

pub struct Boxed;

/// The index of the value's class in [`Binding::handles`].
fn index(value: &Value) -> usize {
    match value.kind {
        Kind::Boxed(index) => index,
        _ => unreachable!("not a boxed value"),
    }
}

impl ValueKind for Boxed {
    fn transport(&self) -> Transport {
        Transport::Handle
    }

    /// A live object of the class (not None): its value, copied.
    fn go_prepare(
        &self,
        binding: &Binding,
        value: &Value,
        i: usize,
        py_name: &str,
    ) -> Option<String> {
        Some(format!(
            "\tb{i}, ok{i} := gwFromHandle[*{ty}](p{i})\n\tif !ok{i} || b{i} == nil {{\n\t\t*gwArgErr = gwHandleError(\"{py_name}\", \"{name}\")\n\t\treturn\n\t}}\n\ta{i} := *b{i}",
            ty = value.go_type,
            name = binding.handles[index(value)].go_name
        ))
    }

    fn go_store(&self, _: &Value, var: &str, out: &str) -> String {
        format!("*{out} = gwNewHandle(gwBox({var}))")
    }

    fn go_decode(&self, binding: &Binding, value: &Value) -> String {
        let i = index(value);
        format!(
            "\tvar out {ty}\n\tid, err := r.handle({i}, \"{name}\")\n\tif err != nil {{\n\t\treturn out, err\n\t}}\n\tv, ok := gwFromHandle[*{ty}](C.uint64_t(id))\n\tif !ok || v == nil {{\n\t\treturn out, gwArgError{{kind: 'V', msg: gwNotLive(\"{name}\")}}\n\t}}\n\treturn *v, nil",
            name = binding.handles[i].go_name,
            ty = value.go_type
        )
    }

    fn go_encode(&self, _: &Binding, value: &Value) -> String {
        format!("\tgwPutHandle(w, {}, gwBox(v))", index(value))
    }

    fn mangled(&self, value: &Value) -> String {
        format!(
            "Boxed{}",
            value
                .go_type
                .trim_start_matches(&format!("{GO_PACKAGE_ALIAS}."))
        )
    }

    fn go_needs(&self) -> GoNeeds {
        GoNeeds {
            handle_codec: true,
            ..Default::default()
        }
    }

    fn c_arg(&self, value: &Value, i: usize, name: &str) -> CArg {
        handle_c_arg(index(value), i, name)
    }

    fn c_result(&self, value: &Value, i: usize) -> String {
        handle_c_result(index(value), i)
    }

    fn py_type(&self, binding: &Binding, value: &Value, _: bool) -> String {
        binding.handles[index(value)].go_name.clone()
    }

    /// `None`, which Go refuses: objects of the class are made by Go.
    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = None".into()
    }
}
