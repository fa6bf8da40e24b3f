//! Randomised allocation of subjects to arms: stratified permuted blocks with random block sizes,
//! or minimisation (Pocock and Simon 1975) with a random element. Pure: the caller keeps the
//! secret and the record of earlier assignments; this module only computes.
//!
//! - [`Design`]: the arms with their ratio, the factors subjects are stratified or minimised on,
//!   and the [`Method`]; [`Design::new`] refuses a design that cannot be run, naming the field.
//! - [`Secret`]: the key every random number is derived from (`draws`, HMAC-SHA256): kept outside
//!   the study record, it makes the list unpredictable to everyone without it and reproducible by
//!   the unblinded statistician who holds it.
//! - [`Allocator`]: assigns the next subject given its [`Profile`] (its level of each factor),
//!   carrying what earlier assignments left (block positions, minimisation counts). Replaying the
//!   same profiles in the same order with the same secret gives the same arms.
//! - [`blocks::schedule`]: the permuted-block list of one stratum, regenerated from the secret
//!   alone, as the statistician's copy of the list.
//!
//! Predictability, stated plainly: any method that keeps arms balanced lets someone who sees
//! earlier arms guess later ones better than chance (the last places of a block; the arm
//! minimisation favours). Random block sizes and minimisation's random element reduce that, and
//! the secret makes the list itself unguessable, but the protection is concealment: no blinded
//! person sees an arm.

pub mod blocks;
mod draws;
pub mod minimisation;

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Problem;

/// The longest arm code: SDTM DM's ARMCD as the exports write it (8 characters).
pub const MAX_ARM_CODE: usize = 8;
/// The longest arm label: SDTM DM's ARM as the exports write it (40 characters).
pub const MAX_ARM_LABEL: usize = 40;
/// The codes the exports give subjects outside any arm of the design (`export::arms`), which no
/// arm may take: screen failure and not assigned (SDTMIG 3.2 section 5.3, DM assumption 5), not
/// treated, unplanned treatment, and the arm of a blinded export.
pub const RESERVED_ARM_CODES: [&str; 5] = ["SCRNFAIL", "NOTASSGN", "NOTTRT", "UNPLAN", "BLINDED"];

/// One arm: its code (`LEN`), its label ("Lenalidomide 5 mg daily") and its share of the
/// allocation ratio (2 of 2:1).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Arm {
    pub code: String,
    pub label: String,
    #[serde(default = "one")]
    pub ratio: u32,
}

fn one() -> u32 {
    1
}

/// A factor subjects are stratified (blocks) or minimised on: its name (`subtype`) and levels
/// (`DLE`, `SCLE`, `ACLE`), with its weight in minimisation's imbalance sum.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    pub name: String,
    pub levels: Vec<String>,
    #[serde(default = "one")]
    pub weight: u32,
}

/// How subjects are assigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// Permuted blocks within each stratum (each combination of factor levels). Each block's size
    /// is a multiple of the ratio's sum drawn uniformly from `block_multiples` (`[1, 2, 3]` with
    /// 1:1 gives blocks of 2, 4 or 6), so block ends cannot be counted off.
    PermutedBlocks { block_multiples: Vec<u32> },
    /// Pocock-Simon minimisation over the factors' margins: the arm that least increases the
    /// weighted sum of ranges is chosen with probability `percent_best` (Pocock and Simon's `p`,
    /// e.g. 80), another arm otherwise.
    Minimisation { percent_best: u8 },
}

/// A design that can be run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Design {
    arms: Vec<Arm>,
    factors: Vec<Factor>,
    method: Method,
}

/// Everything wrong with a design, reported together, each problem at its field
/// (`arms[1].code`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(Problem::to_string).collect::<Vec<_>>().join("; "))]
pub struct InvalidDesign(pub Vec<Problem>);

/// Why a subject cannot be assigned, a list made or a secret read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("{field}: {problem}")]
    Design { field: String, problem: String },
    #[error("factor {factor}: '{level}' is not one of its levels ({allowed})")]
    UnknownLevel {
        factor: String,
        level: String,
        allowed: String,
    },
    #[error("factor {0}: no level given")]
    MissingFactor(String),
    #[error("'{0}' is not a factor of the design")]
    UnknownFactor(String),
    #[error("secret: {0}")]
    Secret(String),
}

impl Design {
    /// Checks the design: at least two arms with distinct codes (short capitals an SDTM ARMCD
    /// can hold, none of [`RESERVED_ARM_CODES`]), labels and ratios of 1 or more; factors
    /// with distinct names and at least two distinct levels; block multiples of 1 or more, each
    /// once; `percent_best` from 50 to 100; minimisation with equal ratios only (with unequal
    /// ratios, minimising the ranges of counts divided by the ratios can drift from the declared
    /// ratio: Kuznetsova and Tymofyeyev, Stat Med 2012;31:701-723).
    pub fn new(
        arms: Vec<Arm>,
        factors: Vec<Factor>,
        method: Method,
    ) -> Result<Design, InvalidDesign> {
        let mut problems = Vec::new();
        let mut invalid = |path: String, message: &str| {
            problems.push(Problem {
                path,
                message: message.to_owned(),
            });
        };
        if arms.len() < 2 {
            invalid("arms".into(), "a randomised design needs at least two arms");
        }
        for (i, arm) in arms.iter().enumerate() {
            if arm.code.trim().is_empty() {
                invalid(format!("arms[{i}].code"), "is empty");
            } else if arm.code.len() > MAX_ARM_CODE
                || !arm
                    .code
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            {
                invalid(
                    format!("arms[{i}].code"),
                    &format!(
                        "{} is not 1 to {MAX_ARM_CODE} capital letters, digits or underscores (SDTM's ARMCD)",
                        arm.code
                    ),
                );
            } else if RESERVED_ARM_CODES.contains(&arm.code.as_str()) {
                invalid(
                    format!("arms[{i}].code"),
                    &format!(
                        "{} names subjects outside any arm in the exports; choose another code",
                        arm.code
                    ),
                );
            }
            if arm.label.trim().is_empty() {
                invalid(format!("arms[{i}].label"), "is empty");
            } else if arm.label.chars().count() > MAX_ARM_LABEL {
                invalid(
                    format!("arms[{i}].label"),
                    &format!("has more than {MAX_ARM_LABEL} characters (SDTM's ARM)"),
                );
            }
            if arms[..i].iter().any(|other| other.code == arm.code) {
                invalid(
                    format!("arms[{i}].code"),
                    &format!("{} is given twice", arm.code),
                );
            }
            if arm.ratio == 0 {
                invalid(format!("arms[{i}].ratio"), "must be 1 or more");
            }
        }
        for (i, factor) in factors.iter().enumerate() {
            if factors[..i].iter().any(|other| other.name == factor.name) {
                invalid(
                    format!("factors[{i}].name"),
                    &format!("{} is given twice", factor.name),
                );
            }
            if factor.levels.len() < 2 {
                invalid(
                    format!("factors[{i}].levels"),
                    "a factor needs at least two levels",
                );
            }
            for (j, level) in factor.levels.iter().enumerate() {
                if factor.levels[..j].contains(level) {
                    invalid(
                        format!("factors[{i}].levels"),
                        &format!("{level} is given twice"),
                    );
                }
            }
            if factor.weight == 0 {
                invalid(format!("factors[{i}].weight"), "must be 1 or more");
            }
        }
        match &method {
            Method::PermutedBlocks { block_multiples } => {
                if block_multiples.is_empty() {
                    invalid(
                        "block_multiples".into(),
                        "give at least one block size multiple",
                    );
                }
                for (i, multiple) in block_multiples.iter().enumerate() {
                    if *multiple == 0 || block_multiples[..i].contains(multiple) {
                        invalid(
                            format!("block_multiples[{i}]"),
                            "each multiple is 1 or more and given once",
                        );
                    }
                }
            }
            Method::Minimisation { percent_best } => {
                if !(50..=100).contains(percent_best) {
                    invalid("percent_best".into(), "must be from 50 to 100");
                }
                if arms.iter().any(|arm| arm.ratio != arms[0].ratio) {
                    invalid(
                        "arms.ratio".into(),
                        "minimisation here takes equal ratios only; use permuted blocks for an unequal ratio",
                    );
                }
                if factors.is_empty() {
                    invalid("factors".into(), "minimisation needs at least one factor");
                }
            }
        }
        if problems.is_empty() {
            Ok(Design {
                arms,
                factors,
                method,
            })
        } else {
            Err(InvalidDesign(problems))
        }
    }

    pub fn arms(&self) -> &[Arm] {
        &self.arms
    }

    /// The arms' codes as a refusal lists what is allowed ("LEN, PBO").
    pub fn arm_codes(&self) -> String {
        let codes: Vec<&str> = self.arms.iter().map(|arm| arm.code.as_str()).collect();
        codes.join(", ")
    }

    pub fn factors(&self) -> &[Factor] {
        &self.factors
    }

    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The sum of the arms' ratios (3 for 2:1).
    pub fn ratio_sum(&self) -> u32 {
        self.arms.iter().map(|arm| arm.ratio).sum()
    }

    /// A subject's profile from its level of each factor, given by factor name; every factor
    /// must be given, with one of its levels, and nothing else.
    pub fn profile(&self, levels: &[(&str, &str)]) -> Result<Profile, AllocationError> {
        if let Some((name, _)) = levels
            .iter()
            .find(|(name, _)| !self.factors.iter().any(|factor| factor.name == *name))
        {
            return Err(AllocationError::UnknownFactor((*name).to_owned()));
        }
        let mut profile = Vec::with_capacity(self.factors.len());
        for factor in &self.factors {
            let (_, level) = levels
                .iter()
                .find(|(name, _)| *name == factor.name)
                .ok_or_else(|| AllocationError::MissingFactor(factor.name.clone()))?;
            let index = factor
                .levels
                .iter()
                .position(|known| known == level)
                .ok_or_else(|| AllocationError::UnknownLevel {
                    factor: factor.name.clone(),
                    level: (*level).to_owned(),
                    allowed: factor.levels.join(", "),
                })?;
            profile.push(index);
        }
        Ok(Profile(profile))
    }

    /// Every profile, one per stratum: each combination of factor levels, in the factors' order
    /// with the last factor's levels turning fastest (one profile without factors).
    pub fn strata(&self) -> Vec<Profile> {
        self.factors
            .iter()
            .fold(vec![Profile(Vec::new())], |strata, factor| {
                strata
                    .iter()
                    .flat_map(|profile| {
                        (0..factor.levels.len()).map(move |level| {
                            let mut levels = profile.0.clone();
                            levels.push(level);
                            Profile(levels)
                        })
                    })
                    .collect()
            })
    }

    /// The stratum a profile falls in, as the statistician's list names it
    /// (`subtype=DLE;baseline=high`; `all` without factors).
    pub fn stratum(&self, profile: &Profile) -> String {
        if self.factors.is_empty() {
            return "all".to_owned();
        }
        self.factors
            .iter()
            .zip(&profile.0)
            .map(|(factor, level)| format!("{}={}", factor.name, factor.levels[*level]))
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// A subject's level of each factor, by index, in the design's factor order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Profile(Vec<usize>);

impl Profile {
    pub fn levels(&self) -> &[usize] {
        &self.0
    }
}

/// The key of every random number: 32 bytes, written as 64 hexadecimal digits. Never printed:
/// its `Debug` says only that it is a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret([u8; 32]);

impl Secret {
    pub fn from_hex(text: &str) -> Result<Secret, AllocationError> {
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AllocationError::Secret(format!(
                "64 hexadecimal digits (32 bytes) are needed, {} characters were given",
                text.len()
            )));
        }
        let mut bytes = [0; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("checked hex digits");
        }
        Ok(Secret(bytes))
    }

    /// A secret from given bytes (the caller draws them from the operating system).
    pub fn from_bytes(bytes: [u8; 32]) -> Secret {
        Secret(bytes)
    }

    /// The secret's check (64 hexadecimal digits): the record keeps it from before the first
    /// randomisation, so a wrong secret file is refused instead of showing wrong arms.
    pub fn check(&self) -> String {
        draws::check(self)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(not shown)")
    }
}

/// One subject's assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The arm, by index into [`Design::arms`].
    pub arm: usize,
    /// The subject's place in the whole study's sequence, from 1.
    pub sequence: u64,
    /// The stratum, as [`Design::stratum`] names it.
    pub stratum: String,
}

/// Assigns subjects one after another (see the module documentation).
pub struct Allocator<'d> {
    design: &'d Design,
    secret: Secret,
    assigned: u64,
    /// Permuted blocks: each stratum's current block and how far into it the stratum is.
    blocks: HashMap<Profile, blocks::Position>,
    /// Minimisation: subjects per factor, level and arm (blocks keep none).
    counts: minimisation::Counts,
}

impl<'d> Allocator<'d> {
    pub fn new(design: &'d Design, secret: Secret) -> Allocator<'d> {
        Allocator {
            design,
            counts: minimisation::Counts::new(design),
            secret,
            assigned: 0,
            blocks: HashMap::new(),
        }
    }

    /// The next subject's arm.
    pub fn assign(&mut self, profile: &Profile) -> Assignment {
        self.assigned += 1;
        let stratum = self.design.stratum(profile);
        let arm = match &self.design.method {
            Method::PermutedBlocks { block_multiples } => self
                .blocks
                .entry(profile.clone())
                .or_default()
                .next(self.design, block_multiples, &self.secret, &stratum),
            Method::Minimisation { percent_best } => {
                let arm = minimisation::choose(
                    &self.counts,
                    profile,
                    *percent_best,
                    &self.secret,
                    self.assigned,
                );
                self.counts.add(profile, arm);
                arm
            }
        };
        Assignment {
            arm,
            sequence: self.assigned,
            stratum,
        }
    }

    /// Subjects assigned so far.
    pub fn assigned(&self) -> u64 {
        self.assigned
    }
}

#[cfg(test)]
mod tests;
