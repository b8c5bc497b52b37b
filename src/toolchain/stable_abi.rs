//! CPython's stable ABI as gowright declares it: `abi3.h`, the header the generated glue is
//! compiled against instead of `<Python.h>`.
//!
//! The stable ABI is the same on every platform, so with its own declarations gowright builds
//! extension modules for any target without a Python installation or the target's headers.
//! Written by hand (no crate provides C declarations of the stable ABI); the tests below
//! compare every layout and constant with the real `<Python.h>` of the Python running them.

use std::path::Path;

/// The header's text.
pub const HEADER: &str = include_str!("abi3.h");

/// The name the glue includes it by.
pub const HEADER_NAME: &str = "gowright_abi3.h";

/// Writes the header into `dir` (the generated package's directory), unless it is there already.
pub fn write_header(dir: &Path) -> anyhow::Result<()> {
    let path = dir.join(HEADER_NAME);
    if std::fs::read_to_string(&path).is_ok_and(|old| old == HEADER) {
        return Ok(());
    }
    fs_err::write(path, HEADER)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The functions the header declares.
    fn functions() -> Vec<&'static str> {
        declared("GW_PY_FUNC(")
    }

    /// The data symbols the header declares.
    fn data() -> Vec<&'static str> {
        declared("GW_PY_DATA(")
    }

    fn declared(marker: &str) -> Vec<&'static str> {
        HEADER
            .lines()
            .filter(|l| l.starts_with(marker))
            .filter_map(|l| {
                let rest = &l[l.find(") ")? + 2..];
                let name = rest
                    .trim_start_matches('*')
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .next()?;
                (!name.is_empty()).then_some(name)
            })
            .collect()
    }

    #[test]
    fn lists_the_declared_names() {
        let functions = functions();
        assert!(functions.contains(&"PyModule_Create2"));
        assert!(functions.contains(&"Py_IncRef"));
        assert!(functions.contains(&"PyUnicode_AsUTF8AndSize"));
        let data = data();
        assert!(data.contains(&"_Py_NoneStruct"));
        assert!(data.contains(&"PyExc_TypeError"));
        assert!(!data.iter().any(|d| d.contains('(')));
    }

    /// Every name the header declares is exported by `python3.dll`, as the list the import
    /// libraries of Windows modules are made from has it.
    #[test]
    fn python3_dll_exports_every_declared_name() {
        let dir = tempfile::tempdir().unwrap();
        // `python3-dll-a` writes the list before it looks for a dlltool (none is needed here).
        let _ = super::super::windows_python::make_import_library("x86_64", "python3", dir.path());
        let def = std::fs::read_to_string(dir.path().join("python3.def")).unwrap();
        let exported: std::collections::HashSet<&str> = def
            .lines()
            .map(|l| l.split_whitespace().next().unwrap_or(""))
            .collect();
        for name in functions().into_iter().chain(data()) {
            assert!(
                exported.contains(name),
                "python3.dll does not export {name}"
            );
        }
    }

    /// A C program printing the layouts and constants the header defines, compiled once
    /// against the real `<Python.h>` (limited API of 3.11) and once against ours: the outputs
    /// must be equal. Also checks that every function and data symbol declared is exported by
    /// the real headers with the same type (a conflicting declaration fails to compile).
    #[test]
    fn layouts_match_the_real_python_h() {
        let include = std::process::Command::new("python3")
            .args([
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['include'])",
            ])
            .output()
            .expect("python3 runs");
        let include = String::from_utf8(include.stdout)
            .unwrap()
            .trim()
            .to_string();
        assert!(
            Path::new(&include).join("Python.h").is_file(),
            "the test needs Python's headers in {include}"
        );
        let probe = r#"
#include <stddef.h>
#include <stdio.h>
#define P(x) printf("%s=%lld\n", #x, (long long)(x))
int main(void) {
    P(sizeof(PyObject)); P(offsetof(PyObject, ob_type));
    P(sizeof(PyMethodDef)); P(offsetof(PyMethodDef, ml_flags)); P(offsetof(PyMethodDef, ml_doc));
    P(sizeof(PyModuleDef_Base)); P(sizeof(PyModuleDef)); P(offsetof(PyModuleDef, m_methods));
    P(offsetof(PyModuleDef, m_free)); P(sizeof(PyModuleDef_Slot));
    P(sizeof(Py_buffer)); P(offsetof(Py_buffer, readonly)); P(offsetof(Py_buffer, format));
    P(offsetof(Py_buffer, internal)); P(sizeof(Py_ssize_t));
    P(METH_VARARGS); P(METH_KEYWORDS); P(METH_NOARGS); P(METH_O); P(METH_FASTCALL);
    P(PyBUF_SIMPLE); P(PyBUF_WRITABLE); P(PyBUF_FORMAT); P(PyBUF_ND); P(PyBUF_STRIDES);
    P(PyBUF_C_CONTIGUOUS); P(PyBUF_F_CONTIGUOUS); P(PyBUF_ANY_CONTIGUOUS); P(PyBUF_INDIRECT);
    P(PyBUF_FULL_RO); P(PyBUF_RECORDS_RO);
    P(Py_TPFLAGS_LONG_SUBCLASS); P(Py_TPFLAGS_LIST_SUBCLASS); P(Py_TPFLAGS_TUPLE_SUBCLASS);
    P(Py_TPFLAGS_BYTES_SUBCLASS); P(Py_TPFLAGS_UNICODE_SUBCLASS); P(Py_TPFLAGS_DICT_SUBCLASS);
    P(PyGILState_LOCKED); P(PyGILState_UNLOCKED); P(PYTHON_ABI_VERSION);
    PyModuleDef def = {PyModuleDef_HEAD_INIT, "m", NULL, -1, NULL, NULL, NULL, NULL, NULL};
    P(def.m_base.ob_base.ob_refcnt > 0); P(def.m_base.m_index);
    return 0;
}
"#;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(HEADER_NAME), HEADER).unwrap();
        let run = |prelude: &str, name: &str| {
            let src = dir.path().join(format!("{name}.c"));
            let exe = dir.path().join(name);
            std::fs::write(&src, format!("{prelude}\n{probe}")).unwrap();
            let out = std::process::Command::new("cc")
                .arg(format!("-I{include}"))
                .arg(format!("-I{}", dir.path().display()))
                .args(["-Wall", "-Werror", "-o"])
                .arg(&exe)
                .arg(&src)
                .output()
                .expect("cc runs");
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let out = std::process::Command::new(&exe).output().unwrap();
            String::from_utf8(out.stdout).unwrap()
        };
        let real = run(
            "#define Py_LIMITED_API 0x030B0000\n#define PY_SSIZE_T_CLEAN\n#include <Python.h>",
            "real",
        );
        let ours = run("#include \"gowright_abi3.h\"", "ours");
        assert_eq!(ours, real);

        // Every declaration agrees with CPython's: both headers in one translation unit.
        let mut both = String::from(
            "#define Py_LIMITED_API 0x030B0000\n#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n",
        );
        for line in HEADER.lines() {
            if let Some(rest) = line.strip_prefix("GW_PY_FUNC(") {
                both.push_str(&rest.replacen(") ", " ", 1));
                both.push('\n');
            } else if let Some(rest) = line.strip_prefix("GW_PY_DATA(") {
                both.push_str(&format!("extern {}\n", rest.replacen(") ", " ", 1)));
            }
        }
        both.push_str("int main(void) { return 0; }\n");
        let src = dir.path().join("both.c");
        std::fs::write(&src, both).unwrap();
        let out = std::process::Command::new("cc")
            .arg(format!("-I{include}"))
            .args(["-Wall", "-Werror", "-c", "-o"])
            .arg(dir.path().join("both.o"))
            .arg(&src)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "a declaration differs from CPython's:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
