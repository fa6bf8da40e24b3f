//! Calculator commands: `score clasi`, `score sledai` and `grade`. The scoring lives in the
//! `instruments` crate; this module reads the input, maps its errors to exit 2 and prints JSON.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use instruments::clasi::{ActivityParts, Clasi, DamageParts, Severity};
use instruments::ctcae::{CtcaeGrade, LabError, LabTest, LabUnit, grade_lab};
use instruments::input::{InputError, read_clasi, read_sledai};
use instruments::sledai::{Descriptor, Window};
use serde::Serialize;

use crate::help::examples;
use crate::io::{CliError, CmdResult, print_json, read_text};

const CLASI_HELP: &str = concat!(
    r#"Input (JSON):
  {"areas": {"<area>": {"erythema": 0-3, "scale": 0-2, "dyspigmentation": 0-1,
                        "scarring": 0-2}, ...},
   "mucous_membrane": 0-1, "recent_hair_loss": 0-1, "nonscarring_alopecia": 0-3,
   "scarring_alopecia": 0|3|4|5|6, "dyspigmentation_lasts_12_months": true|false}

Areas: scalp, ears, nose_malar, rest_of_face, v_neck, posterior_neck_shoulders, chest, abdomen,
back_buttocks, arms, hands, legs, feet.
- An area left out is uninvolved; an item left out of a listed area is absent (0).
- The scalp has no "scarring": scalp scarring is "scarring_alopecia".
- The five once-only keys are required; null records "not assessed" (for any item).
- A total with an item not assessed is null, never a smaller number.

The first example's file, examples/clasi/patient-12-baseline.json (activity 17, damage 8):
  {"areas": {"scalp": {"erythema": 2, "scale": 2}, "nose_malar": {"erythema": 2, "scale": 1,
   "dyspigmentation": 1}, ...}, "mucous_membrane": 0, "recent_hair_loss": 1,
   "nonscarring_alopecia": 1, "scarring_alopecia": 3, "dyspigmentation_lasts_12_months": true}

Output: {"activity": 17, "damage": 8, "severity": "moderate", "activity_parts": {...},
"damage_parts": {...}}. Severity bands (Klein 2011): 0-9 mild, 10-20 moderate, 21-70 severe.

"#,
    examples!(
        "cletrial score clasi --input examples/clasi/patient-12-baseline.json",
        "cletrial score clasi --input examples/clasi/not-assessed.json"
    )
);

const SLEDAI_HELP: &str = concat!(
    r#"Input (JSON):
  {"descriptors": ["arthritis", "rash", ...], "window": "10d"|"30d"}

Descriptors (weight): seizure, psychosis, organic_brain_syndrome, visual_disturbance,
cranial_nerve_disorder, lupus_headache, cva, vasculitis (8); arthritis, myositis, urinary_casts,
hematuria, proteinuria, pyuria (4); rash, alopecia, mucosal_ulcers, pleurisy, pericarditis,
low_complement, increased_dna_binding (2); fever, thrombocytopenia, leukopenia (1).
List the descriptors present; one listed twice counts once. "window" defaults to "10d".

The first example's file, examples/sledai/visit.json:
  {"descriptors": ["arthritis", "rash", "low_complement", "increased_dna_binding"],
   "window": "10d"}
Output: {"score": 10, "window": "10d", "descriptors": [...]}

"#,
    examples!(
        "cletrial score sledai --input examples/sledai/visit.json",
        r#"echo '{"descriptors": ["arthritis", "rash"]}' | cletrial score sledai --input -"#
    )
);

const GRADE_HELP: &str = concat!(
    r#"Units: /mm3, /uL or 10^9/L for neutrophils, leukocytes, platelets and
lymphocytes; g/dL, g/L or mmol/L for hemoglobin. Each unit is compared with the cut-offs
CTCAE v5.0 publishes for it, as given (no conversion, no rounding).

Without --lln a value that could be grade 0 or 1 gets "grade": null. Anaemia by lab value
stops at grade 3 (grades 4-5 need clinical facts).

Output of the first example: {"test": "neutrophils", "term": "Neutrophil count decreased",
"value": 1190.0, "unit": "/mm3", "lln": 1800.0, "grade": 2}

"#,
    examples!(
        "cletrial grade --test neutrophils --value 1190 --unit /mm3 --lln 1800",
        "cletrial grade --test hemoglobin --value 6.1 --unit mmol/L --lln 7.4"
    )
);

/// The path of a JSON input (`-` reads standard input).
#[derive(Debug, Args)]
pub struct InputArgs {
    /// JSON input file, or `-` for standard input.
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
}

#[derive(Debug, Subcommand)]
#[command(after_help = examples!(
    "cletrial score clasi --input examples/clasi/patient-12-baseline.json",
    "cletrial score sledai --input examples/sledai/visit.json"
))]
pub enum ScoreCommand {
    /// Score CLASI activity and damage (Albrecht 2005) with the Klein 2011 severity band.
    #[command(after_help = CLASI_HELP)]
    Clasi(InputArgs),
    /// Score SLEDAI-2K (Gladman 2002) from the descriptors present.
    #[command(after_help = SLEDAI_HELP)]
    Sledai(InputArgs),
}

/// Grade a haematology value by NCI CTCAE v5.0 and print {"grade": 0-4 or null}.
#[derive(Debug, Args)]
#[command(after_help = GRADE_HELP)]
pub struct GradeArgs {
    /// neutrophils, leukocytes, platelets, lymphocytes or hemoglobin.
    #[arg(long, value_name = "TEST")]
    test: String,
    /// The measured value, in --unit (finite, not negative).
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    value: String,
    /// /mm3, /uL, 10^9/L (counts) or g/dL, g/L, mmol/L (hemoglobin).
    #[arg(long, value_name = "UNIT")]
    unit: String,
    /// The laboratory's lower limit of normal, in --unit.
    #[arg(long, value_name = "L", allow_hyphen_values = true)]
    lln: Option<String>,
}

pub fn score(command: ScoreCommand) -> CmdResult {
    match command {
        ScoreCommand::Clasi(args) => {
            let clasi = read_clasi(&read_text("--input", &args.input)?).map_err(input_error)?;
            print_json(&ClasiOutput::from(&clasi))
        }
        ScoreCommand::Sledai(args) => {
            let sledai = read_sledai(&read_text("--input", &args.input)?).map_err(input_error)?;
            print_json(&SledaiOutput {
                score: sledai.score(),
                window: sledai.window,
                descriptors: sledai.descriptors.into_iter().collect(),
            })
        }
    }
}

pub fn grade(args: GradeArgs) -> CmdResult {
    let test: LabTest = args.test.parse().map_err(lab_error)?;
    let unit: LabUnit = args.unit.parse().map_err(lab_error)?;
    let value = number("--value", &args.value)?;
    let lln = args
        .lln
        .as_deref()
        .map(|text| number("--lln", text))
        .transpose()?;
    let grade = grade_lab(test, value, unit, lln).map_err(lab_error)?;
    print_json(&GradeOutput {
        test,
        term: test.term(),
        value,
        unit,
        lln,
        grade,
    })
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ClasiOutput {
    activity: Option<u8>,
    damage: Option<u8>,
    severity: Option<Severity>,
    activity_parts: ActivityParts,
    damage_parts: DamageParts,
}

impl From<&Clasi> for ClasiOutput {
    fn from(clasi: &Clasi) -> Self {
        ClasiOutput {
            activity: clasi.activity(),
            damage: clasi.damage(),
            severity: clasi.severity(),
            activity_parts: clasi.activity_parts(),
            damage_parts: clasi.damage_parts(),
        }
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct SledaiOutput {
    score: u8,
    window: Window,
    descriptors: Vec<Descriptor>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct GradeOutput {
    test: LabTest,
    term: &'static str,
    value: f64,
    unit: LabUnit,
    lln: Option<f64>,
    grade: Option<CtcaeGrade>,
}

fn input_error(error: InputError) -> CliError {
    CliError::input(error.to_string())
}

/// Names the option a lab error comes from.
fn lab_error(error: LabError) -> CliError {
    CliError::input(format!("--{}: {error}", error.field().name()))
}

fn number(flag: &str, text: &str) -> Result<f64, CliError> {
    text.trim()
        .parse()
        .map_err(|_| CliError::input(format!("{flag}: '{text}' is not a number")))
}
