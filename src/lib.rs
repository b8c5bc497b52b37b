//! gowright builds and publishes Python packages from Go code.
//!
//! The flow, one module per stage: [`config`] reads `pyproject.toml`; [`build`] plans the
//! build and drives the [`go`] toolchain and the binding kinds; [`audit`] inspects the executables for their platform
//! tags; [`archive`] writes wheels and sdists; [`pep517`] serves the Python build backend.

pub mod archive;
pub mod audit;
pub mod bind;
pub mod build;
pub mod config;
pub mod dist_info;
pub mod error;
pub mod go;
pub mod metadata;
pub mod names;
pub mod pep517;
pub mod printer;
pub mod process;
pub mod project_files;
pub mod pypackage;
pub mod reaper;
pub mod sources;
pub mod target;
pub mod toolchain;
