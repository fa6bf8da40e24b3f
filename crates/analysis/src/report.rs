//! The study report as data: every number of every table and figure, each statistic with the method
//! that produced it and the input rows it was computed from. What is computed is the protocol's
//! `[analysis]` (`protocol::analysis::Analysis`): the population flow, the baseline table, each
//! declared result, the listings, the swimmer plot and the safety tables its displays name.
//! Rendering (HTML, Markdown, CSV, SVG) reads this and computes nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use protocol::analysis::{
    Analysis, BaselineItem, Measure, PairedTest, Population, ResultDecl, Statistic,
};
use protocol::outcomes::Outcomes;
use serde::Serialize;
use stats::describe::summarize;
use stats::logistic::{Predictor, logistic};
use stats::proportion::{ProportionMethod, proportion_ci};
use stats::survival::{KmCi, MedianRule, Observation, kaplan_meier, log_rank};
use stats::table2x2::{Table2x2, fisher};
use stats::ttest::{TTestKind, t_test};
use stats::wilcoxon::signed_rank;
use stats::{Level, Method};

use crate::derive::{
    BestResponse, Datasets, Definitions, SubjectRow, ae_rows, category, series, subject_row,
    time_to, yes_no,
};
use crate::snapshot::{LabGrade, Sex, Snapshot, Source, SubjectSnapshot, SubtypeGroup};
use crate::tally::Tally;
use responders::{ResponderTally, Responders};

pub mod agreement;
pub mod responders;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Settings {
    /// Spacing of the numbers-at-risk table under each Kaplan-Meier curve, in weeks; `None` picks
    /// round numbers giving about six columns.
    pub at_risk_every_weeks: Option<f64>,
    /// Subjects listed in the per-subject listings, the first ones in study order; every
    /// statistic counts every subject, and every input file holds every subject's rows.
    pub listed_subjects: usize,
    /// Lanes of the swimmer plot (the first subjects): more than a few dozen cannot be read.
    pub swimmer_lanes: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            at_risk_every_weeks: None,
            listed_subjects: 200,
            swimmer_lanes: 60,
        }
    }
}

/// A count out of a denominator.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Count {
    pub n: usize,
    pub of: usize,
    /// 100 n / of; `None` when the denominator is 0.
    pub percent: Option<f64>,
}

impl Count {
    pub fn new(n: usize, of: usize) -> Count {
        Count {
            n,
            of,
            percent: (of > 0).then(|| 100.0 * n as f64 / of as f64),
        }
    }
}

/// A continuous variable described.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Described {
    pub n: usize,
    pub mean: f64,
    pub sd: Option<f64>,
    pub sem: Option<f64>,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub method: &'static str,
}

pub(crate) fn describe(values: &[f64]) -> Option<Described> {
    summarize(values).ok().map(|s| Described {
        n: s.n,
        mean: s.mean,
        sd: s.sd,
        sem: s.sem,
        median: s.median,
        min: s.min,
        max: s.max,
        method: method_name(s.method),
    })
}

/// The report's words for a method (each statistic prints it).
pub fn method_name(method: Method) -> &'static str {
    match method {
        Method::Descriptive => "mean, SD (n - 1), SEM, median and range",
        Method::ClopperPearson => "Clopper-Pearson exact interval",
        Method::Wilson => "Wilson score interval",
        Method::PairedT => "paired t test, two-sided",
        Method::Exact => "Wilcoxon signed-rank test, exact distribution, two-sided",
        Method::NormalApprox { ties: true, .. } => {
            "Wilcoxon signed-rank test, normal approximation with continuity and tie corrections, two-sided"
        }
        Method::NormalApprox { ties: false, .. } => {
            "Wilcoxon signed-rank test, normal approximation with continuity correction, two-sided"
        }
        Method::KaplanMeier => {
            "Kaplan-Meier, Greenwood variance, log-transformed interval, median as R print(survfit)"
        }
        Method::LogRank => "log-rank test (R survdiff, rho = 0)",
        Method::LogisticIrls => "logistic regression (maximum likelihood), Wald interval and test",
        Method::IccAgreement => {
            "ICC(2,1): two-way random effects, absolute agreement, single rater (Shrout & Fleiss 1979; McGraw & Wong 1996), F interval"
        }
        other => other.name(),
    }
}

/// A proportion with its interval.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Rate {
    pub n: usize,
    pub of: usize,
    pub percent: f64,
    pub ci_low_percent: f64,
    pub ci_high_percent: f64,
    pub method: &'static str,
}

/// The Clopper-Pearson exact interval (R's `binom.test`); above the size at which `stats`
/// computes it (49,999) the Wilson score interval, which `method` then names.
pub(crate) fn rate(n: usize, of: usize, level: Level) -> Option<Rate> {
    let ci = proportion_ci(n as u64, of as u64, ProportionMethod::ClopperPearson, level)
        .or_else(|_| proportion_ci(n as u64, of as u64, ProportionMethod::Wilson, level))
        .ok()?;
    Some(Rate {
        n,
        of,
        percent: 100.0 * ci.estimate,
        ci_low_percent: 100.0 * ci.low,
        ci_high_percent: 100.0 * ci.high,
        method: method_name(ci.method),
    })
}

/// Who was screened, enrolled, treated, and how participation ended.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Flow {
    pub screened: usize,
    /// Screened and never enrolled (screen failures, charts that did not qualify): in no analysis.
    pub not_enrolled: usize,
    pub enrolled: usize,
    /// Enrolled with a dose of the study drug recorded.
    pub treated: usize,
    pub completed: usize,
    /// Participation ended early, by reason in words.
    pub withdrawn: Vec<(String, usize)>,
    /// Enrolled with no end of participation recorded.
    pub ongoing: usize,
}

/// The baseline characteristics the protocol lists.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Baseline {
    pub title: String,
    pub items: Vec<BaselineItem>,
    /// Every enrolled subject's baseline values (`tables/input_baseline.csv`).
    pub input: &'static str,
    pub enrolled: usize,
    pub female: Count,
    pub sex_unknown: usize,
    pub age_years: Option<Described>,
    pub age_unknown: usize,
    pub subtypes: Vec<(SubtypeGroup, Count)>,
    pub subtype_unknown: usize,
    pub clasi_activity: Option<Described>,
    pub clasi_damage: Option<Described>,
    /// Subjects without a baseline value (not done, not applicable or unknown).
    pub clasi_activity_missing: usize,
    pub clasi_damage_missing: usize,
}

/// One declared result, computed.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ResultOut {
    pub id: String,
    pub text: String,
    pub display: String,
    pub population: Population,
    pub population_words: &'static str,
    /// The CSV of its input rows, relative to the report folder.
    pub input: String,
    /// Who was left out and why; empty when no one was.
    pub note: String,
    #[serde(flatten)]
    pub computed: Computed,
}

/// A statistic's value; `statistic` names it in `results.json`.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "statistic", content = "value", rename_all = "snake_case")]
pub enum Computed {
    /// `None` when no subject is counted.
    Proportion(Option<Rate>),
    Counts(Counts),
    OddsRatio(OddsRatio),
    KaplanMeier(Survival),
    Describe(DescribedGroups),
    Paired(Paired),
    ByVisit(ByVisit),
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Counts {
    pub of: usize,
    pub categories: Vec<CategoryCount>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CategoryCount {
    pub category: String,
    pub n: usize,
    pub percent: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct OddsRatio {
    /// The subtype groups compared with every other subject of known subtype ("SCLE").
    pub group: String,
    /// Rows: in the group, the others; columns: outcome yes, no.
    pub cells: [[u64; 2]; 2],
    pub fisher: Option<FisherOut>,
    pub logistic: Option<LogisticOut>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FisherOut {
    /// Conditional maximum-likelihood estimate; infinite (written null) at the edge.
    #[schemars(with = "Option<f64>")]
    pub odds_ratio: f64,
    // Infinite (written null) at the edge, as the estimate.
    #[schemars(with = "Option<f64>")]
    pub ci_low: f64,
    #[schemars(with = "Option<f64>")]
    pub ci_high: f64,
    pub p_value: f64,
    pub method: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LogisticOut {
    // Under separation these run off to infinity (written null).
    #[schemars(with = "Option<f64>")]
    pub odds_ratio: f64,
    #[schemars(with = "Option<f64>")]
    pub ci_low: f64,
    #[schemars(with = "Option<f64>")]
    pub ci_high: f64,
    pub p_value: f64,
    /// The data are (nearly) separated: the estimate runs off to infinity and means nothing.
    pub separation: bool,
    pub method: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Survival {
    pub curves: Vec<Curve>,
    pub log_rank: Option<LogRankOut>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LogRankOut {
    pub chi_square: f64,
    pub df: usize,
    pub p_value: f64,
    pub method: &'static str,
}

/// A Kaplan-Meier curve with its risk table, or why it was not estimated.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Curve {
    /// `all`, or the group's label.
    pub group: String,
    pub n: usize,
    pub events: usize,
    /// Empty when not estimated (the note says why).
    pub steps: Vec<CurveStep>,
    pub median_weeks: Option<f64>,
    pub median_ci_low_weeks: Option<f64>,
    pub median_ci_high_weeks: Option<f64>,
    pub at_risk: Vec<(f64, usize)>,
    pub estimated: bool,
    pub note: String,
    pub method: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CurveStep {
    pub weeks: f64,
    pub n_risk: usize,
    pub n_event: usize,
    pub n_censor: usize,
    pub survival: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DescribedGroups {
    pub rows: Vec<DescribedRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DescribedRow {
    /// `all`, or a subtype group's label.
    pub group: String,
    #[serde(flatten)]
    pub described: Described,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Paired {
    /// Analysis visit ids and words.
    pub from: String,
    pub to: String,
    pub from_text: String,
    pub to_text: String,
    /// Subjects with a value at both visits.
    pub pairs: usize,
    pub before: Option<Described>,
    pub after: Option<Described>,
    pub test: Option<Comparison>,
    /// Why there is no test, in words; `None` when there is one.
    pub untested: Option<String>,
}

/// A later value against an earlier one in subjects with both, from the differences.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    pub pairs: usize,
    pub mean_change: f64,
    pub statistic: f64,
    pub p_value: f64,
    pub method: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ByVisit {
    pub points: Vec<VisitSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct VisitSummary {
    /// The analysis visit's id.
    pub visit: String,
    pub text: String,
    pub day: i64,
    pub described: Option<Described>,
    /// Against the first (baseline) visit; `None` at the baseline or when undefined.
    pub test: Option<Comparison>,
    /// Why a later visit has no test, in words.
    pub untested: Option<String>,
}

/// One patient's lane of the swimmer plot.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Lane {
    pub id: String,
    pub response: BestResponse,
    pub end_weeks: Option<f64>,
    /// (from week, to week, mg per day averaged over the week, the regimen in words).
    pub doses: Vec<(f64, f64, f64, String)>,
    pub cr_weeks: Option<f64>,
    pub relapse_weeks: Option<f64>,
    /// Relapsed, but the source does not say when.
    pub relapse_time_unknown: bool,
    /// (week, grade) of each dated adverse event.
    pub adverse_events: Vec<(f64, Option<u8>)>,
    pub withdrawal_weeks: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TermRow {
    pub term: String,
    pub patients: usize,
    /// Patients by their highest grade of this term: grades 1 to 5.
    pub highest_grade: [usize; 5],
    /// Patients whose every report of this term has no grade.
    pub grade_unknown: usize,
    pub events: usize,
}

/// Worst post-baseline CTCAE grade against the baseline grade, for one laboratory test.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LabShift {
    pub test: String,
    /// (baseline grade, worst grade after baseline, patients); `None` = no graded value.
    pub cells: Vec<(Option<u8>, Option<u8>, usize)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Safety {
    /// Every adverse event of every enrolled subject (`tables/input_adverse_events.csv`).
    pub input: &'static str,
    pub patients_with_any: Count,
    pub by_term: Vec<TermRow>,
    pub serious_patients: Count,
    pub serious_events: usize,
    /// Events whose seriousness the source does not give.
    pub serious_unknown: usize,
    pub lab_shifts: Vec<LabShift>,
}

/// How much of the study the per-patient listings and the swimmer plot show.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Listing {
    pub subjects: usize,
    pub listed: usize,
    pub lanes: usize,
    /// Empty when everything is shown.
    pub note: String,
}

impl Listing {
    fn new(subjects: usize, listed: usize, lanes: usize) -> Listing {
        let mut parts = Vec::new();
        if listed < subjects {
            parts.push(format!(
                "the listings show the first {listed} of {subjects} subjects"
            ));
        }
        if lanes < subjects {
            parts.push(format!(
                "the swimmer plot shows the first {lanes} of {subjects} subjects"
            ));
        }
        let note = if parts.is_empty() {
            String::new()
        } else {
            format!(
                "{}; every statistic and input file counts all {subjects} subjects",
                parts.join("; ")
            )
        };
        Listing {
            subjects,
            listed,
            lanes,
            note,
        }
    }
}

/// A randomised study's allocation as a blinded report may show it: how many subjects were
/// randomised in each stratum, with the arms pooled, and every emergency unblinding (who was
/// unblinded, when and why, never the arm). ICH E9 section 2.3.2: the blind is kept in every
/// report made while the study runs.
///
/// With the allocation secret (the unblinded statistician's report) it also holds every result
/// computed within each arm, and each proportion compared between two arms.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Randomisation {
    /// (stratum, subjects randomised in it), in the protocol's stratum order.
    pub strata: Vec<(String, u64)>,
    pub unblindings: Vec<Unblinding>,
    /// The results within each arm, in the protocol's arm order; empty in a blinded report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_arm: Vec<ArmResults>,
    /// Each proportion compared between the two arms (Fisher's exact test); empty in a blinded
    /// report, and when the design has more than two arms (no pairwise comparison is chosen for
    /// the statistician).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comparisons: Vec<ArmComparison>,
}

/// The report's results computed over one arm's randomised subjects alone.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ArmResults {
    /// The arm's code (`PBO`) and label ("Placebo").
    pub code: String,
    pub label: String,
    /// The enrolled subjects of the arm.
    pub subjects: usize,
    pub results: Vec<ResultOut>,
}

/// A proportion compared between two arms: the 2x2 table (rows: the arms; columns: counted,
/// not counted) and Fisher's exact test.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ArmComparison {
    /// The result's id and text, as in `results`.
    pub result: String,
    pub text: String,
    /// The two arms' codes, in the table's row order.
    pub arms: [String; 2],
    pub cells: [[u64; 2]; 2],
    /// `None` when the table has an empty row or column (nothing to compare).
    pub fisher: Option<FisherOut>,
}

impl Randomisation {
    /// Adds the results within each arm and compares each proportion between the two arms (of a
    /// two-arm design) at the analysis's confidence level.
    pub fn with_arms(
        mut self,
        by_arm: Vec<ArmResults>,
        analysis: &protocol::analysis::Analysis,
    ) -> Result<Randomisation, ReportError> {
        let level = Level::new(analysis.level).map_err(|_| ReportError::Level)?;
        if let [first, second] = by_arm.as_slice() {
            self.comparisons = first
                .results
                .iter()
                .filter_map(|result| {
                    let other = second.results.iter().find(|other| other.id == result.id)?;
                    let (Computed::Proportion(Some(a)), Computed::Proportion(Some(b))) =
                        (&result.computed, &other.computed)
                    else {
                        return None;
                    };
                    let cells = [
                        [a.n as u64, (a.of - a.n) as u64],
                        [b.n as u64, (b.of - b.n) as u64],
                    ];
                    Some(ArmComparison {
                        result: result.id.clone(),
                        text: result.text.clone(),
                        arms: [first.code.clone(), second.code.clone()],
                        cells,
                        fisher: fisher_out(cells, level),
                    })
                })
                .collect();
        }
        self.by_arm = by_arm;
        Ok(self)
    }
}

/// One emergency unblinding.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Unblinding {
    /// The subject's pseudonymous study id.
    pub subject: String,
    /// The date (ISO 8601).
    pub on: String,
    pub reason: String,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The program and version that wrote the report, e.g. `cletrial 0.9.0 (abc1234
    /// 2026-12-06)`: set by the caller (this crate cannot know its build), empty until then.
    pub written_by: String,
    pub study: String,
    pub title: String,
    pub source: Source,
    pub analysis: Analysis,
    pub definitions: Option<Definitions>,
    pub settings: Settings,
    pub flow: Flow,
    pub baseline: Baseline,
    pub results: Vec<ResultOut>,
    pub datasets: Datasets,
    pub listing: Listing,
    pub swimmer: Vec<Lane>,
    pub safety: Safety,
    /// A randomised study's allocation, arms pooled (`None`: the study does not randomise, or
    /// the report was made from tables that do not say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub randomisation: Option<Randomisation>,
    /// CLASI-50/70 and the percent change of CLASI-A per analysis visit, for a study with
    /// `[outcomes]` (`None`: the study has none, as the 2012 studies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responders: Option<Responders>,
    /// Central and site CLASI scores of the photographed areas compared, for a record with
    /// photographs (`None`: none, or a report not made from the record).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<agreement::Agreement>,
}

/// Why a report cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("[analysis] level: must be strictly between 0 and 1")]
    Level,
    #[error("settings.at_risk_every_weeks: must be a positive number of weeks")]
    AtRiskSpacing,
    #[error("cannot write {path}: {error}")]
    Write { path: String, error: std::io::Error },
}

/// The input files of a report, each written as the subjects stream through: (path relative to
/// the report folder, its writer, handed back by [`Builder::finish`]).
pub type Inputs<W> = Vec<(String, W)>;

/// Builds the report of `snapshot`, its input files written through `open` (a path relative to
/// the report folder gives a writer).
pub fn build<W: Write>(
    snapshot: &Snapshot,
    analysis: &Analysis,
    definitions: Option<&Definitions>,
    settings: Settings,
    open: impl FnMut(&str) -> std::io::Result<W>,
) -> Result<(Report, Inputs<W>), ReportError> {
    let mut builder = Builder::new(
        &snapshot.study,
        &snapshot.title,
        snapshot.source,
        analysis,
        definitions,
        settings,
        open,
    )?;
    for subject in &snapshot.subjects {
        builder.add(subject)?;
    }
    builder.finish()
}

/// What a result keeps of every subject: counts, tallies of equal values, or one small tuple
/// per subject where the statistic needs each (Kaplan-Meier, event times). The input rows go to
/// the result's file as they come.
enum Kept {
    YesNo {
        yes: usize,
        n: usize,
    },
    Category(Vec<(String, usize)>),
    /// Rows: in the group, the others; columns: yes, no.
    Grouped([[u64; 2]; 2]),
    /// (in the group, weeks, event); the group is `None` without grouping. `label` names the
    /// group in the input rows ("SCLE"; "all" without grouping), made once.
    Times {
        times: Vec<(Option<bool>, f64, bool)>,
        label: String,
    },
    /// (subtype group, weeks) of subjects with the event.
    EventTimes(Vec<(Option<SubtypeGroup>, f64)>),
    Paired {
        before: Tally,
        after: Tally,
        changes: Tally,
    },
    /// Per analysis visit: the values, and the changes from baseline of subjects with both.
    ByVisit(Vec<(Tally, Tally)>),
}

/// What was left out of a result, by reason.
#[derive(Default)]
struct Left {
    reasons: BTreeMap<&'static str, usize>,
    /// Events whose time the source does not give (a curve is then not estimated).
    unknown_event_times: usize,
}

impl Left {
    fn add(&mut self, reason: &'static str) {
        *self.reasons.entry(reason).or_default() += 1;
    }

    fn note(&self) -> String {
        let parts: Vec<String> = self
            .reasons
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("Not counted: {}.", parts.join("; "))
        }
    }
}

/// A CSV file being written: its path, for errors.
pub(crate) struct Input<W: Write> {
    path: String,
    writer: csv::Writer<W>,
}

impl<W: Write> Input<W> {
    pub(crate) fn open(
        path: String,
        header: &[&str],
        open: &mut impl FnMut(&str) -> std::io::Result<W>,
    ) -> Result<Input<W>, ReportError> {
        let file = open(&path).map_err(|error| ReportError::Write {
            path: path.clone(),
            error,
        })?;
        let mut input = Input {
            path,
            writer: csv::Writer::from_writer(file),
        };
        input.row(header)?;
        Ok(input)
    }

    pub(crate) fn row<I: AsRef<[u8]>>(
        &mut self,
        cells: impl IntoIterator<Item = I>,
    ) -> Result<(), ReportError> {
        self.writer
            .write_record(cells)
            .map_err(|error| ReportError::Write {
                path: self.path.clone(),
                error: error.into(),
            })
    }

    pub(crate) fn finish(self) -> Result<(String, W), ReportError> {
        let path = self.path;
        match self.writer.into_inner() {
            Ok(writer) => Ok((path, writer)),
            Err(error) => Err(ReportError::Write {
                path,
                error: error.into_error(),
            }),
        }
    }
}

struct Accumulator<W: Write> {
    kept: Kept,
    left: Left,
    input: Input<W>,
}

/// A report built one subject at a time, so a study of any size streams through it: every
/// statistic counts every subject from running counts and tallies, every input row is written
/// as its subject comes; the listings and the swimmer plot keep the first subjects only
/// (`Settings::listed_subjects`, `Settings::swimmer_lanes`), which `Report::listing` states.
pub struct Builder<W: Write> {
    study: String,
    title: String,
    source: Source,
    analysis: Analysis,
    definitions: Option<Definitions>,
    settings: Settings,
    level: Level,
    subjects: usize,
    flow: FlowTally,
    baseline: BaselineTally,
    accumulators: Vec<Accumulator<W>>,
    datasets: Datasets,
    swimmer: Vec<Lane>,
    safety: SafetyTally,
    /// Every subject's baseline row and every adverse event.
    baseline_rows: Input<W>,
    ae_rows: Input<W>,
    /// The responder section, for a study with `[outcomes]` ([`Builder::with_responders`]).
    responders: Option<ResponderTally<W>>,
}

const BASELINE_INPUT: &str = "tables/input_baseline.csv";
const AE_INPUT: &str = "tables/input_adverse_events.csv";

#[derive(Default)]
struct FlowTally {
    not_enrolled: usize,
    treated: usize,
    completed: usize,
    withdrawn: BTreeMap<String, usize>,
    ongoing: usize,
}

#[derive(Default)]
struct BaselineTally {
    female: usize,
    sex_unknown: usize,
    ages: Tally,
    subtypes: BTreeMap<SubtypeGroup, usize>,
    activity: Tally,
    damage: Tally,
}

#[derive(Default)]
struct TermTally {
    patients: usize,
    highest_grade: [usize; 5],
    grade_unknown: usize,
    events: usize,
}

/// Per test: (baseline grade, worst grade) -> patients.
type Shifts = BTreeMap<String, BTreeMap<(Option<u8>, Option<u8>), usize>>;

#[derive(Default)]
struct SafetyTally {
    patients_with_any: usize,
    terms: BTreeMap<String, TermTally>,
    serious_patients: usize,
    serious_events: usize,
    serious_unknown: usize,
    lab_shifts: Shifts,
}

/// The header of a result's input file.
fn header(statistic: &Statistic) -> &'static [&'static str] {
    match statistic {
        Statistic::Proportion => &["subject", "outcome"],
        Statistic::Counts => &["subject", "category"],
        Statistic::OddsRatio { .. } => &["subject", "in_group", "outcome"],
        Statistic::KaplanMeier { .. } => &["subject", "group", "weeks", "event"],
        Statistic::Describe { .. } => &["subject", "group", "weeks"],
        Statistic::Paired { .. } => &["subject", "before", "after"],
        Statistic::ByVisit { .. } => &["subject", "visit", "day", "value"],
    }
}

impl<W: Write> Builder<W> {
    pub fn new(
        study: &str,
        title: &str,
        source: Source,
        analysis: &Analysis,
        definitions: Option<&Definitions>,
        settings: Settings,
        mut open: impl FnMut(&str) -> std::io::Result<W>,
    ) -> Result<Builder<W>, ReportError> {
        let level = Level::new(analysis.level).map_err(|_| ReportError::Level)?;
        if settings
            .at_risk_every_weeks
            .is_some_and(|every| !(every.is_finite() && every > 0.0))
        {
            return Err(ReportError::AtRiskSpacing);
        }
        let mut accumulators = Vec::with_capacity(analysis.results.len());
        for r in &analysis.results {
            accumulators.push(Accumulator {
                kept: match &r.statistic {
                    Statistic::Proportion => Kept::YesNo { yes: 0, n: 0 },
                    Statistic::Counts => Kept::Category(match r.measure {
                        // Every response category, in order, even when no one is in it.
                        Measure::BestResponse => BestResponse::ALL
                            .iter()
                            .map(|b| (b.words().to_owned(), 0))
                            .collect(),
                        _ => Vec::new(),
                    }),
                    Statistic::OddsRatio { .. } => Kept::Grouped([[0; 2]; 2]),
                    Statistic::KaplanMeier { group } => Kept::Times {
                        times: Vec::new(),
                        label: group
                            .as_deref()
                            .map_or_else(|| "all".to_owned(), group_label),
                    },
                    Statistic::Describe { .. } => Kept::EventTimes(Vec::new()),
                    Statistic::Paired { .. } => Kept::Paired {
                        before: Tally::default(),
                        after: Tally::default(),
                        changes: Tally::default(),
                    },
                    Statistic::ByVisit { .. } => {
                        Kept::ByVisit(analysis.visits.iter().map(|_| Default::default()).collect())
                    }
                },
                left: Left::default(),
                input: Input::open(
                    format!("tables/input_{}.csv", r.id),
                    header(&r.statistic),
                    &mut open,
                )?,
            });
        }
        Ok(Builder {
            study: study.to_owned(),
            title: title.to_owned(),
            source,
            analysis: analysis.clone(),
            definitions: definitions.cloned(),
            settings,
            level,
            subjects: 0,
            flow: FlowTally::default(),
            baseline: BaselineTally::default(),
            accumulators,
            datasets: Datasets {
                subjects: Vec::new(),
                adverse_events: Vec::new(),
            },
            swimmer: Vec::new(),
            safety: SafetyTally::default(),
            baseline_rows: Input::open(
                BASELINE_INPUT.to_owned(),
                &[
                    "subject",
                    "sex",
                    "age_years",
                    "subtype",
                    "clasi_activity",
                    "clasi_damage",
                ],
                &mut open,
            )?,
            ae_rows: Input::open(
                AE_INPUT.to_owned(),
                &["subject", "term", "start_day", "ctcae_grade", "serious"],
                &mut open,
            )?,
            responders: None,
        })
    }

    /// Adds the CLASI responder section ([`responders`]) under `outcomes`' minimum
    /// baseline, its input file opened through `open`.
    pub fn with_responders(
        mut self,
        outcomes: &Outcomes,
        mut open: impl FnMut(&str) -> std::io::Result<W>,
    ) -> Result<Builder<W>, ReportError> {
        self.responders = Some(ResponderTally::new(
            outcomes,
            &self.analysis,
            self.settings.listed_subjects,
            &mut open,
        )?);
        Ok(self)
    }

    /// A subject screened and never enrolled: counted among the screened, in no analysis.
    pub fn add_not_enrolled(&mut self) {
        self.flow.not_enrolled += 1;
    }

    /// Counts one enrolled subject and writes its input rows.
    pub fn add(&mut self, subject: &SubjectSnapshot) -> Result<(), ReportError> {
        let row = subject_row(subject, self.definitions.as_ref());
        self.count_flow(subject, &row);
        self.count_baseline(&row);
        for (decl, acc) in self.analysis.results.iter().zip(&mut self.accumulators) {
            accumulate(decl, acc, &self.analysis, subject, &row)?;
        }
        count_safety(&mut self.safety, subject);
        if let Some(responders) = &mut self.responders {
            responders.add(&self.analysis, subject)?;
        }
        self.write_inputs(subject, &row)?;
        if self.subjects < self.settings.swimmer_lanes {
            self.swimmer.push(lane(subject, &row));
        }
        if self.subjects < self.settings.listed_subjects {
            self.datasets.adverse_events.extend(ae_rows(subject));
            self.datasets.subjects.push(row);
        }
        self.subjects += 1;
        Ok(())
    }

    /// The subject's baseline row and adverse events, in words where there is no value.
    fn write_inputs(
        &mut self,
        subject: &SubjectSnapshot,
        row: &SubjectRow,
    ) -> Result<(), ReportError> {
        let or_unknown = |value: Option<String>| value.unwrap_or_else(|| "unknown".to_owned());
        self.baseline_rows.row([
            row.id.clone(),
            or_unknown(row.sex.map(|s| format!("{s:?}"))),
            or_unknown(row.age_years.map(crate::snapshot::number)),
            or_unknown(row.subtype.map(|g| g.label().to_owned())),
            row.baseline_activity.text(),
            row.baseline_damage.text(),
        ])?;
        for ae in &subject.adverse_events {
            self.ae_rows.row([
                row.id.clone(),
                ae.term.clone(),
                or_unknown(ae.start_day.map(|d| d.to_string())),
                or_unknown(ae.grade.map(|g| g.to_string())),
                or_unknown(ae.serious.map(|s| if s { "yes" } else { "no" }.to_owned())),
            ])?;
        }
        Ok(())
    }

    fn count_flow(&mut self, subject: &SubjectSnapshot, row: &SubjectRow) {
        let f = &mut self.flow;
        f.treated += usize::from(treated(subject));
        match (&subject.disposition, &row.withdrawal) {
            (Some(d), _) if d.is_withdrawal() => *f.withdrawn.entry(d.words()).or_default() += 1,
            (Some(_), _) => f.completed += 1,
            // A source that reports the withdrawal without a disposition record (the paper).
            (None, Some(_)) => {
                *f.withdrawn
                    .entry("Withdrawn, reason not recorded".to_owned())
                    .or_default() += 1;
            }
            (None, None) => f.ongoing += 1,
        }
    }

    fn count_baseline(&mut self, row: &SubjectRow) {
        let b = &mut self.baseline;
        b.female += usize::from(row.sex == Some(Sex::F));
        b.sex_unknown += usize::from(row.sex.is_none());
        if let Some(age) = row.age_years {
            b.ages.add(age);
        }
        if let Some(group) = row.subtype {
            *b.subtypes.entry(group).or_default() += 1;
        }
        if let Some(value) = row.baseline_activity.value() {
            b.activity.add(value);
        }
        if let Some(value) = row.baseline_damage.value() {
            b.damage.add(value);
        }
    }

    /// The report of every subject added, and the input files' writers, flushed.
    pub fn finish(self) -> Result<(Report, Inputs<W>), ReportError> {
        let enrolled = self.subjects;
        let f = self.flow;
        let flow = Flow {
            screened: enrolled + f.not_enrolled,
            not_enrolled: f.not_enrolled,
            enrolled,
            treated: f.treated,
            completed: f.completed,
            withdrawn: f.withdrawn.into_iter().collect(),
            ongoing: f.ongoing,
        };
        let b = &self.baseline;
        let known_subtype: usize = b.subtypes.values().sum();
        let baseline = Baseline {
            title: self.analysis.baseline.as_ref().map_or_else(
                || "Baseline characteristics".to_owned(),
                |t| t.title.clone(),
            ),
            items: self
                .analysis
                .baseline
                .as_ref()
                .map_or_else(Vec::new, |t| t.items.clone()),
            input: BASELINE_INPUT,
            enrolled,
            female: Count::new(b.female, enrolled - b.sex_unknown),
            sex_unknown: b.sex_unknown,
            age_years: describe(&b.ages.values()),
            age_unknown: enrolled - b.ages.len(),
            subtypes: b
                .subtypes
                .iter()
                .map(|(g, n)| (*g, Count::new(*n, enrolled)))
                .collect(),
            subtype_unknown: enrolled - known_subtype,
            clasi_activity_missing: enrolled - b.activity.len(),
            clasi_damage_missing: enrolled - b.damage.len(),
            clasi_activity: describe(&b.activity.values()),
            clasi_damage: describe(&b.damage.values()),
        };
        let mut results = Vec::new();
        let mut inputs = Vec::new();
        for (decl, acc) in self.analysis.results.iter().zip(self.accumulators) {
            let note = acc.left.note();
            let computed = compute(
                decl,
                acc.kept,
                &acc.left,
                &self.analysis,
                self.level,
                self.settings.at_risk_every_weeks,
            );
            let (path, writer) = acc.input.finish()?;
            results.push(ResultOut {
                id: decl.id.clone(),
                text: decl.text.clone(),
                display: decl.display.clone(),
                population: decl.population,
                population_words: decl.population.words(),
                input: path.clone(),
                note,
                computed,
            });
            inputs.push((path, writer));
        }
        inputs.push(self.baseline_rows.finish()?);
        inputs.push(self.ae_rows.finish()?);
        let responders = match self.responders {
            Some(tally) => {
                let (responders, input) = tally.finish(&self.analysis, self.level)?;
                inputs.push(input);
                Some(responders)
            }
            None => None,
        };
        let s = self.safety;
        let safety = Safety {
            input: AE_INPUT,
            patients_with_any: Count::new(s.patients_with_any, enrolled),
            by_term: s
                .terms
                .into_iter()
                .map(|(term, t)| TermRow {
                    term,
                    patients: t.patients,
                    highest_grade: t.highest_grade,
                    grade_unknown: t.grade_unknown,
                    events: t.events,
                })
                .collect(),
            serious_patients: Count::new(s.serious_patients, enrolled),
            serious_events: s.serious_events,
            serious_unknown: s.serious_unknown,
            lab_shifts: s
                .lab_shifts
                .into_iter()
                .map(|(test, cells)| LabShift {
                    test,
                    cells: cells.into_iter().map(|((b, w), n)| (b, w, n)).collect(),
                })
                .collect(),
        };
        let listing = Listing::new(enrolled, self.datasets.subjects.len(), self.swimmer.len());
        let report = Report {
            written_by: String::new(),
            study: self.study,
            title: self.title,
            source: self.source,
            analysis: self.analysis,
            definitions: self.definitions,
            settings: self.settings,
            flow,
            baseline,
            results,
            datasets: self.datasets,
            listing,
            swimmer: self.swimmer,
            safety,
            randomisation: None,
            responders,
            agreement: None,
        };
        Ok((report, inputs))
    }
}

/// A dose of the study drug recorded, or a published subject (the paper's were all treated).
fn treated(subject: &SubjectSnapshot) -> bool {
    !subject.doses.is_empty() || subject.reported.is_some()
}

/// Whether the result's population counts the subject.
fn in_population(population: Population, subject: &SubjectSnapshot, row: &SubjectRow) -> bool {
    match population {
        Population::Enrolled => true,
        Population::Treated => treated(subject),
        Population::Evaluable => row.best_response.evaluable(),
    }
}

/// Whether the subject is in the subtype groups (`None`: subtype unknown).
fn in_groups(groups: &[SubtypeGroup], row: &SubjectRow) -> Option<bool> {
    row.subtype.map(|s| groups.contains(&s))
}

fn flag(value: bool) -> &'static str {
    if value { "1" } else { "0" }
}

/// The subject's value at each analysis visit: the one nearest the visit's target day within
/// its window (the earlier on a tie); whether any value fell outside every window.
pub(crate) fn at_visits(
    analysis: &Analysis,
    values: &[(i64, f64)],
) -> (Vec<Option<(i64, f64)>>, bool) {
    let assigned = analysis
        .visits
        .iter()
        .map(|visit| {
            values
                .iter()
                .filter(|(day, _)| visit.holds(*day))
                .min_by_key(|(day, _)| ((day - visit.day).abs(), *day))
                .copied()
        })
        .collect();
    let outside = values
        .iter()
        .any(|(day, _)| !analysis.visits.iter().any(|v| v.holds(*day)));
    (assigned, outside)
}

fn accumulate<W: Write>(
    decl: &ResultDecl,
    acc: &mut Accumulator<W>,
    analysis: &Analysis,
    subject: &SubjectSnapshot,
    row: &SubjectRow,
) -> Result<(), ReportError> {
    if !in_population(decl.population, subject, row) {
        acc.left.add("outside the population");
        return Ok(());
    }
    let (left, input, id) = (&mut acc.left, &mut acc.input, row.id.as_str());
    let number = crate::snapshot::number;
    match &mut acc.kept {
        Kept::YesNo { yes, n } => match yes_no(&decl.measure, subject, row) {
            Some(outcome) => {
                *yes += usize::from(outcome);
                *n += 1;
                input.row([id, flag(outcome)])?;
            }
            None => left.add(not_applicable(&decl.measure)),
        },
        Kept::Category(counts) => {
            if let Some(category) = category(&decl.measure, subject, row) {
                match counts.iter_mut().find(|(c, _)| *c == category) {
                    Some(entry) => entry.1 += 1,
                    None => counts.push((category.clone(), 1)),
                }
                input.row([id, category.as_str()])?;
            }
        }
        Kept::Grouped(cells) => {
            let Statistic::OddsRatio { group } = &decl.statistic else {
                return Ok(());
            };
            match (in_groups(group, row), yes_no(&decl.measure, subject, row)) {
                (Some(in_group), Some(outcome)) => {
                    cells[usize::from(!in_group)][usize::from(!outcome)] += 1;
                    input.row([id, flag(in_group), flag(outcome)])?;
                }
                (None, _) => left.add("of unknown subtype"),
                (_, None) => left.add(not_applicable(&decl.measure)),
            }
        }
        Kept::Times { times, label } => {
            let (group, label) = match &decl.statistic {
                Statistic::KaplanMeier {
                    group: Some(groups),
                } => match in_groups(groups, row) {
                    Some(true) => (Some(true), label.as_str()),
                    Some(false) => (Some(false), "others"),
                    None => {
                        left.add("of unknown subtype");
                        return Ok(());
                    }
                },
                _ => (None, label.as_str()),
            };
            match time_to(&decl.measure, subject, row) {
                Some(t) => match t.weeks {
                    Some(weeks) => {
                        times.push((group, weeks, t.event));
                        input.row([id, label, &number(weeks), flag(t.event)])?;
                    }
                    None => {
                        left.unknown_event_times += usize::from(t.event);
                        left.add("whose time or status the source does not give");
                    }
                },
                None => left.add(not_applicable(&decl.measure)),
            }
        }
        Kept::EventTimes(times) => match time_to(&decl.measure, subject, row) {
            Some(t) if t.event => match t.weeks {
                Some(weeks) => {
                    times.push((row.subtype, weeks));
                    let group = row.subtype.map_or("unknown", |g| g.label());
                    input.row([id, group, &number(weeks)])?;
                }
                None => left.add("whose time the source does not give"),
            },
            _ => left.add("without the event"),
        },
        Kept::Paired {
            before,
            after,
            changes,
        } => {
            let Statistic::Paired { from, to, .. } = decl.statistic else {
                return Ok(());
            };
            let (assigned, _) = at_visits(analysis, &series(&decl.measure, subject));
            match (assigned[from], assigned[to]) {
                (Some((_, b)), Some((_, a))) => {
                    before.add(b);
                    after.add(a);
                    changes.add(a - b);
                    input.row([id, &number(b), &number(a)])?;
                }
                _ => left.add("without a value at both visits"),
            }
        }
        Kept::ByVisit(visits) => {
            let values = series(&decl.measure, subject);
            if values.is_empty() {
                left.add("with no value recorded");
                return Ok(());
            }
            let (assigned, outside) = at_visits(analysis, &values);
            let baseline = assigned.first().copied().flatten().map(|(_, v)| v);
            for (k, value) in assigned.iter().enumerate() {
                let Some((day, value)) = value else {
                    continue;
                };
                let (values, changes) = &mut visits[k];
                values.add(*value);
                if let (true, Some(b)) = (k > 0, baseline) {
                    changes.add(value - b);
                }
                input.row([
                    id,
                    analysis.visits[k].id.as_str(),
                    &day.to_string(),
                    &number(*value),
                ])?;
            }
            if outside {
                left.add("with values outside every analysis visit's window (those values only)");
            }
        }
    }
    Ok(())
}

/// Why a yes/no or time-to-event measure does not apply to a subject.
fn not_applicable(measure: &Measure) -> &'static str {
    match measure {
        Measure::Relapse | Measure::RelapseFreeAfterCompleteResponse => {
            "never in complete response (or whether they relapsed is not known)"
        }
        Measure::TimeToRelapseAfterDoseReduction => {
            "without a dose reduction or withdrawal after complete response, or who relapsed before one"
        }
        Measure::NerveConduction(_) => "never studied by nerve conduction",
        Measure::AdverseEvent { .. } => "with an event of the term whose grade is not known",
        _ => "for whom it cannot be judged",
    }
}

fn compute(
    decl: &ResultDecl,
    kept: Kept,
    left: &Left,
    analysis: &Analysis,
    level: Level,
    every: Option<f64>,
) -> Computed {
    match (kept, &decl.statistic) {
        (Kept::YesNo { yes, n }, _) => Computed::Proportion(rate(yes, n, level)),
        (Kept::Category(mut tally), _) => {
            if !matches!(decl.measure, Measure::BestResponse) {
                tally.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            }
            let of = tally.iter().map(|c| c.1).sum();
            Computed::Counts(Counts {
                of,
                categories: tally
                    .into_iter()
                    .map(|(category, n)| CategoryCount {
                        category,
                        n,
                        percent: Count::new(n, of).percent,
                    })
                    .collect(),
            })
        }
        (Kept::Grouped(cells), Statistic::OddsRatio { group }) => {
            Computed::OddsRatio(odds_ratio(group, cells, level))
        }
        (Kept::Times { times, .. }, Statistic::KaplanMeier { group }) => {
            Computed::KaplanMeier(survival(&times, group.as_deref(), left, level, every))
        }
        (Kept::EventTimes(times), Statistic::Describe { groups }) => {
            let all: Vec<f64> = times.iter().map(|t| t.1).collect();
            let mut rows: Vec<DescribedRow> = groups
                .iter()
                .filter_map(|g| {
                    let of: Vec<f64> = times
                        .iter()
                        .filter(|t| t.0 == Some(*g))
                        .map(|t| t.1)
                        .collect();
                    describe(&of).map(|described| DescribedRow {
                        group: g.label().to_owned(),
                        described,
                    })
                })
                .collect();
            rows.extend(describe(&all).map(|described| DescribedRow {
                group: "all".to_owned(),
                described,
            }));
            Computed::Describe(DescribedGroups { rows })
        }
        (
            Kept::Paired {
                before,
                after,
                changes,
            },
            Statistic::Paired { from, to, test },
        ) => {
            let (f, t) = (&analysis.visits[*from], &analysis.visits[*to]);
            let (test, untested) = split(compare(&changes.values(), *test, level));
            Computed::Paired(Paired {
                from: f.id.clone(),
                to: t.id.clone(),
                from_text: f.text.clone(),
                to_text: t.text.clone(),
                pairs: changes.len(),
                before: describe(&before.values()),
                after: describe(&after.values()),
                test,
                untested,
            })
        }
        (Kept::ByVisit(visits), Statistic::ByVisit { test }) => Computed::ByVisit(ByVisit {
            points: analysis
                .visits
                .iter()
                .zip(visits)
                .enumerate()
                .map(|(k, (visit, (values, changes)))| {
                    // The baseline is what the others are compared with.
                    let (test, untested) = match k {
                        0 => (None, None),
                        _ => split(compare(&changes.values(), *test, level)),
                    };
                    VisitSummary {
                        visit: visit.id.clone(),
                        text: visit.text.clone(),
                        day: visit.day,
                        described: describe(&values.values()),
                        test,
                        untested,
                    }
                })
                .collect(),
        }),
        // The kept data were made from the statistic, so the shapes always match.
        _ => unreachable!("kept data and statistic of {} disagree", decl.id),
    }
}

/// "SCLE", or "DLE or lupus profundus".
fn group_label(groups: &[SubtypeGroup]) -> String {
    let labels: Vec<&str> = groups.iter().map(|g| g.label()).collect();
    labels.join(" or ")
}

/// Fisher's exact test of a 2x2 table, `None` when a row or column is empty.
fn fisher_out(cells: [[u64; 2]; 2], level: Level) -> Option<FisherOut> {
    Table2x2::new(cells).ok().map(|table| {
        let f = fisher(table, level);
        FisherOut {
            odds_ratio: f.odds_ratio,
            ci_low: f.ci_low,
            ci_high: f.ci_high,
            p_value: f.p_value,
            method: "Fisher's exact test, conditional maximum-likelihood odds ratio and exact interval (R fisher.test)",
        }
    })
}

fn odds_ratio(groups: &[SubtypeGroup], cells: [[u64; 2]; 2], level: Level) -> OddsRatio {
    let fisher = fisher_out(cells, level);
    // The regression on one yes/no predictor needs only the four cells, expanded to rows.
    let mut y = Vec::new();
    let mut x = Vec::new();
    for (in_group, row) in cells.iter().enumerate() {
        for (outcome, n) in row.iter().enumerate() {
            let count = *n as usize;
            y.extend(std::iter::repeat_n(
                f64::from(u8::from(outcome == 0)),
                count,
            ));
            x.extend(std::iter::repeat_n(
                f64::from(u8::from(in_group == 0)),
                count,
            ));
        }
    }
    let predictor = Predictor {
        name: "in_group".to_owned(),
        values: x,
    };
    let logistic = logistic(&y, &[predictor], level).ok().and_then(|fit| {
        let term = fit.terms.get(1)?;
        Some(LogisticOut {
            odds_ratio: term.odds_ratio,
            ci_low: term.or_ci_low,
            ci_high: term.or_ci_high,
            p_value: term.p_value,
            separation: fit.separation,
            method: method_name(fit.method),
        })
    });
    OddsRatio {
        group: group_label(groups),
        cells,
        fisher,
        logistic,
    }
}

fn survival(
    times: &[(Option<bool>, f64, bool)],
    group: Option<&[SubtypeGroup]>,
    left: &Left,
    level: Level,
    every: Option<f64>,
) -> Survival {
    let observations = |wanted: Option<bool>| -> Vec<Observation> {
        times
            .iter()
            .filter(|t| wanted.is_none() || t.0 == wanted)
            .map(|t| Observation {
                time: t.1,
                event: t.2,
            })
            .collect()
    };
    let curves: Vec<Curve> = match group {
        None => vec![curve(
            "all".to_owned(),
            &observations(None),
            left,
            level,
            every,
        )],
        Some(groups) => vec![
            curve(
                group_label(groups),
                &observations(Some(true)),
                left,
                level,
                every,
            ),
            curve(
                "others".to_owned(),
                &observations(Some(false)),
                left,
                level,
                every,
            ),
        ],
    };
    let log_rank = group
        .filter(|_| left.unknown_event_times == 0)
        .and_then(|_| {
            let groups: Vec<usize> = times
                .iter()
                .map(|t| usize::from(t.0 != Some(true)))
                .collect();
            log_rank(&observations(None), &groups).ok()
        })
        .map(|test| LogRankOut {
            chi_square: test.chi_square,
            df: test.df,
            p_value: test.p_value,
            method: method_name(test.method),
        });
    Survival { curves, log_rank }
}

fn curve(
    group: String,
    observations: &[Observation],
    left: &Left,
    level: Level,
    every: Option<f64>,
) -> Curve {
    let mut result = Curve {
        group,
        n: observations.len(),
        events: observations.iter().filter(|o| o.event).count(),
        steps: Vec::new(),
        median_weeks: None,
        median_ci_low_weeks: None,
        median_ci_high_weeks: None,
        at_risk: Vec::new(),
        estimated: false,
        note: String::new(),
        method: method_name(Method::KaplanMeier),
    };
    if left.unknown_event_times > 0 {
        result.note = format!(
            "not estimated: the source does not give the time of {} event(s), and leaving events out would bias the curve",
            left.unknown_event_times
        );
        return result;
    }
    let km = match kaplan_meier(observations, KmCi::Log, level, MedianRule::Print) {
        Ok(km) => km,
        Err(error) => {
            result.note = format!("not estimated: {error}");
            return result;
        }
    };
    let last = observations.iter().map(|o| o.time).fold(0.0, f64::max);
    let times = match every {
        Some(every) => {
            let steps = (last / every).ceil().max(1.0) as usize;
            (0..=steps).map(|i| i as f64 * every).collect()
        }
        None => crate::axis::ticks(0.0, last.max(1.0)),
    };
    result.at_risk = times
        .into_iter()
        .map(|at| (at, observations.iter().filter(|o| o.time >= at).count()))
        .collect();
    result.steps = km
        .steps
        .iter()
        .map(|s| CurveStep {
            weeks: s.time,
            n_risk: s.n_risk,
            n_event: s.n_event,
            n_censor: s.n_censor,
            survival: s.survival,
            ci_low: s.ci_low,
            ci_high: s.ci_high,
        })
        .collect();
    result.median_weeks = km.median.median;
    result.median_ci_low_weeks = km.median.ci_low;
    result.median_ci_high_weeks = km.median.ci_high;
    result.estimated = true;
    result
}

/// A later value against an earlier one from the differences (later minus earlier), or why the
/// test is not computed (no pairs, too few, no variation, beyond what `stats` computes exactly).
fn compare(changes: &[f64], test: PairedTest, level: Level) -> Result<Comparison, String> {
    if changes.is_empty() {
        return Err("no subject has a value at both visits".to_owned());
    }
    let mean_change = changes.iter().sum::<f64>() / changes.len() as f64;
    let not_computed = |error: stats::StatsError| format!("not computed: {error}");
    let (statistic, p_value, method) = match test {
        PairedTest::PairedT => {
            // The paired t test is the one-sample test of the differences.
            let zeros = vec![0.0; changes.len()];
            let t = t_test(changes, &zeros, TTestKind::Paired, level).map_err(not_computed)?;
            (t.statistic, t.p_value, t.method)
        }
        PairedTest::Wilcoxon => {
            let w = signed_rank(changes).map_err(not_computed)?;
            (w.statistic, w.p_value, w.method)
        }
    };
    Ok(Comparison {
        pairs: changes.len(),
        mean_change,
        statistic,
        p_value,
        method: method_name(method),
    })
}

/// A test, or why there is none.
fn split(compared: Result<Comparison, String>) -> (Option<Comparison>, Option<String>) {
    match compared {
        Ok(comparison) => (Some(comparison), None),
        Err(why) => (None, Some(why)),
    }
}

fn lane(subject: &SubjectSnapshot, row: &SubjectRow) -> Lane {
    let end = subject.last_day.map(|d| d as f64 / 7.0).or(row
        .followup_months
        .map(|m| m * crate::derive::DAYS_PER_MONTH / 7.0));
    Lane {
        id: row.id.clone(),
        response: row.best_response,
        end_weeks: end,
        doses: subject
            .doses
            .iter()
            .map(|d| {
                let to = d
                    .end_day
                    .map(|e| e as f64 / 7.0)
                    .or(end)
                    .unwrap_or(d.start_day as f64 / 7.0);
                (
                    d.start_day as f64 / 7.0,
                    to,
                    d.mg_per_day(),
                    d.regimen.clone(),
                )
            })
            .collect(),
        cr_weeks: row.time_to_cr_weeks,
        relapse_weeks: row.relapse_week,
        relapse_time_unknown: row.relapse == Some(true) && row.relapse_week.is_none(),
        adverse_events: subject
            .adverse_events
            .iter()
            .filter_map(|ae| ae.start_day.map(|d| (d as f64 / 7.0, ae.grade)))
            .collect(),
        withdrawal_weeks: row.withdrawal_week,
    }
}

fn count_safety(s: &mut SafetyTally, subject: &SubjectSnapshot) {
    let events = &subject.adverse_events;
    s.patients_with_any += usize::from(!events.is_empty());
    s.serious_patients += usize::from(events.iter().any(|e| e.serious == Some(true)));
    s.serious_events += events.iter().filter(|e| e.serious == Some(true)).count();
    s.serious_unknown += events.iter().filter(|e| e.serious.is_none()).count();
    let mut terms: BTreeMap<&str, Vec<Option<u8>>> = BTreeMap::new();
    for event in events {
        terms
            .entry(event.term.as_str())
            .or_default()
            .push(event.grade);
    }
    for (term, grades) in terms {
        let tally = match s.terms.get_mut(term) {
            Some(tally) => tally,
            None => s.terms.entry(term.to_owned()).or_default(),
        };
        tally.patients += 1;
        tally.events += grades.len();
        match grades.iter().flatten().max() {
            Some(&g) if (1..=5).contains(&g) => tally.highest_grade[usize::from(g) - 1] += 1,
            _ => tally.grade_unknown += 1,
        }
    }
    count_lab_shifts(&mut s.lab_shifts, subject);
}

/// Baseline grade (the last graded value on or before day 0) against the worst graded value after it.
fn count_lab_shifts(tests: &mut Shifts, subject: &SubjectSnapshot) {
    // The subject's results grouped by test (a stable sort keeps each test's record order), so each
    // result is compared with its neighbours instead of every test's name with every result.
    let mut labs: Vec<&LabGrade> = subject.labs.iter().collect();
    labs.sort_by(|a, b| a.test.cmp(&b.test));
    // A test CTCAE does not grade (ESR) has no shift.
    for of_test in labs
        .chunk_by(|a, b| a.test == b.test)
        .filter(|of_test| of_test.iter().any(|l| l.grade.is_some()))
    {
        let test = of_test[0].test.as_str();
        let baseline = of_test
            .iter()
            .filter(|l| l.day <= 0 && l.grade.is_some())
            .max_by_key(|l| l.day)
            .and_then(|l| l.grade);
        let worst = of_test
            .iter()
            .filter(|l| l.day > 0)
            .filter_map(|l| l.grade)
            .max();
        let cells = match tests.get_mut(test) {
            Some(cells) => cells,
            None => tests.entry(test.to_owned()).or_default(),
        };
        *cells.entry((baseline, worst)).or_default() += 1;
    }
}

impl Report {
    /// A sentence on what was left out of the listings, for the report's paragraphs.
    pub fn listing_note(&self) -> String {
        let mut out = String::new();
        if !self.listing.note.is_empty() {
            let _ = write!(out, "Listings are capped: {}.", self.listing.note);
        }
        out
    }
}
