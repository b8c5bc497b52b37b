//! One regression test per defect of the hostile-input report, named for it. Each fails on the
//! code before the fix. (Defects 2 and 3, copies of bound Go objects and deeply nested results,
//! are run-time defects of the `lib` kind: `tests/e2e/test_handles.py` and
//! `tests/e2e/test_structs.py` cover them.)

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

const GO_MOD: &str = "module example.com/t\n\ngo 1.21\n";
const MAIN_GO: &str = "package main\n\nfunc main() { println(\"hi\") }\n";
const SECRET: &str = "SECRET-FROM-OUTSIDE-THE-PROJECT";

fn write(path: &Path, data: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// A `bin` project in `<tmp>/project` and a secret file in `<tmp>/outside/passwd`.
fn project(pyproject_extra: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("outside/passwd"), SECRET);
    let dir = tmp.path().join("project");
    write(&dir.join("go.mod"), GO_MOD);
    write(&dir.join("main.go"), MAIN_GO);
    write(&dir.join("README.md"), "# t\n");
    write(
        &dir.join("pyproject.toml"),
        format!(
            "[project]\nname = \"t\"\nversion = \"1.0\"\nreadme = \"README.md\"\n{pyproject_extra}"
        ),
    );
    (tmp, dir)
}

fn gowright(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("gowright")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The member names and contents of an sdist.
fn sdist_members(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            (name, data)
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn defect_01_out_of_project_files_are_never_published() {
    use std::os::unix::fs::symlink;
    let (tmp, dir) = project("");
    let secret = tmp.path().join("outside/passwd");
    // A licence that is a symlink out of the project: refused by sdist and build.
    symlink(&secret, dir.join("LICENSE")).unwrap();
    for args in [&["sdist"][..], &["build"]] {
        let out = gowright(&dir, args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("outside the project directory"));
        assert!(!dir.join("dist").exists());
    }
    std::fs::remove_file(dir.join("LICENSE")).unwrap();
    write(&dir.join("LICENSE"), "MIT\n");
    // Symlinks out of the project picked up by the walk or an `include` glob are skipped.
    symlink(&secret, dir.join("notes.txt")).unwrap();
    symlink(tmp.path().join("outside"), dir.join("ext")).unwrap();
    write(&dir.join(".gitignore"), "secret.txt\n");
    symlink(&secret, dir.join("secret.txt")).unwrap();
    let text = std::fs::read_to_string(dir.join("pyproject.toml")).unwrap();
    write(
        &dir.join("pyproject.toml"),
        format!("{text}[tool.gowright]\ninclude = [\"secret.txt\", \"ext/*\"]\n"),
    );
    let out = gowright(&dir, &["sdist"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("skipping `notes.txt`"),
        "{}",
        stderr(&out)
    );
    let path = dir.join("dist/t-1.0.tar.gz");
    for (name, data) in sdist_members(&path) {
        assert!(
            !String::from_utf8_lossy(&data).contains(SECRET),
            "{name} holds the secret"
        );
    }
}

#[test]
fn defect_04_metadata_cannot_be_injected() {
    // Refused: line breaks in single-line fields, entry point groups and script names.
    for extra in [
        "description = \"a\\rAuthor: x\"\n",
        "authors = [{ name = \"A\\nAuthor-email: e@x.org\" }]\n",
        "classifiers = [\"Programming Language :: Go\\nX: y\"]\n",
        "[project.urls]\n\"A\\nB\" = \"https://example.com\"\n",
        "[project.entry-points.\"grp]\\n[console_scripts\"]\nevil = \"os:system\"\n",
        "[project.scripts]\n\"bad name\" = \"t:main\"\n",
        "[project.scripts]\nx = \"not a valid :: reference\"\n",
    ] {
        let (_tmp, dir) = project(extra);
        let out = gowright(&dir, &["sdist"]);
        assert_eq!(out.status.code(), Some(1), "{extra}: {}", stderr(&out));
    }
    // Accepted, and folded: a licence text with every kind of line break reads back as one
    // field holding all of it.
    let (_tmp, dir) = project(
        "license = { text = \"one\\r\\ntwo\\rthree\\ffour\\u2028five\\nAuthor: injected\" }\n",
    );
    let meta = tempfile::tempdir().unwrap();
    let out = gowright(
        &dir,
        &[
            "pep517",
            "prepare-metadata-for-build-wheel",
            meta.path().to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let metadata = meta.path().join("t-1.0.dist-info/METADATA");
    let script = "import email.parser, json, sys\nm = email.parser.Parser().parsestr(open(sys.argv[1], encoding='utf-8').read())\nprint(json.dumps(sorted(set(m.keys()))))\nprint(json.dumps(m['License']))";
    let out = StdCommand::new("python3")
        .args(["-c", script])
        .arg(&metadata)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8(out.stdout).unwrap();
    let mut lines = printed.lines();
    let keys: Vec<String> = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(
        keys,
        [
            "Description-Content-Type",
            "License",
            "Metadata-Version",
            "Name",
            "Version"
        ]
    );
    let license: String = serde_json::from_str(lines.next().unwrap()).unwrap();
    for word in ["one", "two", "three", "four", "five", "Author: injected"] {
        assert!(license.contains(word), "{license:?}");
    }
}

/// The processes whose environment holds `marker` (a unique GOCACHE), other than `except`.
#[cfg(target_os = "linux")]
fn processes_with(marker: &str, except: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == except || pid == std::process::id() {
            continue;
        }
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if environ
            .split(|b| *b == 0)
            .any(|var| var == marker.as_bytes())
        {
            found.push(pid);
        }
    }
    found
}

#[cfg(target_os = "linux")]
#[test]
fn defect_05_go_builds_end_with_gowright() {
    for signal in ["TERM", "KILL"] {
        let (tmp, dir) = project("");
        // A cold Go cache of its own: the build takes long, and its processes are found by it.
        let cache = tmp.path().join("gocache");
        let marker = format!("GOCACHE={}", cache.display());
        let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("gowright"))
            .current_dir(&dir)
            .args(["build", "--all-targets"])
            .env("GOCACHE", &cache)
            .env("GOPROXY", "off")
            .env("GOTOOLCHAIN", "local")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while processes_with(&marker, child.id()).len() < 2 {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the Go build did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // Give Go time to start compilers of its own.
        std::thread::sleep(Duration::from_millis(1500));
        let status = StdCommand::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        child.wait().unwrap();
        let start = Instant::now();
        loop {
            let left = processes_with(&marker, child.id());
            if left.is_empty() {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "SIG{signal}: Go processes {left:?} still run after gowright ended"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.join("dist"))
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(
            leftovers.is_empty(),
            "SIG{signal} left files in dist/: {leftovers:?}"
        );
    }
}

#[test]
fn defect_06_build_with_sdist_is_atomic() {
    // A bad `include` glob fails before anything is built; an sdist lacking what the build
    // needs fails before the wheel is kept.
    for extra in [
        "[tool.gowright]\ninclude = [\"[bad\"]\n",
        "[tool.gowright]\nexclude = [\"main.go\"]\n",
    ] {
        let (_tmp, dir) = project(extra);
        write(&dir.join("dist/old.whl"), "old");
        let out = gowright(&dir, &["build", "--sdist"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let names: Vec<_> = std::fs::read_dir(dir.join("dist"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["old.whl"], "{extra}");
    }
}

#[test]
fn defect_07_unbuildable_sdist_is_refused() {
    let (_tmp, dir) = project("[tool.gowright]\ngo-package = \"./cmd/toolname\"\n");
    std::fs::remove_file(dir.join("main.go")).unwrap();
    write(&dir.join("cmd/toolname/main.go"), MAIN_GO);
    write(&dir.join(".gitignore"), "# the built binary\ntoolname\n");
    let out = gowright(&dir, &["sdist"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("`cmd/toolname/main.go`"), "{err}");
    assert!(err.contains("the rule `toolname` in .gitignore"), "{err}");
    assert!(!dir.join("dist").exists());
    // Anchored to the root, the rule no longer drops the command: the sdist builds.
    write(&dir.join(".gitignore"), "/toolname\n");
    let out = gowright(&dir, &["sdist"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let names: Vec<String> = sdist_members(&dir.join("dist/t-1.0.tar.gz"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(
        names.contains(&"t-1.0/cmd/toolname/main.go".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"t-1.0/go.mod".to_string()), "{names:?}");
}

#[test]
fn defect_08_python_source_outside_the_project_is_refused() {
    for source in ["../outside", "/tmp", "py"] {
        let (tmp, dir) = project(&format!("[tool.gowright]\npython-source = \"{source}\"\n"));
        #[cfg(unix)]
        if source == "py" {
            std::os::unix::fs::symlink(tmp.path().join("outside"), dir.join("py")).unwrap();
        }
        let out = gowright(&dir, &["build"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("`tool.gowright.python-source`"),
            "{}",
            stderr(&out)
        );
        let _ = tmp;
    }
}

#[cfg(target_os = "linux")]
#[test]
fn defect_09_names_that_are_not_utf8_are_skipped_not_renamed() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt as _;
    let (_tmp, dir) = project("");
    for name in [b"data-\xff.txt".as_slice(), b"data-\xfe.txt"] {
        write(&dir.join(OsStr::from_bytes(name)), "x");
    }
    let out = gowright(&dir, &["sdist"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).matches("its name is not UTF-8").count(),
        2,
        "{}",
        stderr(&out)
    );
    for (name, _) in sdist_members(&dir.join("dist/t-1.0.tar.gz")) {
        assert!(!name.contains('\u{fffd}'), "{name}");
    }
}

#[test]
fn defect_10_concurrent_lib_builds_both_succeed() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scalars-lib");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scalars-lib");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&fixture).unwrap().flatten() {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    for round in 0..2 {
        let children: Vec<_> = (0..2)
            .map(|i| {
                StdCommand::new(assert_cmd::cargo::cargo_bin("gowright"))
                    .current_dir(&dir)
                    .args(["build", "--out", &format!("dist-{i}")])
                    .env("GOPROXY", "off")
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // A cold start next round: apidump and the generated package are built again.
        let _ = std::fs::remove_dir_all(dir.join("target"));
    }
}

#[test]
fn defect_11_usage_errors_exit_1() {
    let (_tmp, dir) = project("");
    for args in [
        &["build", "--target", "linux/amd64", "--all-targets"][..],
        &["build", "--frobnicate"],
        &["frobnicate"],
    ] {
        let out = gowright(&dir, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("hint: "), "{}", stderr(&out));
    }
    for args in [&["--help"][..], &["--version"], &["build", "--help"]] {
        assert!(gowright(&dir, args).status.success(), "{args:?}");
    }
}

#[test]
fn defect_12_empty_or_duplicated_targets_are_errors() {
    for targets in ["[]", "[\"linux/amd64\", \"linux/amd64\"]"] {
        let (_tmp, dir) = project(&format!("[tool.gowright]\ntargets = {targets}\n"));
        let out = gowright(&dir, &["build", "--all-targets"]);
        assert_eq!(out.status.code(), Some(1), "{targets}");
        assert!(stderr(&out).contains("`tool.gowright.targets`"));
    }
}

#[test]
fn leftovers_of_killed_builds_are_swept() {
    // A temporary archive of a process that no longer runs (a pid beyond the kernel's range) is
    // removed by the next build; one of a process that still runs (this test) is left alone.
    let (_tmp, dir) = project("");
    let dist = dir.join("dist");
    write(&dist.join(".gowright-tmp-4194305-abc123"), "partial");
    let live = format!(".gowright-tmp-{}-def456", std::process::id());
    write(&dist.join(&live), "partial");
    let out = gowright(&dir, &["sdist"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!dist.join(".gowright-tmp-4194305-abc123").exists());
    assert!(dist.join(&live).exists());
}
