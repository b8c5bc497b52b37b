//! `time.Duration` ↔ `datetime.timedelta` (microsecond precision on the Python side).

use super::{Binding, GoNeeds, Transport, Value, ValueKind};

pub struct Duration;

impl ValueKind for Duration {
    fn transport(&self) -> Transport {
        Transport::Encoded
    }

    fn go_decode(&self, _: &Binding, _: &Value) -> String {
        "\tv, err := r.duration()\n\treturn time.Duration(v), err".into()
    }

    fn go_encode(&self, _: &Binding, _: &Value) -> String {
        "\tw.head('D', uint64(int64(v)))".into()
    }

    fn mangled(&self, _: &Value) -> String {
        "Duration".into()
    }

    fn go_needs(&self) -> GoNeeds {
        GoNeeds {
            time: true,
            ..Default::default()
        }
    }

    fn py_type(&self, _: &Binding, _: &Value, _: bool) -> String {
        "timedelta".into()
    }

    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = field(default_factory=timedelta)".into()
    }
}
