//! PGA-skin: the physician's global assessment of the skin, as LILAC measured it (Werth et al.,
//! ACR Convergence 2024 abstract 0671) [O13]; sources by their `O#` ids in `docs/OUTCOMES.md`.
//!
//! The scale LILAC used was not retrieved [UNVERIFIED: global assessments are published as
//! 0-3 or 0-4 ordinal grades and as 0-3 or 0-10 visual analogue scales]. So the scale is a
//! setting ([`PgaScale`]): its highest value and its step, both in tenths, so an ordinal 0-4
//! (`max 40, step 10`) and a 0-3 visual analogue scale read to one decimal (`max 30, step 1`)
//! are both exact. A value off the scale is refused.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::scale::{OutOfRange, within};

/// A scale from 0 to `max_tenths`, in steps of `step_tenths` (both tenths of a point).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PgaScale {
    max_tenths: u16,
    step_tenths: u16,
}

/// A scale setting or a value that does not fit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PgaError {
    #[error(transparent)]
    Range(#[from] OutOfRange),
    #[error("PGA-skin {value} is not a step of {step} on its scale")]
    OffStep { value: Tenths, step: Tenths },
}

/// A number in tenths, printed as a decimal (`25` prints `2.5`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Tenths(pub u16);

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 % 10 {
            0 => write!(f, "{}", self.0 / 10),
            tenth => write!(f, "{}.{tenth}", self.0 / 10),
        }
    }
}

impl PgaScale {
    /// The scale 0 to `max_tenths` in steps of `step_tenths`: the step must be 1 to
    /// `max_tenths` and divide it (up to 100.0 points).
    pub fn new(max_tenths: u16, step_tenths: u16) -> Result<PgaScale, PgaError> {
        within("the PGA-skin scale maximum (tenths)", max_tenths, 1, 1000)?;
        within(
            "the PGA-skin scale step (tenths)",
            step_tenths,
            1,
            max_tenths,
        )?;
        on_step(max_tenths, step_tenths)?;
        Ok(PgaScale {
            max_tenths,
            step_tenths,
        })
    }

    pub fn max_tenths(self) -> u16 {
        self.max_tenths
    }

    pub fn step_tenths(self) -> u16 {
        self.step_tenths
    }

    /// A value on this scale, in tenths.
    pub fn value(self, tenths: u16) -> Result<Pga, PgaError> {
        within("PGA-skin (tenths)", tenths, 0, self.max_tenths)?;
        on_step(tenths, self.step_tenths)?;
        Ok(Pga(Tenths(tenths)))
    }
}

/// Refuses `value` unless it is a whole number of `step`s.
fn on_step(value: u16, step: u16) -> Result<(), PgaError> {
    if value.is_multiple_of(step) {
        Ok(())
    } else {
        Err(PgaError::OffStep {
            value: Tenths(value),
            step: Tenths(step),
        })
    }
}

/// A PGA-skin value on its study's scale; made only by [`PgaScale::value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pga(Tenths);

impl Pga {
    pub fn tenths(self) -> u16 {
        self.0.0
    }

    /// The fall from `baseline` to `self`, in tenths: positive is improvement.
    pub fn improvement_since(self, baseline: Pga) -> i32 {
        i32::from(baseline.tenths()) - i32::from(self.tenths())
    }
}

impl fmt::Display for Pga {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
