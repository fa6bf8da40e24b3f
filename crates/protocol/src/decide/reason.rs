//! Why a decision was taken: each rule that fired as a [`Reason`] holding the values it used,
//! and each missing record as a [`Missing`]. Their sentences are written here, only when a
//! caller asks for the whole [`super::Decision`] (the web panel, the JSON output); the
//! simulator reads the action and the dose and never pays for the words.

use instruments::ctcae::CtcaeGrade;
use instruments::sledai::Flare;
use jiff::civil::Date;
use smallvec::SmallVec;

use super::Rule;
use super::fold::{Fold, Found, RelapseAt, Scored, SledaiChange, Trigger};
use crate::history::History;
use crate::load::Algorithm;
use crate::model::{Choice, NoResponsePolicy, SledaiReference};
use instruments::sledai::FlareRule;

/// A rule that fired. Values that do not change within a cycle (its number, start, baseline
/// and assessment dates) and the protocol's settings are read when the sentence is written,
/// from the same fold the decision was taken on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Reason {
    /// A stopping rule (by its place in `Algorithm::stops`) and what met it first.
    Stop {
        stop: usize,
        trigger: Trigger,
    },
    Start {
        on: Date,
    },
    BaselineMissing,
    RelapseMaintenance {
        relapse: RelapseAt,
        target: usize,
    },
    RelapseReintroduce {
        relapse: RelapseAt,
    },
    MaintenancePlanned {
        cycle: u32,
        target: usize,
    },
    OffObserve {
        since: Date,
    },
    MaintenanceHold {
        level: usize,
    },
    TaperWait {
        level: usize,
        due: Date,
    },
    TaperMissingClasi {
        due: Date,
        from: Date,
    },
    TaperHold {
        assessed: Scored,
        level: usize,
    },
    TaperWithdraw {
        assessed: Scored,
        level: usize,
    },
    TaperStep {
        assessed: Scored,
        level: usize,
        to_maintenance: bool,
    },
    BeforeAssessment {
        level: usize,
    },
    AssessmentMissingClasi,
    NoImprovement {
        assessed: Scored,
        up: usize,
    },
    NoEscalation {
        assessed: Scored,
    },
    Improvement {
        assessed: Scored,
        level: usize,
    },
    Escalated {
        level: usize,
    },
    /// A level given that the protocol did not ask for, and the one it asks for instead.
    NotAsked {
        given: usize,
        since: Date,
        asked: usize,
    },
    PartialResponse {
        latest: Option<Scored>,
        level: usize,
    },
    NoResponse {
        latest: Option<Scored>,
    },
    /// The latest SLEDAI-2K after the start, with its change and whether it is a flare.
    Sledai(SledaiChange),
    /// The toxicity flag with the worst grade found; its findings are written with the decision.
    Toxicity(CtcaeGrade),
    /// Deviations; the list is written with the decision.
    Deviation,
}

impl Reason {
    /// The rule's id, as the protocol and the record name it.
    pub(super) fn id(self, algorithm: &Algorithm) -> &str {
        match self {
            Reason::Stop { stop, .. } => &algorithm.stops[stop].id,
            Reason::Start { .. } => "start",
            Reason::BaselineMissing => "baseline.missing",
            Reason::RelapseMaintenance { .. } => "relapse.maintenance",
            Reason::RelapseReintroduce { .. } => "relapse.reintroduce",
            Reason::MaintenancePlanned { .. } => "maintenance.planned",
            Reason::OffObserve { .. } => "off.observe",
            Reason::MaintenanceHold { .. } => "maintenance.hold",
            Reason::TaperWait { .. } => "taper.wait",
            Reason::TaperMissingClasi { .. } => "taper.missing_clasi",
            Reason::TaperHold { .. } => "taper.hold",
            Reason::TaperWithdraw { .. } => "taper.withdraw",
            Reason::TaperStep {
                to_maintenance: true,
                ..
            } => "taper.to_maintenance",
            Reason::TaperStep { .. } => "taper.step",
            Reason::BeforeAssessment { .. } => "induction.before_assessment",
            Reason::AssessmentMissingClasi => "week4.missing_clasi",
            Reason::NoImprovement { .. } => "week4.no_improvement",
            Reason::NoEscalation { .. } => "week4.no_escalation",
            Reason::Improvement { .. } => "week4.improvement",
            Reason::Escalated { .. } => "induction.escalated",
            Reason::NotAsked { .. } => "induction.not_asked",
            Reason::PartialResponse { .. } => "week12.partial_response",
            Reason::NoResponse { .. } => "week12.no_response",
            Reason::Sledai(change) => match (change.reference, change.flare) {
                (None, _) => "flare.no_reference",
                (Some(_), None) => "flare.none",
                (Some(_), Some(Flare::Mild)) => "flare.mild",
                (Some(_), Some(Flare::Severe)) => "flare.severe",
            },
            Reason::Toxicity(_) => "toxicity.flag",
            Reason::Deviation => "deviation",
        }
    }
}

/// The reasons of one decision, most often one or two (the algorithm's) and a flag: kept
/// inline, so that a decision read without its sentences allocates nothing for them.
pub(super) type Reasons = SmallVec<[Reason; 3]>;

/// A record the decision needed and did not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Missing {
    Doses,
    BaselineClasi,
    TaperClasi { due: Date, from: Date },
    AssessmentClasi,
    SledaiBaseline,
}

fn flare_word(flare: Flare) -> &'static str {
    match flare {
        Flare::Mild => "mild",
        Flare::Severe => "severe",
    }
}

/// Writes the sentences of one decision from the fold and the record it was taken on.
pub(super) struct Writer<'a> {
    pub(super) algorithm: &'a Algorithm,
    pub(super) fold: &'a Fold,
    pub(super) history: &'a History,
    pub(super) as_of: Date,
}

impl Writer<'_> {
    /// A dose level as the protocol names it ("lenalidomide 5 mg on alternate days").
    fn level(&self, level: usize) -> &str {
        &self.algorithm.ladder[level].text
    }

    /// `reason` as a rule with its sentence; `deviations` and `findings` are the decision's own.
    pub(super) fn rule(&self, reason: Reason, deviations: &[String], findings: &[String]) -> Rule {
        Rule {
            id: reason.id(self.algorithm).to_owned(),
            text: self.text(reason, deviations, findings),
        }
    }

    fn text(&self, reason: Reason, deviations: &[String], findings: &[String]) -> String {
        let settings = &self.algorithm.settings;
        let cycle = &self.fold.cycle;
        let week = settings.assessment_week;
        let baseline = cycle.baseline.unwrap_or_default();
        let versus = |scored: Scored| {
            format!(
                "CLASI activity {} on {} vs baseline {baseline}",
                scored.activity, scored.date
            )
        };
        let seen =
            |scored: Scored| format!("CLASI activity {} on {}", scored.activity, scored.date);
        let by_week = settings.response.partial_by_week;
        match reason {
            Reason::Stop { stop, trigger } => {
                format!(
                    "{}: {}",
                    self.algorithm.stops[stop].text,
                    self.stop_detail(trigger)
                )
            }
            Reason::Start { on } => {
                format!("start at {} on {on}", self.level(self.algorithm.start))
            }
            Reason::BaselineMissing => {
                "no baseline CLASI activity: response cannot be judged".to_owned()
            }
            Reason::RelapseMaintenance { relapse, target } => format!(
                "{}: relapse in cycle {} during taper; hold {}, the lowest level that held remission{}",
                self.relapse_seen(relapse),
                relapse.cycle,
                self.level(target),
                self.because(Choice::MaintenancePolicy)
            ),
            Reason::RelapseReintroduce { relapse } => format!(
                "{}: relapse; reintroduce {} as cycle {}{}",
                self.relapse_seen(relapse),
                self.level(self.algorithm.reintroduce),
                relapse.cycle + 1,
                self.because(Choice::ReintroduceLevel)
            ),
            Reason::MaintenancePlanned { cycle, target } => format!(
                "relapse during taper in cycle {cycle}: this cycle tapers only down to {}, the lowest level that held remission, and holds it{}",
                self.level(target),
                self.because(Choice::MaintenancePolicy)
            ),
            Reason::OffObserve { since } => format!(
                "withdrawn since {since} in remission; a CLASI activity >= {} would be a relapse",
                settings.response.relapse_min_activity
            ),
            Reason::MaintenanceHold { level } => format!(
                "hold {}, the lowest level that held remission",
                self.level(level)
            ),
            Reason::TaperWait { level, due } => format!(
                "in complete response on {}: next taper step due on {due}{}",
                self.level(level),
                self.counts_from(due)
            ),
            Reason::TaperMissingClasi { due, from } => format!(
                "taper step due on {due} needs a CLASI activity from {from} on{}",
                self.because(Choice::WindowDays)
            ),
            Reason::TaperHold { assessed, level } => format!(
                "{} is not a complete response (and not a relapse): hold {}",
                seen(assessed),
                self.level(level)
            ),
            Reason::TaperWithdraw { assessed, level } => format!(
                "{}, complete response at the last step {}: withdraw",
                seen(assessed),
                self.level(level)
            ),
            Reason::TaperStep {
                assessed, level, ..
            } => format!(
                "{}, complete response: taper one step, {} to {}",
                seen(assessed),
                self.level(level),
                self.level(level + 1)
            ),
            Reason::BeforeAssessment { level } => format!(
                "cycle {} on {} since {}: the week-{week} assessment is due on {}{}",
                cycle.number,
                self.level(level),
                cycle.start,
                cycle.assessment_due,
                self.counts_from(cycle.assessment_due)
            ),
            Reason::AssessmentMissingClasi => format!(
                "the week-{week} decision needs a CLASI activity from {} on; none recorded{}",
                cycle.assessment_from,
                self.because(Choice::WindowDays)
            ),
            Reason::NoImprovement { assessed, up } => format!(
                "{}: no clinical improvement at week {week}{}; increase to {}",
                versus(assessed),
                self.because(Choice::Improvement),
                self.level(up)
            ),
            Reason::NoEscalation { assessed } => format!(
                "{}: no clinical improvement, and the protocol has no higher level: the physician decides",
                versus(assessed)
            ),
            Reason::Improvement { assessed, level } => format!(
                "{}: clinical improvement at week {week}{}; stay at {}",
                versus(assessed),
                self.because(Choice::Improvement),
                self.level(level)
            ),
            Reason::Escalated { level } => {
                format!(
                    "escalated to {} in cycle {}",
                    self.level(level),
                    cycle.number
                )
            }
            Reason::NotAsked {
                given,
                since,
                asked,
            } => {
                let why = match cycle.assessed {
                    Some(assessed) if assessed.date <= since => format!(
                        "the week-{week} assessment ({}) showed improvement",
                        versus(assessed)
                    ),
                    _ => format!("no week-{week} assessment preceded it"),
                };
                format!(
                    "{} given since {since} was not asked for by the protocol ({why}): the protocol asks for {}",
                    self.level(given),
                    self.level(asked)
                )
            }
            Reason::PartialResponse { latest, level } => format!(
                "{}: partial response by week {by_week}; continue {}",
                latest.map_or_else(|| "no CLASI activity recorded".to_owned(), versus),
                self.level(level)
            ),
            Reason::NoResponse { latest } => {
                let described =
                    latest.map_or_else(|| "no CLASI activity recorded".to_owned(), versus);
                let percent = settings.response.partial_min_improvement_percent;
                match settings.no_response_at_deadline {
                    NoResponsePolicy::DeferToPhysician => format!(
                        "{described}: no partial response (>= {percent}%) by week {by_week}; the protocol does not say what follows, so the physician decides{}",
                        self.because(Choice::NoResponseAtDeadline)
                    ),
                    NoResponsePolicy::Stop => format!(
                        "{described}: no partial response (>= {percent}%) by week {by_week}: stop"
                    ),
                }
            }
            Reason::Sledai(change) => self.sledai(change),
            Reason::Toxicity(grade) => format!(
                "CTCAE grade {} toxicity flagged: {}",
                grade.number(),
                findings.join("; ")
            ),
            Reason::Deviation => deviations.join("; "),
        }
    }

    /// When an assessment for a step due on `due` counts: from the due date itself, or from
    /// `window_days` before it, with the protocol's reason.
    fn counts_from(&self, due: Date) -> String {
        let early = self.algorithm.settings.window_days;
        let when = if early == 0 {
            "; a CLASI counts from that day on, not earlier".to_owned()
        } else {
            format!(
                "; a CLASI counts from {} on ({early} days early)",
                super::sub_days(due, early)
            )
        };
        format!("{when}{}", self.because(Choice::WindowDays))
    }

    /// The protocol's reason for a choice the sources leave open, as a clause to append.
    fn because(&self, choice: Choice) -> String {
        self.algorithm
            .settings
            .reason(choice)
            .map_or_else(String::new, |reason| format!(" ({reason})"))
    }

    /// A SLEDAI-2K after the start with its values: the change from its reference, which
    /// reference (a protocol choice) and what the flare rule makes of it.
    fn sledai(&self, change: SledaiChange) -> String {
        let flare = &self.algorithm.settings.flare;
        let Some((reference, on)) = change.reference else {
            return format!(
                "SLEDAI-2K {} on {}: no baseline SLEDAI-2K to compare with, so a flare cannot be judged",
                change.score, change.date
            );
        };
        let since = match flare.reference {
            SledaiReference::Previous => "the previous score",
            SledaiReference::Baseline => "baseline",
        };
        let (rule, mild, severe) = match flare.rule {
            FlareRule::ChangeScore => ("the paper's change rule", "a rise above 3", "above 12"),
            FlareRule::Selena => (
                "the SELENA rule",
                "a rise of 3 or more",
                "a rise to above 12",
            ),
        };
        let verdict = match change.flare {
            None => format!("no flare ({rule}: mild needs {mild})"),
            Some(found) => format!(
                "a {} flare ({rule}: mild is {mild}, severe {severe})",
                flare_word(found)
            ),
        };
        let rise = i16::from(change.score) - i16::from(reference);
        format!(
            "SLEDAI-2K {reference} on {on} -> {} on {} ({rise:+}) against {since}{}: {verdict}",
            change.score,
            change.date,
            self.because(Choice::FlareReference),
        )
    }

    fn relapse_seen(&self, relapse: RelapseAt) -> String {
        format!(
            "CLASI activity {} on {} (>= {}) after complete response, on {}",
            relapse.activity,
            relapse.date,
            self.algorithm.settings.response.relapse_min_activity,
            self.level(relapse.level)
        )
    }

    fn stop_detail(&self, trigger: Trigger) -> String {
        let date = trigger.date;
        match trigger.found {
            Found::Event(kind) => format!("{} on {date}", kind.words()),
            Found::Lab(lab, grade) => format!(
                "{} {} {} on {date} is CTCAE {grade}",
                lab.test.id(),
                lab.value,
                lab.unit
            ),
            Found::Flare(change) => self.sledai(change),
            Found::NerveConduction(finding) => {
                format!("nerve conduction study on {date} shows {}", finding.words())
            }
            Found::AdverseEvent(index) => {
                let event = &self.history.events[index];
                let what = event
                    .term
                    .map_or("adverse event", instruments::ctcae::CtcaeTerm::term);
                format!("{what} grade {} on {date}", event.grade.unwrap_or_default())
            }
        }
    }

    pub(super) fn missing(&self, missing: Missing) -> String {
        let cycle = &self.fold.cycle;
        match missing {
            Missing::Doses => "doses: no dose recorded since start_date".to_owned(),
            Missing::BaselineClasi => {
                "CLASI activity at baseline (on or before start_date)".to_owned()
            }
            Missing::TaperClasi { due, from } => {
                format!("CLASI activity at the taper visit due {due} (from {from})")
            }
            Missing::AssessmentClasi => format!(
                "CLASI activity at the week-{} assessment (due {}, from {})",
                self.algorithm.settings.assessment_week,
                cycle.assessment_due,
                cycle.assessment_from
            ),
            Missing::SledaiBaseline => {
                "SLEDAI-2K baseline (on or before start_date), needed to classify flares".to_owned()
            }
        }
    }

    /// The toxicity findings: the latest value of each monitored test at or above the flag
    /// grade, then the adverse events of the look-back window.
    pub(super) fn findings(&self) -> Vec<String> {
        let flag = self.algorithm.toxicity_flag_grade;
        let labs = self
            .fold
            .monitored
            .iter()
            .flatten()
            .filter_map(|(lab, grade)| {
                let grade = grade.filter(|grade| *grade >= flag)?;
                Some(format!(
                    "{} {} {} on {}: {grade}",
                    lab.test.id(),
                    lab.value,
                    lab.unit,
                    lab.date
                ))
            });
        let events = self
            .fold
            .in_lookback(self.algorithm, self.as_of)
            .iter()
            .map(|flagged| {
                let event = &self.history.events[flagged.event];
                let what = event
                    .term
                    .map_or("adverse event", instruments::ctcae::CtcaeTerm::term);
                format!("{what} on {}: {}", flagged.date, flagged.grade)
            });
        labs.chain(events).collect()
    }

    /// The deviations: overlapping dose records, then events the protocol counts as one.
    pub(super) fn deviations(&self) -> Vec<String> {
        let overlaps = self.fold.overlaps.iter().map(|overlap| {
            format!(
                "dose records overlap: {} until {} and {} from {}",
                self.level(overlap.level),
                overlap.until,
                self.level(overlap.next),
                overlap.from
            )
        });
        let events = self.fold.deviation_events.iter().map(|index| {
            let event = &self.history.events[*index];
            let note = event
                .note
                .as_ref()
                .map(|note| format!(" ({note})"))
                .unwrap_or_default();
            format!(
                "{} on {}{note}: a protocol deviation",
                event.kind.words(),
                event.date
            )
        });
        overlaps.chain(events).collect()
    }
}
