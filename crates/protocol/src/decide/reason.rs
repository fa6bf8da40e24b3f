//! Why a decision was taken: each rule that fired as a [`Reason`] holding the values it used,
//! and each missing record as a [`Missing`]. Their sentences are written here, only when a
//! caller asks for the whole [`super::Decision`] (the web panel, the JSON output); the
//! simulator reads the action and the dose and never pays for the words. The sentences come
//! from the `words` catalogue (`rule-*`), so a reader reads them in their language; the
//! protocol's own texts (its stopping rules, the reasons of its choices) stay as its file
//! writes them.

use instruments::ctcae::CtcaeGrade;
use instruments::sledai::Flare;
use jiff::civil::Date;
use smallvec::SmallVec;
use words::{Arg, Words};

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
    /// The open-label extension began on `on` and restarted the subject's course as `cycle`,
    /// its response measured from `baseline`.
    ExtensionRestart {
        on: Date,
        cycle: u32,
        baseline: Option<u8>,
    },
    /// The open-label extension began on `on` and the subject's course goes on.
    ExtensionContinue {
        on: Date,
    },
    /// The open-label extension began on `on`; the arms enter it differently and the decision
    /// was not given the arm.
    ExtensionArmNeeded {
        on: Date,
    },
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
            Reason::ExtensionRestart { .. } => "extension.restart",
            Reason::ExtensionContinue { .. } => "extension.continue",
            Reason::ExtensionArmNeeded { .. } => "extension.arm_needed",
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
    TaperClasi {
        due: Date,
        from: Date,
    },
    AssessmentClasi,
    SledaiBaseline,
    /// The subject's arm, which the open-label extension starting `on` needs.
    Arm {
        on: Date,
    },
}

/// A dose given that the protocol did not ask for (the dose audit): the level given, its period,
/// the first day it differs and the level asked for that day, by their ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct UnaskedDose {
    pub(super) given: String,
    pub(super) from: Date,
    pub(super) to: Option<Date>,
    pub(super) day: Date,
    pub(super) asked: String,
}

/// Writes the sentences of one decision from the fold and the record it was taken on.
pub(super) struct Writer<'a> {
    pub(super) algorithm: &'a Algorithm,
    pub(super) fold: &'a Fold,
    pub(super) history: &'a History,
    pub(super) as_of: Date,
    pub(super) words: &'static Words,
}

/// A value of a sentence, as text: numbers and dates are written here, never by the catalogue's
/// number formatting, so the English sentences stay as the record has always said them.
fn text(value: impl ToString) -> Arg<'static> {
    Arg::from(value.to_string())
}

impl Writer<'_> {
    fn say(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.words.format(id, args)
    }

    /// A dose level as the reader says it ("lenalidomide 5 mg on alternate days").
    fn level(&self, level: usize) -> Arg<'static> {
        Arg::from(self.algorithm.ladder[level].said(self.algorithm.drug, self.words))
    }

    /// A dose level by its id, or the id when the ladder lacks it.
    fn level_named(&self, id: &str) -> Arg<'static> {
        self.algorithm
            .position(id)
            .map_or_else(|| Arg::from(id.to_owned()), |level| self.level(level))
    }

    /// A dose the protocol did not ask for; the decision's rules say why.
    pub(super) fn unasked(&self, unasked: &UnaskedDose) -> String {
        let given = self.say(
            "rule-unasked-given",
            &[
                ("level", self.level_named(&unasked.given)),
                ("from", text(unasked.from)),
                ("to", unasked.to.map_or_else(|| Arg::from("none"), text)),
            ],
        );
        let id = if unasked.day == unasked.from {
            "rule-unasked"
        } else {
            "rule-unasked-later"
        };
        self.say(
            id,
            &[
                ("given", Arg::from(given)),
                ("day", text(unasked.day)),
                ("asked", self.level_named(&unasked.asked)),
            ],
        )
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
        let week = text(settings.assessment_week);
        let baseline = cycle.baseline.unwrap_or_default();
        let versus = |scored: Scored| {
            self.say(
                "rule-versus",
                &[
                    ("activity", text(scored.activity)),
                    ("date", text(scored.date)),
                    ("baseline", text(baseline)),
                ],
            )
        };
        let seen = |scored: Scored| {
            Arg::from(self.say(
                "rule-seen",
                &[
                    ("activity", text(scored.activity)),
                    ("date", text(scored.date)),
                ],
            ))
        };
        let latest = |latest: Option<Scored>| {
            Arg::from(latest.map_or_else(|| self.say("rule-no-clasi", &[]), versus))
        };
        let by_week = text(settings.response.partial_by_week);
        let because = |choice| Arg::from(self.because(choice));
        match reason {
            Reason::Stop { stop, trigger } => self.say(
                "rule-stop",
                &[
                    ("stop", Arg::from(self.algorithm.stops[stop].text.as_str())),
                    ("detail", Arg::from(self.stop_detail(trigger))),
                ],
            ),
            Reason::Start { on } => self.say(
                "rule-start",
                &[
                    ("level", self.level(self.algorithm.start)),
                    ("date", text(on)),
                ],
            ),
            Reason::BaselineMissing => self.say("rule-baseline-missing", &[]),
            Reason::RelapseMaintenance { relapse, target } => self.say(
                "rule-relapse-maintenance",
                &[
                    ("seen", Arg::from(self.relapse_seen(relapse))),
                    ("cycle", text(relapse.cycle)),
                    ("level", self.level(target)),
                    ("because", because(Choice::MaintenancePolicy)),
                ],
            ),
            Reason::RelapseReintroduce { relapse } => self.say(
                "rule-relapse-reintroduce",
                &[
                    ("seen", Arg::from(self.relapse_seen(relapse))),
                    ("level", self.level(self.algorithm.reintroduce)),
                    ("cycle", text(relapse.cycle + 1)),
                    ("because", because(Choice::ReintroduceLevel)),
                ],
            ),
            Reason::MaintenancePlanned { cycle, target } => self.say(
                "rule-maintenance-planned",
                &[
                    ("cycle", text(cycle)),
                    ("level", self.level(target)),
                    ("because", because(Choice::MaintenancePolicy)),
                ],
            ),
            Reason::OffObserve { since } => self.say(
                "rule-off-observe",
                &[
                    ("date", text(since)),
                    ("relapse", text(settings.response.relapse_min_activity)),
                ],
            ),
            Reason::MaintenanceHold { level } => {
                self.say("rule-maintenance-hold", &[("level", self.level(level))])
            }
            Reason::TaperWait { level, due } => self.say(
                "rule-taper-wait",
                &[
                    ("level", self.level(level)),
                    ("due", text(due)),
                    ("counts", Arg::from(self.counts_from(due))),
                ],
            ),
            Reason::TaperMissingClasi { due, from } => self.say(
                "rule-taper-missing-clasi",
                &[
                    ("due", text(due)),
                    ("from", text(from)),
                    ("because", because(Choice::WindowDays)),
                ],
            ),
            Reason::TaperHold { assessed, level } => self.say(
                "rule-taper-hold",
                &[("seen", seen(assessed)), ("level", self.level(level))],
            ),
            Reason::TaperWithdraw { assessed, level } => self.say(
                "rule-taper-withdraw",
                &[("seen", seen(assessed)), ("level", self.level(level))],
            ),
            Reason::TaperStep {
                assessed, level, ..
            } => self.say(
                "rule-taper-step",
                &[
                    ("seen", seen(assessed)),
                    ("level", self.level(level)),
                    ("next", self.level(level + 1)),
                ],
            ),
            Reason::BeforeAssessment { level } => self.say(
                "rule-before-assessment",
                &[
                    ("cycle", text(cycle.number)),
                    ("level", self.level(level)),
                    ("start", text(cycle.start)),
                    ("week", week),
                    ("due", text(cycle.assessment_due)),
                    ("counts", Arg::from(self.counts_from(cycle.assessment_due))),
                ],
            ),
            Reason::AssessmentMissingClasi => self.say(
                "rule-assessment-missing-clasi",
                &[
                    ("week", week),
                    ("from", text(cycle.assessment_from)),
                    ("because", because(Choice::WindowDays)),
                ],
            ),
            Reason::NoImprovement { assessed, up } => self.say(
                "rule-no-improvement",
                &[
                    ("versus", Arg::from(versus(assessed))),
                    ("week", week),
                    ("because", because(Choice::Improvement)),
                    ("level", self.level(up)),
                ],
            ),
            Reason::NoEscalation { assessed } => self.say(
                "rule-no-escalation",
                &[("versus", Arg::from(versus(assessed)))],
            ),
            Reason::Improvement { assessed, level } => self.say(
                "rule-improvement",
                &[
                    ("versus", Arg::from(versus(assessed))),
                    ("week", week),
                    ("because", because(Choice::Improvement)),
                    ("level", self.level(level)),
                ],
            ),
            Reason::Escalated { level } => self.say(
                "rule-escalated",
                &[("level", self.level(level)), ("cycle", text(cycle.number))],
            ),
            Reason::NotAsked {
                given,
                since,
                asked,
            } => {
                let why = match cycle.assessed {
                    Some(assessed) if assessed.date <= since => self.say(
                        "rule-not-asked-improved",
                        &[
                            ("week", week.clone()),
                            ("versus", Arg::from(versus(assessed))),
                        ],
                    ),
                    _ => self.say("rule-not-asked-unassessed", &[("week", week.clone())]),
                };
                self.say(
                    "rule-not-asked",
                    &[
                        ("given", self.level(given)),
                        ("since", text(since)),
                        ("why", Arg::from(why)),
                        ("asked", self.level(asked)),
                    ],
                )
            }
            Reason::PartialResponse {
                latest: scored,
                level,
            } => self.say(
                "rule-partial-response",
                &[
                    ("latest", latest(scored)),
                    ("week", by_week),
                    ("level", self.level(level)),
                ],
            ),
            Reason::NoResponse { latest: scored } => {
                let id = match settings.no_response_at_deadline {
                    NoResponsePolicy::DeferToPhysician => "rule-no-response-physician",
                    NoResponsePolicy::Stop => "rule-no-response-stop",
                };
                self.say(
                    id,
                    &[
                        ("latest", latest(scored)),
                        (
                            "percent",
                            text(settings.response.partial_min_improvement_percent),
                        ),
                        ("week", by_week),
                        ("because", because(Choice::NoResponseAtDeadline)),
                    ],
                )
            }
            Reason::ExtensionRestart {
                on,
                cycle,
                baseline,
            } => self.say(
                "rule-extension-restart",
                &[
                    ("date", text(on)),
                    ("cycle", text(cycle)),
                    ("level", self.level(self.algorithm.start)),
                    (
                        "measured",
                        Arg::from(baseline.map_or_else(
                            || self.say("rule-extension-unmeasured", &[]),
                            |baseline| {
                                self.say("rule-extension-measured", &[("baseline", text(baseline))])
                            },
                        )),
                    ),
                ],
            ),
            Reason::ExtensionContinue { on } => {
                self.say("rule-extension-continue", &[("date", text(on))])
            }
            Reason::ExtensionArmNeeded { on } => {
                self.say("rule-extension-arm-needed", &[("date", text(on))])
            }
            Reason::Sledai(change) => self.sledai(change),
            Reason::Toxicity(grade) => self.say(
                "rule-toxicity",
                &[
                    ("grade", text(grade.number())),
                    ("findings", Arg::from(findings.join("; "))),
                ],
            ),
            Reason::Deviation => deviations.join("; "),
        }
    }

    /// When an assessment for a step due on `due` counts: from the due date itself, or from
    /// `window_days` before it, with the protocol's reason.
    fn counts_from(&self, due: Date) -> String {
        let early = self.algorithm.settings.window_days;
        let when = if early == 0 {
            self.say("rule-counts-that-day", &[])
        } else {
            self.say(
                "rule-counts-early",
                &[
                    ("from", text(super::sub_days(due, early))),
                    ("days", text(early)),
                ],
            )
        };
        format!("{when}{}", self.because(Choice::WindowDays))
    }

    /// The protocol's reason for a choice the sources leave open, as a clause to append.
    fn because(&self, choice: Choice) -> String {
        self.algorithm
            .settings
            .reason(choice)
            .map_or_else(String::new, |reason| {
                self.say("rule-because", &[("reason", Arg::from(reason))])
            })
    }

    /// A SLEDAI-2K after the start with its values: the change from its reference, which
    /// reference (a protocol choice) and what the flare rule makes of it.
    fn sledai(&self, change: SledaiChange) -> String {
        let flare = &self.algorithm.settings.flare;
        let Some((reference, on)) = change.reference else {
            return self.say(
                "rule-sledai-no-reference",
                &[("score", text(change.score)), ("date", text(change.date))],
            );
        };
        let since = match flare.reference {
            SledaiReference::Previous => "rule-since-previous",
            SledaiReference::Baseline => "rule-since-baseline",
        };
        let rule = match flare.rule {
            FlareRule::ChangeScore => "change",
            FlareRule::Selena => "selena",
        };
        let found = match change.flare {
            None => "none",
            Some(Flare::Mild) => "mild",
            Some(Flare::Severe) => "severe",
        };
        let verdict = self.say(
            "rule-flare",
            &[("found", Arg::from(found)), ("rule", Arg::from(rule))],
        );
        let rise = i16::from(change.score) - i16::from(reference);
        self.say(
            "rule-sledai",
            &[
                ("reference", text(reference)),
                ("on", text(on)),
                ("score", text(change.score)),
                ("date", text(change.date)),
                ("rise", text(format!("{rise:+}"))),
                ("since", Arg::from(self.say(since, &[]))),
                ("because", Arg::from(self.because(Choice::FlareReference))),
                ("verdict", Arg::from(verdict)),
            ],
        )
    }

    fn relapse_seen(&self, relapse: RelapseAt) -> String {
        self.say(
            "rule-relapse-seen",
            &[
                ("activity", text(relapse.activity)),
                ("date", text(relapse.date)),
                (
                    "relapse",
                    text(self.algorithm.settings.response.relapse_min_activity),
                ),
                ("level", self.level(relapse.level)),
            ],
        )
    }

    /// An adverse event of the record by its CTCAE term, in the catalogue's English as NCI
    /// publishes it.
    fn adverse_event(&self, index: usize) -> Arg<'static> {
        let event = &self.history.events[index];
        event.term.map_or_else(
            || Arg::from(self.say("rule-adverse-event", &[])),
            |term| Arg::from(term.term()),
        )
    }

    fn stop_detail(&self, trigger: Trigger) -> String {
        let date = text(trigger.date);
        match trigger.found {
            Found::Event(kind) => self.say(
                "rule-stop-event",
                &[
                    (
                        "event",
                        Arg::from(self.say(&format!("event-kind-{}", kind.name()), &[])),
                    ),
                    ("date", date),
                ],
            ),
            Found::Lab(lab, grade) => self.say(
                "rule-stop-lab",
                &[
                    ("test", Arg::from(lab.test.id())),
                    ("value", text(lab.value)),
                    ("unit", text(lab.unit)),
                    ("date", date),
                    ("grade", text(grade.number())),
                ],
            ),
            Found::Flare(change) => self.sledai(change),
            Found::NerveConduction(finding) => self.say(
                "rule-stop-nerve",
                &[
                    ("date", date),
                    (
                        "finding",
                        Arg::from(self.words.value("finding", finding.code())),
                    ),
                ],
            ),
            Found::AdverseEvent(index) => self.say(
                "rule-stop-adverse-event",
                &[
                    ("event", self.adverse_event(index)),
                    (
                        "grade",
                        text(self.history.events[index].grade.unwrap_or_default()),
                    ),
                    ("date", date),
                ],
            ),
        }
    }

    pub(super) fn missing(&self, missing: Missing) -> String {
        let cycle = &self.fold.cycle;
        match missing {
            Missing::Doses => self.say("rule-missing-doses", &[]),
            Missing::BaselineClasi => self.say("rule-missing-baseline-clasi", &[]),
            Missing::TaperClasi { due, from } => self.say(
                "rule-missing-taper-clasi",
                &[("due", text(due)), ("from", text(from))],
            ),
            Missing::AssessmentClasi => self.say(
                "rule-missing-assessment-clasi",
                &[
                    ("week", text(self.algorithm.settings.assessment_week)),
                    ("due", text(cycle.assessment_due)),
                    ("from", text(cycle.assessment_from)),
                ],
            ),
            Missing::SledaiBaseline => self.say("rule-missing-sledai-baseline", &[]),
            Missing::Arm { on } => self.say("rule-missing-arm", &[("date", text(on))]),
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
                Some(self.say(
                    "rule-finding-lab",
                    &[
                        ("test", Arg::from(lab.test.id())),
                        ("value", text(lab.value)),
                        ("unit", text(lab.unit)),
                        ("date", text(lab.date)),
                        ("grade", text(grade.number())),
                    ],
                ))
            });
        let events = self
            .fold
            .in_lookback(self.algorithm, self.as_of)
            .iter()
            .map(|flagged| {
                self.say(
                    "rule-finding-adverse-event",
                    &[
                        ("event", self.adverse_event(flagged.event)),
                        ("date", text(flagged.date)),
                        ("grade", text(flagged.grade.number())),
                    ],
                )
            });
        labs.chain(events).collect()
    }

    /// The deviations: overlapping dose records, then events the protocol counts as one.
    pub(super) fn deviations(&self) -> Vec<String> {
        let overlaps = self.fold.overlaps.iter().map(|overlap| {
            self.say(
                "rule-overlap",
                &[
                    ("level", self.level(overlap.level)),
                    ("until", text(overlap.until)),
                    ("next", self.level(overlap.next)),
                    ("from", text(overlap.from)),
                ],
            )
        });
        let events = self.fold.deviation_events.iter().map(|index| {
            let event = &self.history.events[*index];
            let note = event.note.as_ref().map_or_else(String::new, |note| {
                self.say("rule-note", &[("note", Arg::from(note.as_str()))])
            });
            self.say(
                "rule-deviation-event",
                &[
                    (
                        "event",
                        Arg::from(self.say(&format!("event-kind-{}", event.kind.name()), &[])),
                    ),
                    ("date", text(event.date)),
                    ("note", Arg::from(note)),
                ],
            )
        });
        overlaps.chain(events).collect()
    }
}
