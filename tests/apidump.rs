//! The Go tests of `apidump`, the helper program gowright embeds to read a Go package's API
//! (src/bind/apidump), run with the machine's Go so that `cargo test` covers them.

use std::process::Command;

#[test]
fn apidump_go_vet_and_go_test() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/bind/apidump");
    for args in [&["vet", "./..."][..], &["test", "./..."]] {
        let out = Command::new("go")
            .args(args)
            .current_dir(dir)
            .env("GOFLAGS", "-mod=mod")
            .output()
            .expect("go is installed");
        assert!(
            out.status.success(),
            "go {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
