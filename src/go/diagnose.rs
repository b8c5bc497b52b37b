//! Reading the Go toolchain's error output to say what is wrong and what fixes it: a missing
//! `go.mod` wants `go mod init`, an unreachable proxy wants the network or a warm module cache,
//! a too-old Go wants a newer one. One home for these rules, used for `go list` and `go build`.

/// A hint fitting the cause found in Go's error text `text`, or `None` when the text names no
/// cause known here (the caller's general hint applies). `go_version` is the toolchain's
/// `GOVERSION`.
pub fn hint_for(text: &str, go_version: &str) -> Option<String> {
    let has = |needle: &str| text.contains(needle);
    let hint = if let Some(needed) = required_go(text) {
        format!(
            "the module needs Go {needed}, and this is {go_version}: install Go {needed} or newer, or let Go fetch it (GOTOOLCHAIN=auto)"
        )
    } else if has("go.mod file not found") || has("cannot find main module") {
        "the Go package must be inside a Go module: create go.mod with `go mod init example.com/name`".to_string()
    } else if has("errors parsing go.mod") || has("go.mod: ") && has("unknown directive") {
        "go.mod is malformed: fix it at the line shown (`go mod edit -fmt` checks it)".to_string()
    } else if has("missing go.sum entry") || has("verifying go.mod") && has("missing") {
        "go.sum lacks entries for the dependencies: run `go mod tidy` and keep go.sum beside go.mod"
            .to_string()
    } else if has("module lookup disabled by GOPROXY=off")
        || has("GOFLAGS=-mod=vendor") && has("cannot find")
    {
        "a dependency is not in the module cache and downloads are off (GOPROXY=off): run `go mod download` with network access first".to_string()
    } else if has("dial tcp")
        || has("no such host")
        || has("connection refused")
        || has("i/o timeout")
        || has("TLS handshake timeout")
        || has("proxy.golang.org") && has("Get \"")
    {
        "a dependency could not be downloaded: check the network, GOPROXY and GOPRIVATE, or fill the module cache with `go mod download` while online".to_string()
    } else if has("inconsistent vendoring") {
        "vendor/ does not match go.mod: run `go mod vendor` (or delete vendor/)".to_string()
    } else if has("no required module provides package") {
        "the code imports a package no module in go.mod provides: run `go get` for it, or `go mod tidy`".to_string()
    } else if has("parsing $GOFLAGS") || has("GOFLAGS") && has("flag provided but not defined") {
        "the GOFLAGS environment variable holds a flag Go does not accept: fix or unset it"
            .to_string()
    } else if has("main module") && (has("does not contain package") || has("outside")) {
        "the Go package must belong to the project's own module: check `tool.gowright.go-package`"
            .to_string()
    } else if has("build constraints exclude all Go files") {
        "no Go file of the package is built for this target: check the file names (`_windows.go`), `//go:build` lines and `tool.gowright.tags`".to_string()
    } else if has("no Go files in") {
        "the directory of `tool.gowright.go-package` holds no Go files: point it at the Go package's directory".to_string()
    } else if has("C compiler") && (has("not found") || has("executable file not found")) {
        "cgo needs a C compiler: install gcc or clang (Debian: apt install gcc), or point CC at one"
            .to_string()
    } else if has("no space left on device") {
        "the disk is full: free space where Go writes (GOCACHE, GOTMPDIR, the project's target/)"
            .to_string()
    } else if has("GOCACHE is not defined")
        || has("HOME is not defined")
        || has("build cache is required")
    {
        "Go needs a build cache: set HOME or GOCACHE to a writable directory".to_string()
    } else if has("permission denied") || has("read-only file system") {
        "Go could not write or read a path named above: check its permissions (GOCACHE, GOPATH, the project's target/)".to_string()
    } else {
        return None;
    };
    Some(hint)
}

/// The Go version a module asks for when the toolchain is too old: `go.mod requires go >= 1.30`.
fn required_go(text: &str) -> Option<String> {
    let (_, rest) = text.split_once("requires go >= ")?;
    let version: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let version = version.trim_end_matches('.').to_string();
    (!version.is_empty()).then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_causes() {
        let cases = [
            (
                "go: go.mod requires go >= 1.30.1 (running go 1.26.8; GOTOOLCHAIN=local)",
                "install Go 1.30.1",
            ),
            (
                "go: go.mod file not found in current directory or any parent directory",
                "go mod init",
            ),
            (
                "go: errors parsing go.mod:\n/x/go.mod:3: unknown directive: foo",
                "malformed",
            ),
            (
                "main.go:3:8: missing go.sum entry for module providing package x",
                "go mod tidy",
            ),
            (
                "github.com/x/y@v1.0.0: module lookup disabled by GOPROXY=off",
                "GOPROXY=off",
            ),
            (
                "Get \"https://proxy.golang.org/x/@v/list\": dial tcp: lookup proxy.golang.org: no such host",
                "downloaded",
            ),
            ("go: parsing $GOFLAGS: unknown flag -foo", "GOFLAGS"),
            (
                "package x: build constraints exclude all Go files in /p",
                "go:build",
            ),
            (
                "cgo: C compiler \"gcc\" not found: exec: \"gcc\": executable file not found in $PATH",
                "C compiler",
            ),
            ("write /tmp/x: no space left on device", "disk is full"),
            (
                "build cache is required, but could not be located: GOCACHE is not defined and neither $XDG_CACHE_HOME nor $HOME are defined",
                "GOCACHE",
            ),
        ];
        for (text, needle) in cases {
            let hint = hint_for(text, "go1.26.8").unwrap_or_else(|| panic!("no hint for {text}"));
            assert!(hint.contains(needle), "{text}: {hint}");
        }
        assert_eq!(hint_for("main.go:3: undefined: x", "go1.26.8"), None);
    }
}
