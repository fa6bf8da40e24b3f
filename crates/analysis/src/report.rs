//! The study report as data: every number of every table and figure, each statistic with the method
//! that produced it. Rendering (HTML, Markdown, CSV, SVG) reads this and computes nothing.

use std::collections::BTreeMap;

use serde::Serialize;
use stats::describe::summarize;
use stats::proportion::{ProportionMethod, proportion_ci};
use stats::rank_tests::signed_rank;
use stats::survival::{KmCi, MedianRule, Observation, kaplan_meier};
use stats::ttest::{TTestKind, t_test};
use stats::{Level, Method};

use crate::derive::{
    BestResponse, Datasets, Definitions, Endpoint, SubjectRow, TimeToEventRow, ae_rows,
    subject_row, time_to_event, visit_rows,
};
use crate::snapshot::{LabGrade, Name, Sex, Snapshot, Source, SubjectSnapshot, SubtypeGroup};
use crate::tally::Tally;

/// The test of each visit's CLASI against baseline in Figure 2. The paper names only "the t test and
/// Mann-Whitney test, as appropriate" (Statistical analysis); for paired values that is the paired t
/// test, the default. The Wilcoxon signed-rank test is the rank alternative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineTest {
    #[default]
    PairedT,
    Wilcoxon,
}

/// Who the complete-response rate counts. The paper gives 12 of 14 (86%): the patients who stayed on
/// treatment past the first week, excluding the one withdrawn for side effects. The default follows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CrPopulation {
    /// Every subject except those withdrawn before any response and those not evaluable (paper).
    #[default]
    Evaluable,
    /// Every subject (intention to treat).
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// Confidence level of every interval.
    pub level: f64,
    pub baseline_test: BaselineTest,
    pub cr_population: CrPopulation,
    /// Spacing of the numbers-at-risk table under each Kaplan-Meier curve, in weeks; `None` picks
    /// round numbers giving about six columns.
    pub at_risk_every_weeks: Option<f64>,
    /// Subjects listed in the derived datasets (tables and results.json), the first ones in study
    /// order; every statistic counts every subject.
    pub listed_subjects: usize,
    /// Lanes of the swimmer plot (the first subjects): more than a few dozen cannot be read.
    pub swimmer_lanes: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            level: 0.95,
            baseline_test: BaselineTest::default(),
            cr_population: CrPopulation::default(),
            at_risk_every_weeks: None,
            listed_subjects: 200,
            swimmer_lanes: 60,
        }
    }
}

/// A count out of a denominator.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
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

fn describe(values: &[f64]) -> Option<Described> {
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
        other => other.name(),
    }
}

/// A proportion with its interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rate {
    pub n: usize,
    pub of: usize,
    pub percent: f64,
    pub ci_low_percent: f64,
    pub ci_high_percent: f64,
    pub method: &'static str,
    /// Who the denominator counts.
    pub population: &'static str,
}

/// The Clopper-Pearson exact interval (R's `binom.test`, the paper's kind of interval); above the
/// size at which `stats` computes it (49,999) the Wilson score interval, which `method` then names.
fn rate(n: usize, of: usize, level: Level, population: &'static str) -> Option<Rate> {
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
        population,
    })
}

/// Table 1's summary lines (the per-patient listing is the subject dataset).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Baseline {
    /// Every subject screened: the enrolled and those never enrolled (screen failures, charts
    /// that did not qualify), who are in no analysis.
    pub screened: usize,
    pub enrolled: usize,
    pub female: Count,
    pub subtypes: Vec<(SubtypeGroup, Count)>,
    pub clasi_activity: Option<Described>,
    pub clasi_damage: Option<Described>,
    /// Subjects without a baseline value (not done, not applicable or unknown).
    pub clasi_activity_missing: usize,
    pub clasi_damage_missing: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubtypeTime {
    pub subtype: SubtypeGroup,
    pub weeks: Described,
}

/// A Kaplan-Meier curve with its risk table, or why it was not estimated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Curve {
    pub endpoint: Endpoint,
    pub title: &'static str,
    /// What the curve shows (the y axis).
    pub y_label: &'static str,
    pub n: usize,
    pub events: usize,
    /// Subjects whose time the source does not give, among the listed ones (`Settings::listed_subjects`;
    /// the note gives the total when more are left out).
    pub excluded: Vec<String>,
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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurveStep {
    pub weeks: f64,
    pub n_risk: usize,
    pub n_event: usize,
    pub n_censor: usize,
    pub survival: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Efficacy {
    pub responses: Vec<(BestResponse, Count)>,
    pub cr_rate: Option<Rate>,
    pub cr_rate_all: Option<Rate>,
    pub relapse_rate: Option<Rate>,
    pub time_to_cr: Option<Described>,
    pub time_to_cr_by_subtype: Vec<SubtypeTime>,
    pub curves: Vec<Curve>,
}

/// Mean +- SEM of one score at one visit, and its test against baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScorePoint {
    pub described: Option<Described>,
    pub test: Option<BaselineComparison>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaselineComparison {
    /// Subjects with a value both at baseline and at this visit.
    pub pairs: usize,
    pub mean_change: f64,
    pub statistic: f64,
    pub p_value: f64,
    pub method: &'static str,
}

/// Figure 2: CLASI activity and damage by visit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure2Point {
    pub visit: String,
    /// The median study week of the visit.
    pub week: f64,
    pub activity: ScorePoint,
    pub damage: ScorePoint,
}

/// One patient's lane of the swimmer plot.
#[derive(Clone, Debug, PartialEq, Serialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabShift {
    pub test: String,
    /// (baseline grade, worst grade after baseline, patients); `None` = no graded value.
    pub cells: Vec<(Option<u8>, Option<u8>, usize)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Safety {
    pub patients_with_any: Count,
    pub by_term: Vec<TermRow>,
    pub serious_patients: Count,
    pub serious_events: usize,
    /// Events whose seriousness the source does not give.
    pub serious_unknown: usize,
    pub lab_shifts: Vec<LabShift>,
}

/// How much of the study the per-patient listings and the swimmer plot show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Listing {
    pub subjects: usize,
    /// Subjects in the derived datasets.
    pub listed: usize,
    /// Lanes of the swimmer plot.
    pub lanes: usize,
    /// Empty when everything is shown.
    pub note: String,
}

impl Listing {
    fn new(subjects: usize, listed: usize, lanes: usize) -> Listing {
        let mut parts = Vec::new();
        if listed < subjects {
            parts.push(format!(
                "the derived datasets list the first {listed} of {subjects} subjects"
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
                "{}; every statistic counts all {subjects} subjects",
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

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub study: String,
    pub title: String,
    pub source: Source,
    pub definitions: Definitions,
    pub settings: Settings,
    pub datasets: Datasets,
    pub listing: Listing,
    pub baseline: Baseline,
    pub efficacy: Efficacy,
    pub figure2: Vec<Figure2Point>,
    pub swimmer: Vec<Lane>,
    pub safety: Safety,
}

/// Why a report cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("settings.level: must be strictly between 0 and 1")]
    Level,
    #[error("settings.at_risk_every_weeks: must be a positive number of weeks")]
    AtRiskSpacing,
}

/// Builds the report of `snapshot`.
pub fn build(
    snapshot: &Snapshot,
    definitions: &Definitions,
    settings: Settings,
) -> Result<Report, ReportError> {
    let mut builder = Builder::new(
        &snapshot.study,
        &snapshot.title,
        snapshot.source,
        definitions,
        settings,
    )?;
    for subject in &snapshot.subjects {
        builder.add(subject);
    }
    Ok(builder.finish())
}

/// A report built one subject at a time, so a study of any size streams through it: every statistic
/// counts every subject, from running counts and per-visit tallies of the scores; the listings (the
/// derived datasets and the swimmer plot) keep the first subjects only (`Settings::listed_subjects`,
/// `Settings::swimmer_lanes`), which `Report::listing` states.
pub struct Builder {
    study: String,
    title: String,
    source: Source,
    definitions: Definitions,
    settings: Settings,
    level: Level,
    subjects: usize,
    not_enrolled: usize,
    datasets: Datasets,
    swimmer: Vec<Lane>,
    baseline: BaselineTally,
    responses: [usize; BestResponse::ALL.len()],
    relapses: usize,
    time_to_cr: Vec<f64>,
    time_to_cr_by_subtype: BTreeMap<SubtypeGroup, Vec<f64>>,
    endpoints: BTreeMap<EndpointKey, EndpointTally>,
    visits: BTreeMap<Name, VisitTally>,
    safety: SafetyTally,
}

#[derive(Default)]
struct BaselineTally {
    female: usize,
    subtypes: BTreeMap<SubtypeGroup, usize>,
    activity: Tally,
    damage: Tally,
}

/// Endpoints in report order.
type EndpointKey = usize;

#[derive(Default)]
struct EndpointTally {
    n: usize,
    events: usize,
    unknown_events: usize,
    excluded: usize,
    excluded_listed: Vec<String>,
    observations: Vec<Observation>,
}

/// One visit name: the study days it was held on, each score, and each score's change from baseline
/// in subjects with both values.
#[derive(Default)]
struct VisitTally {
    days: Tally,
    activity: Tally,
    damage: Tally,
    activity_change: Tally,
    damage_change: Tally,
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

impl Builder {
    pub fn new(
        study: &str,
        title: &str,
        source: Source,
        definitions: &Definitions,
        settings: Settings,
    ) -> Result<Builder, ReportError> {
        let level = Level::new(settings.level).map_err(|_| ReportError::Level)?;
        if settings
            .at_risk_every_weeks
            .is_some_and(|every| !(every.is_finite() && every > 0.0))
        {
            return Err(ReportError::AtRiskSpacing);
        }
        Ok(Builder {
            study: study.to_owned(),
            title: title.to_owned(),
            source,
            definitions: definitions.clone(),
            settings,
            level,
            subjects: 0,
            not_enrolled: 0,
            datasets: Datasets {
                subjects: Vec::new(),
                visits: Vec::new(),
                adverse_events: Vec::new(),
                time_to_event: Vec::new(),
            },
            swimmer: Vec::new(),
            baseline: BaselineTally::default(),
            responses: [0; BestResponse::ALL.len()],
            relapses: 0,
            time_to_cr: Vec::new(),
            time_to_cr_by_subtype: BTreeMap::new(),
            endpoints: BTreeMap::new(),
            visits: BTreeMap::new(),
            safety: SafetyTally::default(),
        })
    }

    /// Counts one subject.
    /// A subject screened and never enrolled: counted among the screened, in no analysis.
    pub fn add_not_enrolled(&mut self) {
        self.not_enrolled += 1;
    }

    pub fn add(&mut self, subject: &SubjectSnapshot) {
        let row = subject_row(subject, &self.definitions);
        let time_to_event = time_to_event(subject, &row, &self.definitions);
        let listed = self.subjects < self.settings.listed_subjects;
        self.count_baseline(&row);
        self.count_efficacy(&row, &time_to_event, listed);
        self.count_visits(subject);
        self.count_safety(subject);
        if self.subjects < self.settings.swimmer_lanes {
            self.swimmer.push(lane(subject, &row));
        }
        // Only the listed subjects' visit and event rows are made at all.
        if listed {
            self.datasets.visits.extend(visit_rows(subject));
            self.datasets.adverse_events.extend(ae_rows(subject));
            self.datasets.time_to_event.extend(time_to_event);
            self.datasets.subjects.push(row);
        }
        self.subjects += 1;
    }

    fn count_baseline(&mut self, row: &SubjectRow) {
        let b = &mut self.baseline;
        b.female += usize::from(row.sex == Some(Sex::F));
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

    fn count_efficacy(&mut self, row: &SubjectRow, rows: &[TimeToEventRow], listed: bool) {
        if let Some(i) = BestResponse::ALL
            .iter()
            .position(|r| *r == row.best_response)
        {
            self.responses[i] += 1;
        }
        self.relapses += usize::from(row.relapse == Some(true));
        if let Some(weeks) = row.time_to_cr_weeks {
            self.time_to_cr.push(weeks);
            if let Some(group) = row.subtype {
                self.time_to_cr_by_subtype
                    .entry(group)
                    .or_default()
                    .push(weeks);
            }
        }
        for r in rows {
            let key = Endpoint::ALL
                .iter()
                .position(|e| *e == r.endpoint)
                .unwrap_or_default();
            let tally = self.endpoints.entry(key).or_default();
            tally.n += 1;
            tally.events += usize::from(r.event);
            match r.weeks {
                Some(time) => tally.observations.push(Observation {
                    time,
                    event: r.event,
                }),
                None => {
                    tally.unknown_events += usize::from(r.event);
                    tally.excluded += 1;
                    if listed {
                        tally.excluded_listed.push(r.id.clone());
                    }
                }
            }
        }
    }

    fn count_visits(&mut self, subject: &SubjectSnapshot) {
        for visit in &subject.visits {
            let tally = match self.visits.get_mut(&visit.name) {
                Some(tally) => tally,
                None => self.visits.entry(visit.name.clone()).or_default(),
            };
            tally.days.add(visit.day as f64);
            let scores = [
                (
                    subject.baseline_activity,
                    visit.activity,
                    &mut tally.activity,
                    &mut tally.activity_change,
                ),
                (
                    subject.baseline_damage,
                    visit.damage,
                    &mut tally.damage,
                    &mut tally.damage_change,
                ),
            ];
            for (baseline, value, values, changes) in scores {
                if let Some(v) = value.value() {
                    values.add(v);
                    if let Some(b) = baseline.value() {
                        changes.add(v - b);
                    }
                }
            }
        }
    }

    fn count_safety(&mut self, subject: &SubjectSnapshot) {
        let s = &mut self.safety;
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

    /// The report of every subject added.
    pub fn finish(self) -> Report {
        let enrolled = self.subjects;
        let b = &self.baseline;
        let baseline = Baseline {
            screened: enrolled + self.not_enrolled,
            enrolled,
            female: Count::new(b.female, enrolled),
            subtypes: b
                .subtypes
                .iter()
                .map(|(g, n)| (*g, Count::new(*n, enrolled)))
                .collect(),
            clasi_activity_missing: enrolled - b.activity.len(),
            clasi_damage_missing: enrolled - b.damage.len(),
            clasi_activity: describe(&b.activity.values()),
            clasi_damage: describe(&b.damage.values()),
        };
        let figure2 = self.figure2();
        let efficacy = self.efficacy();
        let s = self.safety;
        let safety = Safety {
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
        Report {
            study: self.study,
            title: self.title,
            source: self.source,
            definitions: self.definitions,
            settings: self.settings,
            datasets: self.datasets,
            listing,
            baseline,
            efficacy,
            figure2,
            swimmer: self.swimmer,
            safety,
        }
    }

    fn efficacy(&self) -> Efficacy {
        let level = self.level;
        let all = self.subjects;
        let count = |r: BestResponse| {
            BestResponse::ALL
                .iter()
                .position(|x| *x == r)
                .map_or(0, |i| self.responses[i])
        };
        let cr = count(BestResponse::Complete);
        let evaluable = all - count(BestResponse::Withdrawn) - count(BestResponse::NotEvaluable);
        let (cr_rate, cr_rate_all) = {
            let evaluable_rate = rate(
                cr,
                evaluable,
                level,
                "evaluable: all subjects except those withdrawn before any response or not evaluable",
            );
            let all_rate = rate(cr, all, level, "all subjects (intention to treat)");
            match self.settings.cr_population {
                CrPopulation::Evaluable => (evaluable_rate, all_rate),
                CrPopulation::All => (all_rate, evaluable_rate),
            }
        };
        Efficacy {
            responses: BestResponse::ALL
                .into_iter()
                .map(|r| (r, Count::new(count(r), all)))
                .collect(),
            cr_rate,
            cr_rate_all,
            relapse_rate: rate(
                self.relapses,
                cr,
                level,
                "subjects with a complete response",
            ),
            time_to_cr: describe(&self.time_to_cr),
            time_to_cr_by_subtype: self
                .time_to_cr_by_subtype
                .iter()
                .filter_map(|(g, weeks)| {
                    describe(weeks).map(|weeks| SubtypeTime { subtype: *g, weeks })
                })
                .collect(),
            curves: Endpoint::ALL
                .into_iter()
                .enumerate()
                .map(|(key, endpoint)| {
                    let empty = EndpointTally::default();
                    let tally = self.endpoints.get(&key).unwrap_or(&empty);
                    curve(endpoint, tally, level, self.settings.at_risk_every_weeks)
                })
                .collect(),
        }
    }

    /// Visits grouped by name, ordered by their median study day; baseline first.
    fn figure2(&self) -> Vec<Figure2Point> {
        let baseline_of = |tally: &Tally| ScorePoint {
            described: describe(&tally.values()),
            test: None,
        };
        let mut points = vec![Figure2Point {
            visit: "Baseline".to_owned(),
            week: 0.0,
            activity: baseline_of(&self.baseline.activity),
            damage: baseline_of(&self.baseline.damage),
        }];
        let test = self.settings.baseline_test;
        let score = |values: &Tally, changes: &Tally| ScorePoint {
            described: describe(&values.values()),
            test: compare(&changes.values(), test, self.level),
        };
        let mut visits: Vec<Figure2Point> = self
            .visits
            .iter()
            .map(|(visit, tally)| Figure2Point {
                visit: visit.to_string(),
                week: tally.days.nth(tally.days.len() / 2).unwrap_or_default() / 7.0,
                activity: score(&tally.activity, &tally.activity_change),
                damage: score(&tally.damage, &tally.damage_change),
            })
            .collect();
        visits.sort_by(|a, b| a.week.total_cmp(&b.week).then(a.visit.cmp(&b.visit)));
        points.extend(visits);
        points
    }
}

fn curve(endpoint: Endpoint, tally: &EndpointTally, level: Level, every: Option<f64>) -> Curve {
    let (title, y_label) = match endpoint {
        Endpoint::TimeToCr => ("Time to complete response", "Proportion not yet in CR"),
        Endpoint::RelapseFreeAfterCr => (
            "Relapse-free time after complete response",
            "Proportion relapse-free",
        ),
        Endpoint::TimeToFirstAe => (
            "Time to the first adverse event of grade >= 2",
            "Proportion free of grade >= 2 AE",
        ),
    };
    let observations = &tally.observations;
    let mut result = Curve {
        endpoint,
        title,
        y_label,
        n: tally.n,
        events: tally.events,
        excluded: tally.excluded_listed.clone(),
        steps: Vec::new(),
        median_weeks: None,
        median_ci_low_weeks: None,
        median_ci_high_weeks: None,
        at_risk: Vec::new(),
        estimated: false,
        note: String::new(),
        method: method_name(Method::KaplanMeier),
    };
    if tally.unknown_events > 0 {
        result.note = format!(
            "not estimated: the source does not give the time of {} event(s), and leaving events out would bias the curve",
            tally.unknown_events
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
        None => crate::render::svg::ticks(0.0, last.max(1.0)),
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
    result.note = match (tally.excluded, tally.excluded_listed.len()) {
        (0, _) => "all subjects included".to_owned(),
        (all, listed) if all == listed => format!(
            "left out, follow-up time or status not given: {}",
            result.excluded.join(", ")
        ),
        (all, _) => format!(
            "left out, follow-up time or status not given: {all} subjects (listed subjects among them: {})",
            result.excluded.join(", ")
        ),
    };
    result
}

/// The visit against baseline on subjects with both values, from the differences (visit minus
/// baseline); `None` when the test is undefined (too few pairs, or no variation).
fn compare(changes: &[f64], test: BaselineTest, level: Level) -> Option<BaselineComparison> {
    let mean_change = changes.iter().sum::<f64>() / changes.len().max(1) as f64;
    let (statistic, p_value, method) = match test {
        BaselineTest::PairedT => {
            // The paired t test is the one-sample test of the differences.
            let zeros = vec![0.0; changes.len()];
            let t = t_test(changes, &zeros, TTestKind::Paired, level).ok()?;
            (t.statistic, t.p_value, t.method)
        }
        BaselineTest::Wilcoxon => {
            let w = signed_rank(changes).ok()?;
            (w.statistic, w.p_value, w.method)
        }
    };
    Some(BaselineComparison {
        pairs: changes.len(),
        mean_change,
        statistic,
        p_value,
        method: method_name(method),
    })
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

/// Baseline grade (the last graded value on or before day 0) against the worst graded value after it.
fn count_lab_shifts(tests: &mut Shifts, subject: &SubjectSnapshot) {
    // The subject's results grouped by test (a stable sort keeps each test's record order), so each
    // result is compared with its neighbours instead of every test's name with every result.
    let mut labs: Vec<&LabGrade> = subject.labs.iter().collect();
    labs.sort_by(|a, b| a.test.cmp(&b.test));
    for of_test in labs.chunk_by(|a, b| a.test == b.test) {
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
