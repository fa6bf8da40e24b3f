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
    BestResponse, Datasets, Definitions, Endpoint, SubjectRow, TimeToEventRow, derive,
};
use crate::snapshot::{Sex, Snapshot, Source, SubtypeGroup};

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
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            level: 0.95,
            baseline_test: BaselineTest::default(),
            cr_population: CrPopulation::default(),
            at_risk_every_weeks: None,
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

fn rate(n: usize, of: usize, level: Level, population: &'static str) -> Option<Rate> {
    let ci = proportion_ci(n as u64, of as u64, ProportionMethod::ClopperPearson, level).ok()?;
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
    /// Subjects whose time the source does not give.
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
    /// (from week, to week, mg per day).
    pub doses: Vec<(f64, f64, f64)>,
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

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub study: String,
    pub title: String,
    pub source: Source,
    pub definitions: Definitions,
    pub settings: Settings,
    pub datasets: Datasets,
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
    let level = Level::new(settings.level).map_err(|_| ReportError::Level)?;
    if settings
        .at_risk_every_weeks
        .is_some_and(|every| !(every.is_finite() && every > 0.0))
    {
        return Err(ReportError::AtRiskSpacing);
    }
    let datasets = derive(snapshot, definitions);
    Ok(Report {
        study: snapshot.study.clone(),
        title: snapshot.title.clone(),
        source: snapshot.source,
        definitions: definitions.clone(),
        settings,
        baseline: baseline(&datasets.subjects),
        efficacy: efficacy(&datasets, level, settings),
        figure2: figure2(snapshot, settings.baseline_test, level),
        swimmer: swimmer(snapshot, &datasets),
        safety: safety(snapshot, &datasets),
        datasets,
    })
}

fn baseline(subjects: &[SubjectRow]) -> Baseline {
    let enrolled = subjects.len();
    let values = |pick: fn(&SubjectRow) -> Option<f64>| -> Vec<f64> {
        subjects.iter().filter_map(pick).collect()
    };
    let activity = values(|s| s.baseline_activity.value());
    let damage = values(|s| s.baseline_damage.value());
    Baseline {
        enrolled,
        female: Count::new(
            subjects.iter().filter(|s| s.sex == Some(Sex::F)).count(),
            enrolled,
        ),
        subtypes: SubtypeGroup::ALL
            .into_iter()
            .map(|g| {
                let n = subjects.iter().filter(|s| s.subtype == Some(g)).count();
                (g, Count::new(n, enrolled))
            })
            .filter(|(_, c)| c.n > 0)
            .collect(),
        clasi_activity_missing: enrolled - activity.len(),
        clasi_damage_missing: enrolled - damage.len(),
        clasi_activity: describe(&activity),
        clasi_damage: describe(&damage),
    }
}

fn efficacy(datasets: &Datasets, level: Level, settings: Settings) -> Efficacy {
    let subjects = &datasets.subjects;
    let count = |r: BestResponse| subjects.iter().filter(|s| s.best_response == r).count();
    let cr = count(BestResponse::Complete);
    let evaluable =
        subjects.len() - count(BestResponse::Withdrawn) - count(BestResponse::NotEvaluable);
    let (cr_rate, cr_rate_all) = {
        let evaluable_rate = rate(
            cr,
            evaluable,
            level,
            "evaluable: all subjects except those withdrawn before any response or not evaluable",
        );
        let all_rate = rate(
            cr,
            subjects.len(),
            level,
            "all subjects (intention to treat)",
        );
        match settings.cr_population {
            CrPopulation::Evaluable => (evaluable_rate, all_rate),
            CrPopulation::All => (all_rate, evaluable_rate),
        }
    };
    let relapses = subjects.iter().filter(|s| s.relapse == Some(true)).count();
    let ttcr: Vec<f64> = subjects.iter().filter_map(|s| s.time_to_cr_weeks).collect();
    Efficacy {
        responses: BestResponse::ALL
            .into_iter()
            .map(|r| (r, Count::new(count(r), subjects.len())))
            .collect(),
        cr_rate,
        cr_rate_all,
        relapse_rate: rate(relapses, cr, level, "subjects with a complete response"),
        time_to_cr: describe(&ttcr),
        time_to_cr_by_subtype: SubtypeGroup::ALL
            .into_iter()
            .filter_map(|g| {
                let weeks: Vec<f64> = subjects
                    .iter()
                    .filter(|s| s.subtype == Some(g))
                    .filter_map(|s| s.time_to_cr_weeks)
                    .collect();
                describe(&weeks).map(|weeks| SubtypeTime { subtype: g, weeks })
            })
            .collect(),
        curves: Endpoint::ALL
            .into_iter()
            .map(|e| {
                curve(
                    e,
                    &datasets.time_to_event,
                    level,
                    settings.at_risk_every_weeks,
                )
            })
            .collect(),
    }
}

fn curve(endpoint: Endpoint, rows: &[TimeToEventRow], level: Level, every: Option<f64>) -> Curve {
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
    let rows: Vec<&TimeToEventRow> = rows.iter().filter(|r| r.endpoint == endpoint).collect();
    let excluded: Vec<String> = rows
        .iter()
        .filter(|r| r.weeks.is_none())
        .map(|r| r.id.clone())
        .collect();
    let observations: Vec<Observation> = rows
        .iter()
        .filter_map(|r| {
            r.weeks.map(|time| Observation {
                time,
                event: r.event,
            })
        })
        .collect();
    let unknown_events = rows.iter().filter(|r| r.weeks.is_none() && r.event).count();
    let mut result = Curve {
        endpoint,
        title,
        y_label,
        n: rows.len(),
        events: rows.iter().filter(|r| r.event).count(),
        excluded,
        steps: Vec::new(),
        median_weeks: None,
        median_ci_low_weeks: None,
        median_ci_high_weeks: None,
        at_risk: Vec::new(),
        estimated: false,
        note: String::new(),
        method: method_name(Method::KaplanMeier),
    };
    if unknown_events > 0 {
        result.note = format!(
            "not estimated: the source does not give the time of {unknown_events} event(s), and leaving events out would bias the curve"
        );
        return result;
    }
    let km = match kaplan_meier(&observations, KmCi::Log, level, MedianRule::Print) {
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
    result.note = if result.excluded.is_empty() {
        "all subjects included".to_owned()
    } else {
        format!(
            "left out, follow-up time or status not given: {}",
            result.excluded.join(", ")
        )
    };
    result
}

/// One subject at one visit: baseline and visit activity, baseline and visit damage.
type Pair = (Option<f64>, Option<f64>, Option<f64>, Option<f64>);
type Pairs = Vec<Pair>;
/// Per test: (baseline grade, worst grade) -> patients.
type Shifts<'a> = BTreeMap<&'a str, BTreeMap<(Option<u8>, Option<u8>), usize>>;

/// Visits grouped by name, ordered by their median study day; baseline first.
fn figure2(snapshot: &Snapshot, test: BaselineTest, level: Level) -> Vec<Figure2Point> {
    let mut by_visit: BTreeMap<String, (Vec<i64>, Pairs)> = BTreeMap::new();
    for subject in &snapshot.subjects {
        for visit in &subject.visits {
            let entry = by_visit.entry(visit.name.clone()).or_default();
            entry.0.push(visit.day);
            entry.1.push((
                subject.baseline_activity.value(),
                visit.activity.value(),
                subject.baseline_damage.value(),
                visit.damage.value(),
            ));
        }
    }
    let baseline_of = |pick: fn(&crate::snapshot::SubjectSnapshot) -> Option<f64>| {
        let values: Vec<f64> = snapshot.subjects.iter().filter_map(pick).collect();
        ScorePoint {
            described: describe(&values),
            test: None,
        }
    };
    let mut points = vec![Figure2Point {
        visit: "Baseline".to_owned(),
        week: 0.0,
        activity: baseline_of(|s| s.baseline_activity.value()),
        damage: baseline_of(|s| s.baseline_damage.value()),
    }];
    let mut visits: Vec<Figure2Point> = by_visit
        .into_iter()
        .map(|(visit, (mut days, pairs))| {
            days.sort_unstable();
            let week = days[days.len() / 2] as f64 / 7.0;
            let score = |pick: fn(&Pair) -> (Option<f64>, Option<f64>)| {
                let both: Vec<(f64, f64)> = pairs
                    .iter()
                    .filter_map(|p| match pick(p) {
                        (Some(b), Some(v)) => Some((b, v)),
                        _ => None,
                    })
                    .collect();
                let values: Vec<f64> = pairs.iter().filter_map(|p| pick(p).1).collect();
                ScorePoint {
                    described: describe(&values),
                    test: compare(&both, test, level),
                }
            };
            Figure2Point {
                visit,
                week,
                activity: score(|p| (p.0, p.1)),
                damage: score(|p| (p.2, p.3)),
            }
        })
        .collect();
    visits.sort_by(|a, b| a.week.total_cmp(&b.week).then(a.visit.cmp(&b.visit)));
    points.extend(visits);
    points
}

/// The visit against baseline on subjects with both values; `None` when the test is undefined (too
/// few pairs, or no variation).
fn compare(pairs: &[(f64, f64)], test: BaselineTest, level: Level) -> Option<BaselineComparison> {
    let visit: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let baseline: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let mean_change =
        visit.iter().zip(&baseline).map(|(v, b)| v - b).sum::<f64>() / pairs.len().max(1) as f64;
    let (statistic, p_value, method) = match test {
        BaselineTest::PairedT => {
            let t = t_test(&visit, &baseline, TTestKind::Paired, level).ok()?;
            (t.statistic, t.p_value, t.method)
        }
        BaselineTest::Wilcoxon => {
            let d: Vec<f64> = visit.iter().zip(&baseline).map(|(v, b)| v - b).collect();
            let w = signed_rank(&d).ok()?;
            (w.statistic, w.p_value, w.method)
        }
    };
    Some(BaselineComparison {
        pairs: pairs.len(),
        mean_change,
        statistic,
        p_value,
        method: method_name(method),
    })
}

fn swimmer(snapshot: &Snapshot, datasets: &Datasets) -> Vec<Lane> {
    snapshot
        .subjects
        .iter()
        .zip(&datasets.subjects)
        .map(|(subject, row)| {
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
                        (d.start_day as f64 / 7.0, to, d.mg_per_day)
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
        })
        .collect()
}

fn safety(snapshot: &Snapshot, datasets: &Datasets) -> Safety {
    let enrolled = datasets.subjects.len();
    let aes = &datasets.adverse_events;
    let mut terms: BTreeMap<&str, BTreeMap<&str, Vec<Option<u8>>>> = BTreeMap::new();
    for ae in aes {
        terms
            .entry(ae.term.as_str())
            .or_default()
            .entry(ae.id.as_str())
            .or_default()
            .push(ae.grade);
    }
    let by_term = terms
        .into_iter()
        .map(|(term, patients)| {
            let mut highest_grade = [0; 5];
            let mut grade_unknown = 0;
            for grades in patients.values() {
                match grades.iter().flatten().max() {
                    Some(&g) if (1..=5).contains(&g) => highest_grade[usize::from(g) - 1] += 1,
                    _ => grade_unknown += 1,
                }
            }
            TermRow {
                term: term.to_owned(),
                patients: patients.len(),
                highest_grade,
                grade_unknown,
                events: patients.values().map(Vec::len).sum(),
            }
        })
        .collect();
    let distinct = |keep: &dyn Fn(&crate::derive::AeRow) -> bool| {
        let mut ids: Vec<&str> = aes
            .iter()
            .filter(|a| keep(a))
            .map(|a| a.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    Safety {
        patients_with_any: Count::new(distinct(&|_| true), enrolled),
        by_term,
        serious_patients: Count::new(distinct(&|a| a.serious == Some(true)), enrolled),
        serious_events: aes.iter().filter(|a| a.serious == Some(true)).count(),
        serious_unknown: aes.iter().filter(|a| a.serious.is_none()).count(),
        lab_shifts: lab_shifts(snapshot),
    }
}

/// Baseline grade (the last graded value on or before day 0) against the worst graded value after it.
fn lab_shifts(snapshot: &Snapshot) -> Vec<LabShift> {
    let mut tests: Shifts = BTreeMap::new();
    for subject in &snapshot.subjects {
        let mut names: Vec<&str> = subject.labs.iter().map(|l| l.test.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        for test in names {
            let of_test = subject.labs.iter().filter(|l| l.test == test);
            let baseline = of_test
                .clone()
                .filter(|l| l.day <= 0 && l.grade.is_some())
                .max_by_key(|l| l.day)
                .and_then(|l| l.grade);
            let worst = of_test.filter(|l| l.day > 0).filter_map(|l| l.grade).max();
            *tests
                .entry(test)
                .or_default()
                .entry((baseline, worst))
                .or_default() += 1;
        }
    }
    tests
        .into_iter()
        .map(|(test, cells)| LabShift {
            test: test.to_owned(),
            cells: cells.into_iter().map(|((b, w), n)| (b, w, n)).collect(),
        })
        .collect()
}
