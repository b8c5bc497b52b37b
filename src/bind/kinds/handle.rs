//! A pointer to an exported struct type with methods (`*T`) ↔ an instance of the generated
//! class holding a handle to the live Go value (the handle table keeps it from Go's garbage
//! collector while Python holds it); `nil` ↔ `None`.

use super::{
    Binding, CArg, GoNeeds, Kind, Transport, Value, ValueKind, handle_c_arg, handle_c_result,
};
use crate::bind::api::GO_PACKAGE_ALIAS;

pub struct Handle;

/// The index of the value's class in [`Binding::handles`].
fn index(value: &Value) -> usize {
    match value.kind {
        Kind::Handle(index) => index,
        _ => unreachable!("not a handle"),
    }
}

impl ValueKind for Handle {
    fn transport(&self) -> Transport {
        Transport::Handle
    }

    /// The argument must be a live value of the class (or None for nil).
    fn go_prepare(
        &self,
        binding: &Binding,
        value: &Value,
        i: usize,
        py_name: &str,
    ) -> Option<String> {
        Some(format!(
            "\ta{i}, ok{i} := gwFromHandle[{}](p{i})\n\tif !ok{i} {{\n\t\t*gwArgErr = gwHandleError(\"{py_name}\", \"{}\")\n\t\treturn\n\t}}",
            value.go_type,
            binding.handles[index(value)].go_name
        ))
    }

    fn go_store(&self, _: &Value, var: &str, out: &str) -> String {
        format!("*{out} = gwNewHandle({var})")
    }

    fn go_decode(&self, binding: &Binding, value: &Value) -> String {
        let i = index(value);
        format!(
            "\tid, err := r.handle({i}, \"{name}\")\n\tif err != nil {{\n\t\treturn nil, err\n\t}}\n\tv, ok := gwFromHandle[{ty}](C.uint64_t(id))\n\tif !ok {{\n\t\treturn nil, gwArgError{{kind: 'V', msg: gwNotLive(\"{name}\")}}\n\t}}\n\treturn v, nil",
            name = binding.handles[i].go_name,
            ty = value.go_type
        )
    }

    fn go_encode(&self, _: &Binding, value: &Value) -> String {
        format!("\tgwPutHandle(w, {}, v)", index(value))
    }

    fn mangled(&self, value: &Value) -> String {
        format!(
            "Handle{}",
            value
                .go_type
                .trim_start_matches(&format!("*{GO_PACKAGE_ALIAS}."))
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

    /// A Go pointer may be nil, both ways.
    fn py_type(&self, binding: &Binding, value: &Value, _: bool) -> String {
        format!("{} | None", binding.handles[index(value)].go_name)
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = None".into()
    }
}
