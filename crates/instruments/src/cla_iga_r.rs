//! CLA-IGA-R: Cutaneous Lupus Activity Investigator's Global Assessment, Revised (sources by
//! their `O#` ids in `docs/OUTCOMES.md`).
//!
//! - Three separate items: erythema; other morphologic characteristics (oedema, scale and
//!   secondary change); follicular activity (Merola et al., ACR Convergence 2025 abstract 2409)
//!   [O11]. No overall score combining them was found, so none is computed.
//! - Each item's grades were not retrieved [UNVERIFIED: IGA scales are commonly 0 (clear) to 4
//!   (severe)]: each item's highest grade is a setting ([`ClaIgaRScales`]), and a grade above it
//!   is refused naming the item.
//! - AMETHYST's US primary endpoint counts patients with an erythema grade of 0 or 1 [O12:
//!   "a score of 0 or 1 on the CLA-IGA-R looking at skin redness"]; [`ClaIgaRResponder`] has
//!   that highest responding grade, and an optional least improvement from baseline in grades
//!   [UNVERIFIED: whether the protocol also asks for one (IGA endpoints often ask for 2) was not
//!   retrieved], none by default.

use serde::{Deserialize, Serialize};

use crate::scale::{OutOfRange, within};

/// The three items [O11].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Erythema,
    OtherMorphology,
    FollicularActivity,
}

impl Component {
    pub const ALL: [Component; 3] = [
        Component::Erythema,
        Component::OtherMorphology,
        Component::FollicularActivity,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Component::Erythema => "CLA-IGA-R erythema",
            Component::OtherMorphology => "CLA-IGA-R other morphologic characteristics",
            Component::FollicularActivity => "CLA-IGA-R follicular activity",
        }
    }
}

/// Each item's highest grade (grades run from 0) [UNVERIFIED, a study setting].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaIgaRScales {
    pub erythema: u8,
    pub other_morphology: u8,
    pub follicular_activity: u8,
}

impl ClaIgaRScales {
    pub fn max(self, component: Component) -> u8 {
        match component {
            Component::Erythema => self.erythema,
            Component::OtherMorphology => self.other_morphology,
            Component::FollicularActivity => self.follicular_activity,
        }
    }

    /// A grade of `component`, refused above the item's highest grade.
    pub fn grade(self, component: Component, value: u8) -> Result<Grade, OutOfRange> {
        within(
            component.name(),
            value.into(),
            0,
            self.max(component).into(),
        )?;
        Ok(Grade(value))
    }

    /// One assessment from its three grades (`None`: not assessed).
    pub fn assess(
        self,
        erythema: Option<u8>,
        other_morphology: Option<u8>,
        follicular_activity: Option<u8>,
    ) -> Result<ClaIgaR, OutOfRange> {
        let grade = |component, value: Option<u8>| {
            value.map(|value| self.grade(component, value)).transpose()
        };
        Ok(ClaIgaR {
            erythema: grade(Component::Erythema, erythema)?,
            other_morphology: grade(Component::OtherMorphology, other_morphology)?,
            follicular_activity: grade(Component::FollicularActivity, follicular_activity)?,
        })
    }
}

/// A grade on its item's scale; made only by [`ClaIgaRScales::grade`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Grade(u8);

impl Grade {
    pub fn value(self) -> u8 {
        self.0
    }
}

/// One assessment: the three items, each graded or not assessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ClaIgaR {
    pub erythema: Option<Grade>,
    pub other_morphology: Option<Grade>,
    pub follicular_activity: Option<Grade>,
}

/// The responder definition on the erythema item [O12].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaIgaRResponder {
    /// The highest erythema grade that responds: 1 in AMETHYST [O12].
    pub max_erythema: u8,
    /// The least fall in erythema grades from baseline, if the protocol asks for one
    /// [UNVERIFIED].
    pub min_improvement: Option<u8>,
}

impl Default for ClaIgaRResponder {
    /// Erythema 0 or 1, no improvement asked [O12].
    fn default() -> Self {
        ClaIgaRResponder {
            max_erythema: 1,
            min_improvement: None,
        }
    }
}

impl ClaIgaRResponder {
    /// Whether `current` responds; `None` when its erythema was not assessed, or when an
    /// improvement is asked and the baseline erythema was not assessed.
    pub fn judge(self, baseline: &ClaIgaR, current: &ClaIgaR) -> Option<bool> {
        let now = current.erythema?.value();
        let low = now <= self.max_erythema;
        match self.min_improvement {
            None => Some(low),
            Some(fall) => {
                let before = baseline.erythema?.value();
                Some(low && i16::from(before) - i16::from(now) >= i16::from(fall))
            }
        }
    }
}
