//! Creatinine clearance by Cockcroft-Gault (Nephron 1976;16:31) [S38], the method the
//! lenalidomide renal studies stratified by [S36, S37] (INSTRUMENTS.md §5.4).
//!
//! CrCl (mL/min) = (140 - age) x weight / (72 x serum creatinine in mg/dL), x 0.85 for women.
//! No body-surface normalisation. Which weight to use (actual, ideal, adjusted) is the caller's
//! policy; S37 supports actual body weight for lenalidomide.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

/// A serum creatinine with its unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Creatinine {
    MgPerDl(f64),
    UmolPerL(f64),
}

impl Creatinine {
    /// µmol/L per mg/dL of creatinine [S38].
    pub const UMOL_PER_MG_DL: f64 = 88.4;

    /// The value in mg/dL, the unit of the formula.
    pub fn mg_per_dl(self) -> f64 {
        match self {
            Creatinine::MgPerDl(value) => value,
            Creatinine::UmolPerL(value) => value / Creatinine::UMOL_PER_MG_DL,
        }
    }
}

/// An input outside the range the formula is defined for.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{what} must be {allowed}, got {value}")]
pub struct RenalError {
    pub what: &'static str,
    pub allowed: &'static str,
    pub value: f64,
}

fn check(
    what: &'static str,
    allowed: &'static str,
    value: f64,
    ok: bool,
) -> Result<f64, RenalError> {
    if ok && value.is_finite() {
        Ok(value)
    } else {
        Err(RenalError {
            what,
            allowed,
            value,
        })
    }
}

/// Cockcroft-Gault creatinine clearance in mL/min.
///
/// The formula was derived in adults; ages below 18 are refused (children need another
/// equation), as are ages of 140 or more, where it stops being positive. Weight and
/// creatinine must be positive.
pub fn cockcroft_gault(
    age_years: f64,
    weight_kg: f64,
    sex: Sex,
    creatinine: Creatinine,
) -> Result<f64, RenalError> {
    let age = check(
        "age (years)",
        "from 18 to below 140 (adults)",
        age_years,
        (18.0..140.0).contains(&age_years),
    )?;
    let weight = check(
        "weight (kg)",
        "a positive number",
        weight_kg,
        weight_kg > 0.0,
    )?;
    let scr = creatinine.mg_per_dl();
    let scr = check("serum creatinine", "a positive number", scr, scr > 0.0)?;
    let female_factor = match sex {
        Sex::Female => 0.85,
        Sex::Male => 1.0,
    };
    Ok((140.0 - age) * weight / (72.0 * scr) * female_factor)
}
