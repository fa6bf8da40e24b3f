//! The outcome instruments as one kind of form: each instrument's items by id, the answers each
//! item allows, and the scores computed from the answers, so a record can keep any of them as
//! "item id -> answer code" and have them checked and scored here (sources by their `O#` ids in
//! `docs/OUTCOMES.md`, through the modules that score each instrument).
//!
//! An item left out of the answers is unanswered: never 0 until the instrument's own
//! missing-answer rule says so. "Not relevant" (DLQI questions 3-10) is an answer, kept apart.
//! The questions' texts are copyrighted and are not here; a study supplies them.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::cla_iga_r::{ClaIgaRResponder, ClaIgaRScales, Component};
use crate::dlqi::{self, Dlqi, DlqiRules, Question, Subscale};
use crate::nrs::{Nrs, NrsResponder, Symptom};
use crate::pga::{PgaScale, Tenths};
use crate::skindex::{Domain, Frequency, ItemId, Skindex, SkindexRules};

/// The instruments a study may collect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    Dlqi,
    Skindex,
    WorstItchNrs,
    WorstPainNrs,
    ClaIgaR,
    PgaSkin,
}

impl Instrument {
    pub const ALL: [Instrument; 6] = [
        Instrument::Dlqi,
        Instrument::Skindex,
        Instrument::WorstItchNrs,
        Instrument::WorstPainNrs,
        Instrument::ClaIgaR,
        Instrument::PgaSkin,
    ];

    /// The code a protocol's `[outcomes]` table and the record use.
    pub fn code(self) -> &'static str {
        match self {
            Instrument::Dlqi => "dlqi",
            Instrument::Skindex => "skindex",
            Instrument::WorstItchNrs => "worst_itch_nrs",
            Instrument::WorstPainNrs => "worst_pain_nrs",
            Instrument::ClaIgaR => "cla_iga_r",
            Instrument::PgaSkin => "pga_skin",
        }
    }

    pub fn parse(code: &str) -> Option<Instrument> {
        Instrument::ALL
            .into_iter()
            .find(|instrument| instrument.code() == code)
    }

    /// The instrument's name as the literature prints it.
    pub fn name(self) -> &'static str {
        match self {
            Instrument::Dlqi => "DLQI",
            Instrument::Skindex => "Skindex-29+3",
            Instrument::WorstItchNrs => "Worst itch NRS",
            Instrument::WorstPainNrs => "Worst pain NRS",
            Instrument::ClaIgaR => "CLA-IGA-R",
            Instrument::PgaSkin => "PGA-skin",
        }
    }

    /// Whether the patient answers it (a patient-reported outcome); otherwise the investigator
    /// assesses it (CLA-IGA-R, PGA-skin).
    pub fn patient_reported(self) -> bool {
        !matches!(self, Instrument::ClaIgaR | Instrument::PgaSkin)
    }
}

impl fmt::Display for Instrument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One instrument as a study collects it: the instrument with the settings its scoring leaves
/// to the study ([UNVERIFIED] choices of `docs/OUTCOMES.md`, each a setting of its module).
#[derive(Clone, Debug, PartialEq)]
pub enum Setup {
    Dlqi(DlqiRules),
    Skindex {
        rules: SkindexRules,
        /// Whether the +3 lupus items are administered (Skindex-29+3) [O8].
        lupus_items: bool,
    },
    Nrs {
        symptom: Symptom,
        responder: NrsResponder,
    },
    ClaIgaR {
        scales: ClaIgaRScales,
        responder: ClaIgaRResponder,
    },
    PgaSkin(PgaScale),
}

/// The answers an item allows.
#[derive(Clone, Debug, PartialEq)]
pub enum Scale {
    /// One of these codes.
    Choice(&'static [&'static str]),
    /// A whole number 0 to `max`.
    Whole { max: u16 },
    /// A number with at most one decimal on the PGA-skin scale.
    Tenths(PgaScale),
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scale::Choice(codes) => f.write_str(&codes.join(", ")),
            Scale::Whole { max } => write!(f, "0 to {max}"),
            Scale::Tenths(scale) => write!(
                f,
                "0 to {} in steps of {}",
                Tenths(scale.max_tenths()),
                Tenths(scale.step_tenths())
            ),
        }
    }
}

/// One item of an instrument.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The stable id (`DLQI01`, `S01`, `L1`, `ITCHNRS` ...), also the SDTM QSTESTCD of every
    /// instrument but DLQI, whose QSTESTCD are CDISC's (`export::sdtm::qs`).
    pub id: String,
    pub scale: Scale,
}

/// Answers by item id; an item absent is unanswered.
pub type Answers = BTreeMap<String, String>;

const IMPACT: &[&str] = &["not_at_all", "a_little", "a_lot", "very_much"];
const IMPACT_OR_NOT_RELEVANT: &[&str] = &[
    "not_at_all",
    "a_little",
    "a_lot",
    "very_much",
    "not_relevant",
];
const WORK: &[&str] = &[
    "yes",
    "no_a_lot",
    "no_a_little",
    "no_not_at_all",
    "no",
    "not_relevant",
];
const FREQUENCY: &[&str] = &["never", "rarely", "sometimes", "often", "all_the_time"];

/// The item ids of the single-item and three-item instruments.
pub const ITCH_NRS: &str = "ITCHNRS";
pub const PAIN_NRS: &str = "PAINNRS";
pub const PGA_SKIN: &str = "PGASKIN";

/// The CLA-IGA-R item id of a component.
pub fn cla_iga_r_id(component: Component) -> &'static str {
    match component {
        Component::Erythema => "CLAERY",
        Component::OtherMorphology => "CLAMORPH",
        Component::FollicularActivity => "CLAFOLL",
    }
}

/// Every item id of every instrument, whatever a study's settings (the +3 lupus items
/// included): what a study's file of item texts may name.
pub fn every_item_id() -> Vec<String> {
    let dlqi = Question::ALL
        .into_iter()
        .map(|question| question.id().to_owned());
    let skindex = ItemId::all().map(|id| id.to_string());
    let clinician = Component::ALL
        .into_iter()
        .map(cla_iga_r_id)
        .chain([ITCH_NRS, PAIN_NRS, PGA_SKIN])
        .map(str::to_owned);
    dlqi.chain(skindex).chain(clinician).collect()
}

/// What an item or a derived score measures, as SDTM's QSTEST names it (at most 40
/// characters; the question's own text is copyrighted and is not used). `None` for a code no
/// instrument has.
pub fn test_name(code: &str) -> Option<String> {
    if let Some(question) = Question::ALL.iter().position(|q| q.id() == code) {
        return Some(format!("DLQI question {}", question + 1));
    }
    if let Ok(id) = ItemId::parse(code) {
        let name = id.to_string();
        let number = name.trim_start_matches(['S', 'L', '0']);
        return Some(if id.is_lupus() {
            format!("Skindex-29+3 lupus question {number}")
        } else {
            format!("Skindex-29 question {number}")
        });
    }
    let name = match code {
        // `Component::name` is longer than QSTEST's 40 characters for one of the three.
        "CLAERY" => "CLA-IGA-R erythema",
        "CLAMORPH" => "CLA-IGA-R other morphology",
        "CLAFOLL" => "CLA-IGA-R follicular activity",
        ITCH_NRS => "Worst itch NRS (past 24 hours)",
        PAIN_NRS => "Worst pain NRS (past 24 hours)",
        PGA_SKIN => "PGA-skin",
        DLQI_TOTAL => "DLQI total score",
        DLQI_BAND => "DLQI total score meaning band",
        "DLQISF" => "DLQI symptoms and feelings",
        "DLQIDA" => "DLQI daily activities",
        "DLQILE" => "DLQI leisure",
        "DLQIWS" => "DLQI work and school",
        "DLQIPR" => "DLQI personal relationships",
        "DLQITR" => "DLQI treatment",
        "SKXSYM" => "Skindex-29 symptoms domain score",
        "SKXEMO" => "Skindex-29 emotions domain score",
        "SKXFUN" => "Skindex-29 functioning domain score",
        "SKXLUP" => "Skindex-29+3 lupus domain score",
        _ => return None,
    };
    Some(name.to_owned())
}

/// The codes of every derived score an instrument can give, in the order `Setup::score` gives
/// them (what a study's Define-XML lists).
pub fn score_codes(setup: &Setup) -> Vec<&'static str> {
    match setup {
        Setup::Dlqi(_) => [DLQI_TOTAL, DLQI_BAND]
            .into_iter()
            .chain(Subscale::ALL.map(subscale_code))
            .collect(),
        Setup::Skindex { lupus_items, .. } => Domain::ALL
            .into_iter()
            .filter(|domain| *lupus_items || *domain != Domain::Lupus)
            .map(domain_code)
            .collect(),
        Setup::Nrs { .. } | Setup::ClaIgaR { .. } | Setup::PgaSkin(_) => Vec::new(),
    }
}

/// Why answers were refused, naming the item and what it allows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("{item} is not an item of {instrument}; its items are {items}")]
    UnknownItem {
        instrument: Instrument,
        item: String,
        items: String,
    },
    #[error("{item} cannot be '{value}'; allowed: {allowed}")]
    NotAllowed {
        item: String,
        value: String,
        allowed: String,
    },
}

impl Setup {
    pub fn instrument(&self) -> Instrument {
        match self {
            Setup::Dlqi(_) => Instrument::Dlqi,
            Setup::Skindex { .. } => Instrument::Skindex,
            Setup::Nrs {
                symptom: Symptom::WorstItch,
                ..
            } => Instrument::WorstItchNrs,
            Setup::Nrs {
                symptom: Symptom::WorstPain,
                ..
            } => Instrument::WorstPainNrs,
            Setup::ClaIgaR { .. } => Instrument::ClaIgaR,
            Setup::PgaSkin(_) => Instrument::PgaSkin,
        }
    }

    /// Every item, in the form's order.
    pub fn items(&self) -> Vec<Item> {
        let item = |id: &str, scale| Item {
            id: id.to_owned(),
            scale,
        };
        match self {
            Setup::Dlqi(_) => Question::ALL
                .into_iter()
                .map(|question| {
                    let codes = match question {
                        Question::Q1 | Question::Q2 => IMPACT,
                        Question::Q7 => WORK,
                        _ => IMPACT_OR_NOT_RELEVANT,
                    };
                    item(question.id(), Scale::Choice(codes))
                })
                .collect(),
            Setup::Skindex { lupus_items, .. } => ItemId::all()
                .filter(|id| *lupus_items || !id.is_lupus())
                .map(|id| item(&id.to_string(), Scale::Choice(FREQUENCY)))
                .collect(),
            Setup::Nrs { symptom, .. } => vec![item(
                nrs_id(*symptom),
                Scale::Whole {
                    max: Nrs::MAX.into(),
                },
            )],
            Setup::ClaIgaR { scales, .. } => Component::ALL
                .into_iter()
                .map(|component| {
                    let max = scales.max(component).into();
                    item(cla_iga_r_id(component), Scale::Whole { max })
                })
                .collect(),
            Setup::PgaSkin(scale) => vec![item(PGA_SKIN, Scale::Tenths(*scale))],
        }
    }

    /// The answers checked and written canonically (a number without leading zeros): refuses
    /// an item the instrument does not have and an answer its item does not allow.
    pub fn check(&self, answers: &Answers) -> Result<Answers, AnswerError> {
        let items = self.items();
        answers
            .iter()
            .map(|(id, value)| {
                let item = items.iter().find(|item| item.id == *id).ok_or_else(|| {
                    AnswerError::UnknownItem {
                        instrument: self.instrument(),
                        item: id.clone(),
                        items: item_range(&items),
                    }
                })?;
                let canonical = canonical(&item.scale, value.trim()).ok_or_else(|| {
                    AnswerError::NotAllowed {
                        item: id.clone(),
                        value: value.clone(),
                        allowed: item.scale.to_string(),
                    }
                })?;
                Ok((id.clone(), canonical))
            })
            .collect()
    }

    /// The points a checked answer scores on its own, as the instrument's scoring reads it:
    /// DLQI 0-3 ("not relevant" 0 [O5]; question 7 as `dlqi` scores it under the study's rules,
    /// `None` for a "no" the rules count as unanswered), Skindex 0-100 [O7], an NRS, CLA-IGA-R
    /// or PGA-skin value itself. `None` for an item or answer the instrument does not have.
    pub fn answer_points(&self, item: &str, answer: &str) -> Option<f64> {
        match self {
            Setup::Dlqi(rules) => {
                let index = Question::ALL
                    .iter()
                    .position(|question| question.id() == item)?;
                let one: Answers = [(item.to_owned(), answer.to_owned())].into();
                let dlqi = dlqi_of(&one)?;
                dlqi.answered_points(rules)[index].map(f64::from)
            }
            Setup::Skindex { .. } => {
                ItemId::parse(item).ok()?;
                frequency(answer).map(|frequency| f64::from(frequency.points()))
            }
            Setup::Nrs { .. } | Setup::ClaIgaR { .. } => whole(answer).map(f64::from),
            Setup::PgaSkin(_) => tenths(answer).map(|tenths| f64::from(tenths) / 10.0),
        }
    }

    /// The scores derived from checked answers (DLQI total, band and sub-scales; Skindex
    /// domains). The single-item and three-item instruments (NRS, CLA-IGA-R, PGA-skin) have
    /// no derived score: their answers are the measurement.
    pub fn score(&self, answers: &Answers) -> Vec<Score> {
        match self {
            Setup::Dlqi(rules) => dlqi_scores(answers, rules),
            Setup::Skindex { rules, lupus_items } => skindex_scores(answers, rules, *lupus_items),
            Setup::Nrs { .. } | Setup::ClaIgaR { .. } | Setup::PgaSkin(_) => Vec::new(),
        }
    }
}

fn nrs_id(symptom: Symptom) -> &'static str {
    match symptom {
        Symptom::WorstItch => ITCH_NRS,
        Symptom::WorstPain => PAIN_NRS,
    }
}

/// "DLQI01 to DLQI10", "S01 to L3", or the ids themselves when there are few.
fn item_range(items: &[Item]) -> String {
    match items {
        [first, _, _, _, .., last] => format!("{} to {}", first.id, last.id),
        _ => items
            .iter()
            .map(|item| item.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `value` as the scale writes it, `None` when the scale does not allow it.
fn canonical(scale: &Scale, value: &str) -> Option<String> {
    match scale {
        Scale::Choice(codes) => codes.contains(&value).then(|| value.to_owned()),
        Scale::Whole { max } => whole(value)
            .filter(|number| number <= max)
            .map(|number| number.to_string()),
        Scale::Tenths(scale) => {
            let tenths = tenths(value)?;
            scale.value(tenths).ok().map(|pga| pga.to_string())
        }
    }
}

/// Digits only (no sign, no decimal point), at most five.
fn whole(text: &str) -> Option<u16> {
    (!text.is_empty() && text.len() <= 5 && text.bytes().all(|byte| byte.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// A number with at most one decimal, in tenths (`2.5` -> 25, `3` -> 30).
pub fn tenths(text: &str) -> Option<u16> {
    let (units, tenth) = match text.split_once('.') {
        Some((units, tenth)) if tenth.len() == 1 => (units, whole(tenth)?),
        Some(_) => return None,
        None => (text, 0),
    };
    whole(units)?.checked_mul(10)?.checked_add(tenth)
}

/// A derived score: its code (the SDTM QSTESTCD of the derived row), and its value or why it
/// was not computed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    pub code: &'static str,
    pub value: Result<ScoreValue, NotScored>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreValue {
    /// A sum of points (DLQI total, a sub-scale).
    Points(u8),
    /// A mean on 0-100 (a Skindex domain).
    Mean(f64),
    /// A DLQI meaning band, by its code.
    Band(&'static str),
}

impl fmt::Display for ScoreValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScoreValue::Points(points) => write!(f, "{points}"),
            // One decimal: a domain mean of 7 to 12 answers in steps of 25.
            ScoreValue::Mean(mean) => write!(f, "{mean:.1}"),
            ScoreValue::Band(code) => f.write_str(code),
        }
    }
}

/// Why a score was not computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotScored {
    /// DLQI: more questions unanswered than the rule scores as 0 [O2].
    TooManyUnanswered { unanswered: usize, allowed: usize },
    /// Skindex: more of the domain's items unanswered than the share allowed, or none
    /// answered [O7].
    TooManyMissing {
        missing: usize,
        items: usize,
        max_percent: u8,
    },
}

impl fmt::Display for NotScored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotScored::TooManyUnanswered {
                unanswered,
                allowed,
            } => write!(
                f,
                "{unanswered} questions unanswered; at most {allowed} may be"
            ),
            NotScored::TooManyMissing {
                missing,
                items,
                max_percent,
            } => write!(
                f,
                "{missing} of {items} items unanswered; at most {max_percent}% may be"
            ),
        }
    }
}

/// The DLQI derived rows' codes: total, band, then the six sub-scales [O3, O6].
pub const DLQI_TOTAL: &str = "DLQITOT";
pub const DLQI_BAND: &str = "DLQIBAND";

fn subscale_code(subscale: Subscale) -> &'static str {
    match subscale {
        Subscale::SymptomsAndFeelings => "DLQISF",
        Subscale::DailyActivities => "DLQIDA",
        Subscale::Leisure => "DLQILE",
        Subscale::WorkAndSchool => "DLQIWS",
        Subscale::PersonalRelationships => "DLQIPR",
        Subscale::Treatment => "DLQITR",
    }
}

/// The band's code, as the words catalogue and the export name it.
pub fn band_code(band: dlqi::Band) -> &'static str {
    match band {
        dlqi::Band::NoEffect => "no_effect",
        dlqi::Band::SmallEffect => "small_effect",
        dlqi::Band::ModerateEffect => "moderate_effect",
        dlqi::Band::VeryLargeEffect => "very_large_effect",
        dlqi::Band::ExtremelyLargeEffect => "extremely_large_effect",
    }
}

/// The DLQI of checked answers: their codes are the DLQI's own serde names, so they read
/// back as its types; `None` for a code that is not one.
fn dlqi_of(answers: &Answers) -> Option<Dlqi> {
    let json: serde_json::Map<String, serde_json::Value> = Question::ALL
        .into_iter()
        .enumerate()
        .map(|(index, question)| {
            let answer = answers
                .get(question.id())
                .map_or(serde_json::Value::Null, |code| code.as_str().into());
            (format!("q{}", index + 1), answer)
        })
        .collect();
    serde_json::from_value(json.into()).ok()
}

fn dlqi_scores(answers: &Answers, rules: &DlqiRules) -> Vec<Score> {
    let Some(dlqi) = dlqi_of(answers) else {
        return Vec::new();
    };
    let score = dlqi.score(rules);
    let not_scored = NotScored::TooManyUnanswered {
        unanswered: score.unanswered.len(),
        allowed: rules.unanswered_scored_zero.into(),
    };
    let points = |value: Option<u8>| value.map(ScoreValue::Points).ok_or(not_scored);
    let mut scores = vec![
        Score {
            code: DLQI_TOTAL,
            value: points(score.total),
        },
        Score {
            code: DLQI_BAND,
            value: score
                .band
                .map(|band| ScoreValue::Band(band_code(band)))
                .ok_or(not_scored),
        },
    ];
    scores.extend(score.subscales.iter().map(|(subscale, sum)| Score {
        code: subscale_code(*subscale),
        value: points(*sum),
    }));
    scores
}

fn domain_code(domain: Domain) -> &'static str {
    match domain {
        Domain::Symptoms => "SKXSYM",
        Domain::Emotions => "SKXEMO",
        Domain::Functioning => "SKXFUN",
        Domain::Lupus => "SKXLUP",
    }
}

fn frequency(code: &str) -> Option<Frequency> {
    serde_json::from_value(code.into()).ok()
}

fn skindex_scores(answers: &Answers, rules: &SkindexRules, lupus_items: bool) -> Vec<Score> {
    let given = answers
        .iter()
        .filter_map(|(id, code)| Some((id.as_str(), frequency(code)?)));
    let Ok(skindex) = Skindex::from_ids(given, lupus_items) else {
        return Vec::new();
    };
    skindex
        .score(rules)
        .into_iter()
        .map(|domain| Score {
            code: domain_code(domain.domain),
            value: domain
                .score
                .map(ScoreValue::Mean)
                .ok_or(NotScored::TooManyMissing {
                    missing: domain.missing,
                    items: domain.items,
                    max_percent: rules.max_missing_percent(),
                }),
        })
        .collect()
}

#[cfg(test)]
mod tests;
