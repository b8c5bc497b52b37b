//! The bad-input suite: a table of hostile or mistaken projects, environments and command
//! lines. Every case must exit with code 1 (no panic), name on stderr the field, file or
//! declaration at fault, give a `hint:`, and leave the output directory exactly as it was
//! (names, sizes, contents, modification times; no temporary file).
//!
//! The cases run the real `gowright` binary and, where they get that far, the real Go toolchain
//! (offline: `GOPROXY=off`, `GOTOOLCHAIN=local`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sha2::{Digest as _, Sha256};

const GO_MOD: &str = "module example.com/t\n\ngo 1.21\n";
const MAIN_GO: &str = "package main\n\nvar version = \"dev\"\n\nfunc main() { println(version) }\n";
/// What the file outside every project holds: it must never appear in an artefact.
const SECRET: &str = "SECRET-FROM-OUTSIDE-THE-PROJECT";

/// One bad input. The project is a `bin` project (go.mod, main.go, README.md, LICENSE) whose
/// `pyproject.toml` is `[project]` with name `t`, version `1.0` and the `project` lines, then
/// `[tool.gowright]` with the `tool` lines, then `tables`; or `pyproject` whole when given.
#[derive(Clone, Copy)]
struct Case {
    name: &'static str,
    project: &'static str,
    tool: &'static str,
    tables: &'static str,
    pyproject: Option<&'static str>,
    files: &'static [(&'static str, &'static str)],
    /// Changes the project after it is written (symlinks, FIFOs, odd bytes); gets its path.
    setup: Option<fn(&Path)>,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    /// Strings stderr must hold: the field, file or declaration at fault, and the cause.
    expect: &'static [&'static str],
}

const BASE: Case = Case {
    name: "",
    project: "",
    tool: "",
    tables: "",
    pyproject: None,
    files: &[],
    setup: None,
    args: &["build", "--sdist"],
    env: &[],
    expect: &[],
};

fn write(path: &Path, data: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// The state of a file or directory tree: every path with its size, SHA-256 and mtime.
fn snapshot(path: &Path) -> BTreeMap<PathBuf, (u64, String, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(p) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        let rel = p.strip_prefix(path).unwrap().to_path_buf();
        if meta.is_dir() {
            // A directory's own mtime changes when a temporary file comes and goes: its
            // entries are what must stay the same.
            out.insert(rel, (0, "dir".into(), std::time::UNIX_EPOCH));
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        } else {
            let data = std::fs::read(&p).unwrap_or_default();
            let digest = hex::encode(Sha256::digest(&data));
            out.insert(rel, (meta.len(), digest, meta.modified().unwrap()));
        }
    }
    out
}

/// Runs one case; returns what was wrong with gowright's behaviour, if anything.
fn check(case: &Case) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    write(&outside.join("passwd"), SECRET);
    let dir = tmp.path().join("project");
    write(&dir.join("go.mod"), GO_MOD);
    write(&dir.join("main.go"), MAIN_GO);
    write(&dir.join("README.md"), "# t\n");
    write(&dir.join("LICENSE"), "MIT License\n");
    for (name, text) in case.files {
        write(&dir.join(name), text);
    }
    let pyproject = match case.pyproject {
        Some(text) => text.to_string(),
        None => format!(
            "[project]\nname = \"t\"\nversion = \"1.0\"\n{}\n[tool.gowright]\n{}\n{}",
            case.project, case.tool, case.tables
        ),
    };
    write(&dir.join("pyproject.toml"), pyproject);
    // An earlier build's output, which a failed run must leave as it is.
    write(&dir.join("dist/t-0.9-py3-none-any.whl"), "an older wheel");
    if let Some(setup) = case.setup {
        setup(&dir);
    }
    let watched = [dir.join("dist"), dir.join("out")];
    let before: Vec<_> = watched.iter().map(|p| snapshot(p)).collect();

    let mut cmd = Command::cargo_bin("gowright").unwrap();
    cmd.current_dir(&dir)
        .args(case.args)
        .env("NO_COLOR", "1")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "")
        .env_remove("GOWRIGHT_GO")
        .env_remove("CGO_ENABLED")
        .timeout(std::time::Duration::from_secs(120));
    for (k, v) in case.env {
        cmd.env(k, v);
    }
    let out = cmd.output().map_err(|e| format!("could not run: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut problems = Vec::new();
    if out.status.code() != Some(1) {
        problems.push(format!("exit status {:?}, not 1", out.status.code()));
    }
    if stderr.contains("panicked") || stderr.contains("internal error") {
        problems.push("gowright panicked".to_string());
    }
    if !stderr.lines().any(|l| l.starts_with("hint: ")) {
        problems.push("no `hint:` line".to_string());
    }
    for needle in case.expect {
        if !stderr.contains(needle) {
            problems.push(format!("stderr lacks {needle:?}"));
        }
    }
    if !out.stdout.is_empty() {
        problems.push(format!(
            "stdout is not empty: {}",
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    for (path, old) in watched.iter().zip(&before) {
        let new = snapshot(path);
        if &new != old {
            problems.push(format!(
                "`{}` changed: {:?} -> {:?}",
                path.file_name().unwrap().to_string_lossy(),
                old.keys().collect::<Vec<_>>(),
                new.keys().collect::<Vec<_>>()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n--- stderr\n{stderr}", problems.join("; ")))
    }
}

/// Runs a table; reports every failing case at once.
fn run_table(cases: &[Case]) {
    let mut names = std::collections::HashSet::new();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            assert!(names.insert(case.name), "two cases named {}", case.name);
            check(case).err().map(|e| format!("[{}] {e}", case.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

// ---- setups ----------------------------------------------------------------------------

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    let _ = std::fs::remove_file(at);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

fn outside(dir: &Path) -> PathBuf {
    dir.parent().unwrap().join("outside")
}

fn license_to_passwd(dir: &Path) {
    link(&outside(dir).join("passwd"), &dir.join("LICENSE"));
}
fn readme_to_passwd(dir: &Path) {
    link(&outside(dir).join("passwd"), &dir.join("README.md"));
}
fn notice_to_passwd(dir: &Path) {
    link(&outside(dir).join("passwd"), &dir.join("NOTICE"));
}
fn copying_to_passwd(dir: &Path) {
    link(&outside(dir).join("passwd"), &dir.join("COPYING.txt"));
}
fn ext_dir_outside(dir: &Path) {
    link(&outside(dir), &dir.join("ext"));
}
fn readme_dangling(dir: &Path) {
    link(&dir.join("nowhere.md"), &dir.join("README.md"));
}
fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo failed");
}
fn readme_fifo(dir: &Path) {
    mkfifo(&dir.join("README.md"));
}
fn pyproject_fifo(dir: &Path) {
    mkfifo(&dir.join("pyproject.toml"));
}
fn readme_dir(dir: &Path) {
    std::fs::remove_file(dir.join("README.md")).unwrap();
    std::fs::create_dir(dir.join("README.md")).unwrap();
}
fn readme_not_utf8(dir: &Path) {
    write(&dir.join("README.md"), b"# t\n\xff\xfe\n");
}
fn pyproject_dir(dir: &Path) {
    std::fs::remove_file(dir.join("pyproject.toml")).unwrap();
    std::fs::create_dir(dir.join("pyproject.toml")).unwrap();
}
fn pyproject_missing(dir: &Path) {
    std::fs::remove_file(dir.join("pyproject.toml")).unwrap();
}
fn pyproject_not_utf8(dir: &Path) {
    write(
        &dir.join("pyproject.toml"),
        b"[project]\nname = \"t\"\nversion = \"1.0\"\ndescription = \"caf\xe9\"\n",
    );
}
fn py_dir_outside(dir: &Path) {
    link(&outside(dir), &dir.join("py"));
}
fn py_file_to_passwd(dir: &Path) {
    write(&dir.join("py/t/__init__.py"), "");
    link(&outside(dir).join("passwd"), &dir.join("py/t/leak.py"));
}
fn cmd_dir_outside(dir: &Path) {
    write(&outside(dir).join("main.go"), MAIN_GO);
    link(&outside(dir), &dir.join("cmd"));
}
fn main_go_to_outside(dir: &Path) {
    write(&outside(dir).join("main.go"), MAIN_GO);
    link(&outside(dir).join("main.go"), &dir.join("main.go"));
}
fn imported_package_outside(dir: &Path) {
    write(&outside(dir).join("x.go"), "package x\n\nfunc X() {}\n");
    link(&outside(dir), &dir.join("internal/x"));
    write(
        &dir.join("main.go"),
        "package main\n\nimport \"example.com/t/internal/x\"\n\nfunc main() { x.X() }\n",
    );
}
fn go_mod_to_outside(dir: &Path) {
    write(&outside(dir).join("go.mod"), GO_MOD);
    link(&outside(dir).join("go.mod"), &dir.join("go.mod"));
}
fn dist_is_a_file(dir: &Path) {
    std::fs::remove_dir_all(dir.join("dist")).unwrap();
    write(&dir.join("dist"), "not a directory");
}
fn out_is_a_file(dir: &Path) {
    write(&dir.join("out"), "not a directory");
}
fn fake_go(dir: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    let path = dir.join("fake-go");
    write(&path, format!("#!/bin/sh\n{script}\n"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
fn go_hangs(dir: &Path) {
    fake_go(dir, "sleep 60");
}
fn go_babbles(dir: &Path) {
    fake_go(dir, "echo 'this is not JSON'");
}
fn go_too_old(dir: &Path) {
    fake_go(
        dir,
        "echo '{\"GOVERSION\": \"go1.20.3\", \"GOHOSTOS\": \"linux\", \"GOHOSTARCH\": \"amd64\"}'",
    );
}
fn go_fails(dir: &Path) {
    fake_go(dir, "echo 'go: broken installation' >&2; exit 3");
}
fn go_not_executable(dir: &Path) {
    write(&dir.join("fake-go"), "not a program");
}
fn main_go_ignored(dir: &Path) {
    write(
        &dir.join("main.go"),
        format!("//go:build ignore\n\n{MAIN_GO}"),
    );
}
fn no_go_mod(dir: &Path) {
    std::fs::remove_file(dir.join("go.mod")).unwrap();
}

// ---- the tables ------------------------------------------------------------------------

/// `[project]` values that would inject METADATA fields or entry points, or break the
/// specifications.
#[test]
fn metadata_values() {
    run_table(&[
        Case {
            name: "description-lf",
            project: r#"description = "a\nAuthor: x""#,
            expect: &["`project.description`", "\\n"],
            ..BASE
        },
        Case {
            name: "description-cr",
            project: r#"description = "a\rMetadata-Version: 9""#,
            expect: &["`project.description`", "\\r"],
            ..BASE
        },
        Case {
            name: "description-nul",
            project: r#"description = "a\u0000b""#,
            expect: &["`project.description`"],
            ..BASE
        },
        Case {
            name: "description-line-separator",
            project: r#"description = "a\u2028Author: x""#,
            expect: &["`project.description`"],
            ..BASE
        },
        Case {
            name: "description-form-feed",
            project: r#"description = "a\fb""#,
            expect: &["`project.description`"],
            ..BASE
        },
        Case {
            name: "description-vertical-tab",
            project: r#"description = "a\u000bb""#,
            expect: &["`project.description`"],
            ..BASE
        },
        Case {
            name: "description-nel",
            project: r#"description = "a\u0085b""#,
            expect: &["`project.description`"],
            ..BASE
        },
        Case {
            name: "description-not-a-string",
            project: "description = 1",
            expect: &["line 4", "expected a string"],
            ..BASE
        },
        Case {
            name: "authors-empty-entry",
            project: "authors = [{}]",
            expect: &["`project.authors[0]`", "neither"],
            ..BASE
        },
        Case {
            name: "authors-name-newline",
            project: r#"authors = [{ name = "A\nAuthor-email: e@x.org" }]"#,
            expect: &["`project.authors[0].name`"],
            ..BASE
        },
        Case {
            name: "authors-name-comma",
            project: r#"authors = [{ name = "Doe, John" }]"#,
            expect: &["`project.authors[0].name`", "comma"],
            ..BASE
        },
        Case {
            name: "authors-name-empty",
            project: r#"authors = [{ name = " " }]"#,
            expect: &["`project.authors[0].name`", "empty"],
            ..BASE
        },
        Case {
            name: "authors-email-plain-word",
            project: r#"authors = [{ email = "not-an-email" }]"#,
            expect: &["`project.authors[0].email`", "not a valid e-mail"],
            ..BASE
        },
        Case {
            name: "authors-email-two-ats",
            project: r#"authors = [{ email = "a@b@c.org" }]"#,
            expect: &["`project.authors[0].email`"],
            ..BASE
        },
        Case {
            name: "authors-email-space",
            project: r#"authors = [{ email = "a b@c.org" }]"#,
            expect: &["`project.authors[0].email`"],
            ..BASE
        },
        Case {
            name: "authors-email-display-name",
            project: r#"authors = [{ email = "Ada <ada@c.org>" }]"#,
            expect: &["`project.authors[0].email`"],
            ..BASE
        },
        Case {
            name: "authors-email-newline",
            project: r#"authors = [{ email = "a@c.org\nX: y" }]"#,
            expect: &["`project.authors[0].email`"],
            ..BASE
        },
        Case {
            name: "authors-email-no-domain",
            project: r#"authors = [{ email = "a@" }]"#,
            expect: &["`project.authors[0].email`"],
            ..BASE
        },
        Case {
            name: "authors-second-entry",
            project: r#"authors = [{ name = "Ada" }, { email = "@x.org" }]"#,
            expect: &["`project.authors[1].email`"],
            ..BASE
        },
        Case {
            name: "authors-not-a-list",
            project: r#"authors = "Ada""#,
            expect: &["line 4", "expected an array"],
            ..BASE
        },
        Case {
            name: "authors-unknown-key",
            project: r#"authors = [{ nam = "Ada" }]"#,
            expect: &["unknown field `nam`", "`name` or `email`"],
            ..BASE
        },
        Case {
            name: "maintainers-empty-entry",
            project: "maintainers = [{}]",
            expect: &["`project.maintainers[0]`"],
            ..BASE
        },
        Case {
            name: "maintainers-bad-email",
            project: r#"maintainers = [{ name = "M", email = "m" }]"#,
            expect: &["`project.maintainers[0].email`"],
            ..BASE
        },
        Case {
            name: "keywords-comma",
            project: r#"keywords = ["go,python"]"#,
            expect: &["`project.keywords`", "comma"],
            ..BASE
        },
        Case {
            name: "keywords-newline",
            project: r#"keywords = ["go\nSummary: x"]"#,
            expect: &["`project.keywords`"],
            ..BASE
        },
        Case {
            name: "keywords-empty",
            project: r#"keywords = [""]"#,
            expect: &["`project.keywords`", "empty"],
            ..BASE
        },
        Case {
            name: "keywords-not-a-list",
            project: r#"keywords = "go""#,
            expect: &["line 4", "expected an array"],
            ..BASE
        },
        Case {
            name: "classifiers-unknown",
            project: r#"classifiers = ["Made Up :: Thing"]"#,
            expect: &["`project.classifiers`", "not a known trove classifier"],
            ..BASE
        },
        Case {
            name: "classifiers-typo",
            project: r#"classifiers = ["Programming Language :: Goo"]"#,
            expect: &[
                "`project.classifiers`",
                "did you mean \"Programming Language :: Go\"",
            ],
            ..BASE
        },
        Case {
            name: "classifiers-newline",
            project: r#"classifiers = ["Programming Language :: Go\nAuthor: x"]"#,
            expect: &["`project.classifiers`"],
            ..BASE
        },
        Case {
            name: "classifiers-deprecated",
            project: r#"classifiers = ["License :: OSI Approved :: Intel Open Source License"]"#,
            expect: &["`project.classifiers`", "deprecated"],
            ..BASE
        },
        Case {
            name: "urls-label-newline",
            tables: "[project.urls]\n\"Home\\nAuthor: x\" = \"https://example.com\"\n",
            expect: &["`project.urls`"],
            ..BASE
        },
        Case {
            name: "urls-label-comma",
            tables: "[project.urls]\n\"Home, page\" = \"https://example.com\"\n",
            expect: &["`project.urls`", "comma"],
            ..BASE
        },
        Case {
            name: "urls-label-too-long",
            tables: "[project.urls]\nAVeryLongLabelThatGoesOnAndOnAndOn = \"https://example.com\"\n",
            expect: &["`project.urls`", "32"],
            ..BASE
        },
        Case {
            name: "urls-label-empty",
            tables: "[project.urls]\n\"\" = \"https://example.com\"\n",
            expect: &["`project.urls`"],
            ..BASE
        },
        Case {
            name: "urls-relative",
            tables: "[project.urls]\nHomepage = \"example.com\"\n",
            expect: &["`project.urls.Homepage`", "not an absolute URL"],
            ..BASE
        },
        Case {
            name: "urls-space",
            tables: "[project.urls]\nHomepage = \"https://exa mple.com\"\n",
            expect: &["`project.urls.Homepage`"],
            ..BASE
        },
        Case {
            name: "urls-newline",
            tables: "[project.urls]\nHomepage = \"https://example.com\\nAuthor: x\"\n",
            expect: &["`project.urls.Homepage`"],
            ..BASE
        },
        Case {
            name: "urls-not-a-string",
            tables: "[project.urls]\nHomepage = 1\n",
            expect: &["expected a string"],
            ..BASE
        },
        Case {
            name: "name-invalid",
            pyproject: Some("[project]\nname = \"-t\"\nversion = \"1.0\"\n"),
            expect: &["`project.name`"],
            ..BASE
        },
        Case {
            name: "name-non-ascii",
            pyproject: Some("[project]\nname = \"tée\"\nversion = \"1.0\"\n"),
            expect: &["`project.name`"],
            ..BASE
        },
        Case {
            name: "name-missing",
            pyproject: Some("[project]\nversion = \"1.0\"\n"),
            expect: &["missing field `name`"],
            ..BASE
        },
        Case {
            name: "name-newline",
            pyproject: Some("[project]\nname = \"t\\nVersion: 9\"\nversion = \"1.0\"\n"),
            expect: &["`project.name`"],
            ..BASE
        },
        Case {
            name: "version-invalid",
            pyproject: Some("[project]\nname = \"t\"\nversion = \"1.0.x\"\n"),
            expect: &["`project.version`"],
            ..BASE
        },
        Case {
            name: "version-missing",
            pyproject: Some("[project]\nname = \"t\"\n"),
            expect: &["`project.version`"],
            ..BASE
        },
        Case {
            name: "version-not-a-string",
            pyproject: Some("[project]\nname = \"t\"\nversion = 1.0\n"),
            expect: &["line 3", "expected a string"],
            ..BASE
        },
        Case {
            name: "dynamic-version",
            project: r#"dynamic = ["version"]"#,
            expect: &["`project.dynamic`", "`version`"],
            ..BASE
        },
        Case {
            name: "dynamic-description",
            project: r#"dynamic = ["description"]"#,
            expect: &["`project.dynamic`", "`description`"],
            ..BASE
        },
        Case {
            name: "requires-python-invalid",
            project: r#"requires-python = ">=three""#,
            expect: &["`project.requires-python`"],
            ..BASE
        },
        Case {
            name: "dependencies-invalid",
            project: r#"dependencies = ["requests >="]"#,
            expect: &["`project.dependencies`"],
            ..BASE
        },
        Case {
            name: "dependencies-newline",
            project: r#"dependencies = ["requests\nRequires-Dist: evil"]"#,
            expect: &["`project.dependencies`"],
            ..BASE
        },
        Case {
            name: "dependencies-not-a-list",
            project: r#"dependencies = "requests""#,
            expect: &["expected an array"],
            ..BASE
        },
        Case {
            name: "extra-name-invalid",
            tables: "[project.optional-dependencies]\n\"a b\" = [\"x\"]\n",
            expect: &["`project.optional-dependencies`", "a b"],
            ..BASE
        },
        Case {
            name: "extra-requirement-invalid",
            tables: "[project.optional-dependencies]\ndev = [\"pytest >\"]\n",
            expect: &["`project.optional-dependencies.dev`"],
            ..BASE
        },
        Case {
            name: "unknown-project-key",
            project: "homepage = \"x\"",
            expect: &["unknown field `homepage`"],
            ..BASE
        },
        Case {
            name: "project-not-a-table",
            pyproject: Some("project = 1\n"),
            expect: &["expected a table"],
            ..BASE
        },
        Case {
            name: "no-project-table",
            pyproject: Some("[tool.gowright]\n"),
            expect: &["has no [project] table"],
            ..BASE
        },
        Case {
            name: "toml-syntax",
            pyproject: Some("[project]\nname = \"t\nversion = \"1.0\"\n"),
            expect: &["line 2", "column"],
            ..BASE
        },
        Case {
            name: "toml-duplicate-key",
            pyproject: Some("[project]\nname = \"t\"\nname = \"u\"\nversion = \"1.0\"\n"),
            expect: &["line 3", "duplicate key"],
            ..BASE
        },
        Case {
            name: "toml-tool-gowright-not-a-table",
            pyproject: Some("[project]\nname = \"t\"\nversion = \"1.0\"\n[tool]\ngowright = 3\n"),
            expect: &["expected a table"],
            ..BASE
        },
    ]);
}

/// Entry points and scripts: nothing may smuggle in a group, a command name or a reference.
#[test]
fn entry_points() {
    run_table(&[
        Case {
            name: "entry-point-group-injection",
            tables: "[project.entry-points.\"grp]\\n[console_scripts\"]\nevil = \"os:system\"\n",
            expect: &["`project.entry-points`", "not a valid entry point group"],
            ..BASE
        },
        Case {
            name: "entry-point-group-console-scripts",
            tables: "[project.entry-points.console_scripts]\nx = \"t:main\"\n",
            expect: &["`project.entry-points`", "console_scripts"],
            ..BASE
        },
        Case {
            name: "entry-point-group-gui-scripts",
            tables: "[project.entry-points.gui_scripts]\nx = \"t:main\"\n",
            expect: &["`project.entry-points`", "gui_scripts"],
            ..BASE
        },
        Case {
            name: "entry-point-group-space",
            tables: "[project.entry-points.\"my group\"]\nx = \"t:main\"\n",
            expect: &["`project.entry-points`"],
            ..BASE
        },
        Case {
            name: "entry-point-group-empty",
            tables: "[project.entry-points.\"\"]\nx = \"t:main\"\n",
            expect: &["`project.entry-points`"],
            ..BASE
        },
        Case {
            name: "entry-point-name-equals",
            tables: "[project.entry-points.plugins]\n\"a=b\" = \"t:main\"\n",
            expect: &["`project.entry-points.plugins`", "a=b"],
            ..BASE
        },
        Case {
            name: "entry-point-name-bracket",
            tables: "[project.entry-points.plugins]\n\"[x\" = \"t:main\"\n",
            expect: &["`project.entry-points.plugins`"],
            ..BASE
        },
        Case {
            name: "entry-point-name-newline",
            tables: "[project.entry-points.plugins]\n\"a\\n[console_scripts]\" = \"t:main\"\n",
            expect: &["`project.entry-points.plugins`"],
            ..BASE
        },
        Case {
            name: "entry-point-reference-invalid",
            tables: "[project.entry-points.plugins]\nx = \"not a valid :: reference\"\n",
            expect: &[
                "`project.entry-points.plugins.x`",
                "not an object reference",
            ],
            ..BASE
        },
        Case {
            name: "entry-point-reference-newline",
            tables: "[project.entry-points.plugins]\nx = \"t:main\\nevil = os:system\"\n",
            expect: &["`project.entry-points.plugins.x`"],
            ..BASE
        },
        Case {
            name: "entry-point-group-not-a-table",
            project: "entry-points = { plugins = \"x\" }",
            expect: &["expected a table"],
            ..BASE
        },
        Case {
            name: "script-name-space",
            tables: "[project.scripts]\n\"bad name\" = \"t:main\"\n",
            expect: &["`project.scripts`", "bad name"],
            ..BASE
        },
        Case {
            name: "script-name-dot",
            tables: "[project.scripts]\n\".hidden\" = \"t:main\"\n",
            expect: &["`project.scripts`"],
            ..BASE
        },
        Case {
            name: "script-name-dotdot",
            tables: "[project.scripts]\n\"..\" = \"t:main\"\n",
            expect: &["`project.scripts`"],
            ..BASE
        },
        Case {
            name: "script-name-slash",
            tables: "[project.scripts]\n\"../evil\" = \"t:main\"\n",
            expect: &["`project.scripts`"],
            ..BASE
        },
        Case {
            name: "script-name-empty",
            tables: "[project.scripts]\n\"\" = \"t:main\"\n",
            expect: &["`project.scripts`"],
            ..BASE
        },
        Case {
            name: "script-reference-invalid",
            tables: "[project.scripts]\nx = \"not a valid :: reference\"\n",
            expect: &["`project.scripts.x`"],
            ..BASE
        },
        Case {
            name: "script-reference-no-function",
            tables: "[project.scripts]\nx = \"t.cli\"\n",
            expect: &["`project.scripts.x`", "function"],
            ..BASE
        },
        Case {
            name: "script-reference-extras",
            tables: "[project.scripts]\nx = \"t.cli:main [fast]\"\n",
            expect: &["`project.scripts.x`", "extras"],
            ..BASE
        },
        Case {
            name: "script-reference-keyword",
            tables: "[project.scripts]\nx = \"t.cli:class\"\n",
            expect: &["`project.scripts.x`"],
            ..BASE
        },
        Case {
            name: "script-reference-digit",
            tables: "[project.scripts]\nx = \"1t:main\"\n",
            expect: &["`project.scripts.x`"],
            ..BASE
        },
        Case {
            name: "script-reference-empty-attr",
            tables: "[project.scripts]\nx = \"t:\"\n",
            expect: &["`project.scripts.x`"],
            ..BASE
        },
        Case {
            name: "gui-script-name-space",
            tables: "[project.gui-scripts]\n\"bad name\" = \"t:main\"\n",
            expect: &["`project.gui-scripts`"],
            ..BASE
        },
        Case {
            name: "gui-script-reference-invalid",
            tables: "[project.gui-scripts]\nx = \"t main\"\n",
            expect: &["`project.gui-scripts.x`"],
            ..BASE
        },
    ]);
}

/// The readme and the licence: named files must be regular files inside the project.
#[test]
fn readme_and_licence_files() {
    run_table(&[
        Case {
            name: "readme-symlink-outside",
            project: r#"readme = "README.md""#,
            setup: Some(readme_to_passwd),
            expect: &["`project.readme`", "outside the project"],
            ..BASE
        },
        Case {
            name: "readme-through-dir-symlink",
            project: r#"readme = { file = "ext/passwd", content-type = "text/plain" }"#,
            setup: Some(ext_dir_outside),
            expect: &["`project.readme`", "outside the project"],
            ..BASE
        },
        Case {
            name: "readme-absolute",
            project: r#"readme = { file = "/etc/passwd", content-type = "text/plain" }"#,
            expect: &["`project.readme`", "outside the project"],
            ..BASE
        },
        Case {
            name: "readme-parent",
            project: r#"readme = "../outside/passwd.md""#,
            expect: &["`project.readme`", "outside the project"],
            ..BASE
        },
        Case {
            name: "readme-missing",
            project: r#"readme = "NOPE.md""#,
            expect: &["`project.readme`", "NOPE.md", "does not exist"],
            ..BASE
        },
        Case {
            name: "readme-dangling-symlink",
            project: r#"readme = "README.md""#,
            setup: Some(readme_dangling),
            expect: &["`project.readme`", "symlink to nothing"],
            ..BASE
        },
        Case {
            name: "readme-fifo",
            project: r#"readme = "README.md""#,
            setup: Some(readme_fifo),
            expect: &["`project.readme`", "not a regular file"],
            ..BASE
        },
        Case {
            name: "readme-directory",
            project: r#"readme = "README.md""#,
            setup: Some(readme_dir),
            expect: &["`project.readme`", "not a regular file"],
            ..BASE
        },
        Case {
            name: "readme-not-utf8",
            project: r#"readme = "README.md""#,
            setup: Some(readme_not_utf8),
            expect: &["`project.readme`", "not UTF-8"],
            ..BASE
        },
        Case {
            name: "readme-unknown-extension",
            project: r#"readme = "README.txt""#,
            files: &[("README.txt", "x")],
            expect: &["`project.readme`", "content type"],
            ..BASE
        },
        Case {
            name: "readme-content-type-pdf",
            project: r#"readme = { file = "README.md", content-type = "application/pdf" }"#,
            expect: &["`project.readme.content-type`", "application/pdf"],
            ..BASE
        },
        Case {
            name: "readme-content-type-variant-on-plain",
            project: r#"readme = { text = "x", content-type = "text/plain; variant=GFM" }"#,
            expect: &["`project.readme.content-type`"],
            ..BASE
        },
        Case {
            name: "readme-content-type-latin1",
            project: r#"readme = { text = "x", content-type = "text/markdown; charset=latin-1" }"#,
            expect: &["`project.readme.content-type`"],
            ..BASE
        },
        Case {
            name: "readme-content-type-newline",
            project: r#"readme = { text = "x", content-type = "text/plain\nAuthor: x" }"#,
            expect: &["`project.readme.content-type`"],
            ..BASE
        },
        Case {
            name: "readme-text-without-type",
            project: r#"readme = { text = "x" }"#,
            expect: &["`project.readme`", "content-type"],
            ..BASE
        },
        Case {
            name: "readme-file-and-text",
            project: r#"readme = { file = "README.md", text = "x" }"#,
            expect: &["`project.readme`", "both"],
            ..BASE
        },
        Case {
            name: "readme-empty-table",
            project: "readme = {}",
            expect: &["`project.readme`"],
            ..BASE
        },
        Case {
            name: "readme-unknown-key",
            project: r#"readme = { path = "README.md" }"#,
            expect: &["`project.readme`", "`path`"],
            ..BASE
        },
        Case {
            name: "readme-integer",
            project: "readme = 1",
            expect: &["`project.readme`"],
            ..BASE
        },
        Case {
            name: "license-symlink-outside",
            setup: Some(license_to_passwd),
            expect: &["`project.license-files`", "LICENSE", "outside the project"],
            ..BASE
        },
        Case {
            name: "license-symlink-outside-sdist",
            setup: Some(license_to_passwd),
            args: &["sdist"],
            expect: &["`project.license-files`", "outside the project"],
            ..BASE
        },
        Case {
            name: "notice-symlink-outside",
            setup: Some(notice_to_passwd),
            expect: &["`project.license-files`", "NOTICE"],
            ..BASE
        },
        Case {
            name: "license-files-glob-symlink-outside",
            project: r#"license-files = ["*.txt"]"#,
            setup: Some(copying_to_passwd),
            expect: &["`project.license-files`", "COPYING.txt"],
            ..BASE
        },
        Case {
            name: "license-files-through-dir-symlink",
            project: r#"license-files = ["ext/*"]"#,
            setup: Some(ext_dir_outside),
            expect: &["`project.license-files`", "outside the project"],
            ..BASE
        },
        Case {
            name: "license-files-no-match",
            project: r#"license-files = ["LICENSES/*"]"#,
            expect: &["`project.license-files`", "matches no file"],
            ..BASE
        },
        Case {
            name: "license-files-absolute",
            project: r#"license-files = ["/etc/passwd"]"#,
            expect: &["`project.license-files`"],
            ..BASE
        },
        Case {
            name: "license-files-parent",
            project: r#"license-files = ["../outside/*"]"#,
            expect: &["`project.license-files`"],
            ..BASE
        },
        Case {
            name: "license-files-invalid-glob",
            project: r#"license-files = ["[LICENSE"]"#,
            expect: &["`project.license-files`", "invalid glob"],
            ..BASE
        },
        Case {
            name: "license-invalid-spdx",
            project: r#"license = "MIT OR""#,
            expect: &["`project.license`"],
            ..BASE
        },
        Case {
            name: "license-integer",
            project: "license = 1",
            expect: &["`project.license`"],
            ..BASE
        },
        Case {
            name: "license-empty-table",
            project: "license = {}",
            expect: &["`project.license`"],
            ..BASE
        },
        Case {
            name: "license-table-file-missing",
            project: r#"license = { file = "COPYRIGHT" }"#,
            expect: &["`project.license.file`", "does not exist"],
            ..BASE
        },
        Case {
            name: "license-table-file-outside",
            project: r#"license = { file = "../outside/passwd" }"#,
            expect: &["`project.license.file`", "outside the project"],
            ..BASE
        },
        Case {
            name: "license-table-file-symlink",
            project: r#"license = { file = "COPYING.txt" }"#,
            setup: Some(copying_to_passwd),
            expect: &["`project.license.file`", "outside the project"],
            ..BASE
        },
        Case {
            name: "license-table-with-license-files",
            project: "license = { text = \"MIT\" }\nlicense-files = [\"LICENSE\"]",
            expect: &["`project.license`", "license-files"],
            ..BASE
        },
    ]);
}

/// `pyproject.toml` itself.
#[test]
fn the_pyproject_file() {
    run_table(&[
        Case {
            name: "pyproject-fifo",
            setup: Some(pyproject_fifo),
            expect: &["pyproject.toml", "not a regular file"],
            ..BASE
        },
        Case {
            name: "pyproject-directory",
            setup: Some(pyproject_dir),
            expect: &["pyproject.toml", "not a regular file"],
            ..BASE
        },
        Case {
            name: "pyproject-missing",
            setup: Some(pyproject_missing),
            expect: &["no pyproject.toml"],
            ..BASE
        },
        Case {
            name: "pyproject-not-utf8",
            setup: Some(pyproject_not_utf8),
            expect: &["pyproject.toml", "not UTF-8"],
            ..BASE
        },
        Case {
            name: "pyproject-fifo-sdist",
            setup: Some(pyproject_fifo),
            args: &["sdist"],
            expect: &["not a regular file"],
            ..BASE
        },
        Case {
            name: "pyproject-fifo-develop",
            setup: Some(pyproject_fifo),
            args: &["develop"],
            expect: &["not a regular file"],
            ..BASE
        },
    ]);
}

/// `[tool.gowright]` values.
#[test]
fn tool_values() {
    run_table(&[
        Case {
            name: "tool-unknown-key",
            tool: "go-pakage = \".\"",
            expect: &["unknown key `go-pakage`", "did you mean `go-package`"],
            ..BASE
        },
        Case {
            name: "bindings-unknown",
            tool: "bindings = \"rust\"",
            expect: &["unknown variant `rust`"],
            ..BASE
        },
        Case {
            name: "bindings-integer",
            tool: "bindings = 1",
            expect: &["line 6", "bindings = 1", "give the value the type"],
            ..BASE
        },
        Case {
            name: "go-package-empty",
            tool: "go-package = \"\"",
            expect: &["`tool.gowright.go-package`"],
            ..BASE
        },
        Case {
            name: "go-package-absolute",
            tool: "go-package = \"/usr/lib/go\"",
            expect: &["`tool.gowright.go-package`"],
            ..BASE
        },
        Case {
            name: "go-package-parent",
            tool: "go-package = \"../outside\"",
            expect: &["`tool.gowright.go-package`", "outside the project"],
            ..BASE
        },
        Case {
            name: "go-package-missing",
            tool: "go-package = \"./cmd/nope\"",
            expect: &["`tool.gowright.go-package`", "does not exist"],
            ..BASE
        },
        Case {
            name: "go-package-a-file",
            tool: "go-package = \"main.go\"",
            expect: &["`tool.gowright.go-package`", "not a directory"],
            ..BASE
        },
        Case {
            name: "go-package-empty-list",
            tool: "go-package = []",
            expect: &["`tool.gowright.go-package` is an empty list"],
            ..BASE
        },
        Case {
            name: "go-package-not-a-string",
            tool: "go-package = { path = \".\" }",
            expect: &["go-package", "a string or a list of strings"],
            ..BASE
        },
        Case {
            name: "go-package-twice",
            tool: "go-package = [\".\", \"./\"]",
            expect: &["`tool.gowright.go-package` names \"./\" twice"],
            ..BASE
        },
        Case {
            name: "go-package-bad-import-path",
            tool: "go-package = \"example.com/a b\"",
            expect: &["\"example.com/a b\" is not a valid Go import path"],
            ..BASE
        },
        Case {
            name: "go-package-import-path-not-required",
            tool: "bindings = \"lib\"\ngo-package = \"example.com/not/required\"",
            args: &["build"],
            expect: &[
                "example.com/not/required",
                "no required module provides package",
                "run `go get`",
            ],
            ..BASE
        },
        Case {
            name: "go-package-list-for-bin",
            tool: "bindings = \"bin\"\ngo-package = [\".\", \"./lib\"]",
            files: &[("lib/lib.go", "package lib\n\nfunc One() int { return 1 }\n")],
            args: &["build"],
            expect: &[
                "binds several Go packages",
                "only bindings = \"lib\" can",
                "set bindings = \"lib\"",
            ],
            ..BASE
        },
        Case {
            name: "go-package-list-two-of-one-name",
            tool: "go-package = [\"./a/util\", \"./b/util\"]",
            files: &[
                (
                    "a/util/u.go",
                    "package util\n\nfunc One() int { return 1 }\n",
                ),
                (
                    "b/util/u.go",
                    "package util\n\nfunc Two() int { return 2 }\n",
                ),
            ],
            args: &["build"],
            expect: &["are both named `util`", "a project of its own"],
            ..BASE
        },
        Case {
            name: "go-package-symlink-outside",
            tool: "go-package = \"./cmd\"",
            setup: Some(cmd_dir_outside),
            expect: &["`tool.gowright.go-package`", "outside the project"],
            ..BASE
        },
        Case {
            name: "targets-empty",
            tool: "targets = []",
            args: &["build", "--all-targets"],
            expect: &["`tool.gowright.targets` is empty"],
            ..BASE
        },
        Case {
            name: "targets-duplicate",
            tool: "targets = [\"linux/amd64\", \"linux/amd64\"]",
            expect: &["`tool.gowright.targets`", "twice"],
            ..BASE
        },
        Case {
            name: "targets-unknown",
            tool: "targets = [\"linux/sparc\"]",
            expect: &["`tool.gowright.targets`", "linux/sparc"],
            ..BASE
        },
        Case {
            name: "targets-not-a-list",
            tool: "targets = \"linux/amd64\"",
            expect: &["expected an array"],
            ..BASE
        },
        Case {
            name: "module-name-dash",
            tool: "module-name = \"hello-tool\"",
            expect: &["`tool.gowright.module-name`"],
            ..BASE
        },
        Case {
            name: "module-name-stdlib",
            tool: "module-name = \"os\"",
            expect: &["`tool.gowright.module-name`", "standard library"],
            ..BASE
        },
        Case {
            name: "module-name-stdlib-dotted",
            tool: "module-name = \"json.fast\"",
            expect: &["`tool.gowright.module-name`", "`json`"],
            ..BASE
        },
        Case {
            name: "module-name-keyword",
            tool: "module-name = \"class\"",
            expect: &["`tool.gowright.module-name`"],
            ..BASE
        },
        Case {
            name: "module-name-empty-part",
            tool: "module-name = \"a..b\"",
            expect: &["`tool.gowright.module-name`"],
            ..BASE
        },
        Case {
            name: "project-name-is-stdlib",
            pyproject: Some("[project]\nname = \"json\"\nversion = \"1.0\"\n"),
            expect: &["`project.name`", "module-name"],
            ..BASE
        },
        Case {
            name: "binary-name-slash",
            tool: "binary-name = \"bin/t\"",
            expect: &["`tool.gowright.binary-name`"],
            ..BASE
        },
        Case {
            name: "binary-name-empty",
            tool: "binary-name = \"\"",
            expect: &["`tool.gowright.binary-name`"],
            ..BASE
        },
        Case {
            name: "binary-name-dot",
            tool: "binary-name = \".t\"",
            expect: &["`tool.gowright.binary-name`"],
            ..BASE
        },
        Case {
            name: "binary-name-space",
            tool: "binary-name = \"my tool\"",
            expect: &["`tool.gowright.binary-name`"],
            ..BASE
        },
        Case {
            name: "version-variable-no-dot",
            tool: "version-variable = \"version\"",
            expect: &["`tool.gowright.version-variable`"],
            ..BASE
        },
        Case {
            name: "version-variable-not-declared",
            tool: "version-variable = \"main.Version\"",
            args: &["build"],
            expect: &[
                "`tool.gowright.version-variable`",
                "no variable `Version`",
                "version",
            ],
            ..BASE
        },
        Case {
            name: "version-variable-other-package",
            tool: "version-variable = \"example.com/t/internal/build.version\"",
            files: &[(
                "internal/build/build.go",
                "package build\n\nvar Commit string\n",
            )],
            args: &["build"],
            expect: &[
                "`tool.gowright.version-variable`",
                "no variable `version`",
                "Commit",
            ],
            ..BASE
        },
        Case {
            name: "tags-space",
            tool: "tags = [\"a b\"]",
            expect: &["`tool.gowright.tags`"],
            ..BASE
        },
        Case {
            name: "tags-empty",
            tool: "tags = [\"\"]",
            expect: &["`tool.gowright.tags`"],
            ..BASE
        },
        Case {
            name: "tags-comma",
            tool: "tags = [\"a,b\"]",
            expect: &["`tool.gowright.tags`"],
            ..BASE
        },
        Case {
            name: "include-invalid-glob",
            tool: "include = [\"[bad\"]",
            expect: &["`tool.gowright.include`", "[bad"],
            ..BASE
        },
        Case {
            name: "include-invalid-glob-plain-build",
            tool: "include = [\"[bad\"]",
            args: &["build"],
            expect: &["`tool.gowright.include`"],
            ..BASE
        },
        Case {
            name: "exclude-invalid-glob",
            tool: "exclude = [\"{a\"]",
            expect: &["`tool.gowright.exclude`"],
            ..BASE
        },
        Case {
            name: "include-parent",
            tool: "include = [\"../outside/*\"]",
            expect: &["`tool.gowright.include`", "outside the project"],
            ..BASE
        },
        Case {
            name: "include-absolute",
            tool: "include = [\"/etc/*\"]",
            expect: &["`tool.gowright.include`"],
            ..BASE
        },
        Case {
            name: "python-source-parent",
            tool: "python-source = \"../x\"",
            expect: &["`tool.gowright.python-source`", "outside the project"],
            ..BASE
        },
        Case {
            name: "python-source-absolute",
            tool: "python-source = \"/tmp\"",
            expect: &["`tool.gowright.python-source`", "outside the project"],
            ..BASE
        },
        Case {
            name: "python-source-missing",
            tool: "python-source = \"py\"",
            expect: &["`tool.gowright.python-source`", "does not exist"],
            ..BASE
        },
        Case {
            name: "python-source-a-file",
            tool: "python-source = \"main.go\"",
            expect: &["`tool.gowright.python-source`", "not a directory"],
            ..BASE
        },
        Case {
            name: "python-source-symlink-outside",
            tool: "python-source = \"py\"",
            setup: Some(py_dir_outside),
            expect: &["`tool.gowright.python-source`", "outside the project"],
            ..BASE
        },
        Case {
            name: "python-source-file-symlink-outside",
            tool: "python-source = \"py\"",
            setup: Some(py_file_to_passwd),
            args: &["build"],
            expect: &[
                "`tool.gowright.python-source`",
                "leak.py",
                "outside the project",
            ],
            ..BASE
        },
        Case {
            name: "strip-not-a-bool",
            tool: "strip = \"yes\"",
            expect: &["expected true or false"],
            ..BASE
        },
        Case {
            name: "ldflags-not-a-list",
            tool: "ldflags = \"-s\"",
            expect: &["expected an array"],
            ..BASE
        },
        Case {
            name: "strict-not-a-bool",
            tool: "strict = 1",
            expect: &["expected true or false"],
            ..BASE
        },
        Case {
            name: "bindings-capi-without-pyinit",
            tool: "bindings = \"capi\"",
            args: &["build"],
            expect: &["bindings = \"capi\"", "PyInit_<name>"],
            ..BASE
        },
    ]);
}

/// The command line.
#[test]
fn command_lines() {
    run_table(&[
        Case {
            name: "unknown-flag",
            args: &["build", "--frobnicate"],
            expect: &["--frobnicate"],
            ..BASE
        },
        Case {
            name: "target-and-all-targets",
            args: &["build", "--target", "linux/amd64", "--all-targets"],
            expect: &["--all-targets", "cannot be used with"],
            ..BASE
        },
        Case {
            name: "target-unknown",
            args: &["build", "--target", "linux/sparc"],
            expect: &["`--target`", "linux/sparc"],
            ..BASE
        },
        Case {
            name: "target-twice",
            args: &[
                "build",
                "--target",
                "linux/amd64",
                "--target",
                "linux/amd64",
            ],
            expect: &["`--target`", "twice"],
            ..BASE
        },
        Case {
            name: "target-empty",
            args: &["build", "--target", ""],
            expect: &["`--target`"],
            ..BASE
        },
        Case {
            name: "unknown-command",
            args: &["publish"],
            expect: &["publish"],
            ..BASE
        },
        Case {
            name: "no-command",
            args: &[],
            expect: &["Usage"],
            ..BASE
        },
        Case {
            name: "two-projects",
            args: &["build", ".", "other"],
            expect: &["other"],
            ..BASE
        },
        Case {
            name: "project-path-missing",
            args: &["build", "nope"],
            expect: &["nope"],
            ..BASE
        },
        Case {
            name: "out-missing-value",
            args: &["build", "--out"],
            expect: &["--out"],
            ..BASE
        },
        Case {
            name: "verbose-and-quiet",
            args: &["-v", "-q", "build"],
            expect: &["--quiet"],
            ..BASE
        },
        Case {
            name: "sdist-unknown-flag",
            args: &["sdist", "--all-targets"],
            expect: &["--all-targets"],
            ..BASE
        },
        Case {
            name: "develop-venv-missing",
            args: &["develop", "--venv", "no-such-venv"],
            expect: &["no-such-venv"],
            ..BASE
        },
        Case {
            name: "develop-venv-not-a-venv",
            args: &["develop", "--venv", "dist"],
            expect: &["dist"],
            ..BASE
        },
    ]);
}

/// The output directory: a file in the way, a path below a file.
#[test]
fn output_directory() {
    run_table(&[
        Case {
            name: "dist-is-a-file",
            setup: Some(dist_is_a_file),
            args: &["build"],
            expect: &["dist", "is a file"],
            ..BASE
        },
        Case {
            name: "dist-is-a-file-sdist",
            setup: Some(dist_is_a_file),
            args: &["sdist"],
            expect: &["dist", "is a file"],
            ..BASE
        },
        Case {
            name: "out-is-a-file",
            setup: Some(out_is_a_file),
            args: &["build", "--out", "out"],
            expect: &["out", "is a file"],
            ..BASE
        },
        Case {
            name: "out-below-a-file",
            setup: Some(out_is_a_file),
            args: &["sdist", "--out", "out/sub"],
            expect: &["out/sub"],
            ..BASE
        },
        Case {
            name: "out-in-proc",
            args: &["sdist", "--out", "/proc/gowright-test"],
            expect: &["/proc/gowright-test"],
            ..BASE
        },
    ]);
}

/// The Go toolchain and the Go code: errors whose hint must fit the cause.
#[test]
fn go_toolchain_and_code() {
    run_table(&[
        Case {
            name: "go-missing",
            args: &["build"],
            env: &[("GOWRIGHT_GO", "/nonexistent/go")],
            expect: &["/nonexistent/go", "not found"],
            ..BASE
        },
        Case {
            name: "go-hangs",
            setup: Some(go_hangs),
            args: &["build"],
            env: &[("GOWRIGHT_GO", "./fake-go"), ("GOWRIGHT_TIMEOUT", "1")],
            expect: &["did not answer", "GOWRIGHT_TIMEOUT"],
            ..BASE
        },
        Case {
            name: "go-babbles",
            setup: Some(go_babbles),
            args: &["build"],
            env: &[("GOWRIGHT_GO", "./fake-go")],
            expect: &["unexpected output", "fake-go"],
            ..BASE
        },
        Case {
            name: "go-too-old",
            setup: Some(go_too_old),
            args: &["build"],
            env: &[("GOWRIGHT_GO", "./fake-go")],
            expect: &["go1.20.3 is too old"],
            ..BASE
        },
        Case {
            name: "go-fails",
            setup: Some(go_fails),
            args: &["build"],
            env: &[("GOWRIGHT_GO", "./fake-go")],
            expect: &["broken installation"],
            ..BASE
        },
        Case {
            name: "go-not-executable",
            setup: Some(go_not_executable),
            args: &["build"],
            env: &[("GOWRIGHT_GO", "./fake-go")],
            expect: &["fake-go"],
            ..BASE
        },
        // Without go.mod the project builds as a module of gowright's (see the e2e tests); one
        // whose imports name a module path of their own needs the real go.mod.
        Case {
            name: "go-mod-missing-with-gopath-imports",
            setup: Some(no_go_mod),
            files: &[(
                "main.go",
                "package main\n\nimport \"example.com/t/util\"\n\nfunc main() { util.Run() }\n",
            )],
            args: &["build"],
            expect: &["example.com/t/util", "has no go.mod", "go mod init"],
            ..BASE
        },
        Case {
            name: "go-mod-malformed",
            files: &[("go.mod", "module example.com/t\n\ngo 1.21\nfrobnicate x\n")],
            args: &["build"],
            expect: &["go.mod:4", "go.mod is malformed"],
            ..BASE
        },
        Case {
            name: "go-mod-needs-newer-go",
            files: &[("go.mod", "module example.com/t\n\ngo 1.99\n")],
            args: &["build"],
            expect: &["requires go >= 1.99", "install Go 1.99"],
            ..BASE
        },
        Case {
            name: "goflags-bad",
            args: &["build"],
            env: &[("GOFLAGS", "-frobnicate")],
            expect: &["GOFLAGS"],
            ..BASE
        },
        Case {
            name: "dependency-offline",
            files: &[
                (
                    "go.mod",
                    "module example.com/t\n\ngo 1.21\n\nrequire github.com/google/uuid v1.6.0\n",
                ),
                (
                    "main.go",
                    "package main\n\nimport \"github.com/google/uuid\"\n\nfunc main() { println(uuid.NewString()) }\n",
                ),
            ],
            args: &["build"],
            env: &[
                ("GOMODCACHE", "/tmp/gowright-empty-modcache"),
                ("GOFLAGS", "-mod=mod"),
            ],
            expect: &["github.com/google/uuid", "GOPROXY=off"],
            ..BASE
        },
        Case {
            name: "missing-go-sum",
            files: &[
                (
                    "go.mod",
                    "module example.com/t\n\ngo 1.21\n\nrequire github.com/google/uuid v1.6.0\n",
                ),
                (
                    "main.go",
                    "package main\n\nimport \"github.com/google/uuid\"\n\nfunc main() { println(uuid.NewString()) }\n",
                ),
            ],
            args: &["build"],
            expect: &["go.sum", "go mod tidy"],
            ..BASE
        },
        Case {
            name: "import-without-module",
            files: &[(
                "main.go",
                "package main\n\nimport \"example.com/nope\"\n\nfunc main() { nope.X() }\n",
            )],
            args: &["build"],
            expect: &["example.com/nope", "go get"],
            ..BASE
        },
        Case {
            name: "compile-error",
            files: &[(
                "main.go",
                "package main\n\nfunc main() { undefined_thing() }\n",
            )],
            args: &["build"],
            expect: &["main.go:3", "undefined"],
            ..BASE
        },
        Case {
            name: "build-constraints-exclude-all",
            setup: Some(main_go_ignored),
            args: &["build"],
            expect: &["build constraints exclude all Go files", "go:build"],
            ..BASE
        },
        Case {
            name: "not-a-main-package",
            files: &[("main.go", "package t\n\nfunc F() {}\n")],
            tool: "bindings = \"bin\"",
            args: &["build"],
            expect: &["`tool.gowright.go-package`", "not a `main` package"],
            ..BASE
        },
        Case {
            name: "lib-on-main-package",
            tool: "bindings = \"lib\"",
            args: &["build"],
            expect: &["`main` package"],
            ..BASE
        },
        Case {
            name: "go-source-symlink-outside",
            setup: Some(main_go_to_outside),
            args: &["build"],
            expect: &["`main.go`", "outside the project"],
            ..BASE
        },
        Case {
            name: "go-package-dir-symlink-outside",
            setup: Some(imported_package_outside),
            args: &["build"],
            expect: &["`internal/x`", "outside the project"],
            ..BASE
        },
        Case {
            name: "go-source-symlink-outside-sdist",
            setup: Some(main_go_to_outside),
            args: &["sdist"],
            expect: &["`main.go`", "symlink"],
            ..BASE
        },
        Case {
            name: "go-mod-symlink-outside-sdist",
            setup: Some(go_mod_to_outside),
            args: &["sdist"],
            expect: &["`go.mod`", "symlink"],
            ..BASE
        },
        Case {
            name: "compatibility-unknown",
            tool: "compatibility = \"manylinux_1_0\"",
            expect: &["`tool.gowright.compatibility`", "manylinux_1_0"],
            ..BASE
        },
        Case {
            name: "compatibility-unknown-policy",
            tool: "compatibility = \"manylinux_2_99\"",
            expect: &["manylinux_2_99", "manylinux_2_28"],
            ..BASE
        },
        Case {
            name: "compatibility-too-old",
            tool: "compatibility = \"manylinux_2_5\"",
            expect: &["`tool.gowright.compatibility`"],
            ..BASE
        },
        Case {
            name: "compatibility-not-a-string",
            tool: "compatibility = 2",
            expect: &["compatibility = 2"],
            ..BASE
        },
        Case {
            name: "compatibility-flag-unknown",
            args: &["build", "--compatibility", "windows"],
            expect: &["--compatibility", "windows"],
            ..BASE
        },
        Case {
            name: "ctypes-library-path",
            tool: "ctypes-library = \"../lib.so\"",
            expect: &["`tool.gowright.ctypes-library`", "../lib.so", "file name"],
            ..BASE
        },
        Case {
            name: "ctypes-library-hidden",
            tool: "ctypes-library = \".so\"",
            expect: &["`tool.gowright.ctypes-library`", "file name"],
            ..BASE
        },
        Case {
            name: "cffi-module-not-a-name",
            tool: "cffi-module = \"_ex-ample\"",
            expect: &[
                "`tool.gowright.cffi-module`",
                "_ex-ample",
                "Python module name",
            ],
            ..BASE
        },
        Case {
            name: "cffi-module-and-ctypes-library",
            tool: "cffi-module = \"_ex\"\nctypes-library = \"libex.so\"",
            expect: &["`tool.gowright.cffi-module` and `ctypes-library` are both set"],
            ..BASE
        },
        Case {
            name: "cgo-without-exports",
            tool: "bindings = \"cgo\"\nctypes-library = \"libx.so\"",
            expect: &["no `//export` function", "//export Name"],
            ..BASE
        },
        Case {
            name: "python-abis-unknown",
            tool: "python-abis = [\"abi4\"]",
            expect: &["`tool.gowright.python-abis`", "abi4", "abi3t"],
            ..BASE
        },
        Case {
            name: "python-abis-too-old-free-threaded",
            tool: "python-abis = [\"cp312t\"]",
            expect: &["`tool.gowright.python-abis`", "cp312t", "3.13"],
            ..BASE
        },
        Case {
            name: "python-abis-empty",
            tool: "python-abis = []",
            expect: &["`tool.gowright.python-abis` is empty"],
            ..BASE
        },
        Case {
            name: "python-abis-twice",
            tool: "python-abis = [\"abi3\", \"abi3\"]",
            expect: &["names abi3 twice"],
            ..BASE
        },
        Case {
            name: "python-abis-not-a-list",
            tool: "python-abis = \"abi3\"",
            expect: &["python-abis"],
            ..BASE
        },
        Case {
            name: "python-abis-missing-interpreter",
            files: &[(
                "main.go",
                "package t\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
            )],
            tool: "bindings = \"lib\"\npython-abis = [\"cp314t\"]",
            env: &[("PATH", "/usr/bin:/bin:/usr/local/go/bin")],
            expect: &["cp314t", "python3.14t", "PATH"],
            ..BASE
        },
        Case {
            name: "interpreter-missing",
            files: &[(
                "main.go",
                "package t\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
            )],
            tool: "bindings = \"lib\"",
            args: &["build", "--interpreter", "/nonexistent/python3"],
            expect: &["/nonexistent/python3"],
            ..BASE
        },
        Case {
            name: "interpreter-not-python",
            files: &[(
                "main.go",
                "package t\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
            )],
            tool: "bindings = \"lib\"",
            args: &["build", "--interpreter", "/bin/true"],
            expect: &["/bin/true", "Python"],
            ..BASE
        },
        Case {
            name: "requires-python-admits-no-abi",
            files: &[(
                "main.go",
                "package t\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
            )],
            project: "requires-python = \"<3.11\"",
            tool: "bindings = \"lib\"",
            expect: &["`project.requires-python`", "3.11"],
            ..BASE
        },
        Case {
            name: "lib-for-musl",
            files: &[(
                "main.go",
                "package t\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
            )],
            tool: "bindings = \"lib\"",
            args: &["build", "--compatibility", "musllinux_1_2"],
            expect: &["musllinux_1_2", "golang/go#54805"],
            ..BASE
        },
        Case {
            name: "zig-env-not-a-file",
            files: &[(
                "main.go",
                "package main\n\n// int two(void) { return 2; }\nimport \"C\"\n\nfunc main() { println(C.two()) }\n",
            )],
            args: &["build", "--target", "linux/arm64"],
            env: &[("GOWRIGHT_ZIG", "/nonexistent/zig")],
            expect: &["GOWRIGHT_ZIG", "/nonexistent/zig", "main.go"],
            ..BASE
        },
        Case {
            name: "no-build-cache",
            args: &["build"],
            env: &[("GOCACHE", ""), ("HOME", ""), ("XDG_CACHE_HOME", "")],
            expect: &["GOCACHE"],
            ..BASE
        },
        Case {
            name: "one-target-fails",
            files: &[
                (
                    "main.go",
                    "package main\n\nfunc main() { println(\"x\") }\n",
                ),
                (
                    "win_windows.go",
                    "package main\n\nfunc init() { broken( }\n",
                ),
            ],
            tool: "targets = [\"linux/amd64\", \"windows/amd64\"]",
            args: &["build", "--all-targets", "--sdist"],
            expect: &["windows/amd64"],
            ..BASE
        },
    ]);
}

/// The sdist must hold what the build needs, or be refused naming the rule that dropped it.
#[test]
fn sdist_contents() {
    const CMD_LAYOUT: &[(&str, &str)] = &[("cmd/t/main.go", MAIN_GO), (".gitignore", "t\n")];
    run_table(&[
        Case {
            name: "gitignore-go-mod",
            files: &[(".gitignore", "go.mod\n")],
            args: &["sdist"],
            expect: &["`go.mod`", "`go.mod` in .gitignore"],
            ..BASE
        },
        Case {
            name: "gitignore-go-sum",
            files: &[(".gitignore", "go.sum\n"), ("go.sum", "")],
            args: &["sdist"],
            expect: &["`go.sum`", ".gitignore"],
            ..BASE
        },
        Case {
            name: "gitignore-go-files",
            files: &[(".gitignore", "*.go\n")],
            args: &["sdist"],
            expect: &["`main.go`", "`*.go` in .gitignore"],
            ..BASE
        },
        Case {
            name: "gitignore-command-dir",
            files: CMD_LAYOUT,
            tool: "go-package = \"./cmd/t\"",
            args: &["sdist"],
            expect: &["`cmd/t/main.go`", "`t` in .gitignore", "anchor"],
            ..BASE
        },
        Case {
            name: "gitignore-command-dir-build-sdist",
            files: CMD_LAYOUT,
            tool: "go-package = \"./cmd/t\"",
            args: &["build", "--sdist"],
            expect: &["`cmd/t/main.go`"],
            ..BASE
        },
        Case {
            name: "nested-gitignore",
            files: &[
                ("internal/x/x.go", "package x\n\nfunc X() {}\n"),
                ("internal/.gitignore", "x/\n"),
                (
                    "main.go",
                    "package main\n\nimport \"example.com/t/internal/x\"\n\nfunc main() { x.X() }\n",
                ),
            ],
            args: &["sdist"],
            expect: &["`internal/x/x.go`", "internal/.gitignore"],
            ..BASE
        },
        Case {
            name: "exclude-drops-go-file",
            tool: "exclude = [\"main.go\"]",
            args: &["sdist"],
            expect: &["`main.go`", "`tool.gowright.exclude` glob `main.go`"],
            ..BASE
        },
        Case {
            name: "gitignore-embedded-file",
            files: &[
                (
                    "main.go",
                    "package main\n\nimport _ \"embed\"\n\n//go:embed data.txt\nvar data string\n\nfunc main() { println(data) }\n",
                ),
                ("data.txt", "x"),
                (".gitignore", "*.txt\n"),
            ],
            args: &["sdist"],
            expect: &["`data.txt`", ".gitignore"],
            ..BASE
        },
        Case {
            name: "gitignore-other-platform-file",
            files: &[
                ("main_windows.go", "package main\n\nfunc init() {}\n"),
                (".gitignore", "*_windows.go\n"),
            ],
            args: &["sdist"],
            expect: &["`main_windows.go`"],
            ..BASE
        },
        Case {
            name: "gitignore-c-file",
            files: &[
                (
                    "main.go",
                    "package main\n\n// int two(void);\nimport \"C\"\n\nfunc main() { println(C.two()) }\n",
                ),
                ("two.c", "int two(void) { return 2; }\n"),
                (".gitignore", "*.c\n"),
            ],
            args: &["sdist"],
            expect: &["`two.c`"],
            ..BASE
        },
    ]);
}

/// The suite covers at least 150 cases (the tables above).
#[test]
fn the_suite_is_large_enough() {
    let source = include_str!("bad_input.rs");
    // Every case ends with the struct update from BASE (this line names it once more).
    let cases = source.matches("..BASE").count() - 1;
    assert!(cases >= 150, "only {cases} cases");
}
