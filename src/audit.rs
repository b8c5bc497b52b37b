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
use crate::target::{Arch, Os, Target};

/// Libraries a manylinux wheel may link against without bundling them (the policy list of
/// PEP 599/600 as published by pypa/auditwheel, plus the dynamic loaders).
const MANYLINUX_ALLOWED_LIBS: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "librt.so.1",
    "libpthread.so.0",
    "libresolv.so.2",
    "libutil.so.1",
    "libnsl.so.1",
    "libgcc_s.so.1",
    "libstdc++.so.6",
    "libX11.so.6",
    "libXext.so.6",
    "libXrender.so.1",
    "libICE.so.6",
    "libSM.so.6",
    "libGL.so.1",
    "libgobject-2.0.so.0",
    "libgthread-2.0.so.0",
    "libglib-2.0.so.0",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "ld-linux-armhf.so.3",
    "ld-linux.so.2",
    "ld64.so.2",
    "ld64.so.1",
];

/// What inspecting a binary found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryInfo {
    /// A human description, e.g. `ELF x86-64, statically linked`.
    pub description: String,
    /// The wheel platform tags it fits, sorted.
    pub platform_tags: Vec<String>,
}

/// Inspects the executable at `path`, built for `target`.
pub fn inspect(path: &Path, target: Target) -> Result<BinaryInfo, UserError> {
    let data = fs_err::read(path).map_err(|e| UserError::new(e.to_string()))?;
    inspect_bytes(&data, target)
        .map_err(|e| UserError::new(format!("`{}`: {}", path.display(), e.message)))
}

fn mismatch(target: Target, found: &str) -> UserError {
    UserError::new(format!(
        "expected an executable for {target}, found {found}"
    ))
}

/// Inspects an executable held in memory.
pub fn inspect_bytes(data: &[u8], target: Target) -> Result<BinaryInfo, UserError> {
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
            let disallowed: Vec<&str> = needed
                .iter()
                .copied()
                .filter(|lib| !MANYLINUX_ALLOWED_LIBS.contains(lib) && !lib.starts_with("ld-"))
                .collect();
            if !disallowed.is_empty() {
                return Err(UserError::new(format!(
                    "the executable links to {}, which no manylinux/musllinux platform guarantees",
                    disallowed.join(", ")
                ))
                .hint("link those libraries statically, or build without cgo (CGO_ENABLED=0)"));
            }
            let musl = elf.interpreter.is_some_and(|i| i.contains("musl"))
                || needed.iter().any(|l| l.starts_with("libc.musl"));
            if musl {
                return Ok(BinaryInfo {
                    description: format!("ELF {name}, dynamically linked (musl)"),
                    platform_tags: target.musllinux_tags((1, 2)),
                });
            }
            let glibc = max_glibc_version(&elf).unwrap_or((2, 17));
            Ok(BinaryInfo {
                description: format!(
                    "ELF {name}, dynamically linked, needs GLIBC_{}.{}",
                    glibc.0, glibc.1
                ),
                platform_tags: target.manylinux_tags(glibc),
            })
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
            Ok(BinaryInfo {
                description: format!("Mach-O {name}, macOS {}.{}+", version.0, version.1),
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
            Ok(BinaryInfo {
                description: format!("PE {name} executable"),
                platform_tags: vec![target.windows_tag().to_string()],
            })
        }
        (Object::Elf(_), _) => Err(mismatch(target, "an ELF (Linux) file")),
        (Object::Mach(_), _) => Err(mismatch(target, "a Mach-O (macOS) file")),
        (Object::PE(_), _) => Err(mismatch(target, "a PE (Windows) file")),
        _ => Err(mismatch(target, "an unknown file format")),
    }
}

/// The highest `GLIBC_x.y` symbol version the ELF file requires.
fn max_glibc_version(elf: &goblin::elf::Elf<'_>) -> Option<(u32, u32)> {
    let verneed = elf.verneed.as_ref()?;
    let mut max = None;
    for need in verneed.iter() {
        for aux in need.iter() {
            let Some(name) = elf.dynstrtab.get_at(aux.vna_name) else {
                continue;
            };
            let Some(version) = name.strip_prefix("GLIBC_") else {
                continue;
            };
            let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
            if let (Some(Some(major)), Some(Some(minor))) = (parts.next(), parts.next()) {
                max = max.max(Some((major, minor)));
            }
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused_clearly() {
        let err =
            inspect_bytes(b"#!/bin/sh\necho hi\n", "linux/amd64".parse().unwrap()).unwrap_err();
        assert!(err.message.contains("linux/amd64"), "{}", err.message);
    }
}
