//! What a `main` package written for `-buildmode=c-shared` exports: the functions marked
//! `//export Name`, and whether its `main` does nothing (a library, not a command).
//!
//! Read from the package's `.go` files (not `_test.go`) with a line scan: cgo itself recognises
//! `//export` only as a line comment starting at the beginning of a line, directly above the
//! function, which a scan finds exactly. Build constraints are not evaluated: a file excluded
//! for some target still counts (a package's exports rarely differ by platform).

use std::path::Path;

/// The `//export` functions of a package and the shape of its `main`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exports {
    /// The exported C names, in file and line order.
    pub names: Vec<String>,
    /// `func main() {}` (with nothing but white space or comments in the body).
    pub empty_main: bool,
}

impl Exports {
    /// A `main` package with `//export` functions and an empty `main`: built to be loaded as a
    /// shared library, not run.
    pub fn is_library(&self) -> bool {
        !self.names.is_empty() && self.empty_main
    }
}

/// Scans the Go files of the package in `dir`.
pub fn scan(dir: &Path) -> std::io::Result<Exports> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "go")
                && !p.to_string_lossy().ends_with("_test.go")
                && p.is_file()
        })
        .collect();
    files.sort();
    let mut exports = Exports::default();
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file)?).into_owned();
        scan_text(&text, &mut exports);
    }
    Ok(exports)
}

fn scan_text(text: &str, exports: &mut Exports) {
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("//export ") {
            let name = rest.trim();
            if !name.is_empty() && !exports.names.iter().any(|n| n == name) {
                exports.names.push(name.to_string());
            }
        }
    }
    if let Some(body) = main_body(text) {
        exports.empty_main = body
            .lines()
            .map(|l| l.split("//").next().unwrap_or("").trim())
            .all(str::is_empty);
    }
}

/// The body of `func main()`, if the text declares it (its braces balanced on a plain count:
/// enough for the empty or short `main` this looks for).
fn main_body(text: &str) -> Option<&str> {
    let start = text.lines().find_map(|line| {
        let t = line.trim_start();
        let rest = t.strip_prefix("func")?.trim_start().strip_prefix("main")?;
        rest.trim_start().starts_with('(').then_some(line)
    })?;
    let offset = start.as_ptr() as usize - text.as_ptr() as usize;
    let after = &text[offset..];
    let open = after.find('{')?;
    let mut depth = 0usize;
    for (i, c) in after[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&after[open + 1..open + i]);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(text: &str) -> Exports {
        let mut e = Exports::default();
        scan_text(text, &mut e);
        e
    }

    #[test]
    fn finds_exports_and_an_empty_main() {
        let e = scanned(
            "package main\n\nimport \"C\"\n\n//export Add\nfunc Add(a, b int) int {\n\treturn a + b\n}\n\nfunc main() {}\n",
        );
        assert_eq!(e.names, ["Add"]);
        assert!(e.empty_main && e.is_library());
        let e = scanned(
            "package main\n//export verify\nfunc verify() {}\nfunc main() {\n\t// nothing\n}\n",
        );
        assert!(e.is_library());
    }

    #[test]
    fn a_command_is_not_a_library() {
        let e = scanned("package main\n\nfunc main() {\n\tprintln(\"hi\")\n}\n");
        assert!(e.names.is_empty() && !e.empty_main && !e.is_library());
        let e = scanned("package main\n//export Add\nfunc Add() {}\nfunc main() { run() }\n");
        assert!(!e.is_library());
        // Not at the start of a line: not an export for cgo either.
        let e = scanned("package main\n  //export Add\nfunc main() {}\n");
        assert!(!e.is_library());
    }
}
