//! `[randomisation.extension]`: an open-label extension after a trial's blinded period, and how
//! each arm enters it. This is the one place the treatment algorithm reads a subject's arm, and
//! only because the protocol says so.
//!
//! Randomised CLE trials (AMETHYST, LAVENDER, PAISLEY CLE; docs/FRONTIER.md) follow their
//! blinded period with an open-label one in which every subject takes the active drug. Subjects
//! who had the active drug carry on their course (`continue`). Subjects who had placebo start
//! the drug then (`restart`): a new treatment cycle at the algorithm's first level, with the
//! response measured from the CLASI activity at the extension's start, because their blinded
//! period was not treatment. The sources give no default, so each protocol names the day and
//! each arm's entry.
//!
//! If the arms enter differently, a decision made after the extension starts shows the arm. The
//! protocol accepts this by saying so, and the engine gets an arm only from a caller that holds
//! the allocation secret. Before the extension starts, no decision reads the arm.

use jiff::civil::Date;

use crate::allocation::Design;
use crate::history::HistoryError;
pub use crate::model::{Entry, ExtensionSpec};
use crate::schedule;

/// A checked extension: its first day and each arm's entry, in the design's arm order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    from_day: u32,
    entries: Vec<Entry>,
}

impl Extension {
    /// Checks `spec` against the arms of `design`. The first day must fall inside the blinded
    /// period's calendar (after day 0, within `horizon_days`), and each arm must have exactly
    /// one entry. Problems are returned as (path under `randomisation.extension`, message).
    pub fn new(
        spec: &ExtensionSpec,
        design: &Design,
        horizon_days: u32,
    ) -> Result<Extension, Vec<(String, String)>> {
        let mut problems = Vec::new();
        if spec.from_day == 0 || spec.from_day > horizon_days {
            problems.push((
                "from_day".to_owned(),
                format!(
                    "{} is outside 1 to {horizon_days}: day 0 is the start date, so the blinded period needs at least a day, and the schedule runs to day {horizon_days}",
                    spec.from_day
                ),
            ));
        }
        for code in spec.entry.keys() {
            if !design.arms().iter().any(|arm| arm.code == *code) {
                problems.push((
                    format!("entry.{code}"),
                    format!(
                        "'{code}' is not an arm of the design ({})",
                        design.arm_codes()
                    ),
                ));
            }
        }
        let mut entries = Vec::new();
        for arm in design.arms() {
            match spec.entry.get(&arm.code) {
                Some(entry) => entries.push(*entry),
                None => problems.push((
                    "entry".to_owned(),
                    format!(
                        "no entry for arm {}: each arm ({}) says continue or restart",
                        arm.code,
                        design.arm_codes()
                    ),
                )),
            }
        }
        if problems.is_empty() {
            Ok(Extension {
                from_day: spec.from_day,
                entries,
            })
        } else {
            Err(problems)
        }
    }

    /// The extension's first day for a subject who started on `start`.
    pub fn starts_on(&self, start: Date) -> Date {
        schedule::add_days(start, i64::from(self.from_day))
    }

    /// Whether the arms enter differently, so that a decision after the start needs the arm.
    pub fn depends_on_arm(&self) -> bool {
        self.entries.windows(2).any(|pair| pair[0] != pair[1])
    }

    /// How the arm at `arm` (an index into the design's arms) enters. With no arm given, it is
    /// the entry every arm shares, or `None` when they differ.
    pub fn entry(&self, arm: Option<usize>) -> Option<Entry> {
        match arm {
            Some(arm) => self.entries.get(arm).copied(),
            None if self.depends_on_arm() => None,
            None => self.entries.first().copied(),
        }
    }
}

/// The arm a history gives (`arm`), as an index into the protocol's arms. An arm is refused
/// for a study that does not randomise, or if it is not one of the design's codes.
pub fn arm_of(design: Option<&Design>, arm: Option<&str>) -> Result<Option<usize>, HistoryError> {
    let Some(code) = arm else {
        return Ok(None);
    };
    let refuse = |message: String| HistoryError {
        field: "arm".to_owned(),
        message,
    };
    let Some(design) = design else {
        return Err(refuse(format!(
            "'{code}' given, but the protocol does not randomise: leave arm out"
        )));
    };
    design
        .arms()
        .iter()
        .position(|candidate| candidate.code == code.trim())
        .map(Some)
        .ok_or_else(|| {
            refuse(format!(
                "'{code}' is not an arm of the protocol ({})",
                design.arm_codes()
            ))
        })
}
