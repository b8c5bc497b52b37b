//! The Python side of a `bin` wheel: a small package that finds and runs the installed command.

use std::path::Path;

use crate::archive::wheel::WheelBuilder;
use crate::error::UserError;
use crate::metadata::slash_path;
use crate::project_files;

/// Renders `_binary.py`, the module that locates the Go executable installed by the wheel.
pub fn binary_module(dist_name: &str, binary_name: &str) -> String {
    BINARY_MODULE
        .replace("{dist_name}", dist_name)
        .replace("{binary_name}", binary_name)
}

/// Renders the `__init__.py` gowright writes when the project has no Python code of its own.
pub fn init_module(summary: Option<&str>, binary_name: &str) -> String {
    let summary = summary.unwrap_or("A Go command packaged for Python by gowright.");
    INIT_MODULE
        .replace("{summary}", &summary.replace('"', "\\\""))
        .replace("{binary_name}", binary_name)
}

/// `__main__.py`: `python -m <module>` runs the command.
pub const MAIN_MODULE: &str = "\"\"\"Run the packaged Go command: `python -m` passes its arguments on.\"\"\"\n\nfrom ._binary import main\n\nmain()\n";

/// Where the Python package of a wheel comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// gowright generates the whole package (no `python-source`).
    Generated,
    /// The project's Python sources (`python-source`, absolute) are copied into the wheel;
    /// symlinks among them may lead anywhere inside the project `root`, not out of it.
    Mixed {
        source: std::path::PathBuf,
        root: std::path::PathBuf,
    },
    /// An editable install of a mixed project: the wheel holds a `.pth` file putting the sources
    /// on `sys.path`, and the generated files are written into the source package in place.
    EditableMixed(std::path::PathBuf),
}

impl Layout {
    /// The layout of a project, for a regular or an editable wheel.
    pub fn of(cfg: &crate::config::ProjectConfig, editable: bool) -> Self {
        match (&cfg.tool.python_source, editable) {
            (None, _) => Layout::Generated,
            (Some(dir), false) => Layout::Mixed {
                source: cfg.root.join(dir),
                root: cfg.root.clone(),
            },
            (Some(dir), true) => Layout::EditableMixed(cfg.root.join(dir)),
        }
    }
}

/// A file gowright generates into the Python package.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    /// The name inside the package directory (`_binary.py`, `_hello.abi3.so`).
    pub name: String,
    pub data: Vec<u8>,
    pub executable: bool,
    /// Left out when the project's package has a file of that name (`__main__.py`, `py.typed`).
    pub only_if_missing: bool,
}

impl GeneratedFile {
    pub fn new(name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            data: data.into(),
            executable: false,
            only_if_missing: false,
        }
    }

    pub fn executable(mut self) -> Self {
        self.executable = true;
        self
    }

    pub fn only_if_missing(mut self) -> Self {
        self.only_if_missing = true;
        self
    }
}

/// Adds the Python package `module` to the wheel: `init` as `__init__.py` when gowright
/// generates the package, else the project's sources; plus the `generated` files, into the wheel
/// or (editable) into the source package in place. `dist_stem` names the `.pth` file.
pub fn add_package(
    wheel: &mut WheelBuilder,
    layout: &Layout,
    module: &str,
    init: String,
    generated: Vec<GeneratedFile>,
    dist_stem: &str,
) -> anyhow::Result<()> {
    let package_dir = module.replace('.', "/");
    let missing_package = |source: &Path| {
        UserError::new(format!(
            "`tool.gowright.python-source` = \"{}\" holds no package `{module}` (no `{package_dir}/__init__.py`)",
            source.display()
        ))
        .hint("put the package there, or set `tool.gowright.module-name` to its import name")
    };
    match layout {
        Layout::Generated => {
            wheel.add(
                format!("{package_dir}/__init__.py"),
                init.into_bytes(),
                false,
            )?;
            for file in generated {
                wheel.add(
                    format!("{package_dir}/{}", file.name),
                    file.data,
                    file.executable,
                )?;
            }
        }
        Layout::Mixed { source, root } => {
            add_python_source(wheel, source, root, module)?;
            if !wheel.contains(&format!("{package_dir}/__init__.py")) {
                return Err(missing_package(source).into());
            }
            for file in generated {
                let path = format!("{package_dir}/{}", file.name);
                if file.only_if_missing && wheel.contains(&path) {
                    continue;
                }
                wheel.add(path, file.data, file.executable)?;
            }
        }
        Layout::EditableMixed(source) => {
            let dir = source.join(&package_dir);
            if !dir.join("__init__.py").is_file() {
                return Err(missing_package(source).into());
            }
            write_in_place(&dir, generated)?;
            add_pth(wheel, source, dist_stem)?;
        }
    }
    Ok(())
}

/// Writes generated files into a source directory (an editable install), leaving alone what
/// is unchanged.
fn write_in_place(dir: &Path, generated: Vec<GeneratedFile>) -> anyhow::Result<()> {
    for file in generated {
        let path = dir.join(&file.name);
        if file.only_if_missing && path.exists() {
            continue;
        }
        if std::fs::read(&path).is_ok_and(|old| old == file.data) {
            continue;
        }
        // Replace rather than overwrite: a loaded extension module must not change under a
        // running process. (A name may hold a sub-package's directory.)
        let parent = path.parent().unwrap_or(dir);
        fs_err::create_dir_all(parent)?;
        let base = path.file_name().unwrap_or_default().to_string_lossy();
        let partial = parent.join(format!(".{base}.gowright-partial"));
        fs_err::write(&partial, &file.data)?;
        #[cfg(unix)]
        if file.executable {
            use std::os::unix::fs::PermissionsExt as _;
            fs_err::set_permissions(&partial, std::fs::Permissions::from_mode(0o755))?;
        }
        fs_err::rename(&partial, &path)?;
    }
    Ok(())
}

/// The `.pth` file of an editable install, putting `source` on `sys.path`.
fn add_pth(wheel: &mut WheelBuilder, source: &Path, dist_stem: &str) -> anyhow::Result<()> {
    let source = std::path::absolute(source)?;
    wheel.add(
        format!("{dist_stem}.pth"),
        format!("{}\n", source.display()).into_bytes(),
        false,
    )?;
    Ok(())
}

/// Adds the project's own Python sources (`python-source`, if any; only `module` from the
/// project directory itself) and `generated` files at the top of the wheel, where they import
/// by their own names (a cffi module). Editable: the files are written into the top of the
/// sources in place.
pub fn add_top_level_files(
    wheel: &mut WheelBuilder,
    layout: &Layout,
    module: &str,
    generated: Vec<GeneratedFile>,
    dist_stem: &str,
) -> anyhow::Result<()> {
    match layout {
        Layout::Generated => {
            for file in generated {
                wheel.add(file.name, file.data, file.executable)?;
            }
        }
        Layout::Mixed { source, root } => {
            add_python_source(wheel, source, root, module)?;
            for file in generated {
                wheel.add(file.name, file.data, file.executable)?;
            }
        }
        Layout::EditableMixed(source) => {
            write_in_place(source, generated)?;
            add_pth(wheel, source, dist_stem)?;
        }
    }
    Ok(())
}

/// Adds the project's own Python module `module` — a package `module/` or a single-file module
/// `module.py` of its `python-source` — and the `generated` files beside it: in the package, or
/// next to the single-file module at the top of the wheel (where a ctypes-loading module looks
/// for its library). Editable: the files are written into the sources in place.
pub fn add_module_with_files(
    wheel: &mut WheelBuilder,
    layout: &Layout,
    module: &str,
    generated: Vec<GeneratedFile>,
    dist_stem: &str,
) -> anyhow::Result<()> {
    let source = match layout {
        Layout::Generated => {
            return Err(UserError::new(format!(
                "no Python module `{module}` to load the library: the project has no `tool.gowright.python-source`"
            ))
            .hint("set `python-source` to the directory of the Python module that loads the library with ctypes (\".\" for the project directory)")
            .into());
        }
        Layout::Mixed { source, .. } | Layout::EditableMixed(source) => source,
    };
    let top = module.split('.').next().unwrap_or(module);
    let package_dir = module.replace('.', "/");
    let dir = if source.join(&package_dir).join("__init__.py").is_file() {
        package_dir.clone()
    } else if !module.contains('.') && source.join(format!("{top}.py")).is_file() {
        String::new()
    } else {
        return Err(UserError::new(format!(
            "`tool.gowright.python-source` = \"{}\" holds no Python module `{module}` (neither `{package_dir}/__init__.py` nor `{top}.py`)",
            source.display()
        ))
        .hint("set `tool.gowright.module-name` to the import name of the module that loads the library")
        .into());
    };
    match layout {
        Layout::Generated => unreachable!("refused above"),
        Layout::Mixed { source, root } => {
            add_python_source(wheel, source, root, module)?;
            for file in generated {
                let path = if dir.is_empty() {
                    file.name.clone()
                } else {
                    format!("{dir}/{}", file.name)
                };
                if file.only_if_missing && wheel.contains(&path) {
                    continue;
                }
                wheel.add(path, file.data, file.executable)?;
            }
        }
        Layout::EditableMixed(source) => {
            write_in_place(&source.join(&dir), generated)?;
            add_pth(wheel, source, dist_stem)?;
        }
    }
    Ok(())
}

/// Adds the Python package of a `bin` wheel: a generated `__init__.py` (or the project's own
/// package), plus `_binary.py`, `__main__.py` and `py.typed` (unless the project has them).
pub fn add_bin_package(
    wheel: &mut WheelBuilder,
    layout: &Layout,
    module: &str,
    dist_name: &str,
    binary_name: &str,
    summary: Option<&str>,
    dist_stem: &str,
) -> anyhow::Result<()> {
    let generated = vec![
        GeneratedFile::new("_binary.py", binary_module(dist_name, binary_name)),
        GeneratedFile::new("__main__.py", MAIN_MODULE).only_if_missing(),
        GeneratedFile::new("py.typed", Vec::new()).only_if_missing(),
    ];
    add_package(
        wheel,
        layout,
        module,
        init_module(summary, binary_name),
        generated,
        dist_stem,
    )
}

/// Copies the Python files under `source` into the wheel root, keeping their layout. A symlink
/// is followed when it leads to a file inside the project `root`; one leading out of it is an
/// error (its target would be published), as is a file name that is not UTF-8.
///
/// When `source` is the project directory itself (`python-source = "."`), it also holds the Go
/// code, `pyproject.toml`, tests and scripts: only the module `module` is taken then (its
/// package directory, or `module.py` and `module.pyi`).
pub fn add_python_source(
    wheel: &mut WheelBuilder,
    source: &Path,
    root: &Path,
    module: &str,
) -> anyhow::Result<()> {
    let only_module = std::path::absolute(source).ok() == std::path::absolute(root).ok();
    let top = module.split('.').next().unwrap_or(module).to_string();
    let walker = ignore::WalkBuilder::new(source)
        .hidden(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            if e.file_name() == "__pycache__" {
                return false;
            }
            if !only_module || e.depth() != 1 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            name == top.as_str() || name == format!("{top}.py") || name == format!("{top}.pyi")
        })
        .build();
    for entry in walker {
        let entry = entry?;
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "pyc") {
            continue;
        }
        let in_project = path.strip_prefix(root).unwrap_or(path);
        let real = if file_type.is_symlink() {
            let real = project_files::resolve(
                root,
                in_project,
                "tool.gowright.python-source",
                project_files::Kind::File,
            );
            match real {
                Ok(real) => real,
                // A symlink to a directory inside the project is not walked into.
                Err(_) if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) => {
                    project_files::resolve(
                        root,
                        in_project,
                        "tool.gowright.python-source",
                        project_files::Kind::Directory,
                    )?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        } else if file_type.is_file() {
            path.to_path_buf()
        } else {
            continue;
        };
        let relative = path.strip_prefix(source)?;
        project_files::utf8_name(in_project, "the Python source file")?;
        wheel.add(slash_path(relative), fs_err::read(real)?, false)?;
    }
    Ok(())
}

const INIT_MODULE: &str = r#""""{summary}

The `{binary_name}` command of this package is a Go executable installed into the environment's
scripts directory; running it starts no Python. This package finds it for Python code:

    binary_path()        the path of the installed executable
    run(*args, **kw)     run it (like subprocess.run) and return the CompletedProcess

Generated by gowright.
"""

from ._binary import BINARY_NAME, binary_path, main, run

__all__ = ["BINARY_NAME", "binary_path", "main", "run"]
"#;

const BINARY_MODULE: &str = r#""""Locate and run the Go executable `{binary_name}` installed with this package.

Generated by gowright.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess

__all__ = ["BINARY_NAME", "binary_path", "main", "run"]

#: The name of the installed command (without ``.exe``).
BINARY_NAME = "{binary_name}"
_DIST_NAME = "{dist_name}"
_EXE = BINARY_NAME + (".exe" if sys.platform == "win32" else "")


def _from_record() -> Path | None:
    """The executable as the installer recorded it (works for every install scheme)."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        files = distribution(_DIST_NAME).files or []
    except PackageNotFoundError:
        return None
    for file in files:
        if file.name == _EXE and file.parent.name in ("bin", "Scripts"):
            path = Path(str(file.locate())).resolve()
            if path.is_file():
                return path
    return None


def binary_path() -> Path:
    """Return the path of the installed ``{binary_name}`` executable.

    Raises FileNotFoundError if it cannot be found.
    """
    # The common case first, cheaply: installed into this environment's scripts directory.
    scripts = os.path.join(sys.prefix, "Scripts" if sys.platform == "win32" else "bin", _EXE)
    if os.path.isfile(scripts):
        return Path(scripts)
    found = _from_record()
    if found is not None:
        return found
    import shutil
    import sysconfig

    candidates = [Path(sysconfig.get_path("scripts")) / _EXE]
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        candidates.append(Path(sysconfig.get_path("scripts", user_scheme)) / _EXE)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    on_path = shutil.which(_EXE)
    if on_path:
        return Path(on_path)
    raise FileNotFoundError(f"the {BINARY_NAME!r} executable of {_DIST_NAME!r} is not installed")


def run(*args: str | os.PathLike[str], **kwargs: Any) -> subprocess.CompletedProcess[Any]:
    """Run the executable with ``args``; keyword arguments go to :func:`subprocess.run`."""
    import subprocess

    return subprocess.run([str(binary_path()), *map(os.fspath, args)], **kwargs)


def main() -> None:
    """Replace this process with the executable, passing ``sys.argv[1:]`` on."""
    exe = str(binary_path())
    if sys.platform == "win32":
        import subprocess

        sys.exit(subprocess.call([exe, *sys.argv[1:]]))
    os.execv(exe, [exe, *sys.argv[1:]])
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_python_modules() {
        insta::assert_snapshot!("__init__.py", init_module(Some("Says \"hi\""), "hello"));
        insta::assert_snapshot!("_binary.py", binary_module("hello-tool", "hello"));
    }

    #[test]
    fn mixed_project_needs_its_package() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("other")).unwrap();
        std::fs::write(dir.path().join("other/__init__.py"), "").unwrap();
        let mut wheel = WheelBuilder::new();
        let layout = Layout::Mixed {
            source: dir.path().to_path_buf(),
            root: dir.path().to_path_buf(),
        };
        let err = add_bin_package(
            &mut wheel, &layout, "hello", "hello", "hello", None, "hello-1",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("holds no package `hello`"),
            "{err}"
        );
    }
}
