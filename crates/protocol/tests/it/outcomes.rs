//! `[outcomes]`: a study declares the outcome instruments it collects with their scoring
//! settings; the shipped 2012 studies collect none, and the example section makes the trial's
//! protocol a test study that collects every one.

use instruments::dlqi::{DlqiRules, NoWithoutDegree};
use instruments::questionnaire::{Instrument, Setup};

use crate::support::{protocol_text, repo_root, shipped};

fn outcomes_study() -> protocol::Protocol {
    let section = std::fs::read_to_string(repo_root().join("examples/protocol/outcomes.toml"))
        .expect("example section");
    protocol::Protocol::from_toml(&(protocol_text("nct01408199") + &section))
        .unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn the_shipped_studies_collect_no_outcome_instrument() {
    for name in protocol::shipped::names() {
        let protocol = shipped(name);
        assert!(protocol.outcomes().collected().is_empty(), "{name}");
        assert_eq!(protocol.outcomes().clasi_50().min_baseline(), 10, "{name}");
    }
}

#[test]
fn the_example_section_collects_every_instrument_with_its_settings() {
    let protocol = outcomes_study();
    let outcomes = protocol.outcomes();
    let collected: Vec<Instrument> = outcomes.collected().iter().map(Setup::instrument).collect();
    assert_eq!(collected, Instrument::ALL);
    assert_eq!(
        outcomes.setup(Instrument::Dlqi),
        Some(&Setup::Dlqi(DlqiRules::default()))
    );
    assert_eq!(outcomes.clasi_70().percent(), 70);
    assert_eq!(outcomes.clasi_70().min_baseline(), 10);
}

/// Each setting left out takes its documented default; one given is kept.
#[test]
fn settings_default_as_documented() {
    fn check(section: &str, instrument: Instrument, expect: &str) {
        let text = protocol_text("nct01408199") + section;
        let protocol =
            protocol::Protocol::from_toml(&text).unwrap_or_else(|error| panic!("{error}"));
        let setup = protocol.outcomes().setup(instrument).expect("collected");
        assert_eq!(format!("{setup:?}"), expect, "{section}");
    }
    check(
        "[outcomes.dlqi]\n",
        Instrument::Dlqi,
        &format!("{:?}", Setup::Dlqi(DlqiRules::default())),
    );
    check(
        "[outcomes.dlqi]\nunanswered_scored_zero = 0\nwork_no_without_degree = \"unanswered\"\n",
        Instrument::Dlqi,
        &format!(
            "{:?}",
            Setup::Dlqi(DlqiRules {
                unanswered_scored_zero: 0,
                work_no_without_degree: NoWithoutDegree::Unanswered
            })
        ),
    );
    check(
        "[outcomes.worst_pain_nrs]\n",
        Instrument::WorstPainNrs,
        "Nrs { symptom: WorstPain, responder: NrsResponder { fall: 4, min_baseline: None } }",
    );
    check(
        "[outcomes.worst_pain_nrs]\nresponder_min_baseline = 4\n",
        Instrument::WorstPainNrs,
        "Nrs { symptom: WorstPain, responder: NrsResponder { fall: 4, min_baseline: Some(4) } }",
    );
    let protocol = protocol::Protocol::from_toml(
        &(protocol_text("nct01408199") + "[outcomes]\nclasi_min_baseline = 8\n"),
    )
    .expect("valid");
    assert_eq!(protocol.outcomes().clasi_50().min_baseline(), 8);
    assert!(protocol.outcomes().collected().is_empty());
}

/// The scales no source fixes have no default: a study collecting them must give them.
#[test]
fn cla_iga_r_and_pga_skin_need_their_scales() {
    for (section, expect) in [
        ("[outcomes.cla_iga_r]\n", "missing field `erythema_max`"),
        ("[outcomes.pga_skin]\n", "missing field `max_tenths`"),
    ] {
        let error = protocol::Protocol::from_toml(&(protocol_text("nct01408199") + section))
            .expect_err(section);
        assert!(error.to_string().contains(expect), "{error}");
    }
}
