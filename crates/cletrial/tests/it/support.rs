//! Runs the `cletrial` binary and reads what it printed.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What one run of `cletrial` did.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Standard output parsed as JSON; fails the test with everything printed when it is not.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {self:#?}"))
    }

    /// Asserts a clean success and returns the JSON output.
    #[track_caller]
    pub fn ok_json(&self) -> serde_json::Value {
        assert_eq!(self.status, 0, "expected success: {self:#?}");
        self.json()
    }

    /// Asserts the bad-input contract: exit 2, nothing on stdout, one line on stderr that
    /// contains `needle`. Returns that line.
    #[track_caller]
    pub fn input_error(&self, needle: &str) -> String {
        assert_eq!(self.status, 2, "expected exit status 2: {self:#?}");
        assert!(
            self.stdout.is_empty(),
            "stdout must be empty on error: {self:#?}"
        );
        let line = self.stderr.trim_end();
        assert!(!line.contains('\n'), "stderr must be one line: {self:#?}");
        assert!(line.contains(needle), "stderr lacks {needle:?}: {self:#?}");
        assert!(!line.contains("panicked"), "panic: {self:#?}");
        line.to_owned()
    }
}

/// Runs `cletrial ARGS`, feeding `stdin` when given, from the workspace root (so example paths
/// such as `examples/...` resolve).
pub fn cletrial(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cletrial"))
        .args(args)
        .current_dir(workspace_root())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cletrial starts");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(text.as_bytes())
            .expect("stdin accepts input");
    }
    let output = child.wait_with_output().expect("cletrial finishes");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The demo record of `study` (a shipped protocol's name) made in `dir`, as `dir/demo.db`; its
/// path.
pub fn demo_record(dir: &std::path::Path, study: &str) -> String {
    let db = dir.join("demo.db").display().to_string();
    let demo = cletrial(&["demo", "--study", study, "--no-serve", "--db", &db], None);
    assert_eq!(demo.status, 0, "{study}: {demo:#?}");
    db
}

/// What `cletrial --version` prints, without its newline: `cletrial 0.9.0 (abc1234 2026-12-06)`,
/// the string every report and export records.
pub fn written_by() -> String {
    static WRITTEN_BY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    WRITTEN_BY
        .get_or_init(|| {
            let run = cletrial(&["--version"], None);
            assert_eq!(run.status, 0, "{run:#?}");
            run.stdout.trim_end().to_owned()
        })
        .clone()
}

/// `text` with this build's version written `cletrial VERSION`, so that a snapshot holds from
/// commit to commit (the version is fixed per build).
pub fn versionless(text: &str) -> String {
    text.replace(&written_by(), "cletrial VERSION")
}

/// Runs `cletrial ARGS --input -` with `input` (JSON) on standard input.
pub fn cletrial_with_json(args: &[&str], input: &serde_json::Value) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--input", "-"]);
    cletrial(&all, Some(&input.to_string()))
}

/// The workspace root, for paths to shipped files.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python of the peer checks' venv (`cargo xtask test` installs it).
pub fn peer_python() -> PathBuf {
    workspace_root().join("target/peers-venv/bin/python")
}

/// `scripts/peers/report_check.py` on the report folder `out`: asserts it recomputes the
/// report's section `section` (`responders`, `agreement`) and agrees with it; returns what it
/// printed. (Its verdicts on the results are the study reports' tests' concern.)
pub fn report_peer(out: &std::path::Path, section: &str) -> String {
    let script = workspace_root().join("scripts/peers/report_check.py");
    let output = Command::new(peer_python())
        .arg(&script)
        .arg(out)
        .output()
        .expect("the peer venv's python runs (`cargo xtask test` installs it)");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        stdout.contains(&format!("agree  {section}  section"))
            && !stdout.contains(&format!("DIFFERS {section} ")),
        "report_check.py on {section}:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A served `cletrial` (`serve`, or `demo` serving), killed when the test ends whatever happens.
pub struct Served(pub std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `cletrial ARGS`, a command that serves, and returns it with the address it says it
/// serves on. The rest of its standard error is read beside the test, so it never blocks.
pub fn serving(args: &[&str]) -> (Served, String) {
    let mut served = Served(
        Command::new(env!("CARGO_BIN_EXE_cletrial"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cletrial starts"),
    );
    let mut stderr = BufReader::new(served.0.stderr.take().expect("stderr piped"));
    let mut line = String::new();
    let address = loop {
        line.clear();
        let read = stderr.read_line(&mut line).expect("standard error");
        assert!(
            read > 0,
            "cletrial {args:?} ended without saying where it serves"
        );
        if let Some(rest) = line.split("serving on http://").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
        }
    };
    std::thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = stderr.read_to_end(&mut rest);
    });
    (served, address)
}
