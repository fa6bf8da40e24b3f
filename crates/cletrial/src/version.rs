//! The version every output of this build records: `--version`, the report (`results.json`,
//! `index.html`, `report.md`) and the exports (the tidy dictionary, ODM's SourceSystemVersion,
//! each export folder's `export.json`). The commit and its date come from `build.rs`; they are
//! fixed per build, so reports stay byte-identical from run to run.

/// `0.9.0 (abc1234 2026-12-06)`: the workspace's version, the commit and the commit's date.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("CLETRIAL_COMMIT"),
    " ",
    env!("CLETRIAL_BUILD_DATE"),
    ")"
);

/// `cletrial 0.9.0 (abc1234 2026-12-06)`: what a report or an export says wrote it.
pub const WRITTEN_BY: &str = concat!(
    "cletrial ",
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("CLETRIAL_COMMIT"),
    " ",
    env!("CLETRIAL_BUILD_DATE"),
    ")"
);
