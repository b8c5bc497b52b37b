//! `time.Time` ↔ an aware `datetime.datetime` with the Go value's UTC offset (a naive one is
//! taken as local time).

use super::{Binding, GoNeeds, Transport, Value, ValueKind};

pub struct Time;

impl ValueKind for Time {
    fn transport(&self) -> Transport {
        Transport::Encoded
    }

    fn go_decode(&self, _: &Binding, _: &Value) -> String {
        "\treturn r.time()".into()
    }

    fn go_encode(&self, _: &Binding, _: &Value) -> String {
        "\t_, offset := v.Zone()\n\tw.head('M', uint64(v.Unix()))\n\tw.u64(uint64(v.Nanosecond()))\n\tw.u64(uint64(int64(offset)))".into()
    }

    fn mangled(&self, _: &Value) -> String {
        "Time".into()
    }

    fn go_needs(&self) -> GoNeeds {
        GoNeeds {
            time: true,
            ..Default::default()
        }
    }

    fn py_type(&self, _: &Binding, _: &Value, _: bool) -> String {
        "datetime".into()
    }

    /// Go's zero time, 0001-01-01 UTC.
    fn py_default(&self, _: &Binding, _: &Value) -> String {
        " = _GO_ZERO_TIME".into()
    }
}
