//! Finding the Python whose headers an extension module is compiled against.

use std::path::PathBuf;

use serde::Deserialize;

use crate::error::UserError;
use crate::process::ProcessBuilder;

/// Environment variable naming the Python interpreter to use (the PEP 517 backend sets it to the
/// interpreter running the build).
pub const PYTHON_ENV_VAR: &str = "GOWRIGHT_PYTHON";

/// A Python interpreter and where its C headers are.
#[derive(Debug, Clone, Deserialize)]
pub struct PythonInfo {
    pub executable: PathBuf,
    pub include: PathBuf,
    pub major: u32,
    pub minor: u32,
}

const QUERY: &str = "import json, sys, sysconfig; print(json.dumps({'executable': sys.executable, 'include': sysconfig.get_paths()['include'], 'major': sys.version_info[0], 'minor': sys.version_info[1]}))";

/// Finds a Python (`$GOWRIGHT_PYTHON`, else `python3`, else `python`) with `Python.h`.
pub fn find_python() -> Result<PythonInfo, UserError> {
    let candidates: Vec<PathBuf> = match std::env::var_os(PYTHON_ENV_VAR).filter(|v| !v.is_empty())
    {
        Some(p) => vec![PathBuf::from(p)],
        None => vec!["python3".into(), "python".into()],
    };
    let mut last_error = String::new();
    for candidate in candidates {
        let mut cmd = ProcessBuilder::new(&candidate);
        cmd.args(["-c", QUERY]);
        match cmd.stdout() {
            Ok(out) => {
                let info: PythonInfo = serde_json::from_str(out.trim())
                    .map_err(|e| UserError::new(format!("unexpected output of `{cmd}`: {e}")))?;
                if !info.include.join("Python.h").is_file() {
                    return Err(UserError::new(format!(
                        "the C headers of {} (Python {}.{}) are not installed: no Python.h in `{}`",
                        info.executable.display(),
                        info.major,
                        info.minor,
                        info.include.display()
                    ))
                    .hint("install them (Debian/Ubuntu: apt install python3-dev), or point GOWRIGHT_PYTHON at a Python that has them"));
                }
                if (info.major, info.minor) < (3, 11) {
                    return Err(UserError::new(format!(
                        "{} is Python {}.{}; building extension modules needs the headers of Python 3.11 or newer",
                        info.executable.display(),
                        info.major,
                        info.minor
                    ))
                    .hint("point GOWRIGHT_PYTHON at Python 3.11 or newer"));
                }
                return Ok(info);
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(
        UserError::new(format!("no Python interpreter found: {last_error}"))
            .hint("install Python 3.11 or newer, or set GOWRIGHT_PYTHON to its executable"),
    )
}
