//! Finding the package-level variables of a Go package, to check `tool.gowright.version-variable`
//! before building: `go build -ldflags -X pkg.name=value` silently does nothing when `pkg.name`
//! is not a variable, and the command would then report its default (`dev`) as its version.
//!
//! Written by hand: a full Go parser is not needed to find `var` declarations at the top level.
//! The scanner drops comments and string, rune and raw string literals, then reads the names
//! declared by top-level `var x ...` and `var ( x ...; y, z ... )`.

use std::path::Path;

/// The names of the package-level variables declared in the non-test `.go` files of `dir`.
pub fn package_vars(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return names;
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "go") && !p.to_string_lossy().ends_with("_test.go")
        })
        .collect();
    files.sort();
    for file in files {
        if let Ok(text) = std::fs::read_to_string(&file) {
            names.extend(top_level_vars(&text));
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The variable names declared at the top level of one Go source file.
pub fn top_level_vars(source: &str) -> Vec<String> {
    let tokens = tokens(&strip(source));
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].as_str() {
            "{" | "(" | "[" => depth += 1,
            "}" | ")" | "]" => depth = depth.saturating_sub(1),
            "var" if depth == 0 => {
                if tokens.get(i + 1).map(String::as_str) == Some("(") {
                    // A group: one spec per line; the names are the identifiers before the
                    // type or `=` at the start of each spec.
                    let mut j = i + 2;
                    let mut inner = 0usize;
                    let mut at_spec_start = true;
                    while j < tokens.len() {
                        let t = tokens[j].as_str();
                        match t {
                            "(" | "{" | "[" => inner += 1,
                            ")" if inner == 0 => break,
                            ")" | "}" | "]" => inner -= 1,
                            ";" if inner == 0 => at_spec_start = true,
                            _ if inner == 0 && at_spec_start => {
                                let (spec_names, next) = name_list(&tokens, j);
                                names.extend(spec_names);
                                at_spec_start = false;
                                j = next;
                                continue;
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                    i = j + 1;
                    continue;
                }
                let (spec_names, next) = name_list(&tokens, i + 1);
                names.extend(spec_names);
                i = next;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    names
}

/// Reads `a, b, c` from `tokens[start..]`; returns the names and the index after them.
fn name_list(tokens: &[String], start: usize) -> (Vec<String>, usize) {
    let mut names = Vec::new();
    let mut i = start;
    while let Some(t) = tokens.get(i) {
        if !is_identifier(t) {
            break;
        }
        names.push(t.clone());
        i += 1;
        if tokens.get(i).map(String::as_str) == Some(",") {
            i += 1;
        } else {
            break;
        }
    }
    (names, i)
}

fn is_identifier(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The source with comments removed and literals replaced by `""`; line ends become `;` where
/// Go would insert a semicolon (simplified: at every line end), so that specs are separated.
fn strip(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push_str(" ; ");
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    if c == '\n' {
                        out.push_str(" ; ");
                    }
                    last = c;
                }
                out.push(' ');
            }
            '"' | '\'' => {
                let mut escaped = false;
                for d in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == c || d == '\n' {
                        break;
                    }
                }
                out.push_str(" \"\" ");
            }
            '`' => {
                for d in chars.by_ref() {
                    if d == '`' {
                        break;
                    }
                }
                out.push_str(" \"\" ");
            }
            '\n' => out.push_str(" ; "),
            _ => out.push(c),
        }
    }
    out
}

/// Splits stripped source into identifiers, punctuation and other runs.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if !c.is_whitespace() {
            out.push(c.to_string());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_vars() {
        let src = r#"package main

import "fmt"

// version is set with -ldflags -X.
var version = "dev"

var (
	commit, date string
	// a comment with var fake = 1
	motto = "var notreal = `x`"
	table = map[string]int{
		"a": 1,
	}
)

var single string

func main() {
	var local = 1
	fmt.Println(version, local, `var raw = 2`)
}
"#;
        assert_eq!(
            top_level_vars(src),
            ["version", "commit", "date", "motto", "table", "single"]
        );
    }
}
