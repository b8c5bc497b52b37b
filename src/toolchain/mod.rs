//! The C side of building an extension module for a target: the declarations of CPython's
//! stable ABI the glue is compiled against, and (for targets other than the machine's own) the
//! C compiler cgo uses.

pub mod stable_abi;
