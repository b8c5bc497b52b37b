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

/// The c-shared builds of one target of a kind that makes them (`lib`, `cgo`, `capi`): with
/// cgo, the plan's tags and ldflags and the target's C compiler, each skipped when unchanged.
pub struct CSharedBuild<'a> {
    pub cfg: &'a crate::config::ProjectConfig,
    pub go: &'a GoToolchain,
    pub plan: &'a super::plan::BuildPlan,
    pub target: crate::target::Target,
    pub toolchain: &'a crate::toolchain::CgoToolchain,
    pub printer: Printer,
}

impl CSharedBuild<'_> {
    /// Builds `package` (`./cmd/x`) into `output` with `extra_env` beside the C compiler's, and
    /// `overlay` if any, unless nothing of `inputs` changed (the record is `output`.json).
    #[allow(clippy::too_many_arguments)]
    pub fn build(
        &self,
        package: &str,
        output: &Path,
        extra_env: Vec<(String, String)>,
        overlay: Option<&Path>,
        inputs: &[PathBuf],
        what: &str,
        fallback_hint: &str,
    ) -> anyhow::Result<()> {
        let ldflags = self.toolchain.ldflags(self.target, &self.plan.ldflags);
        let mut env = self.toolchain.env.clone();
        env.extend(extra_env);
        let request = BuildRequest {
            root: &self.cfg.root,
            package,
            target: self.target,
            cgo: true,
            tags: &self.plan.tags,
            ldflags: &ldflags,
            output,
            buildmode: Some("c-shared"),
            extra_env: env,
            overlay,
        };
        let record = PathBuf::from(format!("{}.json", output.display()));
        build_unless_fresh(
            self.go,
            &request,
            inputs,
            &record,
            what,
            fallback_hint,
            self.printer,
        )
    }
}
