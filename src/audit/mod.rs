//! Inspecting built executables: checking that the format and architecture match the target, and
//! deciding the wheel platform tags from what the binary really needs.

use std::path::Path;

use goblin::Object;
use goblin::elf::header::{EM_386, EM_AARCH64, EM_ARM, EM_PPC64, EM_S390, EM_X86_64};
use goblin::mach::Mach;
use goblin::mach::constants::cputype::{CPU_TYPE_ARM64, CPU_TYPE_X86_64};
use goblin::mach::load_command::CommandVariant;
use goblin::pe::header::{COFF_MACHINE_ARM64, COFF_MACHINE_X86, COFF_MACHINE_X86_64};

use crate::error::UserError;
use crate::target::{Arch, Compatibility, DEFAULT_GLIBC, Os, Target};

pub mod manylinux;

/// The revision of the rules that turn a binary into tags; records of inspections made under
/// other rules are not reused. Raise it when the rules change.
pub const REVISION: u32 = 3;

/// What inspecting a binary found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryInfo {
    /// A human description, e.g. `ELF x86-64, statically linked`.
    pub description: String,
    /// The wheel platform tags it fits, sorted.
    pub platform_tags: Vec<String>,
}

/// Inspects the executable at `path`, built for `target`.
pub fn inspect(
    path: &Path,
    target: Target,
    compat: Option<Compatibility>,
) -> Result<BinaryInfo, UserError> {
    inspect_module(path, target, compat, "python3.dll")
}

/// [`inspect`] for an extension module that links with `python_dll` (`python3.dll` for abi3,
/// `python313.dll` for the full API of 3.13 on Windows): importing any other Python DLL is an
/// error.
pub fn inspect_module(
    path: &Path,
    target: Target,
    compat: Option<Compatibility>,
    python_dll: &str,
) -> Result<BinaryInfo, UserError> {
    let data = fs_err::read(path).map_err(|e| UserError::new(e.to_string()))?;
    inspect_linked(&data, target, compat, python_dll).map_err(|e| e.in_file(path))
}

fn mismatch(target: Target, found: &str) -> UserError {
    UserError::new(format!(
        "expected an executable for {target}, found {found}"
    ))
}

/// Inspects an executable held in memory.
pub fn inspect_bytes(
    data: &[u8],
    target: Target,
    compat: Option<Compatibility>,
) -> Result<BinaryInfo, UserError> {
    inspect_linked(data, target, compat, "python3.dll")
}

/// Inspects an executable held in memory that may link with `python_dll` on Windows.
fn inspect_linked(
    data: &[u8],
    target: Target,
    compat: Option<Compatibility>,
    python_dll: &str,
) -> Result<BinaryInfo, UserError> {
    let object = Object::parse(data)
        .map_err(|e| UserError::new(format!("not a readable executable: {e}")))?;
    match (object, target.os) {
        (Object::Elf(elf), Os::Linux) => {
            let (machine, name) = match target.arch {
                Arch::Amd64 => (EM_X86_64, "x86-64"),
                Arch::Arm64 => (EM_AARCH64, "AArch64"),
                Arch::I386 => (EM_386, "i386"),
                Arch::Arm => (EM_ARM, "ARM"),
                Arch::Ppc64le => (EM_PPC64, "PowerPC64"),
                Arch::S390x => (EM_S390, "s390x"),
            };
            if elf.header.e_machine != machine {
                return Err(mismatch(
                    target,
                    &format!("an ELF file for machine {}", elf.header.e_machine),
                ));
            }
            let needed: Vec<&str> = elf.libraries.clone();
            if elf.interpreter.is_none() && needed.is_empty() {
                return Ok(BinaryInfo {
                    description: format!("ELF {name}, statically linked"),
                    platform_tags: target.static_linux_tags(),
                });
            }
            let musl = elf.interpreter.is_some_and(|i| i.contains("musl"))
                || needed.iter().any(|l| l.starts_with("libc.musl"));
            if musl {
                return Ok(BinaryInfo {
                    description: format!("ELF {name}, dynamically linked (musl)"),
                    platform_tags: target.musllinux_tags((1, 2)),
                });
            }
            linux_tags(&elf, target, name, compat)
        }
        (Object::Mach(Mach::Binary(macho)), Os::Darwin) => {
            let (cputype, name) = match target.arch {
                Arch::Amd64 => (CPU_TYPE_X86_64, "x86_64"),
                _ => (CPU_TYPE_ARM64, "arm64"),
            };
            if macho.header.cputype != cputype {
                return Err(mismatch(
                    target,
                    &format!("a Mach-O file for CPU type {:#x}", macho.header.cputype),
                ));
            }
            let minos = macho
                .load_commands
                .iter()
                .find_map(|lc| match lc.command {
                    CommandVariant::BuildVersion(bv) => Some(bv.minos),
                    CommandVariant::VersionMinMacosx(v) => Some(v.version),
                    _ => None,
                })
                .ok_or_else(|| {
                    UserError::new(
                        "the Mach-O file names no minimum macOS version (LC_BUILD_VERSION)",
                    )
                })?;
            let version = (minos >> 16, (minos >> 8) & 0xff);
            if let Some(lib) = macho
                .libs
                .iter()
                .find(|l| l.contains("Python.framework") || l.contains("libpython"))
            {
                return Err(UserError::new(format!(
                    "it links {lib}, so it would load only beside that one Python"
                ))
                .hint("an extension module leaves Python's symbols to the loader (-undefined dynamic_lookup); please report this"));
            }
            let signed = macho
                .load_commands
                .iter()
                .any(|lc| matches!(lc.command, CommandVariant::CodeSignature(_)));
            if target.arch == Arch::Arm64 && !signed {
                return Err(UserError::new(
                    "it has no code signature (LC_CODE_SIGNATURE), which macOS on Apple Silicon requires of every binary",
                )
                .hint("link with a linker that signs ad hoc (zig, Apple's ld), or sign it with `codesign -s -`"));
            }
            Ok(BinaryInfo {
                description: format!(
                    "Mach-O {name}, macOS {}.{}+{}",
                    version.0,
                    version.1,
                    if signed { ", signed ad hoc" } else { "" }
                ),
                platform_tags: vec![target.macos_tag(version)],
            })
        }
        (Object::PE(pe), Os::Windows) => {
            let (machine, name) = match target.arch {
                Arch::Amd64 => (COFF_MACHINE_X86_64, "x86-64"),
                Arch::Arm64 => (COFF_MACHINE_ARM64, "ARM64"),
                _ => (COFF_MACHINE_X86, "i386"),
            };
            if pe.header.coff_header.machine != machine {
                return Err(mismatch(
                    target,
                    &format!("a PE file for machine {:#x}", pe.header.coff_header.machine),
                ));
            }
            let mut dlls: Vec<String> = pe.libraries.iter().map(|l| l.to_string()).collect();
            dlls.sort();
            dlls.dedup();
            // A versioned python3XY.dll would tie an abi3 module to one CPython.
            if let Some(dll) = dlls.iter().find(|d| {
                let lower = d.to_ascii_lowercase();
                lower.starts_with("python3") && !lower.eq_ignore_ascii_case(python_dll)
            }) {
                return Err(UserError::new(format!(
                    "it imports {dll}, and it should link with {python_dll} only"
                ))
                .hint("a module of the stable ABI (abi3) imports python3.dll, one of the full API of 3.XY imports python3XY.dll; please report this"));
            }
            let kind = if pe.is_lib { "DLL" } else { "executable" };
            Ok(BinaryInfo {
                description: format!("PE {name} {kind}, imports {}", dlls.join(", ")),
                platform_tags: vec![target.windows_tag().to_string()],
            })
        }
        (Object::Elf(_), _) => Err(mismatch(target, "an ELF (Linux) file")),
        (Object::Mach(_), _) => Err(mismatch(target, "a Mach-O (macOS) file")),
        (Object::PE(_), _) => Err(mismatch(target, "a PE (Windows) file")),
        _ => Err(mismatch(target, "an unknown file format")),
    }
}

/// The platform tags of a dynamically linked glibc ELF file, audited against the manylinux
/// policies: the most compatible policy it fits, or the one `compat` asks for when that is
/// newer; a file that fits no policy, or not the one asked for, is refused.
fn linux_tags(
    elf: &goblin::elf::Elf<'_>,
    target: Target,
    name: &str,
    compat: Option<Compatibility>,
) -> Result<BinaryInfo, UserError> {
    let arch = target.linux_arch();
    let needs = manylinux::Needs::of(elf);
    let glibc = needs.max_glibc().unwrap_or(DEFAULT_GLIBC);
    let description = format!(
        "ELF {name}, dynamically linked, needs GLIBC_{}.{} and {}",
        glibc.0,
        glibc.1,
        needs.libraries.join(", ")
    );
    match compat {
        Some(Compatibility::Linux) => {
            return Ok(BinaryInfo {
                description,
                platform_tags: vec![format!("linux_{arch}")],
            });
        }
        Some(Compatibility::Musllinux(..)) => {
            return Err(UserError::new(format!(
                "it is linked against glibc, so it cannot be tagged {}",
                compat.expect("matched")
            ))
            .hint(
                "a musllinux wheel needs a binary built for musl; drop the musllinux compatibility",
            ));
        }
        _ => {}
    }
    let best = manylinux::best_policy(&needs, arch).map_err(|v| {
        UserError::new(format!("it fits no manylinux policy: {v}"))
            .hint("link that library statically (or drop it), or build with --compatibility linux for a wheel only machines like this one install")
    })?;
    // Nothing older than manylinux2014 is worth claiming for Go (Go needs Linux 3.2 or newer).
    let floor = manylinux::policy(DEFAULT_GLIBC).expect("the policy of the default floor exists");
    let mut chosen = if best.priority > floor.priority {
        floor
    } else {
        best
    };
    if let Some(Compatibility::Manylinux(major, minor)) = compat {
        let asked = manylinux::policy((major, minor)).ok_or_else(|| {
            UserError::new(format!(
                "manylinux_{major}_{minor} is not a manylinux policy auditwheel knows"
            ))
            .hint("use one of manylinux_2_17, manylinux_2_28, manylinux_2_34, ...")
        })?;
        if let Some(v) = manylinux::check(asked, &needs, arch) {
            return Err(UserError::new(format!(
                "it is not manylinux_{major}_{minor}: {v}; it fits {}",
                best.name
            ))
            .hint(format!(
                "build it with zig as the C compiler (`pip install ziglang`), which links against glibc {major}.{minor}, or ask for --compatibility {}",
                best.name
            )));
        }
        if asked.priority < chosen.priority {
            chosen = asked;
        }
    }
    Ok(BinaryInfo {
        description,
        platform_tags: chosen.tags(arch),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused_clearly() {
        let err = inspect_bytes(
            b"#!/bin/sh\necho hi\n",
            "linux/amd64".parse().unwrap(),
            None,
        )
        .unwrap_err();
        assert!(err.message.contains("linux/amd64"), "{}", err.message);
    }
}
