//! What cgo for macOS needs from Apple's SDK, which may not be redistributed: nothing but the
//! names. Go's runtime links `-framework CoreFoundation`, `crypto/x509` `-framework Security`
//! and `net` `-lresolv` (the symbols listed are those Go 1.26's standard library uses);
//! zig carries libSystem but not those. gowright writes text stubs (`.tbd`, the format of the
//! SDK's own stubs) naming the library's install path and the symbols Go uses, and passes them
//! with `-F`/`-L`: the linker records the real path, and the symbols bind to the real library
//! on the user's Mac.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

/// The stub files: (path inside the stub directory, text).
const STUBS: &[(&str, &str)] = &[
    (
        "CoreFoundation.framework/CoreFoundation.tbd",
        r#"--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos, arm64-macos ]
install-name:    '/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation'
current-version: 1.0
exports:
  - targets:     [ x86_64-macos, arm64-macos ]
    symbols:     [ _CFBundleGetMainBundle, _CFBundleCopyResourceURL, _CFURLGetString,
                   _CFStringGetCString, _CFRelease, _CFBundleGetValueForInfoDictionaryKey,
                   ___CFConstantStringClassReference, _CFArrayAppendValue,
                   _CFArrayCreateMutable, _CFArrayGetCount, _CFArrayGetValueAtIndex,
                   _CFDataCreate, _CFDataGetBytePtr, _CFDataGetLength, _CFDateCreate,
                   _CFDictionaryGetValueIfPresent, _CFEqual, _CFErrorCopyDescription,
                   _CFErrorGetCode, _CFNumberGetValue, _CFStringCreateExternalRepresentation,
                   _CFStringCreateWithBytes ]
...
"#,
    ),
    (
        "Security.framework/Security.tbd",
        r#"--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos, arm64-macos ]
install-name:    '/System/Library/Frameworks/Security.framework/Versions/A/Security'
current-version: 1.0
exports:
  - targets:     [ x86_64-macos, arm64-macos ]
    symbols:     [ _SecCertificateCopyData, _SecCertificateCreateWithData, _SecPolicyCreateSSL,
                   _SecTrustCopyCertificateChain, _SecTrustCreateWithCertificates,
                   _SecTrustEvaluate, _SecTrustEvaluateWithError, _SecTrustSetVerifyDate ]
...
"#,
    ),
    (
        "libresolv.tbd",
        r#"--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos, arm64-macos ]
install-name:    '/usr/lib/libresolv.9.dylib'
current-version: 1.0
exports:
  - targets:     [ x86_64-macos, arm64-macos ]
    symbols:     [ _res_9_ninit, _res_9_nclose, _res_9_nsearch, _res_9_nquery, _res_9_search,
                   _res_9_init, _res_9_ndestroy ]
...
"#,
    ),
];

/// The oldest macOS the Go toolchain `go_version` (`go1.26.8`) supports, which is what its
/// binaries say in `LC_BUILD_VERSION` (Go 1.23: macOS 11, Go 1.25: 12, Go 1.27: 13).
pub fn minimum_macos(go_version: &str) -> (u32, u32) {
    match crate::go::parse_go_version(go_version) {
        Some((1, minor)) if minor >= 27 => (13, 0),
        Some((1, minor)) if minor >= 25 => (12, 0),
        Some((1, minor)) if minor >= 23 => (11, 0),
        Some((1, _)) => (10, 15),
        // A development toolchain: the newest floor known.
        _ => (13, 0),
    }
}

/// The directory holding the stubs (made once, named by their content, in the system's
/// temporary directory).
pub fn stub_dir() -> std::io::Result<PathBuf> {
    let mut hasher = Sha256::new();
    for (name, text) in STUBS {
        hasher.update(name);
        hasher.update(text);
    }
    let key = hex::encode(&hasher.finalize()[..8]);
    let dir = std::env::temp_dir().join(format!("gowright-macos-stubs-{key}"));
    if STUBS.iter().all(|(name, _)| dir.join(name).is_file()) {
        return Ok(dir);
    }
    // Written beside, then renamed: builds running at once never see half a directory.
    let partial = tempfile::Builder::new()
        .prefix(&format!("gowright-macos-stubs-{key}."))
        .tempdir_in(std::env::temp_dir())?
        .keep();
    for (name, text) in STUBS {
        let path = partial.join(name);
        std::fs::create_dir_all(path.parent().expect("stubs are in a directory"))?;
        std::fs::write(path, text)?;
    }
    match std::fs::rename(&partial, &dir) {
        Ok(()) => Ok(dir),
        // Another build made it first.
        Err(_) if dir.is_dir() => {
            let _ = std::fs::remove_dir_all(&partial);
            Ok(dir)
        }
        Err(e) => Err(e),
    }
}

/// The compiler flags that make the stubs visible to the linker.
pub fn stub_flags(dir: &Path) -> String {
    let quoted = |p: &Path| {
        let text = p.display().to_string();
        if text.contains(' ') {
            format!("'{text}'")
        } else {
            text
        }
    };
    format!("-F{} -L{}", quoted(dir), quoted(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors_follow_go() {
        assert_eq!(minimum_macos("go1.26.8"), (12, 0));
        assert_eq!(minimum_macos("go1.27.3"), (13, 0));
        assert_eq!(minimum_macos("go1.24.1"), (11, 0));
        assert_eq!(minimum_macos("go1.21.0"), (10, 15));
    }

    #[test]
    fn stubs_are_written_once() {
        let a = stub_dir().unwrap();
        let b = stub_dir().unwrap();
        assert_eq!(a, b);
        assert!(
            a.join("CoreFoundation.framework/CoreFoundation.tbd")
                .is_file()
        );
        assert!(a.join("libresolv.tbd").is_file());
    }
}
