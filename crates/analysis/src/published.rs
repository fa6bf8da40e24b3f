//! The per-patient tables of Cortés-Hernández et al., Arthritis Res Ther 2012;14:R265 (NCT01408199),
//! as transcribed in `data/published/` (see its README for every column and ambiguity).

use serde::{Deserialize, Serialize};

/// The three transcribed tables, shipped inside the binary so `cletrial reproduce` works anywhere.
pub const TABLE1_BASELINE: &str = include_str!("../../../data/published/table1_baseline.csv");
pub const TABLE2_RESPONSE: &str = include_str!("../../../data/published/table2_response.csv");
pub const TABLE3_ADVERSE_EVENTS: &str =
    include_str!("../../../data/published/table3_adverse_events.csv");

/// A row that does not follow the documented columns.
#[derive(Debug, thiserror::Error)]
#[error("{table}, data line {line}: {message}")]
pub struct PublishedError {
    pub table: &'static str,
    pub line: u64,
    pub message: String,
}

/// CLE subtype exactly as the paper's Table 1 prints it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Diagnosis {
    #[serde(rename = "DLE")]
    Dle,
    #[serde(rename = "Lupus profundus")]
    LupusProfundus,
    #[serde(rename = "ACLE")]
    Acle,
    #[serde(rename = "SCLE")]
    Scle,
    #[serde(rename = "LET")]
    Tumidus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Sex {
    F,
    M,
}

/// Table 1: one patient's baseline.
#[derive(Clone, Debug, Deserialize)]
pub struct Baseline {
    pub patient: u8,
    pub sex: Sex,
    pub diagnosis: Diagnosis,
    #[serde(deserialize_with = "list")]
    pub reason_for_inclusion: Vec<String>,
    #[serde(rename = "anti_dsdna_iu_ml", deserialize_with = "anti_dsdna")]
    pub anti_dsdna: AntiDsDna,
    pub clasi_activity: u8,
    pub clasi_damage: u8,
    #[serde(deserialize_with = "list")]
    pub previous_treatment: Vec<String>,
}

impl Baseline {
    pub fn had_thalidomide(&self) -> bool {
        self.previous_treatment.iter().any(|t| t == "T")
    }

    pub fn included_for(&self, reason: &str) -> bool {
        self.reason_for_inclusion.iter().any(|r| r == reason)
    }
}

/// Anti-dsDNA antibodies at baseline (Table 1; normal < 15 IU/mL).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AntiDsDna {
    /// The paper printed `(-)`.
    Negative,
    /// The titre printed in brackets, IU/mL.
    Positive(f64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
pub enum Outcome {
    #[serde(rename = "CR")]
    CompleteResponse,
    #[serde(rename = "PR")]
    PartialResponse,
    #[serde(rename = "withdrawn")]
    Withdrawn,
}

/// Table 2: one patient's response summary.
#[derive(Clone, Debug, Deserialize)]
pub struct Response {
    pub patient: u8,
    pub clinical_outcome: Outcome,
    pub time_to_cr_weeks: Option<u32>,
    pub followup_months: Option<u32>,
    pub max_dose_mg: u32,
    /// `None` where the paper printed `-` (not applicable, or unexplained for patient 5).
    #[serde(deserialize_with = "yes_no")]
    pub relapse: Option<bool>,
    pub dose_at_relapse: Option<String>,
}

/// Table 3: one adverse event.
#[derive(Clone, Debug, Deserialize)]
pub struct AdverseEvent {
    pub patient: u8,
    pub term: String,
    pub ctcae_grade: Option<u8>,
    pub causality: String,
}

/// The published cohort: Tables 1-3.
#[derive(Clone, Debug)]
pub struct Cohort {
    pub baseline: Vec<Baseline>,
    pub response: Vec<Response>,
    pub adverse_events: Vec<AdverseEvent>,
}

impl Cohort {
    /// The transcription shipped with cletrial.
    pub fn shipped() -> Result<Cohort, PublishedError> {
        Cohort::parse(TABLE1_BASELINE, TABLE2_RESPONSE, TABLE3_ADVERSE_EVENTS)
    }

    /// Parses the three tables (CSV text with the documented headers).
    pub fn parse(table1: &str, table2: &str, table3: &str) -> Result<Cohort, PublishedError> {
        let cohort = Cohort {
            baseline: rows("table1_baseline.csv", table1)?,
            response: rows("table2_response.csv", table2)?,
            adverse_events: rows("table3_adverse_events.csv", table3)?,
        };
        cohort.check_patients()?;
        Ok(cohort)
    }

    /// Tables 1 and 2 describe the same patients, in the same order.
    fn check_patients(&self) -> Result<(), PublishedError> {
        let t1 = self.baseline.iter().map(|b| b.patient);
        let t2 = self.response.iter().map(|r| r.patient);
        if t1.clone().ne(t2) {
            return Err(PublishedError {
                table: "table2_response.csv",
                line: 0,
                message: "patients differ from table1_baseline.csv".to_owned(),
            });
        }
        match self
            .adverse_events
            .iter()
            .enumerate()
            .find(|(_, ae)| !self.baseline.iter().any(|b| b.patient == ae.patient))
        {
            Some((index, ae)) => Err(PublishedError {
                table: "table3_adverse_events.csv",
                line: index as u64 + 1,
                message: format!("patient {} is not in table1_baseline.csv", ae.patient),
            }),
            None => Ok(()),
        }
    }

    pub fn baseline_of(&self, patient: u8) -> Option<&Baseline> {
        self.baseline.iter().find(|b| b.patient == patient)
    }
}

fn rows<T: serde::de::DeserializeOwned>(
    table: &'static str,
    text: &str,
) -> Result<Vec<T>, PublishedError> {
    let error = |line: u64, message: String| PublishedError {
        table,
        line,
        message,
    };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| error(0, format!("header: {e}")))?
        .clone();
    reader
        .deserialize()
        .enumerate()
        .map(|(index, row)| {
            row.map_err(|e| {
                let message = match e.kind() {
                    // Name the column and give serde's own words, without csv's byte offsets.
                    csv::ErrorKind::Deserialize { err, .. } => {
                        let column = err.field().and_then(|i| headers.get(i as usize));
                        match column {
                            Some(name) => format!("{name}: {}", err.kind()),
                            None => err.kind().to_string(),
                        }
                    }
                    _ => e.to_string(),
                };
                error(index as u64 + 1, message)
            })
        })
        .collect()
}

/// `a; b; c` -> `["a", "b", "c"]`.
fn list<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(text
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

fn yes_no<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    match String::deserialize(deserializer)?.as_str() {
        "" => Ok(None),
        "yes" => Ok(Some(true)),
        "no" => Ok(Some(false)),
        other => Err(serde::de::Error::custom(format!(
            "relapse must be yes, no or empty, not {other:?}"
        ))),
    }
}

fn anti_dsdna<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<AntiDsDna, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text == "negative" {
        return Ok(AntiDsDna::Negative);
    }
    match text.parse::<f64>() {
        Ok(titre) if titre.is_finite() && titre > 0.0 => Ok(AntiDsDna::Positive(titre)),
        _ => Err(serde::de::Error::custom(format!(
            "anti_dsdna_iu_ml must be a positive titre or `negative`, not {text:?}"
        ))),
    }
}
