//! `[randomisation.extension]`: the open-label extension after a blinded period, the only rule
//! of the engine that reads a subject's arm, and only from the extension's first day.

use protocol::history::{ClasiActivity, ClasiRecord, DoseRecord, EventKind, EventRecord, History};
use protocol::{Action, Decision, Protocol, decide};

use crate::support::{
    date, extension_section, protocol_text, randomised, randomised_text, shipped,
};

/// The extension of `examples/protocol/extension.toml`: from day 84, LEN continues, PBO restarts.
fn example() -> Protocol {
    let section = std::fs::read_to_string(
        crate::support::repo_root().join("examples/protocol/extension.toml"),
    )
    .expect("the extension example");
    randomised(&section)
}

#[track_caller]
fn check_loads(section: &str, expect: Result<(), &str>) {
    let loaded = Protocol::from_toml(&randomised_text(section)).map_err(|error| error.to_string());
    match (&loaded, expect) {
        (Ok(_), Ok(())) => {}
        (Err(error), Err(wanted)) => assert!(error.contains(wanted), "{section}\n{error}"),
        _ => panic!("{section}: got {:?}, want {expect:?}", loaded.map(|_| ())),
    }
}

#[test]
fn an_extension_names_a_day_inside_the_schedule_and_every_arm_once() {
    // The trial's schedule runs 30 months: at least 911 days from any start date.
    check_loads(&extension_section(84, "continue", "restart"), Ok(()));
    check_loads(&extension_section(1, "continue", "restart"), Ok(()));
    check_loads(&extension_section(911, "restart", "restart"), Ok(()));
    check_loads(
        &extension_section(0, "continue", "restart"),
        Err("randomisation.extension.from_day: 0 is outside 1 to 911"),
    );
    check_loads(
        &extension_section(912, "continue", "restart"),
        Err("randomisation.extension.from_day: 912 is outside 1 to 911"),
    );
    check_loads(
        "[randomisation.extension]\nfrom_day = 84\n[randomisation.extension.entry]\nLEN = \"continue\"\n",
        Err(
            "randomisation.extension.entry: no entry for arm PBO: each arm (LEN, PBO) says continue or restart",
        ),
    );
    check_loads(
        &(extension_section(84, "continue", "restart") + "XYZ = \"restart\"\n"),
        Err("randomisation.extension.entry.XYZ: 'XYZ' is not an arm of the design (LEN, PBO)"),
    );
    check_loads(
        &extension_section(84, "continue", "stop"),
        Err("unknown variant `stop`, expected `continue` or `restart`"),
    );
    check_loads(
        "[randomisation.extension]\nfrom_day = 84\nfrom_week = 12\n[randomisation.extension.entry]\nLEN = \"continue\"\nPBO = \"restart\"\n",
        Err("unknown field `from_week`"),
    );
}

#[test]
fn only_a_randomised_trial_with_a_treatment_algorithm_has_an_extension() {
    let section = format!(
        "{}\n{}",
        std::fs::read_to_string(
            crate::support::repo_root().join("examples/protocol/randomisation.toml")
        )
        .expect("randomisation example"),
        extension_section(84, "continue", "restart")
    );
    let trial = Protocol::from_toml(&(protocol_text("nct01408199") + &section)).expect("trial");
    assert!(trial.extension().is_some_and(|e| e.depends_on_arm()));
    for (name, wanted) in [
        (
            "thalidomide-cohort",
            &["randomisation: only an interventional study randomises"][..],
        ),
        (
            "pediatric-review",
            &[
                "randomisation: only an interventional study randomises",
                "randomisation.extension: an open-label extension changes how the treatment algorithm goes on; this protocol has no [treatment]",
            ][..],
        ),
    ] {
        let error = Protocol::from_toml(&(protocol_text(name) + &section))
            .expect_err(name)
            .to_string();
        for wanted in wanted {
            assert!(error.contains(wanted), "{name}: {error}");
        }
    }
    for name in ["nct01408199", "thalidomide-cohort", "pediatric-review"] {
        assert!(shipped(name).extension().is_none(), "{name}");
    }
}

fn clasi(day: &str, activity: u8) -> ClasiRecord {
    ClasiRecord {
        date: date(day),
        activity: ClasiActivity::new(activity).expect("in range"),
        damage: None,
    }
}

fn dose(from: &str, to: Option<&str>, level: &str) -> DoseRecord {
    DoseRecord {
        from: date(from),
        to: to.map(date),
        level: level.to_owned(),
    }
}

/// Start 2010-01-04, so the extension (day 84) begins on 2010-03-29. CLASI-A 12 at baseline,
/// 10 at week 4 (improvement: stay at 5 mg), 11 on day 56, and `on_day_84` on the
/// extension's first day; 5 mg daily throughout.
fn course(arm: Option<&str>, on_day_84: u8) -> History {
    History {
        start_date: date("2010-01-04"),
        patient: Default::default(),
        clasi: vec![
            clasi("2010-01-04", 12),
            clasi("2010-02-01", 10),
            clasi("2010-03-01", 11),
            clasi("2010-03-29", on_day_84),
        ],
        sledai: Vec::new(),
        labs: Vec::new(),
        doses: vec![dose("2010-01-04", None, "5mg_daily")],
        events: Vec::new(),
        nerve_conduction: Vec::new(),
        arm: arm.map(str::to_owned),
    }
}

#[track_caller]
fn decided(protocol: &Protocol, history: &History, as_of: &str) -> Decision {
    decide(protocol, history, date(as_of)).unwrap_or_else(|error| panic!("{as_of}: {error}"))
}

fn rule_ids(decision: &Decision) -> Vec<&str> {
    decision.rules.iter().map(|rule| rule.id.as_str()).collect()
}

/// A decision with what the arm changes taken out: the extension's rule, the physician review
/// it raises, the arm it misses and the note that it was not used.
fn without_arm(decision: &Decision) -> Decision {
    let mut decision = decision.clone();
    decision
        .rules
        .retain(|rule| !rule.id.starts_with("extension."));
    decision.missing.retain(|missing| !missing.contains("arm"));
    decision
        .ignored
        .retain(|ignored| !ignored.starts_with("arm "));
    decision
}

#[test]
fn before_the_extension_the_arm_changes_nothing_and_is_listed_as_not_used() {
    let protocol = example();
    let plain = randomised("");
    for as_of in ["2010-01-04", "2010-02-01", "2010-03-28"] {
        let blind = decided(&plain, &course(None, 9), as_of);
        for arm in [None, Some("LEN"), Some("PBO")] {
            let decision = decided(&protocol, &course(arm, 9), as_of);
            assert_eq!(without_arm(&decision), blind, "{as_of} {arm:?}");
            assert!(!decision.physician_review, "{as_of} {arm:?}");
            if let Some(arm) = arm {
                assert!(
                    decision.ignored.contains(&format!(
                        "arm {arm}: the open-label extension begins on 2010-03-29; not used"
                    )),
                    "{as_of}: {:?}",
                    decision.ignored
                );
            }
        }
    }
}

#[test]
fn on_its_first_day_placebo_restarts_and_the_active_arm_goes_on() {
    let protocol = example();
    let plain = randomised("");
    let blind = decided(&plain, &course(None, 9), "2010-03-29");

    // PBO: a new cycle at the start level, its baseline the CLASI-A of the extension's first
    // day (read before the extension begins).
    let placebo = decided(&protocol, &course(Some("PBO"), 9), "2010-03-29");
    assert_eq!(placebo.rules[0].id, "extension.restart");
    assert!(
        placebo.rules[0].text.contains(
            "the open-label extension began on 2010-03-29: the subject's arm starts the drug anew, cycle 2 at"
        ) && placebo.rules[0].text.ends_with("its response measured from CLASI activity 9"),
        "{}",
        placebo.rules[0].text
    );
    assert_eq!(placebo.cycle, 2);
    assert_eq!(placebo.action, Action::Continue);
    assert_eq!(placebo.dose, "5mg_daily");
    assert_eq!(
        rule_ids(&placebo),
        ["extension.restart", "induction.before_assessment"]
    );
    assert_eq!(placebo.next_visit, Some(date("2010-04-26")));
    assert!(!placebo.physician_review);
    assert!(placebo.ignored.iter().all(|note| !note.starts_with("arm ")));

    // LEN: the course goes on; the decision is the one without an extension, with its rule.
    let active = decided(&protocol, &course(Some("LEN"), 9), "2010-03-29");
    assert_eq!(active.rules[0].id, "extension.continue");
    assert_eq!(without_arm(&active), blind);
    assert_eq!(active.cycle, 1);

    // No arm: the arms enter differently, so the physician decides, and the arm is missing.
    let unknown = decided(&protocol, &course(None, 9), "2010-03-29");
    assert_eq!(unknown.rules[0].id, "extension.arm_needed");
    assert!(unknown.physician_review);
    assert!(
        unknown.missing.contains(
            &"the subject's arm, for the open-label extension from 2010-03-29".to_owned()
        ),
        "{:?}",
        unknown.missing
    );
    let mut expected = blind.clone();
    expected.physician_review = true;
    assert_eq!(without_arm(&unknown), expected);
}

#[test]
fn a_restarted_subject_is_judged_against_the_extension_baseline() {
    let protocol = example();
    let mut history = course(Some("PBO"), 9);
    history.clasi.push(clasi("2010-04-26", 7));
    // PBO: week 4 of cycle 2, 7 against 9: improvement, stay at 5 mg.
    let placebo = decided(&protocol, &history, "2010-04-26");
    assert_eq!(placebo.cycle, 2);
    assert_eq!(
        rule_ids(&placebo),
        ["extension.restart", "week4.improvement"]
    );
    assert!(
        placebo.rules[1].text.contains("vs baseline 9"),
        "{}",
        placebo.rules[1].text
    );
    // LEN: day 112 of cycle 1, 7 against 12 is no partial response by week 12.
    history.arm = Some("LEN".to_owned());
    let active = decided(&protocol, &history, "2010-04-26");
    assert_eq!(active.cycle, 1);
    assert_eq!(
        rule_ids(&active),
        [
            "extension.continue",
            "week4.improvement",
            "week12.no_response"
        ]
    );
    assert!(active.physician_review);
}

/// Escalated to 10 mg at week 4 (no improvement): placebo restarts at 5 mg, so the drug is
/// given anew at the start level, and a dose on the first day is checked against that.
#[test]
fn a_restart_asks_for_the_start_level_and_audits_the_dose_given() {
    let protocol = example();
    let mut history = course(Some("PBO"), 9);
    history.clasi[1] = clasi("2010-02-01", 12);
    history.doses = vec![
        dose("2010-01-04", Some("2010-01-31"), "5mg_daily"),
        dose("2010-02-01", None, "10mg_daily"),
    ];
    let asked = decided(&protocol, &history, "2010-03-29");
    assert_eq!(asked.action, Action::Reintroduce);
    assert_eq!(asked.dose, "5mg_daily");
    assert_eq!(asked.rules[0].id, "extension.restart");
    assert!(!asked.deviation);

    let mut given_asked = history.clone();
    given_asked.doses[1].to = Some(date("2010-03-28"));
    given_asked
        .doses
        .push(dose("2010-03-29", None, "5mg_daily"));
    let followed = decided(&protocol, &given_asked, "2010-04-05");
    assert!(!followed.deviation, "{:?}", followed.deviations);
    assert_eq!(followed.action, Action::Continue);
    assert_eq!(
        rule_ids(&followed),
        ["extension.restart", "induction.before_assessment"]
    );

    let mut given_other = history.clone();
    given_other.doses[1].to = Some(date("2010-03-28"));
    given_other
        .doses
        .push(dose("2010-03-29", None, "10mg_daily"));
    let deviated = decided(&protocol, &given_other, "2010-04-05");
    assert!(deviated.deviation);
    assert!(
        deviated
            .deviations
            .iter()
            .any(|text| text.contains("from 2010-03-29") && text.contains("the protocol asked for")),
        "{:?}",
        deviated.deviations
    );

    // The active arm goes on at 10 mg: no deviation, no restart.
    let mut active = given_other.clone();
    active.arm = Some("LEN".to_owned());
    let went_on = decided(&protocol, &active, "2010-04-05");
    assert!(!went_on.deviation, "{:?}", went_on.deviations);
    assert_eq!(went_on.dose, "10mg_daily");
}

#[test]
fn an_arm_is_read_only_where_the_protocol_says_so() {
    // Every arm restarts: no arm is needed, and one given is not used.
    let both = randomised(&extension_section(84, "restart", "restart"));
    let unknown = decided(&both, &course(None, 9), "2010-03-29");
    assert_eq!(unknown.rules[0].id, "extension.restart");
    assert!(!unknown.physician_review);
    let given = decided(&both, &course(Some("LEN"), 9), "2010-03-29");
    assert_eq!(without_arm(&given), without_arm(&unknown));
    assert_eq!(given.rules, unknown.rules);
    assert!(given.ignored.contains(
        &"arm LEN: every arm enters the open-label extension the same way; not used".to_owned()
    ));
    // No extension: the arm is not used.
    let plain = decided(&randomised(""), &course(Some("PBO"), 9), "2010-03-29");
    assert!(plain.ignored.contains(
        &"arm PBO: the protocol has no open-label extension, the only rule that reads an arm; not used"
            .to_owned()
    ));
}

#[track_caller]
fn check_refused(protocol: &Protocol, arm: &str, expect: &str) {
    // No dose: the course's levels are the lenalidomide trial's, which the cohort's ladder lacks.
    let mut history = course(Some(arm), 9);
    history.doses.clear();
    let error = decide(protocol, &history, date("2010-03-29"))
        .expect_err(arm)
        .to_string();
    assert_eq!(error, expect);
}

#[test]
fn an_arm_the_protocol_does_not_have_is_refused_on_every_shipped_protocol() {
    check_refused(
        &example(),
        "XYZ",
        "arm: 'XYZ' is not an arm of the protocol (LEN, PBO)",
    );
    check_refused(
        &example(),
        "len",
        "arm: 'len' is not an arm of the protocol (LEN, PBO)",
    );
    for name in ["nct01408199", "thalidomide-cohort"] {
        check_refused(
            &shipped(name),
            "LEN",
            "arm: 'LEN' given, but the protocol does not randomise: leave arm out",
        );
    }
    check_refused(
        &shipped("pediatric-review"),
        "LEN",
        "protocol: pediatric-sle-lenalidomide-2017 has no treatment algorithm (a retrospective study); decide does not apply",
    );
}

#[test]
fn a_restart_without_any_clasi_says_there_is_nothing_to_measure_from() {
    let mut history = course(Some("PBO"), 9);
    history.clasi.clear();
    let decision = decided(&example(), &history, "2010-03-29");
    assert_eq!(decision.rules[0].id, "extension.restart");
    assert!(
        decision.rules[0]
            .text
            .ends_with("with no CLASI activity recorded yet to measure its response from"),
        "{}",
        decision.rules[0].text
    );
    assert!(
        decision
            .missing
            .iter()
            .any(|missing| missing.starts_with("CLASI activity at baseline")),
        "{:?}",
        decision.missing
    );
}

#[test]
fn a_subject_stopped_before_the_extension_stays_stopped_in_every_arm() {
    let protocol = example();
    for arm in [None, Some("LEN"), Some("PBO")] {
        let mut history = course(arm, 9);
        history.doses[0].to = Some(date("2010-03-15"));
        history.events.push(EventRecord {
            date: date("2010-03-15"),
            kind: EventKind::Pregnancy,
            grade: None,
            term: None,
            note: None,
        });
        let decision = decided(&protocol, &history, "2010-04-05");
        assert_eq!(decision.action, Action::Stop, "{arm:?}");
        assert_eq!(rule_ids(&decision), ["stop.pregnancy"], "{arm:?}");
        assert!(!decision.physician_review, "{arm:?}");
    }
}
