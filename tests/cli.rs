//! The `gowright` binary on bad input: every error names what is wrong, gives a hint, exits with
//! code 1 and never panics. Error texts are snapshot-tested.

use std::path::Path;

use assert_cmd::Command;

/// A project directory holding the given files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const HELLO_GO: &str = "package main\n\nfunc main() { println(\"hi\") }\n";
const GO_MOD: &str = "module example.com/t\n\ngo 1.21\n";

fn pyproject(extra: &str) -> String {
    format!("[project]\nname = \"t\"\nversion = \"1.0\"\n{extra}")
}

/// Runs gowright in `dir` and returns stderr with the directory replaced by `[PROJECT]`,
/// asserting exit code 1, no panic, nothing on stdout and no `dist/` left behind.
fn fails(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> String {
    let mut cmd = Command::cargo_bin("gowright").unwrap();
    cmd.current_dir(dir).args(args).env("NO_COLOR", "1");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !dir.join("dist").exists(),
        "a failed command left dist/ behind"
    );
    let real = std::fs::canonicalize(dir).unwrap();
    stderr
        .replace(&real.display().to_string(), "[PROJECT]")
        .replace(&dir.display().to_string(), "[PROJECT]")
}

#[test]
fn missing_pyproject() {
    let dir = project(&[]);
    insta::assert_snapshot!(fails(dir.path(), &["build"], &[]));
}

#[test]
fn malformed_pyproject_names_line_and_column() {
    let dir = project(&[(
        "pyproject.toml",
        "[project]\nname = \"t\nversion = \"1.0\"\n",
    )]);
    insta::assert_snapshot!(fails(dir.path(), &["build"], &[]));
}

#[test]
fn unknown_tool_key_suggests_the_closest() {
    let dir = project(&[(
        "pyproject.toml",
        &pyproject("[tool.gowright]\nbinary_name = \"x\"\n"),
    )]);
    insta::assert_snapshot!(fails(dir.path(), &["sdist"], &[]));
}

#[test]
fn invalid_version() {
    let dir = project(&[(
        "pyproject.toml",
        "[project]\nname = \"t\"\nversion = \"one\"\n",
    )]);
    insta::assert_snapshot!(fails(dir.path(), &["build"], &[]));
}

#[test]
fn invalid_name() {
    let dir = project(&[(
        "pyproject.toml",
        "[project]\nname = \"my tool\"\nversion = \"1\"\n",
    )]);
    insta::assert_snapshot!(fails(dir.path(), &["build"], &[]));
}

#[test]
fn wrong_type_in_pyproject() {
    let dir = project(&[(
        "pyproject.toml",
        &pyproject("[tool.gowright]\nstrip = \"yes\"\n"),
    )]);
    insta::assert_snapshot!(fails(dir.path(), &["build"], &[]));
}

#[test]
fn missing_go() {
    let dir = project(&[
        ("pyproject.toml", &pyproject("")),
        ("go.mod", GO_MOD),
        ("main.go", HELLO_GO),
    ]);
    insta::assert_snapshot!(fails(
        dir.path(),
        &["build"],
        &[("GOWRIGHT_GO", "/nonexistent/go")]
    ));
}

#[cfg(unix)]
#[test]
fn too_old_go() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = project(&[
        ("pyproject.toml", &pyproject("")),
        ("go.mod", GO_MOD),
        ("main.go", HELLO_GO),
    ]);
    let fake = dir.path().join("old-go");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho '{\"GOVERSION\": \"go1.20.14\", \"GOHOSTOS\": \"linux\", \"GOHOSTARCH\": \"amd64\"}'\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    insta::assert_snapshot!(fails(
        dir.path(),
        &["build"],
        &[("GOWRIGHT_GO", fake.to_str().unwrap())]
    ));
}

#[test]
fn unknown_target() {
    let dir = project(&[
        ("pyproject.toml", &pyproject("")),
        ("go.mod", GO_MOD),
        ("main.go", HELLO_GO),
    ]);
    insta::assert_snapshot!(fails(
        dir.path(),
        &["build", "--target", "linux/sparc"],
        &[]
    ));
}

#[test]
fn go_package_that_is_not_main() {
    let dir = project(&[
        (
            "pyproject.toml",
            &pyproject("[tool.gowright]\nbindings = \"bin\"\n"),
        ),
        ("go.mod", GO_MOD),
        ("lib.go", "package t\n\nfunc X() int { return 1 }\n"),
    ]);
    insta::assert_snapshot!(fails(dir.path(), &["build"], &[]));
}

#[test]
fn go_package_that_does_not_exist() {
    let dir = project(&[
        (
            "pyproject.toml",
            &pyproject("[tool.gowright]\ngo-package = \"./cmd/nope\"\n"),
        ),
        ("go.mod", GO_MOD),
        ("main.go", HELLO_GO),
    ]);
    let err = fails(dir.path(), &["build"], &[]);
    assert!(
        err.contains("`tool.gowright.go-package`: `./cmd/nope` does not exist"),
        "{err}"
    );
    assert!(
        err.contains("hint: create it, or name a directory"),
        "{err}"
    );
    let err = fails(dir.path(), &["sdist"], &[]);
    assert!(
        err.contains("`tool.gowright.go-package`: `./cmd/nope` does not exist"),
        "{err}"
    );
}

#[test]
fn go_compile_error_shows_command_and_go_output() {
    let dir = project(&[
        ("pyproject.toml", &pyproject("")),
        ("go.mod", GO_MOD),
        ("main.go", "package main\n\nfunc main() { nope() }\n"),
    ]);
    let err = fails(dir.path(), &["build"], &[]);
    assert!(
        err.contains("the Go build for ") && err.contains(" failed"),
        "{err}"
    );
    assert!(err.contains("go build -trimpath -buildvcs=false"), "{err}");
    assert!(err.contains("undefined: nope"), "{err}");
}

#[test]
fn lib_bindings_on_a_main_package() {
    let dir = project(&[
        (
            "pyproject.toml",
            &pyproject("[tool.gowright]\nbindings = \"lib\"\n"),
        ),
        ("go.mod", GO_MOD),
        ("main.go", HELLO_GO),
    ]);
    insta::assert_snapshot!(fails(dir.path(), &["build"], &[]));
}

#[test]
fn go_mod_outside_the_project_is_refused_for_sdist() {
    let dir = project(&[
        ("go.mod", GO_MOD),
        ("py/pyproject.toml", &pyproject("")),
        ("py/main.go", HELLO_GO),
    ]);
    let err = fails(&dir.path().join("py"), &["sdist"], &[]);
    assert!(err.contains("outside the project directory"), "{err}");
}

#[test]
fn help_and_version() {
    for args in [&["--help"][..], &["build", "--help"], &["sdist", "--help"]] {
        Command::cargo_bin("gowright")
            .unwrap()
            .args(args)
            .assert()
            .success();
    }
    let out = Command::cargo_bin("gowright")
        .unwrap()
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("gowright {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn list_targets() {
    let out = Command::cargo_bin("gowright")
        .unwrap()
        .args(["build", "--list-targets"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().any(|l| l == "linux/arm64"));
    assert!(text.lines().any(|l| l == "windows/amd64"));
}

#[test]
fn strict_lib_refuses_unbindable_declarations() {
    let dir = project(&[
        (
            "pyproject.toml",
            &pyproject(
                "requires-python = \">=3.11\"\n[tool.gowright]\nbindings = \"lib\"\nstrict = true\n",
            ),
        ),
        ("go.mod", GO_MOD),
        (
            "lib.go",
            "package t\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n\n// Feed takes a channel.\nfunc Feed(c chan int) {}\n",
        ),
    ]);
    let err = fails(dir.path(), &["build"], &[]);
    assert!(
        err.contains("1 exported declaration(s) of example.com/t cannot be bound"),
        "{err}"
    );
    assert!(
        err.contains("lib.go:7: func Feed: parameter 1: type `chan int` is not supported yet"),
        "{err}"
    );
    assert!(err.contains("hint: change or unexport them"), "{err}");
}

#[test]
fn lib_without_a_c_compiler_says_so() {
    let dir = project(&[
        (
            "pyproject.toml",
            &pyproject("requires-python = \">=3.11\"\n[tool.gowright]\nbindings = \"lib\"\n"),
        ),
        ("go.mod", GO_MOD),
        (
            "lib.go",
            "package t\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
        ),
    ]);
    let err = fails(dir.path(), &["build"], &[("CC", "/nonexistent/cc")]);
    assert!(
        err.contains("C compiler \"/nonexistent/cc\" not found"),
        "{err}"
    );
    assert!(err.contains("hint: cgo needs a C compiler"), "{err}");
}

#[test]
fn module_needing_a_newer_go_says_so() {
    let dir = project(&[
        ("pyproject.toml", &pyproject("")),
        ("go.mod", "module example.com/t\n\ngo 1.99\n"),
        ("main.go", HELLO_GO),
    ]);
    let err = fails(dir.path(), &["build"], &[("GOTOOLCHAIN", "local")]);
    assert!(err.contains("go.mod requires go >= 1.99"), "{err}");
    assert!(
        err.contains("hint: the module needs Go 1.99, and this is go1."),
        "{err}"
    );
}
