//! Worst itch and worst pain numeric rating scales (sources by their `O#` ids in
//! `docs/OUTCOMES.md`).
//!
//! - The patient rates the worst itch (or pain) of the past 24 hours on an 11-point scale, whole
//!   numbers 0 (none) to 10 (worst imaginable) [O9]; the CLE core outcome set lists itch and pain
//!   NRS among its symptom measures [O10].
//! - A responder's score fell by at least 4 points from baseline (change from baseline <= -4)
//!   [O9: the worst-itch NRS 4-point responder of NCT03841331 and NCT03677401; FRONTIER.md cites
//!   NCT03569293, whose record was not retrieved]. The fall is a setting ([`NrsResponder`]),
//!   4 by default. Whether a trial counts only patients whose baseline could fall that far is
//!   a setting too (`min_baseline`, none by default) [UNVERIFIED: the cited trials' analysis
//!   populations were not retrieved].

use serde::{Deserialize, Serialize};

use crate::scale::{OutOfRange, within};

/// What the scale rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symptom {
    WorstItch,
    WorstPain,
}

impl Symptom {
    pub fn name(self) -> &'static str {
        match self {
            Symptom::WorstItch => "worst itch NRS",
            Symptom::WorstPain => "worst pain NRS",
        }
    }
}

/// A rating, 0 to 10; it cannot hold another value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Nrs(u8);

impl Nrs {
    pub const MAX: u8 = 10;

    /// Refuses a rating above 10, naming the symptom.
    pub fn new(symptom: Symptom, value: u8) -> Result<Nrs, OutOfRange> {
        within(symptom.name(), value.into(), 0, Nrs::MAX.into())?;
        Ok(Nrs(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

/// The responder definition: a fall of at least `fall` points from baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NrsResponder {
    fall: u8,
    min_baseline: Option<u8>,
}

impl Default for NrsResponder {
    /// A fall of 4 points, every baseline evaluable [O9].
    fn default() -> Self {
        NrsResponder {
            fall: 4,
            min_baseline: None,
        }
    }
}

impl NrsResponder {
    /// `fall` 1 to 10 points; `min_baseline` (0 to 10), when given, leaves a patient whose
    /// baseline is lower unevaluated.
    pub fn new(fall: u8, min_baseline: Option<u8>) -> Result<NrsResponder, OutOfRange> {
        within("the NRS responder fall", fall.into(), 1, Nrs::MAX.into())?;
        if let Some(min) = min_baseline {
            within(
                "the NRS responder minimum baseline",
                min.into(),
                0,
                Nrs::MAX.into(),
            )?;
        }
        Ok(NrsResponder { fall, min_baseline })
    }

    pub fn fall(self) -> u8 {
        self.fall
    }

    /// `Some(true)` when `current` is at least `fall` points below `baseline`; `None` when the
    /// baseline is below the minimum (not evaluable, which is not "non-responder").
    pub fn judge(self, baseline: Nrs, current: Nrs) -> Option<bool> {
        if self.min_baseline.is_some_and(|min| baseline.0 < min) {
            return None;
        }
        Some(i16::from(baseline.0) - i16::from(current.0) >= i16::from(self.fall))
    }
}
