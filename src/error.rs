//! The error a user can act on: what is wrong (naming the file, field or declaration) and a hint
//! saying what would be accepted.

use std::fmt;

/// An error caused by the user's project or command line, not by gowright itself.
///
/// The binary prints `error: {message}`, the chain of causes, and `hint: {hint}`, and exits with
/// code 1.
#[derive(Debug, Clone)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
}

impl UserError {
    /// An error without a hint.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
        }
    }

    /// Prefixes the message with the file it is about, keeping the hint.
    pub fn in_file(mut self, path: &std::path::Path) -> Self {
        self.message = format!("`{}`: {}", path.display(), self.message);
        self
    }

    /// Adds the hint printed under the error.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// Shorthand for returning a [`UserError`] from a function that returns `anyhow::Result`.
#[macro_export]
macro_rules! user_error {
    ($($arg:tt)*) => {
        $crate::error::UserError::new(format!($($arg)*))
    };
}
