//! The `gowright` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use gowright::build_sdist::build_sdist;
use gowright::build_wheel::{BuildPlan, TargetSelection, build_wheels};
use gowright::config::ProjectConfig;
use gowright::error::UserError;
use gowright::go::GoToolchain;
use gowright::pep517;
use gowright::printer::{Printer, Verbosity};
use gowright::target::KNOWN_TARGETS;

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
    BuildWheel { dir: PathBuf },
    /// Build the sdist into DIR and print its file name.
    BuildSdist { dir: PathBuf },
    /// Build the editable wheel (PEP 660) into DIR and print its file name.
    BuildEditable { dir: PathBuf },
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: gowright hit an internal error (this is a bug in gowright): {info}");
        eprintln!("hint: please report it with the command you ran");
    }));
    // On Ctrl-C or SIGTERM, leave no partial archive behind.
    let _ = ctrlc::set_handler(|| {
        gowright::archive::remove_pending_files();
        std::process::exit(130);
    });
    let cli = Cli::parse();
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

/// Prints `error:`, the causes, and the hint of the first [`UserError`] in the chain.
fn write_error_chain(err: &anyhow::Error) {
    eprintln!("error: {err}");
    let mut hint = None;
    for cause in err.chain() {
        if let Some(user) = cause.downcast_ref::<UserError>() {
            hint = hint.or(user.hint.clone());
        }
    }
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
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
            let cfg = load(args.project.project.as_deref())?;
            let out = out_dir(&cfg, args.project.out)?;
            let selection = if args.all_targets {
                TargetSelection::All
            } else if !args.targets.is_empty() {
                TargetSelection::Explicit(args.targets)
            } else {
                TargetSelection::Host
            };
            if args.dry_run {
                let go = GoToolchain::locate()?;
                let plan = BuildPlan::new(&cfg, &selection, go.host, &out)?;
                print!("{plan}");
                return Ok(());
            }
            let mut paths = Vec::new();
            let wheels = build_wheels(&cfg, &selection, &out, printer)?;
            paths.extend(wheels.iter().map(|w| w.path.clone()));
            let sdist = if args.sdist {
                let path = build_sdist(&cfg, &out, printer)?;
                paths.push(path.clone());
                Some(path)
            } else {
                None
            };
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
            let path = build_sdist(&cfg, &out, printer)?;
            if args.project.json {
                println!("{}", serde_json::json!({ "sdist": path }));
            } else {
                println!("{}", path.display());
            }
        }
        Command::Develop(args) => {
            let cfg = load(args.project.as_deref())?;
            let venv = gowright::develop::find_venv(&cfg, args.venv.as_deref())?;
            gowright::develop::develop(&cfg, &venv, printer)?;
            println!("{}", venv.display());
        }
        Command::Pep517(hook) => {
            let cwd = Path::new(".");
            match hook {
                Pep517Command::GetRequiresForBuildWheel => {
                    println!(
                        "{}",
                        serde_json::to_string(&pep517::requires_for_build_wheel())?
                    );
                }
                Pep517Command::PrepareMetadataForBuildWheel { dir } => {
                    println!("{}", pep517::prepare_metadata(&load(Some(cwd))?, &dir)?);
                }
                Pep517Command::BuildWheel { dir } => {
                    let dir = std::path::absolute(dir)?;
                    println!("{}", pep517::build_wheel(&load(Some(cwd))?, &dir, printer)?);
                }
                Pep517Command::BuildEditable { dir } => {
                    let dir = std::path::absolute(dir)?;
                    println!(
                        "{}",
                        pep517::build_editable(&load(Some(cwd))?, &dir, printer)?
                    );
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
