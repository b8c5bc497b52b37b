//! Messages for humans, on stderr, at the verbosity the user asked for.

use std::fmt::Display;
use std::io::IsTerminal as _;

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Prints status lines (`    Building hello 0.1.0`) and warnings to stderr.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    verbosity: Verbosity,
    color: bool,
}

impl Printer {
    pub fn new(verbosity: Verbosity) -> Self {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Self { verbosity, color }
    }

    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A cargo-style status line: a right-aligned verb, then the message.
    pub fn status(&self, verb: &str, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{} {message}", self.paint("1;32", &format!("{verb:>12}")));
        }
    }

    /// Detail shown with `-v`.
    pub fn detail(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Verbose {
            eprintln!("{} {message}", self.paint("2", &format!("{:>12}", "")));
        }
    }

    /// A warning, shown unless `-q`.
    pub fn warn(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{} {message}", self.paint("1;33", "warning:"));
        }
    }
}
