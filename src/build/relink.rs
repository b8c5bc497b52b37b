//! Go links a c-shared library anew on every `go build`, even when nothing changed: each kind
//! building one skips the build when nothing it reads changed since the last one.

use std::path::{Path, PathBuf};

use crate::error::UserError;
use crate::go::{BuildRequest, GoToolchain, diagnose, fresh_output};
use crate::printer::Printer;

/// Runs `request` unless its output at `record`'s key is up to date. `what` names the product in
/// messages ("the abi3 extension module"); `fallback_hint` is the hint for a Go error
/// `diagnose` has none for.
pub fn build_unless_fresh(
    go: &GoToolchain,
    request: &BuildRequest<'_>,
    inputs: &[PathBuf],
    record: &Path,
    what: &str,
    fallback_hint: &str,
    printer: Printer,
) -> anyhow::Result<()> {
    let target = request.target;
    let key = fresh_output::key(go, request, inputs);
    if fresh_output::is_fresh(record, &key, request.output) {
        printer.detail(format!(
            "{target}: {what} is up to date (nothing it is built from changed)"
        ));
        return Ok(());
    }
    fresh_output::forget(record);
    go.build(request).map_err(|e| {
        let text = e.to_string();
        let hint =
            diagnose::hint_for(&text, &go.version).unwrap_or_else(|| fallback_hint.to_string());
        UserError::new(format!(
            "the Go build of {what} for {target} failed:\n{text}"
        ))
        .hint(hint)
    })?;
    fresh_output::remember(record, &key, request.output);
    Ok(())
}
