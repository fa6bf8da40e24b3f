//! Stamps the binary with the commit it was built from and that commit's date, for
//! `cletrial --version` (`cletrial 0.9.0 (abc1234 2026-12-06)`) and every report and export.
//!
//! The date is the commit's, so that the same commit builds the same binary; without git (a
//! source archive) it is SOURCE_DATE_EPOCH's, the reproducible-builds convention; failing both,
//! the commit and the date read "unknown". Nothing here can fail the build.

use std::path::Path;
use std::process::Command;

/// What `git ARGS` prints, trimmed; `None` when git is missing, fails or prints nothing.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// The civil date (UTC) of a Unix time, by Howard Hinnant's days-from-civil inverse.
fn utc_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn main() {
    let commit = git(&["rev-parse", "--short=7", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    let date = git(&["log", "-1", "--format=%cs", "HEAD"])
        .or_else(|| {
            let epoch = std::env::var("SOURCE_DATE_EPOCH").ok()?;
            epoch.trim().parse().ok().map(utc_date)
        })
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=CLETRIAL_COMMIT={commit}");
    println!("cargo:rustc-env=CLETRIAL_BUILD_DATE={date}");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    // A new commit moves the branch's ref (or HEAD itself, when detached); a checkout moves HEAD.
    // Only files that exist are watched: a missing one would rerun this script at every build.
    let branch = git(&["symbolic-ref", "-q", "HEAD"]);
    let watched = std::iter::once("HEAD".to_owned())
        .chain(branch)
        .chain(std::iter::once("packed-refs".to_owned()));
    let mut any = false;
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name])
            && Path::new(&path).is_file()
        {
            let path = std::fs::canonicalize(&path).map_or(path, |p| p.display().to_string());
            println!("cargo:rerun-if-changed={path}");
            any = true;
        }
    }
    if !any {
        // Not a git checkout: rebuild the stamp only when the build script changes.
        println!("cargo:rerun-if-changed=build.rs");
    }
}
