//! The protocol file as data: the shapes read from TOML (see `FORMAT.md`, field by field).
//!
//! These types are only ever handed out inside a [`crate::Protocol`], which exists only after
//! [`crate::Protocol::from_toml`] has checked every cross-reference and range, so code that
//! receives them may rely on those checks (ladder ends "off", ids resolve, thresholds in range).

use std::collections::BTreeMap;

use instruments::ctcae::LabTest;
use instruments::medication::{Amount, DoseUnit, Drug, Frequency, Regimen};
use instruments::sledai::FlareRule;
use serde::{Deserialize, Serialize};
use words::{Language, Words};

/// `[study]`: who runs what, and what the sources say about it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    pub id: String,
    pub title: String,
    pub design: Design,
    /// The study drug, from the drug vocabulary (`instruments::medication::Drug`): dose periods
    /// record this drug; every other drug is a concomitant medication.
    #[serde(default)]
    pub drug: Option<Drug>,
    #[serde(default)]
    pub sources: Vec<String>,
    /// Facts on which the sources disagree, recorded side by side and never resolved here.
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// A prospective trial with a treatment algorithm (NCT01408199).
    Interventional,
    /// A prospective cohort treated per a fixed regimen (the thalidomide cohort).
    Observational,
    /// Data collected after the fact from charts; no algorithm to drive (the paediatric review).
    Retrospective,
}

/// One fact on which sources disagree: `values` maps each source to what it says.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Discrepancy {
    pub item: String,
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `[[dose_levels]]`: one dose level a patient can be on. "Off" is the level with `mg = 0`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DoseLevel {
    pub id: String,
    pub text: String,
    /// Milligrams per administration (Table 2 reports the maximum dose in these); 0 for off.
    pub mg: f64,
    /// How often, as a CDISC frequency term (`QD`, `QOD`, `3 TIMES PER WEEK`, ...); absent for
    /// off. The loader checks it is there exactly when `mg` is more than 0, and has a count.
    #[serde(default)]
    pub frequency: Option<Frequency>,
}

impl DoseLevel {
    pub fn mg_per_week(&self) -> f64 {
        self.mg * self.frequency.and_then(Frequency::per_week).unwrap_or(0.0)
    }

    pub fn is_off(&self) -> bool {
        self.mg_per_week() == 0.0
    }

    /// The level as `words`' reader says it. The protocol is written in English, so in English
    /// it is the protocol's text ("lenalidomide 5 mg once daily"); in another language it is said
    /// from its amount and frequency ("lenalidomide 5 mg en días alternos"), the drug's name kept
    /// as it is.
    pub fn said(&self, drug: Option<Drug>, words: &Words) -> String {
        if words.language() == Language::English {
            return self.text.clone();
        }
        let drug = drug.map_or("", Drug::name).to_owned();
        match self.frequency.filter(|_| !self.is_off()) {
            Some(frequency) => {
                let how_often = words.get(&format!("frequency-{}", frequency.nci_code()));
                // The protocol's amounts are whole or decimal milligrams; the decimal mark is
                // the language's.
                let mg = self.mg.to_string().replace('.', &words.get("decimal-mark"));
                words.format(
                    "dose-level",
                    &[
                        ("drug", drug.into()),
                        ("mg", mg.into()),
                        ("frequency", how_often.into()),
                    ],
                )
            }
            None => words.format("dose-level-off", &[("drug", drug.into())]),
        }
    }

    /// The regimen of this level: the amount per administration in mg and the frequency;
    /// `None` for off.
    pub fn amount_and_frequency(&self) -> Option<(Amount, Frequency)> {
        Some((Amount::from_mg(self.mg)?, self.frequency?))
    }

    /// This level of `drug` as prescribed, in mg; `None` for off.
    pub fn regimen(&self, drug: Drug) -> Option<Regimen> {
        let (amount, frequency) = self.amount_and_frequency()?;
        Some(Regimen {
            drug,
            amount,
            unit: DoseUnit::Milligram,
            frequency,
        })
    }
}

/// `[[labs]]`: one laboratory test the study records, as a clinician names it, with the units
/// a result of it may be reported in. A lab whose id is a CTCAE-graded test's
/// ([`LabTest::id`]: `neutrophils`, `leukocytes`, `platelets`, `lymphocytes`, `hemoglobin`)
/// is graded by CTCAE v5.0; any other is recorded, not graded.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LabSpec {
    /// The canonical id (`a-z 0-9 _`), which a stored result keeps: `neutrophils`, `esr`.
    pub id: String,
    /// As a clinician says it: "Neutrophils (absolute count)".
    pub text: String,
    /// The unit symbols a result may be reported in, as the protocol writes them
    /// (`/mm3`, `10^9/L`, `mm/h`); in [`crate::Protocol::labs`], a graded lab's are written as
    /// CTCAE's symbols (`/UL` as `/uL`).
    pub units: Vec<String>,
}

impl LabSpec {
    /// The list a protocol without `[[labs]]` has: the five CTCAE-graded haematology tests,
    /// each with every unit CTCAE grades it in.
    pub fn ctcae_default() -> Vec<LabSpec> {
        LabTest::ALL
            .into_iter()
            .map(|test| LabSpec {
                id: test.id().to_owned(),
                text: default_text(test).to_owned(),
                units: test
                    .units()
                    .iter()
                    .map(|unit| unit.symbol().to_owned())
                    .collect(),
            })
            .collect()
    }

    /// The CTCAE v5.0 test this lab is graded as, when its id is one.
    pub fn graded(&self) -> Option<LabTest> {
        LabTest::ALL.into_iter().find(|test| test.id() == self.id)
    }

    /// The unit as this lab lists it, for a symbol typed in any ASCII case with spaces around
    /// (`" MM/H "` gives `mm/h`). A unit is a symbol, not a vocabulary entry: its punctuation is
    /// kept, so `mm3` is not `/mm3`. Anything else is refused naming the units allowed.
    pub fn unit(&self, text: &str) -> Result<&str, UnitNotListed> {
        let symbol = text.trim();
        self.units
            .iter()
            .find(|unit| unit.eq_ignore_ascii_case(symbol))
            .map(String::as_str)
            .ok_or_else(|| UnitNotListed {
                lab: self.id.clone(),
                unit: text.to_owned(),
                allowed: self.units.clone(),
            })
    }
}

/// The printed name of a CTCAE-graded test in the default lab list.
fn default_text(test: LabTest) -> &'static str {
    match test {
        LabTest::Neutrophils => "Neutrophils (absolute count)",
        LabTest::Leukocytes => "Leukocytes (white blood cell count)",
        LabTest::Platelets => "Platelets (count)",
        LabTest::Lymphocytes => "Lymphocytes (absolute count)",
        LabTest::Hemoglobin => "Hemoglobin",
    }
}

/// A unit that the lab's `units` do not list: "unit 'mg/L' is not listed for esr; allowed: mm/h".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unit '{}' is not listed for {lab}; allowed: {}", .unit.trim(), .allowed.join(", "))]
pub struct UnitNotListed {
    /// The lab's id.
    pub lab: String,
    /// The unit as typed.
    pub unit: String,
    /// The lab's units, as the protocol lists them.
    pub allowed: Vec<String>,
}

/// `[[eligibility.inclusion]]` and `[[eligibility.exclusion]]`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityRules {
    #[serde(default)]
    pub inclusion: Vec<CriterionSpec>,
    #[serde(default)]
    pub exclusion: Vec<CriterionSpec>,
}

/// One criterion: an id, a sentence, and one condition given either inline (`field`, `op`,
/// `value`, `unit`) or as `all = [...]` / `any = [...]` of conditions.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionSpec {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub op: Option<String>,
    #[serde(default)]
    pub value: Option<ThresholdSpec>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub all: Option<Vec<ConditionSpec>>,
    #[serde(default)]
    pub any: Option<Vec<ConditionSpec>>,
}

impl CriterionSpec {
    /// The criterion's condition, as if it were written nested.
    pub fn condition(&self) -> ConditionSpec {
        ConditionSpec {
            field: self.field.clone(),
            op: self.op.clone(),
            value: self.value,
            unit: self.unit.clone(),
            all: self.all.clone(),
            any: self.any.clone(),
        }
    }
}

/// A condition as written; [`crate::eligibility`] gives its meaning. Exactly one of
/// `field` (with `op` and `value`), `all` or `any` must be present: the loader checks it.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionSpec {
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub op: Option<String>,
    #[serde(default)]
    pub value: Option<ThresholdSpec>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub all: Option<Vec<ConditionSpec>>,
    #[serde(default)]
    pub any: Option<Vec<ConditionSpec>>,
}

/// A threshold: a number (with its unit) or a yes/no answer.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ThresholdSpec {
    Bool(bool),
    Number(f64),
}

/// `[treatment]`: the algorithm that drives doses. Absent for a retrospective review.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Treatment {
    /// Dose level of the first cycle.
    pub start_level: String,
    /// Dose level when there is no improvement at the first assessment; none = no escalation.
    #[serde(default)]
    pub escalation_level: Option<String>,
    /// Dose level of a new cycle after a relapse.
    pub reintroduce_level: String,
    /// Week of each cycle at which the first response assessment drives the dose (paper: 4).
    pub assessment_week: u32,
    /// How many days before its due date an assessment still counts for escalation, taper and
    /// the partial-response deadline. An assessment may always be late. Default 0: the paper
    /// starts at 5 mg/day "for 4 weeks" and tapers "monthly", so not early.
    #[serde(default)]
    pub window_days: u32,
    /// What to do when a cycle reaches `response.partial_by_week` without a partial response.
    pub no_response_at_deadline: NoResponsePolicy,
    pub response: ResponseRules,
    pub taper: Taper,
    pub maintenance: Maintenance,
    pub flare: FlareSettings,
    pub toxicity: ToxicitySettings,
    #[serde(default)]
    pub stops: Vec<StopSpec>,
    /// Event types that are protocol deviations (e.g. a change of concomitant medication).
    #[serde(default)]
    pub deviation_events: Vec<String>,
    /// The choices the sources leave open, each with the reason it was made, keyed by the
    /// setting it explains (see [`Choice`]); a decision that applies one quotes its reason.
    #[serde(default)]
    pub choices: BTreeMap<String, String>,
}

/// A setting of `[treatment]` that the sources leave open, whose reason `[treatment.choices]`
/// may state (under [`Choice::key`]) and a decision that applies it quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    WindowDays,
    FlareReference,
    FlareRule,
    Improvement,
    NoResponseAtDeadline,
    MaintenancePolicy,
    ReintroduceLevel,
}

impl Choice {
    pub const ALL: [Choice; 7] = [
        Choice::WindowDays,
        Choice::FlareReference,
        Choice::FlareRule,
        Choice::Improvement,
        Choice::NoResponseAtDeadline,
        Choice::MaintenancePolicy,
        Choice::ReintroduceLevel,
    ];

    /// The key in `[treatment.choices]`: the setting's path under `[treatment]`.
    pub fn key(self) -> &'static str {
        match self {
            Choice::WindowDays => "window_days",
            Choice::FlareReference => "flare.reference",
            Choice::FlareRule => "flare.rule",
            Choice::Improvement => "response.improvement",
            Choice::NoResponseAtDeadline => "no_response_at_deadline",
            Choice::MaintenancePolicy => "maintenance.policy",
            Choice::ReintroduceLevel => "reintroduce_level",
        }
    }
}

impl Treatment {
    /// The reason the protocol gives for a choice, if it gives one.
    pub fn reason(&self, choice: Choice) -> Option<&str> {
        self.choices.get(choice.key()).map(String::as_str)
    }
}

/// The paper says nothing about a cycle that reaches week 12 without a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoResponsePolicy {
    /// Keep the dose, say the protocol is silent, and ask the physician (default).
    DeferToPhysician,
    /// Stop the drug.
    Stop,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseRules {
    /// Complete response: CLASI activity at or below this (paper: 0).
    pub complete_max_activity: u8,
    /// Partial response: at least this % decrease of CLASI activity from the cycle baseline (paper: 50).
    pub partial_min_improvement_percent: f64,
    /// Partial response is judged by this week of the cycle (paper: 12).
    pub partial_by_week: u32,
    /// What counts as "clinical improvement" at the first assessment.
    pub improvement: Improvement,
    /// Relapse: CLASI activity at or above this after a complete response (paper: 4).
    pub relapse_min_activity: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Improvement {
    /// Any decrease of CLASI activity from baseline (the paper: "no response = no improvement
    /// or worsening", so anything better than baseline is improvement). Default.
    AnyDecrease,
    /// A decrease of at least 4 points or at least 20% (Klein 2011 ROC, INSTRUMENTS.md §1.6).
    #[serde(rename = "klein_4_points_or_20_percent")]
    Klein4PointsOr20Percent,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Taper {
    /// Dose levels from the highest to "off"; a taper steps one level down at a time.
    pub ladder: Vec<String>,
    /// Days between taper steps (paper: "monthly").
    pub interval_days: u32,
    /// Hold the current step (instead of stepping down) when CLASI activity is above the CR
    /// threshold but below the relapse threshold. Paper: taper "if complete response", so true.
    pub hold_without_complete_response: bool,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    pub policy: MaintenancePolicy,
    /// The policy applies to relapses during taper in this cycle or later (paper: 2).
    pub from_cycle: u32,
}

/// What follows a relapse during taper in a later cycle. The paper only says 3 of 14 patients
/// "required a long-term maintenance dose", the lowest that held remission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenancePolicy {
    /// Go straight to the level above the relapse level and hold it. Default: it matches the
    /// paper's "two cycles of treatment" for the patients with two relapses.
    HoldImmediately,
    /// Reintroduce the full dose as a new cycle, then taper only down to the level above the
    /// one at which the relapse happened, and hold it.
    ReinduceThenHold,
    /// No maintenance: every relapse starts a new cycle that tapers to off.
    None,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FlareSettings {
    pub rule: FlareRule,
    pub reference: SledaiReference,
}

/// Against which SLEDAI-2K score a change is measured; the paper does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SledaiReference {
    /// The score before it (visit to visit, as SELENA does). Default.
    Previous,
    /// The baseline score (the latest on or before the start date).
    Baseline,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToxicitySettings {
    /// Flag toxicity from this CTCAE grade (paper: grade 2 neutropenia was reported).
    pub flag_min_grade: u8,
    /// Adverse events dated within this many days before the decision are considered.
    pub lookback_days: u32,
    /// Lab tests graded for the flag (their latest value counts).
    pub labs: Vec<String>,
}

/// `[[treatment.stops]]`: one reason to stop. Exactly one trigger key must be present.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StopSpec {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default)]
    pub lab_grade: Option<LabGradeSpec>,
    #[serde(default)]
    pub flare: Option<String>,
    #[serde(default)]
    pub adverse_event: Option<AdverseEventSpec>,
    /// A nerve conduction study's finding, e.g. `sensory_polyneuropathy`.
    #[serde(default)]
    pub nerve_conduction: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LabGradeSpec {
    pub tests: Vec<String>,
    pub min_grade: u8,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdverseEventSpec {
    /// Any term when absent.
    #[serde(default)]
    pub term: Option<String>,
    pub min_grade: u8,
}

/// `[schedule]`: the calendars, each a chain of segments after the start date.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSpec {
    /// An open-ended last segment repeats until this many months after the start.
    pub horizon_months: u32,
    pub visits: Vec<Segment>,
    #[serde(default)]
    pub labs: Vec<Segment>,
    #[serde(default)]
    pub pregnancy_tests: Vec<PregnancyPolicy>,
    /// Other monitoring calendars (e.g. nerve conduction studies on thalidomide).
    #[serde(default)]
    pub monitoring: Vec<Monitoring>,
}

/// `[[schedule.monitoring]]`: a named calendar of its own.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    pub id: String,
    pub text: String,
    pub segments: Vec<Segment>,
}

/// `times` events `every` `unit`s apart, counted from the last date of the previous segment
/// (or the start). Without `times` the segment repeats until the horizon (last segment only).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    pub every: u32,
    pub unit: TimeUnit,
    #[serde(default)]
    pub times: Option<u32>,
    /// An event counts if done within this many days either side of its date.
    pub window_days: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Days,
    Weeks,
    Months,
}

/// A pregnancy-testing policy for women of reproductive potential (INSTRUMENTS.md §5.2).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PregnancyPolicy {
    pub id: String,
    pub text: String,
    /// Tests before the start, each within a range of days before it.
    #[serde(default)]
    pub before_start: Vec<BeforeStart>,
    /// During therapy with regular menses.
    pub regular: Vec<Segment>,
    /// During therapy with irregular menses; `regular` applies when absent.
    #[serde(default)]
    pub irregular: Vec<Segment>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BeforeStart {
    pub earliest_days: u32,
    pub latest_days: u32,
}

/// The whole file as written.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolFile {
    pub format: u32,
    pub study: Study,
    #[serde(default)]
    pub dose_levels: Vec<DoseLevel>,
    #[serde(default)]
    pub eligibility: EligibilityRules,
    #[serde(default)]
    pub treatment: Option<Treatment>,
    /// `[[labs]]`; absent: [`LabSpec::ctcae_default`].
    #[serde(default)]
    pub labs: Option<Vec<LabSpec>>,
    pub schedule: ScheduleSpec,
    /// `[analysis]`: what the study report computes; absent, the report has the population
    /// flow, the baseline and the adverse events only.
    #[serde(default)]
    pub analysis: Option<AnalysisSpec>,
    /// `[randomisation]`: the arms and how subjects are allocated to them; absent, a single-arm
    /// or observational study.
    #[serde(default)]
    pub randomisation: Option<RandomisationSpec>,
    /// `[outcomes]`: the outcome instruments the study collects at its visits (checked into
    /// [`crate::outcomes::Outcomes`]); absent, none.
    #[serde(default)]
    pub outcomes: Option<OutcomesSpec>,
}

/// `[outcomes]` as written: a table per instrument collected, with the scoring settings the
/// sources leave to the study (docs/OUTCOMES.md); a setting left out takes its documented
/// default, except the scales no source fixes (CLA-IGA-R grades, PGA-skin), which a study
/// collecting them must give.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomesSpec {
    /// The least baseline CLASI-A of the CLASI-50/70 responder population (default 10).
    pub clasi_min_baseline: Option<u8>,
    pub dlqi: Option<DlqiSpec>,
    pub skindex: Option<SkindexSpec>,
    pub worst_itch_nrs: Option<NrsSpec>,
    pub worst_pain_nrs: Option<NrsSpec>,
    pub cla_iga_r: Option<ClaIgaRSpec>,
    pub pga_skin: Option<PgaSpec>,
}

/// `[outcomes.dlqi]`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DlqiSpec {
    /// How many unanswered questions are scored 0 (default 1).
    pub unanswered_scored_zero: Option<u8>,
    /// Question 7 "no" with its follow-up blank: `scores_zero` (default) or `unanswered`.
    pub work_no_without_degree: Option<instruments::dlqi::NoWithoutDegree>,
}

/// `[outcomes.skindex]`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SkindexSpec {
    /// Whether the +3 lupus items are administered (default true: Skindex-29+3).
    pub lupus_items: Option<bool>,
    /// The share of a domain's items that may be blank, percent (default 25).
    pub max_missing_percent: Option<u8>,
    /// `[outcomes.skindex.domains]`: the licensed manual's question numbers per domain
    /// (default: the recalled assignment, `DomainMap::as_recalled`).
    pub domains: Option<SkindexDomainsSpec>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SkindexDomainsSpec {
    pub symptoms: Vec<u8>,
    pub emotions: Vec<u8>,
    pub functioning: Vec<u8>,
}

/// `[outcomes.worst_itch_nrs]`, `[outcomes.worst_pain_nrs]`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NrsSpec {
    /// The responder's least fall in points (default 4).
    pub responder_fall: Option<u8>,
    /// The least baseline of the responder population (default: none).
    pub responder_min_baseline: Option<u8>,
}

/// `[outcomes.cla_iga_r]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClaIgaRSpec {
    /// Each item's highest grade (grades run from 0): no default, no source fixes them.
    pub erythema_max: u8,
    pub other_morphology_max: u8,
    pub follicular_activity_max: u8,
    /// The highest erythema grade that responds (default 1).
    pub responder_max_erythema: Option<u8>,
    /// The least fall in erythema grades the responder also needs (default: none).
    pub responder_min_improvement: Option<u8>,
}

/// `[outcomes.pga_skin]`: the scale, in tenths of a point; no default.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PgaSpec {
    pub max_tenths: u16,
    pub step_tenths: u16,
}

/// `[randomisation]` as written (checked into [`crate::allocation::Design`]).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RandomisationSpec {
    pub method: AllocationMethod,
    /// Permuted blocks: the block sizes as multiples of the ratio's sum.
    pub block_multiples: Option<Vec<u32>>,
    /// Minimisation: the chance, in percent, of the arm that least increases the imbalance.
    pub percent_best: Option<u8>,
    /// `[[randomisation.arms]]`.
    pub arms: Vec<crate::allocation::Arm>,
    /// `[[randomisation.factors]]`: stratification (blocks) or minimisation factors.
    #[serde(default)]
    pub factors: Vec<crate::allocation::Factor>,
    /// `[randomisation.extension]`: an open-label extension after the blinded period.
    pub extension: Option<ExtensionSpec>,
}

/// How an arm enters the extension (`randomisation.extension.entry.<ARM>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    /// The course goes on as it was: same cycle, same baseline (the active arm).
    Continue,
    /// A new cycle starts on the extension's first day at the algorithm's start level. Its
    /// baseline is the latest CLASI activity on or before that day (the placebo arm).
    Restart,
}

/// `[randomisation.extension]` as written.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionSpec {
    /// The extension's first day, counted from the start date (day 0), as the schedule counts.
    pub from_day: u32,
    /// Each arm's entry, by arm code: `continue` or `restart`.
    pub entry: std::collections::BTreeMap<String, Entry>,
}

/// `randomisation.method`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationMethod {
    PermutedBlocks,
    Minimisation,
}

/// `[analysis]`: the study's analyses as its paper or statistical analysis plan states them
/// (checked and resolved into [`crate::analysis::Analysis`]).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisSpec {
    /// Confidence level of every interval (default 0.95).
    pub level: Option<f64>,
    /// `[analysis.baseline]`: the baseline characteristics table.
    pub baseline: Option<BaselineSpec>,
    /// `[[analysis.visits]]`: analysis visits (study day with a window) that results by visit
    /// and before/after comparisons use.
    #[serde(default)]
    pub visits: Vec<AnalysisVisitSpec>,
    /// `[[analysis.displays]]`: the report's tables and figures, in report order.
    #[serde(default)]
    pub displays: Vec<DisplaySpec>,
    /// `[[analysis.results]]`: each endpoint with its statistic and the display showing it.
    #[serde(default)]
    pub results: Vec<ResultSpec>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineSpec {
    pub title: String,
    /// `sex`, `subtype`, `age`, `clasi_activity`, `clasi_damage`.
    pub items: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisVisitSpec {
    pub id: String,
    pub text: String,
    /// Exactly one of `day`, `week`, `month` (a month is 365.25 / 12 days, rounded).
    pub day: Option<u32>,
    pub week: Option<u32>,
    pub month: Option<u32>,
    /// A value this many days either side of the target counts for the visit.
    pub window_days: u32,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DisplaySpec {
    pub id: String,
    pub title: String,
    /// `results` (default: the results that name it), `flow`, `baseline`, `subject_listing`,
    /// `adverse_event_listing`, `safety`, `swimmer`.
    pub kind: Option<String>,
    /// A paragraph under the heading.
    pub text: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResultSpec {
    pub id: String,
    pub text: String,
    /// What is derived per subject (see FORMAT.md, `[[analysis.results]]`).
    pub measure: String,
    /// How it is summarised.
    pub statistic: String,
    /// `enrolled` (default), `treated` or `evaluable`.
    pub population: Option<String>,
    /// The display that shows it.
    pub display: String,
    /// `adverse_event`: CTCAE terms, any when absent.
    pub terms: Option<Vec<String>>,
    /// `adverse_event`, `time_to_adverse_event`: the lowest CTCAE grade counted (default 1).
    pub min_grade: Option<u8>,
    /// `nerve_conduction`: the finding (`sensory_polyneuropathy`).
    pub finding: Option<String>,
    /// `lab`: the lab test's id from `[[labs]]`.
    pub lab: Option<String>,
    /// `concomitant_dose`: the drug.
    pub drug: Option<String>,
    /// `odds_ratio`, `kaplan_meier`, `describe`: subjects of these CLE subtype groups against
    /// the others (`scle`, `dle`, `lupus_profundus`, `acle`, `let`, `other`).
    pub by_subtype: Option<Vec<String>>,
    /// `paired`: the analysis visits compared.
    pub from: Option<String>,
    pub to: Option<String>,
    /// `paired`, `by_visit`: `wilcoxon` or `paired_t`.
    pub test: Option<String>,
}
