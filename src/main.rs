//! The `gowright` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use gowright::build::sdist::{build_sdist, prepare_sdist};
use gowright::build::{
    BuildOptions, BuildPlan, TargetSelection, persist_all, prepare_wheels, split_pending,
};
use gowright::config::ProjectConfig;
use gowright::error::UserError;
use gowright::go::GoToolchain;
use gowright::pep517;
use gowright::printer::{Printer, Verbosity};
use gowright::target::{KNOWN_TARGETS, UnknownCompatibility};

/// Build and publish Python packages from Go code.
#[derive(Parser)]
#[command(name = "gowright", version, about, propagate_version = true)]
struct Cli {
    /// Print more (commands run, binaries inspected); RUST_LOG=debug for debug logs.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Print nothing but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build wheels (for this machine unless --target/--all-targets say otherwise).
    Build(BuildArgs),
    /// Build a source distribution (.tar.gz).
    Sdist(SdistArgs),
    /// Build and install the project into a virtual environment, editable (Python sources in place).
    Develop(DevelopArgs),
    /// Hooks of the PEP 517 build backend (called by the `gowright` Python module).
    #[command(hide = true, subcommand)]
    Pep517(Pep517Command),
    /// Make the import library of a Python DLL for Windows (run by gowright itself, with zig
    /// named by ZIG_COMMAND).
    #[command(hide = true, name = "python-import-library")]
    PythonImportLibrary {
        /// The target architecture: x86_64, aarch64 or x86.
        arch: String,
        /// The DLL without `.dll`: python3, python313, python313t.
        dll: String,
        /// Where to write `<dll>.lib`.
        dir: PathBuf,
    },
}

#[derive(Args)]
struct ProjectArgs {
    /// The project directory (holding pyproject.toml); default: the current directory.
    #[arg(value_name = "PATH")]
    project: Option<PathBuf>,
    /// Where to write what is built; default: `dist/` in the project.
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print what was built as JSON on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Build for this GOOS/GOARCH (repeatable), e.g. linux/arm64.
    #[arg(
        short,
        long = "target",
        value_name = "GOOS/GOARCH",
        conflicts_with = "all_targets"
    )]
    targets: Vec<String>,
    /// Build for every target in `tool.gowright.targets` (default: linux, macOS and Windows on amd64 and arm64).
    #[arg(long)]
    all_targets: bool,
    /// Also build an sdist.
    #[arg(long)]
    sdist: bool,
    /// Print the build plan and stop.
    #[arg(long)]
    dry_run: bool,
    /// List the targets gowright knows and stop.
    #[arg(long)]
    list_targets: bool,
    /// Which Linux systems wheels with C parts are for: manylinux_X_Y (default manylinux_2_17),
    /// or linux for a wheel only machines like this one install.
    #[arg(long, value_name = "POLICY")]
    compatibility: Option<String>,
    /// Build a library's extension module for this CPython (repeatable), e.g. python3.13t for
    /// free-threaded 3.13; default: `tool.gowright.python-abis`, else abi3 and the free-threaded
    /// interpreters on PATH.
    #[arg(short, long = "interpreter", value_name = "PYTHON")]
    interpreters: Vec<PathBuf>,
}

#[derive(Args)]
struct SdistArgs {
    #[command(flatten)]
    project: ProjectArgs,
}

#[derive(Args)]
struct DevelopArgs {
    /// The project directory (holding pyproject.toml); default: the current directory.
    #[arg(value_name = "PATH")]
    project: Option<PathBuf>,
    /// The virtual environment; default: $VIRTUAL_ENV, else .venv in the project.
    #[arg(long, value_name = "DIR")]
    venv: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Pep517Command {
    /// Print the extra build requirements as a JSON list.
    GetRequiresForBuildWheel,
    /// Write .dist-info into DIR and print its name.
    PrepareMetadataForBuildWheel { dir: PathBuf },
    /// Build the wheel for this machine into DIR and print its file name.
    BuildWheel {
        dir: PathBuf,
        /// The frontend's Python: an extension module is built for its ABI.
        #[arg(long)]
        interpreter: Option<PathBuf>,
    },
    /// Build the sdist into DIR and print its file name.
    BuildSdist { dir: PathBuf },
    /// Build the editable wheel (PEP 660) into DIR and print its file name.
    BuildEditable {
        dir: PathBuf,
        /// The frontend's Python: an extension module is built for its ABI.
        #[arg(long)]
        interpreter: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: gowright hit an internal error (this is a bug in gowright): {info}");
        eprintln!("hint: please report it with the command you ran");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    // Before any thread starts: the watchdog that ends child processes with gowright.
    gowright::reaper::start();
    // On Ctrl-C or SIGTERM, leave no partial archive behind (the watchdog then stops the Go
    // processes still running).
    let _ = ctrlc::set_handler(|| {
        gowright::archive::remove_pending_files();
        std::process::exit(130);
    });
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, 0) => Verbosity::Normal,
        _ => Verbosity::Verbose,
    };
    init_tracing(cli.verbose);
    let printer = Printer::new(verbosity);
    match std::panic::catch_unwind(|| run(cli.command, printer)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            write_error_chain(&err);
            ExitCode::from(1)
        }
        Err(_) => ExitCode::from(2),
    }
}

/// A command line clap refused: a user error (exit code 1), with a hint; `--help` and
/// `--version` print and succeed.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let rendered = e.render().to_string();
    let mut text = String::new();
    for line in rendered.lines() {
        // clap's own closing advice becomes the hint.
        if line.starts_with("For more information, try") {
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    eprint!("{}", text.trim_end_matches('\n'));
    eprintln!();
    eprintln!(
        "hint: see `gowright --help`, or `gowright <command> --help` for a command's options"
    );
    ExitCode::from(1)
}

fn init_tracing(verbose: u8) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(if verbose >= 2 {
            "gowright=debug"
        } else {
            "off"
        })
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_timer(tracing_subscriber::fmt::time::uptime())
        .init();
}

/// Prints `error:`, the causes, and the hint of the first [`UserError`] in the chain (else one
/// fitting an I/O error in the chain).
fn write_error_chain(err: &anyhow::Error) {
    eprintln!("error: {err}");
    let mut hint = None;
    for cause in err.chain() {
        if let Some(user) = cause.downcast_ref::<UserError>() {
            hint = hint.or(user.hint.clone());
        }
    }
    if hint.is_none() {
        hint = err
            .chain()
            .find_map(|c| c.downcast_ref::<std::io::Error>())
            .map(gowright::archive::io_hint);
    }
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    eprintln!(
        "hint: {}",
        hint.unwrap_or_else(|| {
            "this looks like a bug in gowright: please report it with the command you ran"
                .to_string()
        })
    );
}

fn load(project: Option<&Path>) -> anyhow::Result<ProjectConfig> {
    let root = project.unwrap_or(Path::new("."));
    Ok(ProjectConfig::load(root)?)
}

fn out_dir(cfg: &ProjectConfig, out: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let dir = out.unwrap_or_else(|| cfg.root.join("dist"));
    std::path::absolute(&dir).with_context(|| format!("cannot resolve `{}`", dir.display()))
}

fn run(command: Command, printer: Printer) -> anyhow::Result<()> {
    match command {
        Command::Build(args) => {
            if args.list_targets {
                for target in KNOWN_TARGETS {
                    println!("{target}");
                }
                return Ok(());
            }
            let mut cfg = load(args.project.project.as_deref())?;
            if let Some(compat) = &args.compatibility {
                cfg.tool.compatibility =
                    Some(compat.parse().map_err(|e: UnknownCompatibility| {
                        UserError::new(format!("--compatibility: {e}"))
                            .hint(UnknownCompatibility::hint())
                    })?);
            }
            let out = out_dir(&cfg, args.project.out)?;
            let _cleanup = gowright::archive::OutDirCleanup::new(&out);
            let selection = if args.all_targets {
                TargetSelection::All
            } else if !args.targets.is_empty() {
                TargetSelection::Explicit(args.targets)
            } else {
                TargetSelection::Host
            };
            let options = BuildOptions {
                editable: false,
                interpreters: args.interpreters,
            };
            if args.dry_run {
                let go = GoToolchain::locate()?;
                let plan = BuildPlan::new(&cfg, &selection, go.host, &out)?;
                print!("{plan}");
                return Ok(());
            }
            // The sdist first (quick, and it may refuse the project); then the wheels; then
            // every artefact is given its name at once, so a failure changes nothing in `out`.
            let pending_sdist = if args.sdist {
                Some(prepare_sdist(&cfg, &out, printer)?)
            } else {
                None
            };
            let (wheels, mut files) =
                split_pending(prepare_wheels(&cfg, &selection, &out, &options, printer)?);
            let sdist = pending_sdist.as_ref().map(|(path, _)| path.clone());
            files.extend(pending_sdist);
            let paths: Vec<PathBuf> = files.iter().map(|(path, _)| path.clone()).collect();
            persist_all(files, printer)?;
            if args.project.json {
                let value = serde_json::json!({ "wheels": wheels, "sdist": sdist });
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else {
                for path in paths {
                    println!("{}", path.display());
                }
            }
        }
        Command::Sdist(args) => {
            let cfg = load(args.project.project.as_deref())?;
            let out = out_dir(&cfg, args.project.out)?;
            let _cleanup = gowright::archive::OutDirCleanup::new(&out);
            let path = build_sdist(&cfg, &out, printer)?;
            if args.project.json {
                println!("{}", serde_json::json!({ "sdist": path }));
            } else {
                println!("{}", path.display());
            }
        }
        Command::Develop(args) => {
            let cfg = load(args.project.as_deref())?;
            let venv = gowright::build::develop::find_venv(&cfg, args.venv.as_deref())?;
            gowright::build::develop::develop(&cfg, &venv, printer)?;
            println!("{}", venv.display());
        }
        Command::PythonImportLibrary { arch, dll, dir } => {
            gowright::toolchain::windows_python::make_import_library(&arch, &dll, &dir)?;
        }
        Command::Pep517(hook) => {
            let cwd = Path::new(".");
            match hook {
                Pep517Command::GetRequiresForBuildWheel => {
                    println!(
                        "{}",
                        // A project that does not load is reported by the build hook itself.
                        serde_json::to_string(&pep517::requires_for_build_wheel(
                            load(Some(cwd)).ok().as_ref()
                        ))?
                    );
                }
                Pep517Command::PrepareMetadataForBuildWheel { dir } => {
                    println!("{}", pep517::prepare_metadata(&load(Some(cwd))?, &dir)?);
                }
                Pep517Command::BuildWheel { dir, interpreter } => {
                    let dir = std::path::absolute(dir)?;
                    let cfg = load(Some(cwd))?;
                    let name = pep517::build_wheel(&cfg, &dir, interpreter.as_deref(), printer)?;
                    println!("{name}");
                }
                Pep517Command::BuildEditable { dir, interpreter } => {
                    let dir = std::path::absolute(dir)?;
                    let cfg = load(Some(cwd))?;
                    let name = pep517::build_editable(&cfg, &dir, interpreter.as_deref(), printer)?;
                    println!("{name}");
                }
                Pep517Command::BuildSdist { dir } => {
                    let dir = std::path::absolute(dir)?;
                    println!(
                        "{}",
                        pep517::build_sdist_hook(&load(Some(cwd))?, &dir, printer)?
                    );
                }
            }
        }
    }
    Ok(())
}
