//! Running child processes with argument vectors (never a shell), with errors that show the exact
//! command and the tool's own output.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::reaper;

/// A command to run: program, arguments, working directory and extra environment.
#[derive(Debug, Clone)]
pub struct ProcessBuilder {
    program: PathBuf,
    args: Vec<OsString>,
    cwd: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    timeout: Option<Duration>,
}

/// A child process that could not be started or exited unsuccessfully.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("failed to run `{command}`: {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("`{command}` did not finish within {} s and was stopped", .after.as_secs())]
    TimedOut { command: String, after: Duration },
    #[error("`{command}` failed ({status})\n{output}")]
    Failed {
        command: String,
        status: std::process::ExitStatus,
        /// The captured stderr (and stdout when stderr is empty), trimmed.
        output: String,
    },
}

/// The first file called `name` (with the platform's executable suffix) in a directory of
/// `PATH`, as a shell would find the command.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let exe = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(&exe))
        .find(|p| p.is_file())
}

impl ProcessBuilder {
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            timeout: None,
        }
    }

    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Self {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(&mut self, args: I) -> &mut Self {
        for arg in args {
            self.arg(arg);
        }
        self
    }

    pub fn cwd(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }

    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Self {
        self.env
            .push((key.as_ref().to_os_string(), value.as_ref().to_os_string()));
        self
    }

    /// Stops the command (and everything it started) when it runs longer than `limit`.
    pub fn timeout(&mut self, limit: Duration) -> &mut Self {
        self.timeout = Some(limit);
        self
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        reaper::prepare_child(&mut cmd);
        cmd.args(&self.args);
        if let Some(cwd) = &self.cwd {
            cmd.current_dir(cwd);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs the command with captured output; a non-zero exit is an error holding stderr.
    pub fn output(&self) -> Result<Output, ProcessError> {
        tracing::debug!("running {self}");
        let spawn_error = |source| ProcessError::Spawn {
            command: self.to_string(),
            source,
        };
        let child = self
            .command()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_error)?;
        // The child leads its own process group (see `reaper`): it and what it starts end
        // with gowright.
        let pgid = child.id();
        reaper::register_group(pgid);
        let waited = match self.timeout {
            None => child.wait_with_output(),
            Some(limit) => {
                let (tx, rx) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    let _ = tx.send(child.wait_with_output());
                });
                match rx.recv_timeout(limit) {
                    Ok(result) => result,
                    Err(_) => {
                        reaper::kill_group(pgid);
                        let _ = rx.recv();
                        reaper::forget_group(pgid);
                        return Err(ProcessError::TimedOut {
                            command: self.to_string(),
                            after: limit,
                        });
                    }
                }
            }
        };
        reaper::forget_group(pgid);
        let output = waited.map_err(spawn_error)?;
        tracing::debug!("finished {}", self.program.display());
        if output.status.success() {
            Ok(output)
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr)
                .trim_end()
                .to_string();
            let text = if stderr.is_empty() {
                String::from_utf8_lossy(&output.stdout)
                    .trim_end()
                    .to_string()
            } else {
                stderr
            };
            Err(ProcessError::Failed {
                command: self.to_string(),
                status: output.status,
                output: text,
            })
        }
    }

    /// Runs the command and returns its stdout as text.
    pub fn stdout(&self) -> Result<String, ProcessError> {
        let output = self.output()?;
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

impl fmt::Display for ProcessBuilder {
    /// The command as a user could paste it into a POSIX shell, with the extra environment first.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (k, v) in &self.env {
            parts.push(format!(
                "{}={}",
                k.to_string_lossy(),
                shell_quote(&v.to_string_lossy())
            ));
        }
        parts.push(shell_quote(&self.program.to_string_lossy()));
        for arg in &self.args {
            parts.push(shell_quote(&arg.to_string_lossy()));
        }
        f.write_str(&parts.join(" "))
    }
}

fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_a_pasteable_command() {
        let mut p = ProcessBuilder::new("go");
        p.env("GOOS", "linux")
            .args(["build", "-ldflags=-s -w", "-o", "out dir/x"]);
        assert_eq!(
            p.to_string(),
            "GOOS=linux go build '-ldflags=-s -w' -o 'out dir/x'"
        );
    }

    #[test]
    fn failure_carries_stderr() {
        let mut p = ProcessBuilder::new("sh");
        p.args(["-c", "echo oops >&2; exit 3"]);
        let err = p.output().unwrap_err().to_string();
        assert!(err.contains("oops"), "{err}");
        assert!(err.contains("exit status: 3"), "{err}");
    }
}
