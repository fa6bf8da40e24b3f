//! `[outcomes]` checked: the outcome instruments the study collects, each with its scoring
//! settings ([`instruments::questionnaire::Setup`]), and the CLASI-50/70 responder population.
//! A setting left out is the default `docs/OUTCOMES.md` documents for it; a value the
//! instrument's own constructor refuses is reported at its TOML path.

use instruments::cla_iga_r::{ClaIgaRResponder, ClaIgaRScales};
use instruments::clasi::ClasiResponse;
use instruments::dlqi::DlqiRules;
use instruments::nrs::{NrsResponder, Symptom};
use instruments::pga::PgaScale;
use instruments::questionnaire::{Instrument, Setup};
use instruments::scale::within;
use instruments::skindex::{Domain, DomainMap, ItemId, SkindexRules};

use crate::model::{ClaIgaRSpec, DlqiSpec, NrsSpec, OutcomesSpec, PgaSpec, SkindexSpec};
use crate::problem::Problems;

/// The least baseline CLASI-A of the responder population when the protocol names none: 10,
/// as LILAC and AMETHYST enrolled [O12, O13].
pub const DEFAULT_CLASI_MIN_BASELINE: u8 = 10;

/// What a study collects besides the CLASI; [`Outcomes::none`] for a study without
/// `[outcomes]` (the shipped 2012 studies).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcomes {
    collected: Vec<Setup>,
    clasi_50: ClasiResponse,
    clasi_70: ClasiResponse,
}

impl Outcomes {
    /// No instrument collected, the CLASI responders at their default minimum baseline.
    pub fn none() -> Outcomes {
        Outcomes {
            collected: Vec::new(),
            clasi_50: ClasiResponse::CLASI_50,
            clasi_70: ClasiResponse::CLASI_70,
        }
    }

    /// The instruments collected, in [`Instrument::ALL`] order.
    pub fn collected(&self) -> &[Setup] {
        &self.collected
    }

    /// `instrument` as the study collects it; `None` when it does not.
    pub fn setup(&self, instrument: Instrument) -> Option<&Setup> {
        self.collected
            .iter()
            .find(|setup| setup.instrument() == instrument)
    }

    /// CLASI-50 with the study's minimum baseline.
    pub fn clasi_50(&self) -> ClasiResponse {
        self.clasi_50
    }

    /// CLASI-70 with the study's minimum baseline.
    pub fn clasi_70(&self) -> ClasiResponse {
        self.clasi_70
    }
}

/// Checks `[outcomes]`, each problem at its path under `outcomes`.
pub(crate) fn compile(spec: &OutcomesSpec, problems: &mut Problems) -> Outcomes {
    let mut outcomes = Outcomes::none();
    let min_baseline = spec
        .clasi_min_baseline
        .unwrap_or(DEFAULT_CLASI_MIN_BASELINE);
    match (
        ClasiResponse::new(50, min_baseline),
        ClasiResponse::new(70, min_baseline),
    ) {
        (Ok(fifty), Ok(seventy)) => {
            outcomes.clasi_50 = fifty;
            outcomes.clasi_70 = seventy;
        }
        (Err(error), _) | (_, Err(error)) => {
            problems.add("outcomes.clasi_min_baseline", error.to_string());
        }
    }
    let mut add = |setup: Result<Setup, (String, String)>| match setup {
        Ok(setup) => outcomes.collected.push(setup),
        Err((path, message)) => problems.add(format!("outcomes.{path}"), message),
    };
    if let Some(dlqi) = &spec.dlqi {
        add(compile_dlqi(dlqi));
    }
    if let Some(skindex) = &spec.skindex {
        add(compile_skindex(skindex));
    }
    for (nrs, symptom, name) in [
        (&spec.worst_itch_nrs, Symptom::WorstItch, "worst_itch_nrs"),
        (&spec.worst_pain_nrs, Symptom::WorstPain, "worst_pain_nrs"),
    ] {
        if let Some(nrs) = nrs {
            add(compile_nrs(nrs, symptom, name));
        }
    }
    if let Some(cla_iga_r) = &spec.cla_iga_r {
        add(compile_cla_iga_r(cla_iga_r));
    }
    if let Some(pga) = &spec.pga_skin {
        add(compile_pga(pga));
    }
    outcomes
}

type Compiled = Result<Setup, (String, String)>;

fn at(path: &str) -> impl Fn(String) -> (String, String) + '_ {
    move |message| (path.to_owned(), message)
}

fn compile_dlqi(spec: &DlqiSpec) -> Compiled {
    let defaults = DlqiRules::default();
    let unanswered = spec
        .unanswered_scored_zero
        .unwrap_or(defaults.unanswered_scored_zero);
    // Ten questions: scoring all ten unanswered as 0 would give a total with no answer.
    within("unanswered questions scored 0", unanswered.into(), 0, 9)
        .map_err(|error| at("dlqi.unanswered_scored_zero")(error.to_string()))?;
    Ok(Setup::Dlqi(DlqiRules {
        unanswered_scored_zero: unanswered,
        work_no_without_degree: spec
            .work_no_without_degree
            .unwrap_or(defaults.work_no_without_degree),
    }))
}

fn compile_skindex(spec: &SkindexSpec) -> Compiled {
    let domains = match &spec.domains {
        None => DomainMap::as_recalled(),
        Some(domains) => {
            let path = at("skindex.domains");
            let mut assignments = Vec::new();
            for (numbers, domain) in [
                (&domains.symptoms, Domain::Symptoms),
                (&domains.emotions, Domain::Emotions),
                (&domains.functioning, Domain::Functioning),
            ] {
                for &number in numbers {
                    let id = ItemId::skindex(number).map_err(|error| path(error.to_string()))?;
                    assignments.push((id, domain));
                }
            }
            for number in 1..=instruments::skindex::LUPUS_QUESTIONS {
                let id = ItemId::lupus(number).map_err(|error| path(error.to_string()))?;
                assignments.push((id, Domain::Lupus));
            }
            DomainMap::new(assignments).map_err(|error| path(error.to_string()))?
        }
    };
    let rules = SkindexRules::new(
        domains,
        spec.max_missing_percent
            .unwrap_or(SkindexRules::as_recalled().max_missing_percent()),
    )
    .map_err(|error| at("skindex.max_missing_percent")(error.to_string()))?;
    Ok(Setup::Skindex {
        rules,
        lupus_items: spec.lupus_items.unwrap_or(true),
    })
}

fn compile_nrs(spec: &NrsSpec, symptom: Symptom, name: &str) -> Compiled {
    let fall = spec
        .responder_fall
        .unwrap_or(NrsResponder::default().fall());
    // Checked one setting at a time, so each refusal names its own key.
    NrsResponder::new(fall, None)
        .map_err(|error| (format!("{name}.responder_fall"), error.to_string()))?;
    let responder = NrsResponder::new(fall, spec.responder_min_baseline)
        .map_err(|error| (format!("{name}.responder_min_baseline"), error.to_string()))?;
    Ok(Setup::Nrs { symptom, responder })
}

fn compile_cla_iga_r(spec: &ClaIgaRSpec) -> Compiled {
    for (name, max) in [
        ("erythema_max", spec.erythema_max),
        ("other_morphology_max", spec.other_morphology_max),
        ("follicular_activity_max", spec.follicular_activity_max),
    ] {
        within("a CLA-IGA-R item's highest grade", max.into(), 1, 10)
            .map_err(|error| (format!("cla_iga_r.{name}"), error.to_string()))?;
    }
    let defaults = ClaIgaRResponder::default();
    let max_erythema = spec.responder_max_erythema.unwrap_or(defaults.max_erythema);
    within(
        "the responder's highest erythema grade",
        max_erythema.into(),
        0,
        spec.erythema_max.into(),
    )
    .map_err(|error| at("cla_iga_r.responder_max_erythema")(error.to_string()))?;
    if let Some(fall) = spec.responder_min_improvement {
        within(
            "the responder's least improvement in erythema grades",
            fall.into(),
            1,
            spec.erythema_max.into(),
        )
        .map_err(|error| at("cla_iga_r.responder_min_improvement")(error.to_string()))?;
    }
    Ok(Setup::ClaIgaR {
        scales: ClaIgaRScales {
            erythema: spec.erythema_max,
            other_morphology: spec.other_morphology_max,
            follicular_activity: spec.follicular_activity_max,
        },
        responder: ClaIgaRResponder {
            max_erythema,
            min_improvement: spec.responder_min_improvement,
        },
    })
}

fn compile_pga(spec: &PgaSpec) -> Compiled {
    PgaScale::new(spec.max_tenths, spec.step_tenths)
        .map(Setup::PgaSkin)
        .map_err(|error| at("pga_skin")(error.to_string()))
}
