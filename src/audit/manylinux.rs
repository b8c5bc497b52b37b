//! Auditing a Linux ELF file against the manylinux policies (PEP 600), as `auditwheel show`
//! does: which libraries it may link (`DT_NEEDED`), which symbol versions it may require
//! (`GLIBC_2.x`, `GLIBCXX_3.4.x`, `GCC_x`, ...), and which symbols of those libraries it must not
//! use. The policy data is pypa/auditwheel's own (`manylinux-policy.json`, auditwheel 6.8.2,
//! MIT licence), so gowright's tags and `auditwheel show` agree.
//!
//! Written here rather than taken from a crate: no Rust crate carries these policies.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;

const POLICY_JSON: &str = include_str!("manylinux-policy.json");

/// One manylinux policy (`manylinux_2_17`, ...).
#[derive(Debug, Deserialize)]
pub struct Policy {
    pub name: String,
    pub aliases: Vec<String>,
    pub priority: u32,
    /// Per architecture: per prefix (`GLIBC`), the versions allowed (`2.17`).
    symbol_versions: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    lib_whitelist: BTreeSet<String>,
    /// Per library: symbols that must not be used from it.
    blacklist: BTreeMap<String, BTreeSet<String>>,
}

impl Policy {
    /// The glibc version of a `manylinux_X_Y` policy.
    pub fn glibc(&self) -> Option<(u32, u32)> {
        let rest = self.name.strip_prefix("manylinux_")?;
        let (major, minor) = rest.split_once('_')?;
        Some((major.parse().ok()?, minor.parse().ok()?))
    }

    /// The platform tags of this policy for `arch` (`x86_64`): its name and aliases, sorted.
    pub fn tags(&self, arch: &str) -> Vec<String> {
        let mut tags: Vec<String> = std::iter::once(&self.name)
            .chain(&self.aliases)
            .map(|n| format!("{n}_{arch}"))
            .collect();
        tags.sort();
        tags
    }
}

/// The manylinux policies from the most compatible (oldest glibc) to the least.
pub fn policies() -> &'static [Policy] {
    static POLICIES: OnceLock<Vec<Policy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let mut all: Vec<Policy> =
            serde_json::from_str(POLICY_JSON).expect("the embedded policy file is valid JSON");
        all.retain(|p| p.name.starts_with("manylinux_"));
        all.sort_by_key(|p| std::cmp::Reverse(p.priority));
        all
    })
}

/// What an ELF file needs from the system.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Needs {
    /// `DT_NEEDED` libraries (the dynamic loader left out).
    pub libraries: Vec<String>,
    /// Required symbol versions: (library, version), e.g. (`libc.so.6`, `GLIBC_2.14`).
    pub versions: Vec<(String, String)>,
    /// Undefined dynamic symbols (for the blacklists).
    pub undefined: Vec<String>,
}

impl Needs {
    /// Reads what `elf` needs.
    pub fn of(elf: &goblin::elf::Elf<'_>) -> Self {
        let libraries = elf
            .libraries
            .iter()
            .filter(|l| !l.starts_with("ld-linux") && !l.starts_with("ld64.so"))
            .map(|l| l.to_string())
            .collect();
        let mut versions = Vec::new();
        if let Some(verneed) = &elf.verneed {
            for need in verneed.iter() {
                let file = elf.dynstrtab.get_at(need.vn_file).unwrap_or_default();
                for aux in need.iter() {
                    if let Some(name) = elf.dynstrtab.get_at(aux.vna_name) {
                        versions.push((file.to_string(), name.to_string()));
                    }
                }
            }
        }
        let undefined = elf
            .dynsyms
            .iter()
            .filter(|s| s.st_shndx == 0 && s.st_name != 0)
            .filter_map(|s| elf.dynstrtab.get_at(s.st_name).map(str::to_string))
            .collect();
        Self {
            libraries,
            versions,
            undefined,
        }
    }

    /// The highest `GLIBC_x.y` version required.
    pub fn max_glibc(&self) -> Option<(u32, u32)> {
        self.versions
            .iter()
            .filter_map(|(_, v)| v.strip_prefix("GLIBC_"))
            .filter_map(|v| {
                let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
                Some((parts.next()??, parts.next()??))
            })
            .max()
    }
}

/// Why a policy does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// A library the policy does not allow.
    Library(String),
    /// A symbol version newer (or other) than the policy allows: (library, version).
    SymbolVersion(String, String),
    /// A symbol the policy forbids: (library, symbol).
    Symbol(String, String),
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::Library(lib) => write!(f, "it links {lib}"),
            Violation::SymbolVersion(lib, version) => write!(f, "it needs {version} (from {lib})"),
            Violation::Symbol(lib, symbol) => write!(f, "it uses {symbol} from {lib}"),
        }
    }
}

/// The first way `needs` breaks `policy` on `arch`, if any.
pub fn check(policy: &Policy, needs: &Needs, arch: &str) -> Option<Violation> {
    if let Some(lib) = needs
        .libraries
        .iter()
        .find(|l| !policy.lib_whitelist.contains(*l))
    {
        return Some(Violation::Library(lib.clone()));
    }
    let allowed = policy.symbol_versions.get(arch)?;
    for (lib, version) in &needs.versions {
        let Some((prefix, number)) = version.split_once('_') else {
            continue;
        };
        // As auditwheel: only the prefixes the policy knows are restricted.
        if let Some(numbers) = allowed.get(prefix)
            && !numbers.contains(number)
        {
            return Some(Violation::SymbolVersion(lib.clone(), version.clone()));
        }
    }
    for lib in &needs.libraries {
        if let Some(forbidden) = policy.blacklist.get(lib)
            && let Some(symbol) = needs.undefined.iter().find(|s| forbidden.contains(*s))
        {
            return Some(Violation::Symbol(lib.clone(), symbol.clone()));
        }
    }
    None
}

/// The most compatible policy `needs` fits on `arch`, or why even the least compatible does not.
pub fn best_policy(needs: &Needs, arch: &str) -> Result<&'static Policy, Violation> {
    let mut last = None;
    for policy in policies() {
        match check(policy, needs, arch) {
            None => return Ok(policy),
            Some(v) => last = Some(v),
        }
    }
    Err(last.unwrap_or_else(|| Violation::Library(format!("(no policy for {arch})"))))
}

/// The policy named `manylinux_{major}_{minor}`.
pub fn policy(glibc: (u32, u32)) -> Option<&'static Policy> {
    policies().iter().find(|p| p.glibc() == Some(glibc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(libraries: &[&str], versions: &[(&str, &str)]) -> Needs {
        Needs {
            libraries: libraries.iter().map(|s| s.to_string()).collect(),
            versions: versions
                .iter()
                .map(|(l, v)| (l.to_string(), v.to_string()))
                .collect(),
            undefined: Vec::new(),
        }
    }

    #[test]
    fn picks_the_most_compatible_policy() {
        let old = needs(&["libc.so.6"], &[("libc.so.6", "GLIBC_2.14")]);
        assert_eq!(best_policy(&old, "x86_64").unwrap().name, "manylinux_2_17");
        let older = needs(&["libc.so.6"], &[("libc.so.6", "GLIBC_2.3")]);
        assert_eq!(best_policy(&older, "x86_64").unwrap().name, "manylinux_2_5");
        let new = needs(
            &["libc.so.6", "libpthread.so.0"],
            &[("libc.so.6", "GLIBC_2.34"), ("libc.so.6", "GLIBC_2.2.5")],
        );
        let policy = best_policy(&new, "x86_64").unwrap();
        assert_eq!(policy.name, "manylinux_2_34");
        assert_eq!(policy.tags("x86_64"), ["manylinux_2_34_x86_64"]);
        assert_eq!(
            policy_named("manylinux_2_17").tags("aarch64"),
            ["manylinux2014_aarch64", "manylinux_2_17_aarch64"]
        );
        assert_eq!(
            check(policy_named("manylinux_2_17"), &new, "x86_64"),
            Some(Violation::SymbolVersion(
                "libc.so.6".into(),
                "GLIBC_2.34".into()
            ))
        );
    }

    #[test]
    fn refuses_libraries_outside_every_policy() {
        let n = needs(&["libc.so.6", "libssl.so.3"], &[]);
        assert_eq!(
            best_policy(&n, "x86_64").unwrap_err(),
            Violation::Library("libssl.so.3".into())
        );
    }

    fn policy_named(name: &str) -> &'static Policy {
        policies().iter().find(|p| p.name == name).unwrap()
    }
}
