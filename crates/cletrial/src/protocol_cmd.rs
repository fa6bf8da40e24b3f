//! Protocol commands: `eligibility`, `decide` and `schedule`. The rules live in the `protocol`
//! crate; this module reads the protocol and the JSON input, maps every error to one line
//! (exit 2) and prints JSON.
//!
//! `--protocol` takes a path to a protocol TOML file, or the name of a protocol shipped in
//! `protocols/` (built into the binary, so it works from any directory).

use std::path::Path;

use clap::Args;
use instruments::vocabulary::Unknown;
use protocol::decide::DecideError;
use protocol::eligibility::{Candidate, EligibilityResult};
use protocol::schedule::{Calendar, PregnancyOptions, ScheduleError};
use protocol::{Decision, History, Protocol};
use serde::Serialize;

use crate::help::examples;
use crate::io::{CliError, CmdResult, parse_date, parse_json, print_json, read_json, read_text};

const PROTOCOL_HELP: &str = "A protocol TOML file (format: crates/protocol/FORMAT.md), or a shipped name: nct01408199, thalidomide-cohort, pediatric-review.";

const ELIGIBILITY_HELP: &str = concat!(
    r#"Input (JSON): the candidate's screening record; every key is optional and
what is absent is unknown (never "no"). Keys: screening_date, index_date (a retrospective
review's drug start: ages are then judged there), birth_date (age in completed years),
clasi_erythema {"<area>": 0-3}, clasi_erythema_scale (CLASI erythema + scale summed over the
areas, 0-65), cle_histology_confirmed, sle_diagnosis, drug_received, prednisone_mg_per_day,
regimen_stable_days, refractory_months, bsa_percent or bsa_involvement
[{"region": "trunk", "extent": "front"}] (rule of nines), thalidomide_severe_side_effects,
thalidomide_lack_of_efficacy, thalidomide_hypersensitivity, pregnant, lactating,
reproductive_potential, adequate_contraception, sledai_2k, requires_systemic_immunosuppressants,
platelets/leukocytes/neutrophils {"value": n, "unit": "/mm3"|"/uL"|"10^9/L"}, thrombosis_history,
antiphospholipid_antibodies, gfr, progressive_renal_disease, psychiatric_or_social_disorder,
hiv, viral_hepatitis.

Output: {"protocol", "eligible": true|false|null, "criteria": [{"id", "kind", "status":
"met"|"not_met"|"unknown", "text", "reason"}], "missing": [...]}. Eligible when every inclusion
is met and no exclusion is met; false as soon as one inclusion is not met or one exclusion is
met; null (incomplete) otherwise.

"#,
    examples!(
        "cletrial eligibility --protocol nct01408199 --input examples/protocol/candidate.json",
        "cletrial eligibility --protocol nct01408199 --input examples/protocol/candidate-incomplete.json"
    )
);

const DECIDE_HELP: &str = concat!(
    r#"History (JSON), documented in examples/protocol/README.md:
  {"start_date": "YYYY-MM-DD",
   "patient": {"sex": "F"|"M", "birth_date", "reproductive_potential", "irregular_menses", "subtype"},
   "clasi": [{"date", "activity": 0-70, "damage": 0-56}], "sledai": [{"date", "score": 0-105}],
   "labs": [{"date", "test": "neutrophils", "value", "unit": "/mm3", "lln"}],
   "doses": [{"from", "to": date|null, "level": "<dose level id>"}],
   "events": [{"date", "type": "pregnancy"|"consent_withdrawn"|"physician_decision"|
               "life_threatening"|"adverse_event"|"concomitant_change", "grade", "term", "note"}]}
The baseline is the latest CLASI (and SLEDAI-2K) on or before start_date. Records after --as-of
and labs, doses and events before the start are not used (listed in "ignored").

Output: {"action": "continue"|"escalate"|"taper"|"withdraw"|"reintroduce"|"maintain"|"stop",
"dose", "phase", "response": "cr"|"pr"|"nr"|null, "relapse", "flare": null|"mild"|"severe",
"toxicity", "deviation", "physician_review", "cycle", "next_visit", "next_lab", "missing",
"rules": [{"id", "text"}], ...}

"#,
    examples!(
        "cletrial decide --protocol nct01408199 --history examples/protocol/history-week4-no-improvement.json",
        "cletrial decide --protocol nct01408199 --history examples/protocol/history-relapse.json --as-of 2010-05-24"
    )
);

const SCHEDULE_HELP: &str = concat!(
    r#"Output: {"protocol", "start", "horizon", "visits": [...], "labs": [...],
"monitoring": [...]}; each date is {"date", "day", "earliest", "latest"}, its window. With
--reproductive-potential also "pregnancy_tests": {...}, which follow a pregnancy-testing policy
of the protocol: the first listed unless --pregnancy-policy names another.

"#,
    examples!(
        "cletrial schedule --protocol nct01408199 --start 2010-01-04",
        "cletrial schedule --protocol nct01408199 --start 2010-01-04 --reproductive-potential --pregnancy-policy eu_ppp"
    )
);

/// Check a candidate against a protocol's inclusion and exclusion criteria.
#[derive(Debug, Args)]
#[command(after_help = ELIGIBILITY_HELP)]
pub struct EligibilityArgs {
    #[arg(long, value_name = "FILE|NAME", help = PROTOCOL_HELP)]
    protocol: String,
    /// The candidate (JSON file, or `-` for standard input).
    #[arg(long, value_name = "FILE")]
    input: std::path::PathBuf,
}

/// Say what the protocol asks for next for one patient, and which rule says so.
#[derive(Debug, Args)]
#[command(after_help = DECIDE_HELP)]
pub struct DecideArgs {
    #[arg(long, value_name = "FILE|NAME", help = PROTOCOL_HELP)]
    protocol: String,
    /// The patient's history (JSON file, or `-` for standard input).
    #[arg(long, value_name = "FILE")]
    history: std::path::PathBuf,
    /// Decide as of this date (YYYY-MM-DD); defaults to the latest date in the history, never
    /// today, so that a decision is reproducible.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
}

/// Print a protocol's visit and laboratory calendar from a start date.
#[derive(Debug, Args)]
#[command(after_help = SCHEDULE_HELP)]
pub struct ScheduleArgs {
    #[arg(long, value_name = "FILE|NAME", help = PROTOCOL_HELP)]
    protocol: String,
    /// The start date of treatment (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    start: String,
    /// Add pregnancy tests (a woman of reproductive potential).
    #[arg(long)]
    reproductive_potential: bool,
    /// The pregnancy-testing policy id (default: the protocol's first).
    #[arg(long, value_name = "ID", requires = "reproductive_potential")]
    pregnancy_policy: Option<String>,
    /// Irregular menses: the policy's irregular calendar, if it has one.
    #[arg(long, requires = "reproductive_potential")]
    irregular_menses: bool,
}

/// A shipped protocol by name, or a protocol file by path; errors name `--protocol`.
pub(crate) fn load_protocol(spec: &str) -> Result<Protocol, CliError> {
    let text = protocol_text(spec)?;
    Protocol::from_toml(&text)
        .map_err(|error| CliError::input(format!("--protocol {spec}: {error}")))
}

/// The TOML text `spec` names: a shipped protocol's name in any case (`NCT01408199`), or a
/// file's path.
pub(crate) fn protocol_text(spec: &str) -> Result<String, CliError> {
    Ok(match protocol::shipped::text(spec) {
        Some(text) => text.to_owned(),
        None if spec.ends_with(".toml") || spec.contains('/') || Path::new(spec).is_file() => {
            read_text("--protocol", Path::new(spec))?
        }
        None => {
            return Err(CliError::input(format!(
                "--protocol: {}; or give a protocol file's path (.toml)",
                Unknown::among("protocol", spec, protocol::shipped::names())
            )));
        }
    })
}

/// A protocol command's output: the protocol's id, then the result's own keys.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Tagged<'a, T> {
    protocol: &'a str,
    #[serde(flatten)]
    body: T,
}

/// What `eligibility`, `decide` and `schedule` print (their schemas are generated from these).
pub(crate) type EligibilityOutput<'a> = Tagged<'a, EligibilityResult>;
pub(crate) type DecideOutput<'a> = Tagged<'a, Decision>;
pub(crate) type ScheduleOutput<'a> = Tagged<'a, Calendar>;

pub fn eligibility(args: EligibilityArgs) -> CmdResult {
    let protocol = load_protocol(&args.protocol)?;
    let candidate: Candidate = read_json("--input", &args.input)?;
    let result: EligibilityResult =
        protocol::eligibility::evaluate(protocol.eligibility(), &candidate)
            .map_err(|error| CliError::input(error.to_string()))?;
    print_json(&Tagged {
        protocol: protocol.id(),
        body: result,
    })
}

pub fn decide(args: DecideArgs) -> CmdResult {
    let protocol = load_protocol(&args.protocol)?;
    let text = read_text("--history", &args.history)?;
    let history: History = parse_json(&text)?;
    let as_of = match &args.as_of {
        Some(text) => parse_date("--as-of", text)?,
        None => history.latest_date(),
    };
    let decision: Decision =
        protocol::decide(&protocol, &history, as_of).map_err(|error| match error {
            DecideError::AsOfBeforeStart { as_of, start } => CliError::input(format!(
                "--as-of: {as_of} is before the history's start_date {start}"
            )),
            other => CliError::input(other.to_string()),
        })?;
    print_json(&Tagged {
        protocol: protocol.id(),
        body: decision,
    })
}

pub fn schedule(args: ScheduleArgs) -> CmdResult {
    let protocol = load_protocol(&args.protocol)?;
    let start = parse_date("--start", &args.start)?;
    let mut calendar: Calendar = protocol::schedule::calendar(protocol.schedule(), start);
    if args.reproductive_potential {
        let options = PregnancyOptions {
            policy: args.pregnancy_policy,
            irregular_menses: args.irregular_menses,
        };
        let tests = protocol::schedule::pregnancy_calendar(protocol.schedule(), start, &options)
            .map_err(|error| match error {
                ScheduleError::UnknownPolicy { wanted, allowed } => CliError::input(format!(
                    "--pregnancy-policy: {}",
                    Unknown::among("pregnancy-testing policy", &wanted, allowed.split(", "))
                )),
                ScheduleError::NoPolicy => CliError::input(
                    "--reproductive-potential: this protocol defines no pregnancy-testing policy",
                ),
            })?;
        calendar.pregnancy_tests = Some(tests);
    }
    print_json(&Tagged {
        protocol: protocol.id(),
        body: calendar,
    })
}
