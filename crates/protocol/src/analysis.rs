//! `[analysis]` resolved: what the study report computes, each endpoint with its statistic and
//! the table or figure that shows it (the file's shapes are `model::AnalysisSpec`, documented in
//! `FORMAT.md`). The loader refuses an analysis the report cannot compute (a measure the record
//! cannot give, a statistic that does not fit the measure), naming its TOML path, so a report
//! never meets one.

use instruments::ctcae::CtcaeTerm;
use instruments::medication::Drug;
use instruments::subtype::SubtypeGroup;
use serde::Serialize;

use crate::history::NerveFinding;
use crate::model::{AnalysisSpec, AnalysisVisitSpec, LabSpec, ResultSpec};
use crate::problem::Problems;

/// Days in a month for analysis visits given in months (the Julian year / 12).
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The study's analyses, checked.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Analysis {
    /// Confidence level of every interval.
    pub level: f64,
    pub baseline: Option<BaselineTable>,
    /// In study-day order; no two windows overlap.
    pub visits: Vec<AnalysisVisit>,
    pub displays: Vec<Display>,
    pub results: Vec<ResultDecl>,
}

impl Analysis {
    /// The analysis of a protocol without `[analysis]`: the flow, baseline and adverse events.
    pub fn minimal() -> Analysis {
        Analysis {
            level: 0.95,
            baseline: Some(BaselineTable {
                title: "Baseline characteristics".to_owned(),
                items: vec![BaselineItem::Sex, BaselineItem::Age, BaselineItem::Subtype],
            }),
            visits: Vec::new(),
            displays: vec![
                Display::new("flow", "Participant flow", DisplayKind::Flow),
                Display::new(
                    "baseline",
                    "Baseline characteristics",
                    DisplayKind::Baseline,
                ),
                Display::new("safety", "Adverse events", DisplayKind::Safety),
            ],
            results: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BaselineTable {
    pub title: String,
    pub items: Vec<BaselineItem>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BaselineItem {
    Sex,
    Age,
    Subtype,
    ClasiActivity,
    ClasiDamage,
}

impl BaselineItem {
    const ALL: [(&'static str, BaselineItem); 5] = [
        ("sex", BaselineItem::Sex),
        ("age", BaselineItem::Age),
        ("subtype", BaselineItem::Subtype),
        ("clasi_activity", BaselineItem::ClasiActivity),
        ("clasi_damage", BaselineItem::ClasiDamage),
    ];
}

/// An analysis visit: a target study day and the window around it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AnalysisVisit {
    pub id: String,
    pub text: String,
    pub day: i64,
    pub window_days: i64,
}

impl AnalysisVisit {
    /// Whether a value on `day` counts for this visit. At day 0 (the baseline) only the days
    /// before and on it count: a value after the first dose is no baseline.
    pub fn holds(&self, day: i64) -> bool {
        (self.day - self.window_days..=self.last_day()).contains(&day)
    }

    /// The last day that counts for the visit.
    fn last_day(&self) -> i64 {
        if self.day == 0 {
            0
        } else {
            self.day + self.window_days
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Display {
    pub id: String,
    pub title: String,
    pub kind: DisplayKind,
    pub text: Option<String>,
}

impl Display {
    fn new(id: &str, title: &str, kind: DisplayKind) -> Display {
        Display {
            id: id.to_owned(),
            title: title.to_owned(),
            kind,
            text: None,
        }
    }
}

/// What a display shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisplayKind {
    /// The results that name it.
    Results,
    /// Screened, enrolled, treated, completed and withdrawn by reason (a CONSORT-style figure).
    Flow,
    /// `[analysis.baseline]`, with its per-subject listing.
    Baseline,
    /// One row per subject: response, times, doses and how participation ended.
    SubjectListing,
    /// One row per adverse event.
    AdverseEventListing,
    /// Adverse events by term and highest grade, serious events, laboratory shifts.
    Safety,
    /// Each subject's doses over time with response, relapse and adverse events.
    Swimmer,
}

impl DisplayKind {
    const ALL: [(&'static str, DisplayKind); 7] = [
        ("results", DisplayKind::Results),
        ("flow", DisplayKind::Flow),
        ("baseline", DisplayKind::Baseline),
        ("subject_listing", DisplayKind::SubjectListing),
        ("adverse_event_listing", DisplayKind::AdverseEventListing),
        ("safety", DisplayKind::Safety),
        ("swimmer", DisplayKind::Swimmer),
    ];
}

/// One endpoint: what is derived per subject, who is counted, how it is summarised and where
/// it is shown.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ResultDecl {
    pub id: String,
    pub text: String,
    pub measure: Measure,
    pub statistic: Statistic,
    pub population: Population,
    /// The id of the display that shows it.
    pub display: String,
}

/// Who a result counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Population {
    /// Every enrolled subject (intention to treat).
    Enrolled,
    /// Enrolled subjects with a dose of the study drug recorded.
    Treated,
    /// Enrolled subjects with a baseline and a later CLASI activity, except those whose
    /// participation ended before any response (the lenalidomide paper's 14 of 15;
    /// [`crate::endpoint::BestResponse::evaluable`]).
    Evaluable,
}

impl Population {
    const ALL: [(&'static str, Population); 3] = [
        ("enrolled", Population::Enrolled),
        ("treated", Population::Treated),
        ("evaluable", Population::Evaluable),
    ];

    pub fn words(self) -> &'static str {
        match self {
            Population::Enrolled => "all enrolled subjects",
            Population::Treated => "enrolled subjects with a dose of the study drug recorded",
            Population::Evaluable => {
                "evaluable subjects: a baseline and a later CLASI activity, not withdrawn before any response"
            }
        }
    }
}

/// What is derived per subject. The response measures follow `[treatment.response]`.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Complete, partial, no response, withdrawn before any response, not evaluable.
    BestResponse,
    /// CLASI activity at or below the complete-response threshold at any visit.
    CompleteResponse,
    /// Complete or partial response.
    ClinicalResponse,
    /// After a complete response, CLASI activity at or above the relapse threshold observed
    /// during follow-up (subjects never in complete response are not counted; one whose source
    /// reports no relapse status counts as none observed, as the lenalidomide paper's 9 of 12).
    Relapse,
    /// An adverse event of one of `terms` (any term when empty) of at least `min_grade`.
    AdverseEvent {
        terms: Vec<CtcaeTerm>,
        min_grade: u8,
    },
    /// A nerve conduction study with this finding (subjects never studied are not counted).
    NerveConduction(NerveFinding),
    /// Participation ended before completion (by reason with `counts`).
    Withdrawal,
    /// Weeks from the first dose to complete response.
    TimeToCompleteResponse,
    /// Weeks from complete response to relapse.
    RelapseFreeAfterCompleteResponse,
    /// Weeks from the first dose reduction or withdrawal of the study drug after a complete
    /// response to relapse.
    TimeToRelapseAfterDoseReduction,
    /// Weeks from the first dose to the first adverse event of at least `min_grade`.
    TimeToAdverseEvent {
        min_grade: u8,
    },
    ClasiActivity,
    ClasiDamage,
    /// A laboratory test's value (`[[labs]]` id), in the unit recorded.
    Lab {
        id: String,
        text: String,
    },
    /// The daily dose of a concomitant drug, mg/day, on the day of each visit.
    ConcomitantDose(Drug),
}

/// The shape of what a measure gives per subject, which decides the statistics that fit it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// Yes or no (or does not apply).
    YesNo,
    /// One of several categories.
    Category,
    /// A time with an event or censoring.
    TimeToEvent,
    /// A value at each visit.
    OverVisits,
}

impl Measure {
    fn shapes(&self) -> &'static [Shape] {
        match self {
            Measure::BestResponse => &[Shape::Category],
            Measure::Withdrawal => &[Shape::YesNo, Shape::Category],
            Measure::CompleteResponse
            | Measure::ClinicalResponse
            | Measure::Relapse
            | Measure::AdverseEvent { .. }
            | Measure::NerveConduction(_) => &[Shape::YesNo],
            Measure::TimeToCompleteResponse
            | Measure::RelapseFreeAfterCompleteResponse
            | Measure::TimeToRelapseAfterDoseReduction
            | Measure::TimeToAdverseEvent { .. } => &[Shape::TimeToEvent],
            Measure::ClasiActivity
            | Measure::ClasiDamage
            | Measure::Lab { .. }
            | Measure::ConcomitantDose(_) => &[Shape::OverVisits],
        }
    }

    /// Whether it needs the response definitions of `[treatment.response]`.
    pub fn needs_response(&self) -> bool {
        matches!(
            self,
            Measure::BestResponse
                | Measure::CompleteResponse
                | Measure::ClinicalResponse
                | Measure::Relapse
                | Measure::TimeToCompleteResponse
                | Measure::RelapseFreeAfterCompleteResponse
                | Measure::TimeToRelapseAfterDoseReduction
        )
    }
}

const MEASURES: &str = "best_response, complete_response, clinical_response, relapse, adverse_event, nerve_conduction, withdrawal, time_to_complete_response, relapse_free_after_complete_response, time_to_relapse_after_dose_reduction, time_to_adverse_event, clasi_activity, clasi_damage, lab, concomitant_dose";

/// How a result is summarised.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    /// Count out of the population with an exact (Clopper-Pearson) interval.
    Proportion,
    /// Count and percentage of each category.
    Counts,
    /// The odds of the outcome in a subtype group against the others: Fisher's exact test with
    /// the conditional odds ratio, and logistic regression with the Wald interval.
    OddsRatio { group: Vec<SubtypeGroup> },
    /// Kaplan-Meier estimate with its median; with a group, a curve each and the log-rank test.
    KaplanMeier { group: Option<Vec<SubtypeGroup>> },
    /// Mean, SD, median and range of the event times (subjects with the event), overall and in
    /// each listed subtype group.
    Describe { groups: Vec<SubtypeGroup> },
    /// The value at one analysis visit against another in subjects with both.
    Paired {
        from: usize,
        to: usize,
        test: PairedTest,
    },
    /// Mean, SD, SEM and median at each analysis visit, each compared with the first.
    ByVisit { test: PairedTest },
}

const STATISTICS: &str = "proportion, counts, odds_ratio, kaplan_meier, describe, paired, by_visit";

impl Statistic {
    fn shape(&self) -> Shape {
        match self {
            Statistic::Proportion | Statistic::OddsRatio { .. } => Shape::YesNo,
            Statistic::Counts => Shape::Category,
            Statistic::KaplanMeier { .. } | Statistic::Describe { .. } => Shape::TimeToEvent,
            Statistic::Paired { .. } | Statistic::ByVisit { .. } => Shape::OverVisits,
        }
    }
}

/// The paired comparison of two visits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PairedTest {
    /// Wilcoxon signed-rank, exact or normal approximation as R's `wilcox.test` chooses.
    Wilcoxon,
    PairedT,
}

/// Checks `[analysis]` and resolves its names. `response` tells whether `[treatment.response]`
/// exists; `labs` are the protocol's `[[labs]]`.
pub(crate) fn compile(
    spec: &AnalysisSpec,
    response: bool,
    labs: &[LabSpec],
    problems: &mut Problems,
) -> Analysis {
    let level = spec.level.unwrap_or(0.95);
    if !(level > 0.0 && level < 1.0) {
        problems.add(
            "analysis.level",
            "must be strictly between 0 and 1 (e.g. 0.95)",
        );
    }
    let baseline = spec.baseline.as_ref().map(|b| BaselineTable {
        title: b.title.clone(),
        items: b
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                one_of(
                    item,
                    &BaselineItem::ALL,
                    format!("analysis.baseline.items[{i}]"),
                    problems,
                )
            })
            .collect(),
    });
    let visits = compile_visits(&spec.visits, problems);
    problems.unique(
        "analysis.displays",
        spec.displays.iter().map(|d| d.id.as_str()),
    );
    let displays: Vec<Display> = spec
        .displays
        .iter()
        .enumerate()
        .map(|(i, d)| Display {
            id: d.id.clone(),
            title: d.title.clone(),
            kind: match &d.kind {
                Some(kind) => one_of(
                    kind,
                    &DisplayKind::ALL,
                    format!("analysis.displays[{i}].kind"),
                    problems,
                )
                .unwrap_or(DisplayKind::Results),
                None => DisplayKind::Results,
            },
            text: d.text.clone(),
        })
        .collect();
    problems.unique(
        "analysis.results",
        spec.results.iter().map(|r| r.id.as_str()),
    );
    let results = spec
        .results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            compile_result(
                r,
                &format!("analysis.results[{i}]"),
                response,
                labs,
                &visits,
                &displays,
                problems,
            )
        })
        .collect();
    for (i, display) in displays.iter().enumerate() {
        if display.kind == DisplayKind::Results
            && !spec.results.iter().any(|r| r.display == display.id)
        {
            problems.add(
                format!("analysis.displays[{i}]"),
                format!("no result names the display '{}'; name it in a result's display, or give it a kind", display.id),
            );
        }
    }
    Analysis {
        level,
        baseline,
        visits,
        displays,
        results,
    }
}

fn one_of<T: Copy>(
    text: &str,
    allowed: &[(&str, T)],
    path: String,
    problems: &mut Problems,
) -> Option<T> {
    match allowed.iter().find(|(id, _)| *id == text) {
        Some((_, value)) => Some(*value),
        None => {
            let ids: Vec<&str> = allowed.iter().map(|(id, _)| *id).collect();
            problems.add(
                path,
                format!("unknown '{text}'; allowed: {}", ids.join(", ")),
            );
            None
        }
    }
}

fn compile_visits(specs: &[AnalysisVisitSpec], problems: &mut Problems) -> Vec<AnalysisVisit> {
    problems.unique("analysis.visits", specs.iter().map(|v| v.id.as_str()));
    let mut visits: Vec<AnalysisVisit> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let path = format!("analysis.visits[{i}]");
        let day = match (spec.day, spec.week, spec.month) {
            (Some(day), None, None) => i64::from(day),
            (None, Some(week), None) => 7 * i64::from(week),
            (None, None, Some(month)) => (f64::from(month) * DAYS_PER_MONTH).round() as i64,
            _ => {
                problems.add(path, "give exactly one of day, week or month");
                continue;
            }
        };
        let window_days = i64::from(spec.window_days);
        if let Some(previous) = visits.last() {
            if day <= previous.day {
                problems.add(
                    path,
                    format!(
                        "must come after '{}' (day {}): list visits in time order",
                        previous.id, previous.day
                    ),
                );
                continue;
            }
            if day - window_days <= previous.last_day() {
                problems.add(
                    format!("{path}.window_days"),
                    format!(
                        "overlaps the window of '{}': a value would count for both visits",
                        previous.id
                    ),
                );
            }
        }
        visits.push(AnalysisVisit {
            id: spec.id.clone(),
            text: spec.text.clone(),
            day,
            window_days,
        });
    }
    visits
}

fn compile_result(
    spec: &ResultSpec,
    path: &str,
    response: bool,
    labs: &[LabSpec],
    visits: &[AnalysisVisit],
    displays: &[Display],
    problems: &mut Problems,
) -> Option<ResultDecl> {
    let before = problems.list.len();
    match displays.iter().find(|d| d.id == spec.display) {
        None => {
            let ids: Vec<&str> = displays.iter().map(|d| d.id.as_str()).collect();
            problems.add(
                format!("{path}.display"),
                format!("unknown display '{}'; [[analysis.displays]] has: {}", spec.display, ids.join(", ")),
            );
        }
        Some(d) if d.kind != DisplayKind::Results => problems.add(
            format!("{path}.display"),
            format!("'{}' is a display of its own kind, which shows no results; name a display without a kind", d.id),
        ),
        Some(_) => {}
    }
    let measure = compile_measure(spec, path, labs, problems);
    let statistic = compile_statistic(spec, path, visits, problems);
    let population = match &spec.population {
        Some(text) => one_of(
            text,
            &Population::ALL,
            format!("{path}.population"),
            problems,
        ),
        None => Some(Population::Enrolled),
    };
    let (measure, statistic, population) = (measure?, statistic?, population?);
    if !measure.shapes().contains(&statistic.shape()) {
        problems.add(
            format!("{path}.statistic"),
            format!(
                "{} cannot summarise {}: {}",
                spec.statistic,
                spec.measure,
                match measure.shapes()[0] {
                    Shape::YesNo => "a yes/no outcome takes proportion or odds_ratio",
                    Shape::Category => "categories take counts",
                    Shape::TimeToEvent => "a time to an event takes kaplan_meier or describe",
                    Shape::OverVisits => "a value over visits takes paired or by_visit",
                }
            ),
        );
    }
    if !response && (measure.needs_response() || population == Population::Evaluable) {
        let what = if measure.needs_response() {
            format!("{path}.measure")
        } else {
            format!("{path}.population")
        };
        problems.add(
            what,
            "needs the protocol's response definitions ([treatment.response]), which this protocol does not have",
        );
    }
    (problems.list.len() == before).then(|| ResultDecl {
        id: spec.id.clone(),
        text: spec.text.clone(),
        measure,
        statistic,
        population,
        display: spec.display.clone(),
    })
}

/// Refuses a key the measure or statistic does not read (a silently ignored key would be a
/// setting that does nothing).
fn unused(path: &str, key: &str, present: bool, why: &str, problems: &mut Problems) {
    if present {
        problems.add(format!("{path}.{key}"), format!("not used by {why}"));
    }
}

fn compile_measure(
    spec: &ResultSpec,
    path: &str,
    labs: &[LabSpec],
    problems: &mut Problems,
) -> Option<Measure> {
    let measure = spec.measure.as_str();
    let grade = |problems: &mut Problems| match spec.min_grade.unwrap_or(1) {
        g @ 1..=5 => Some(g),
        g => {
            problems.add(
                format!("{path}.min_grade"),
                format!("CTCAE grade must be 1 to 5, got {g}"),
            );
            None
        }
    };
    let takes = |key: &str| match key {
        "terms" => measure == "adverse_event",
        "min_grade" => matches!(measure, "adverse_event" | "time_to_adverse_event"),
        "finding" => measure == "nerve_conduction",
        "lab" => measure == "lab",
        "drug" => measure == "concomitant_dose",
        _ => true,
    };
    for (key, present) in [
        ("terms", spec.terms.is_some()),
        ("min_grade", spec.min_grade.is_some()),
        ("finding", spec.finding.is_some()),
        ("lab", spec.lab.is_some()),
        ("drug", spec.drug.is_some()),
    ] {
        if !takes(key) {
            unused(path, key, present, &format!("measure {measure}"), problems);
        }
    }
    let required = |key: &str, value: &Option<String>, problems: &mut Problems| {
        if value.is_none() {
            problems.add(
                format!("{path}.{key}"),
                format!("required by measure {measure}"),
            );
        }
        value.clone()
    };
    Some(match measure {
        "best_response" => Measure::BestResponse,
        "complete_response" => Measure::CompleteResponse,
        "clinical_response" => Measure::ClinicalResponse,
        "relapse" => Measure::Relapse,
        "withdrawal" => Measure::Withdrawal,
        "time_to_complete_response" => Measure::TimeToCompleteResponse,
        "relapse_free_after_complete_response" => Measure::RelapseFreeAfterCompleteResponse,
        "time_to_relapse_after_dose_reduction" => Measure::TimeToRelapseAfterDoseReduction,
        "clasi_activity" => Measure::ClasiActivity,
        "clasi_damage" => Measure::ClasiDamage,
        "adverse_event" => {
            let mut terms = Vec::new();
            for (i, term) in spec.terms.iter().flatten().enumerate() {
                match CtcaeTerm::lookup(term) {
                    Ok(term) => terms.push(term),
                    Err(unknown) => problems.add(format!("{path}.terms[{i}]"), unknown.to_string()),
                }
            }
            Measure::AdverseEvent {
                terms,
                min_grade: grade(problems)?,
            }
        }
        "time_to_adverse_event" => Measure::TimeToAdverseEvent {
            min_grade: grade(problems)?,
        },
        "nerve_conduction" => match required("finding", &spec.finding, problems)?.as_str() {
            "sensory_polyneuropathy" => {
                Measure::NerveConduction(NerveFinding::SensoryPolyneuropathy)
            }
            "other" => Measure::NerveConduction(NerveFinding::Other),
            other => {
                problems.add(
                    format!("{path}.finding"),
                    format!("unknown finding '{other}'; allowed: sensory_polyneuropathy, other"),
                );
                return None;
            }
        },
        "lab" => {
            let id = required("lab", &spec.lab, problems)?;
            match labs.iter().find(|lab| lab.id == id) {
                Some(lab) => Measure::Lab {
                    id,
                    text: lab.text.clone(),
                },
                None => {
                    let ids: Vec<&str> = labs.iter().map(|lab| lab.id.as_str()).collect();
                    problems.add(
                        format!("{path}.lab"),
                        format!("unknown lab test '{id}'; [[labs]] has: {}", ids.join(", ")),
                    );
                    return None;
                }
            }
        }
        "concomitant_dose" => match Drug::find(&required("drug", &spec.drug, problems)?) {
            Ok(drug) => Measure::ConcomitantDose(drug),
            Err(unknown) => {
                problems.add(format!("{path}.drug"), unknown.to_string());
                return None;
            }
        },
        other => {
            problems.add(
                format!("{path}.measure"),
                format!("unknown measure '{other}'; allowed: {MEASURES}"),
            );
            return None;
        }
    })
}

fn compile_statistic(
    spec: &ResultSpec,
    path: &str,
    visits: &[AnalysisVisit],
    problems: &mut Problems,
) -> Option<Statistic> {
    let statistic = spec.statistic.as_str();
    let takes = |key: &str| match key {
        "by_subtype" => matches!(statistic, "odds_ratio" | "kaplan_meier" | "describe"),
        "from" | "to" => statistic == "paired",
        "test" => matches!(statistic, "paired" | "by_visit"),
        _ => true,
    };
    for (key, present) in [
        ("by_subtype", spec.by_subtype.is_some()),
        ("from", spec.from.is_some()),
        ("to", spec.to.is_some()),
        ("test", spec.test.is_some()),
    ] {
        if !takes(key) {
            unused(
                path,
                key,
                present,
                &format!("statistic {statistic}"),
                problems,
            );
        }
    }
    let groups = |problems: &mut Problems| -> Option<Vec<SubtypeGroup>> {
        let mut groups = Vec::new();
        for (i, text) in spec.by_subtype.iter().flatten().enumerate() {
            match SubtypeGroup::find(text) {
                Some(group) => groups.push(group),
                None => {
                    let ids: Vec<&str> = SubtypeGroup::ALL.iter().map(|g| g.id()).collect();
                    problems.add(
                        format!("{path}.by_subtype[{i}]"),
                        format!(
                            "unknown subtype group '{text}'; allowed: {}",
                            ids.join(", ")
                        ),
                    );
                    return None;
                }
            }
        }
        Some(groups)
    };
    let test = |default: PairedTest, problems: &mut Problems| match spec.test.as_deref() {
        None => Some(default),
        Some("wilcoxon") => Some(PairedTest::Wilcoxon),
        Some("paired_t") => Some(PairedTest::PairedT),
        Some(other) => {
            problems.add(
                format!("{path}.test"),
                format!("unknown test '{other}'; allowed: wilcoxon, paired_t"),
            );
            None
        }
    };
    let visit = |key: &str, id: &Option<String>, problems: &mut Problems| {
        let Some(id) = id else {
            problems.add(
                format!("{path}.{key}"),
                "required by statistic paired: an analysis visit's id",
            );
            return None;
        };
        let found = visits.iter().position(|v| &v.id == id);
        if found.is_none() {
            let ids: Vec<&str> = visits.iter().map(|v| v.id.as_str()).collect();
            problems.add(
                format!("{path}.{key}"),
                format!(
                    "unknown analysis visit '{id}'; [[analysis.visits]] has: {}",
                    ids.join(", ")
                ),
            );
        }
        found
    };
    Some(match statistic {
        "proportion" => Statistic::Proportion,
        "counts" => Statistic::Counts,
        "odds_ratio" => {
            let group = groups(problems)?;
            if group.is_empty() {
                problems.add(
                    format!("{path}.by_subtype"),
                    "required by odds_ratio: the subtype groups compared with the others",
                );
                return None;
            }
            Statistic::OddsRatio { group }
        }
        "kaplan_meier" => {
            let group = groups(problems)?;
            Statistic::KaplanMeier {
                group: (!group.is_empty()).then_some(group),
            }
        }
        "describe" => Statistic::Describe {
            groups: groups(problems)?,
        },
        "paired" => {
            let (from, to) = (
                visit("from", &spec.from, problems),
                visit("to", &spec.to, problems),
            );
            let test = test(PairedTest::Wilcoxon, problems);
            let (from, to, test) = (from?, to?, test?);
            if from >= to {
                problems.add(
                    format!("{path}.to"),
                    "must be a later analysis visit than from",
                );
                return None;
            }
            Statistic::Paired { from, to, test }
        }
        "by_visit" => {
            if visits.len() < 2 || visits[0].day != 0 {
                problems.add(
                    format!("{path}.statistic"),
                    "by_visit needs [[analysis.visits]] starting with the baseline (day 0) and at least one visit after it",
                );
                return None;
            }
            Statistic::ByVisit {
                test: test(PairedTest::PairedT, problems)?,
            }
        }
        other => {
            problems.add(
                format!("{path}.statistic"),
                format!("unknown statistic '{other}'; allowed: {STATISTICS}"),
            );
            return None;
        }
    })
}
