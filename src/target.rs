//! Build targets (Go's `GOOS/GOARCH`) and the wheel platform tags they map to.
//!
//! Everything here is pure: no I/O, so the rules are unit-tested directly. The specifications:
//! - platform compatibility tags: <https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/>
//! - manylinux (PEP 600, PEP 599 for the `manylinux2014` alias), musllinux (PEP 656)

use std::fmt;
use std::str::FromStr;

/// An operating system gowright can build for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Os {
    Linux,
    Darwin,
    Windows,
}

/// A CPU architecture gowright can build for, named as Go names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    Amd64,
    Arm64,
    /// 32-bit x86 (`GOARCH=386`).
    I386,
    /// 32-bit ARMv7 with hardware floating point (`GOARCH=arm GOARM=7`).
    Arm,
    Ppc64le,
    S390x,
}

/// A `GOOS/GOARCH` pair such as `linux/arm64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    pub os: Os,
    pub arch: Arch,
}

/// Every target gowright knows, in the order `--list-targets` prints them.
pub const KNOWN_TARGETS: &[Target] = &[
    Target::new(Os::Linux, Arch::Amd64),
    Target::new(Os::Linux, Arch::Arm64),
    Target::new(Os::Linux, Arch::I386),
    Target::new(Os::Linux, Arch::Arm),
    Target::new(Os::Linux, Arch::Ppc64le),
    Target::new(Os::Linux, Arch::S390x),
    Target::new(Os::Darwin, Arch::Amd64),
    Target::new(Os::Darwin, Arch::Arm64),
    Target::new(Os::Windows, Arch::Amd64),
    Target::new(Os::Windows, Arch::Arm64),
];

/// What `--all-targets` builds unless `[tool.gowright] targets` says otherwise.
pub const DEFAULT_TARGETS: &[Target] = &[
    Target::new(Os::Linux, Arch::Amd64),
    Target::new(Os::Linux, Arch::Arm64),
    Target::new(Os::Darwin, Arch::Amd64),
    Target::new(Os::Darwin, Arch::Arm64),
    Target::new(Os::Windows, Arch::Amd64),
    Target::new(Os::Windows, Arch::Arm64),
];

/// A target string that gowright does not know.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown target `{given}`")]
pub struct UnknownTarget {
    pub given: String,
}

impl UnknownTarget {
    /// The list of accepted targets, for the hint under the error.
    pub fn hint() -> String {
        let all: Vec<String> = KNOWN_TARGETS.iter().map(Target::to_string).collect();
        format!("targets are written GOOS/GOARCH; known: {}", all.join(", "))
    }
}

impl Target {
    pub const fn new(os: Os, arch: Arch) -> Self {
        Self { os, arch }
    }

    /// `GOOS` for this target.
    pub fn goos(self) -> &'static str {
        match self.os {
            Os::Linux => "linux",
            Os::Darwin => "darwin",
            Os::Windows => "windows",
        }
    }

    /// `GOARCH` for this target.
    pub fn goarch(self) -> &'static str {
        match self.arch {
            Arch::Amd64 => "amd64",
            Arch::Arm64 => "arm64",
            Arch::I386 => "386",
            Arch::Arm => "arm",
            Arch::Ppc64le => "ppc64le",
            Arch::S390x => "s390x",
        }
    }

    /// Extra Go environment this target needs (`GOARM=7` for 32-bit ARM).
    pub fn extra_go_env(self) -> &'static [(&'static str, &'static str)] {
        match self.arch {
            Arch::Arm => &[("GOARM", "7")],
            _ => &[],
        }
    }

    /// The suffix of executables on this target.
    pub fn exe_suffix(self) -> &'static str {
        match self.os {
            Os::Windows => ".exe",
            _ => "",
        }
    }

    /// The target of the machine gowright runs on, given Go's `GOHOSTOS`/`GOHOSTARCH`.
    pub fn from_go(goos: &str, goarch: &str) -> Result<Self, UnknownTarget> {
        format!("{goos}/{goarch}").parse()
    }

    /// The architecture as wheel platform tags spell it on Linux (PEP 599 names).
    /// The architecture as Linux platform tags and auditwheel's policies name it.
    pub fn linux_arch(self) -> &'static str {
        match self.arch {
            Arch::Amd64 => "x86_64",
            Arch::Arm64 => "aarch64",
            Arch::I386 => "i686",
            Arch::Arm => "armv7l",
            Arch::Ppc64le => "ppc64le",
            Arch::S390x => "s390x",
        }
    }

    /// Platform tags of a statically linked Linux executable (Go with `CGO_ENABLED=0`): it needs no
    /// libc, so it fits both manylinux and musllinux. Go ≥ 1.24 needs Linux ≥ 3.2, which makes
    /// `manylinux_2_17` (plus its legacy alias `manylinux2014`) the honest floor. Sorted, as a
    /// compressed tag set must be.
    pub fn static_linux_tags(self) -> Vec<String> {
        let arch = self.linux_arch();
        let mut tags = vec![
            format!("manylinux_2_17_{arch}"),
            format!("manylinux2014_{arch}"),
            format!("musllinux_1_1_{arch}"),
        ];
        tags.sort();
        tags
    }

    /// Platform tags of a dynamically linked glibc executable that needs `GLIBC_major.minor`.
    pub fn manylinux_tags(self, glibc: (u32, u32)) -> Vec<String> {
        let arch = self.linux_arch();
        // Nothing older than the manylinux2014 floor is worth claiming for a Go binary.
        let (major, minor) = glibc.max((2, 17));
        let mut tags = vec![format!("manylinux_{major}_{minor}_{arch}")];
        if (major, minor) == (2, 17) {
            tags.push(format!("manylinux2014_{arch}"));
        }
        tags.sort();
        tags
    }

    /// Platform tag of a dynamically linked musl executable.
    pub fn musllinux_tags(self, musl: (u32, u32)) -> Vec<String> {
        vec![format!(
            "musllinux_{}_{}_{}",
            musl.0,
            musl.1,
            self.linux_arch()
        )]
    }

    /// Platform tag of a macOS binary whose Mach-O header says it needs macOS `minos`.
    ///
    /// From macOS 11 on, installers only look for `macosx_{major}_0` tags (and PyPI only accepts
    /// those), so a minimum like 13.3 is rounded *up* to the next major release rather than
    /// over-claiming 13.0. Releases 16 to 25 do not exist: after 15 comes 26.
    pub fn macos_tag(self, minos: (u32, u32)) -> String {
        let arch = match self.arch {
            Arch::Amd64 => "x86_64",
            _ => "arm64",
        };
        let (major, minor) = match minos {
            (10, minor) => (10, minor),
            (major, 0) => (major, 0),
            (major, _) => (major + 1, 0),
        };
        // arm64 Macs started with macOS 11.
        let (major, minor) = if self.arch == Arch::Arm64 && major < 11 {
            (11, 0)
        } else {
            (major, minor)
        };
        let major = if (16..26).contains(&major) { 26 } else { major };
        format!("macosx_{major}_{minor}_{arch}")
    }

    /// Platform tag of a Windows executable.
    pub fn windows_tag(self) -> &'static str {
        match self.arch {
            Arch::Arm64 => "win_arm64",
            Arch::I386 => "win32",
            _ => "win_amd64",
        }
    }
}

/// Which Linux systems a wheel with C parts must install on: the floor gowright builds for and
/// the kind of tag it may claim (`--compatibility`, `tool.gowright.compatibility`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compatibility {
    /// glibc at least `major.minor` (`manylinux_2_17`; `manylinux2014` is its alias).
    Manylinux(u32, u32),
    /// musl at least `major.minor` (`musllinux_1_2`).
    Musllinux(u32, u32),
    /// Only this kind of machine: a plain `linux_<arch>` tag, for local use (PyPI refuses it).
    Linux,
}

/// The default floor of Linux wheels with C parts: what zig's oldest glibc and Go itself
/// support, and what `manylinux2014` means.
pub const DEFAULT_GLIBC: (u32, u32) = (2, 17);

/// A compatibility that gowright does not know.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown compatibility `{0}`")]
pub struct UnknownCompatibility(pub String);

impl UnknownCompatibility {
    pub fn hint() -> &'static str {
        "write manylinux_X_Y (e.g. manylinux_2_17, manylinux_2_28; glibc 2.17 is the oldest), manylinux2014, musllinux_X_Y, or linux for a wheel only this kind of machine installs"
    }
}

impl FromStr for Compatibility {
    type Err = UnknownCompatibility;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || UnknownCompatibility(s.to_string());
        let version = |rest: &str| -> Result<(u32, u32), UnknownCompatibility> {
            let (major, minor) = rest.split_once('_').ok_or_else(err)?;
            Ok((
                major.parse().map_err(|_| err())?,
                minor.parse().map_err(|_| err())?,
            ))
        };
        match s {
            "linux" => Ok(Self::Linux),
            "manylinux2014" => Ok(Self::Manylinux(2, 17)),
            _ => {
                if let Some(rest) = s.strip_prefix("manylinux_") {
                    let (major, minor) = version(rest)?;
                    if major != 2 || minor < DEFAULT_GLIBC.1 {
                        return Err(err());
                    }
                    Ok(Self::Manylinux(major, minor))
                } else if let Some(rest) = s.strip_prefix("musllinux_") {
                    let (major, minor) = version(rest)?;
                    Ok(Self::Musllinux(major, minor))
                } else {
                    Err(err())
                }
            }
        }
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Manylinux(major, minor) => write!(f, "manylinux_{major}_{minor}"),
            Self::Musllinux(major, minor) => write!(f, "musllinux_{major}_{minor}"),
            Self::Linux => f.write_str("linux"),
        }
    }
}

impl FromStr for Target {
    type Err = UnknownTarget;

    /// Parses `GOOS/GOARCH`; `-` and `_` are accepted as separators, and the Python names of
    /// architectures (`x86_64`, `aarch64`) and systems (`macos`) as aliases.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || UnknownTarget {
            given: s.to_string(),
        };
        let (os, arch) = s.split_once(['/', '-', '_']).ok_or_else(err)?;
        let os = match os.to_ascii_lowercase().as_str() {
            "linux" => Os::Linux,
            "darwin" | "macos" | "macosx" => Os::Darwin,
            "windows" | "win" => Os::Windows,
            _ => return Err(err()),
        };
        let arch = match arch.to_ascii_lowercase().as_str() {
            "amd64" | "x86_64" | "x64" => Arch::Amd64,
            "arm64" | "aarch64" => Arch::Arm64,
            "386" | "i686" | "x86" => Arch::I386,
            "arm" | "armv7" | "armv7l" => Arch::Arm,
            "ppc64le" => Arch::Ppc64le,
            "s390x" => Arch::S390x,
            _ => return Err(err()),
        };
        let target = Target::new(os, arch);
        if KNOWN_TARGETS.contains(&target) {
            Ok(target)
        } else {
            Err(err())
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.goos(), self.goarch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Target {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_displays() {
        for target in KNOWN_TARGETS {
            assert_eq!(t(&target.to_string()), *target);
        }
        assert_eq!(t("linux-aarch64"), t("linux/arm64"));
        assert_eq!(t("macos_x86_64"), t("darwin/amd64"));
        assert!("linux".parse::<Target>().is_err());
        assert!("plan9/amd64".parse::<Target>().is_err());
        assert!("darwin/386".parse::<Target>().is_err());
    }

    #[test]
    fn static_linux_tags_are_sorted_and_cover_both_libcs() {
        assert_eq!(
            t("linux/amd64").static_linux_tags().join("."),
            "manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64"
        );
        assert_eq!(
            t("linux/arm").static_linux_tags().join("."),
            "manylinux2014_armv7l.manylinux_2_17_armv7l.musllinux_1_1_armv7l"
        );
    }

    #[test]
    fn manylinux_tags_from_glibc_version() {
        assert_eq!(
            t("linux/amd64").manylinux_tags((2, 34)),
            ["manylinux_2_34_x86_64"]
        );
        assert_eq!(
            t("linux/arm64").manylinux_tags((2, 2)),
            ["manylinux2014_aarch64", "manylinux_2_17_aarch64"]
        );
    }

    #[test]
    fn macos_tags_follow_the_binary() {
        assert_eq!(t("darwin/arm64").macos_tag((13, 0)), "macosx_13_0_arm64");
        assert_eq!(t("darwin/amd64").macos_tag((10, 15)), "macosx_10_15_x86_64");
        assert_eq!(t("darwin/amd64").macos_tag((13, 3)), "macosx_14_0_x86_64");
        assert_eq!(t("darwin/arm64").macos_tag((10, 13)), "macosx_11_0_arm64");
        assert_eq!(t("darwin/arm64").macos_tag((15, 4)), "macosx_26_0_arm64");
    }

    #[test]
    fn compatibilities() {
        for (text, parsed) in [
            ("manylinux_2_17", Compatibility::Manylinux(2, 17)),
            ("manylinux2014", Compatibility::Manylinux(2, 17)),
            ("manylinux_2_28", Compatibility::Manylinux(2, 28)),
            ("musllinux_1_2", Compatibility::Musllinux(1, 2)),
            ("linux", Compatibility::Linux),
        ] {
            assert_eq!(text.parse::<Compatibility>(), Ok(parsed), "{text}");
        }
        for bad in [
            "manylinux_2_5",
            "manylinux1",
            "manylinux_3_0",
            "windows",
            "manylinux_2",
            "",
        ] {
            assert!(bad.parse::<Compatibility>().is_err(), "{bad}");
        }
        assert_eq!(
            Compatibility::Manylinux(2, 28).to_string(),
            "manylinux_2_28"
        );
    }

    #[test]
    fn windows_tags() {
        assert_eq!(t("windows/amd64").windows_tag(), "win_amd64");
        assert_eq!(t("windows/arm64").windows_tag(), "win_arm64");
        assert_eq!(t("windows/amd64").exe_suffix(), ".exe");
    }
}
