//! QS: the outcome instruments a study collects (`store` kind `questionnaire`; DLQI,
//! Skindex-29+3, worst itch and pain NRS, CLA-IGA-R, PGA-skin), one record per item of each
//! completed instrument and one per derived score. Mapping choices, with their sources:
//!
//! - SDTMIG 3.4 section 6.3 (QS, Findings) and the CDISC QRS supplements' conventions: QSCAT is
//!   the instrument's name, QSTESTCD the item's short name (the instrument's item id, at most 8
//!   characters), QSORRES the answer as given (the answer's words in upper case, or the number),
//!   QSSTRESC/QSSTRESN the answer's standardized score as the instrument scores it (DLQI 0-3,
//!   "not relevant" 0 [O5]; Skindex 0-100 [O7]; a rating its number). [UNVERIFIED: no CDISC QRS
//!   supplement for DLQI, Skindex-29, the CLE NRS, CLA-IGA-R or PGA-skin was retrieved; the
//!   test codes and names are sponsor-defined.]
//! - An item without an answer has QSSTAT "NOT DONE", with QSREASND the reason recorded for the
//!   questionnaire's unanswered items when there is one (SDTMIG 3.4 section 4.5.1.2): missing
//!   is never 0, and "not relevant" is an answer, not a missing one.
//! - Derived scores (DLQI total, band and sub-scales; Skindex domain scores) are records
//!   flagged QSDRVFL "Y" (QRS assumptions: derived records that the instrument's scoring
//!   defines), computed by `instruments` from the answers under the study protocol's settings;
//!   a score the scoring rules leave uncomputed (too many items unanswered) makes no record.
//! - The clinician instruments (CLA-IGA-R, PGA-skin) are written here with QSEVAL
//!   "INVESTIGATOR". [UNVERIFIED: SDTMIG 3.4 section 6.3 places clinician-rated clinical
//!   classifications in RS; moving them there, beside the CLASI, is a choice left open.]
//! - QSEVLINT is the recall period the instrument asks about: DLQI the last week (-P1W) [O1],
//!   the NRS the past 24 hours (-PT24H) [O9]; blank where the retrieved sources do not say.

use instruments::questionnaire::{self, Answers, Instrument, ScoreValue, Setup};
use protocol::outcomes::Outcomes;

use super::{Row, VISIT_REF, Visits, study_day, visit_of};
use crate::ExportError;
use crate::dataset::{Cell, Missing, Variable};
use crate::source::{Casebook, Forms};

/// The store's form of the outcome instruments.
pub(crate) const FORM: &str = "questionnaire";

/// QS's own variables after STUDYID, DOMAIN, USUBJID and QSSEQ.
pub(crate) fn variables() -> Vec<Variable> {
    let t = Variable::text;
    let n = Variable::num;
    vec![
        t("QSTESTCD", "Question Short Name", 8),
        t("QSTEST", "Question Name", 40),
        t("QSCAT", "Category of Question", 20).assigned(),
        t("QSORRES", "Finding in Original Units", 40),
        t("QSSTRESC", "Character Result/Finding in Std Format", 40).derived(STANDARD),
        n("QSSTRESN", "Numeric Finding in Standard Units").derived(STANDARD),
        t("QSSTAT", "Completion Status", 8).derived(NOT_DONE),
        t("QSREASND", "Reason Not Performed", 200),
        t("QSDRVFL", "Derived Flag", 1).derived("Y on the derived scores, else blank"),
        t("QSEVAL", "Evaluator", 20).derived("INVESTIGATOR for CLA-IGA-R and PGA-skin"),
        t("QSEVLINT", "Evaluation Interval", 6).derived(RECALL),
    ]
}

const STANDARD: &str = "The answer's score as the instrument scores it (DLQI 0-3, not relevant 0; \
Skindex-29 0-100; a rating its number); a derived score its value";
const NOT_DONE: &str = "NOT DONE when the item was not answered, else blank";
const RECALL: &str = "The instrument's recall period before QSDTC: DLQI -P1W, NRS -PT24H";

/// One QS test the study's instruments define: what Define-XML lists in QSTESTCD's codelist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QsTest {
    pub code: String,
    pub test: String,
    /// QSCAT.
    pub category: &'static str,
    /// A derived score (QSDRVFL "Y").
    pub derived: bool,
}

/// QSCAT of an instrument.
pub fn category(instrument: Instrument) -> &'static str {
    match instrument {
        Instrument::Dlqi => "DLQI",
        Instrument::Skindex => "SKINDEX-29+3",
        Instrument::WorstItchNrs => "WORST ITCH NRS",
        Instrument::WorstPainNrs => "WORST PAIN NRS",
        Instrument::ClaIgaR => "CLA-IGA-R",
        Instrument::PgaSkin => "PGA-SKIN",
    }
}

fn recall(instrument: Instrument) -> Option<&'static str> {
    match instrument {
        Instrument::Dlqi => Some("-P1W"),
        Instrument::WorstItchNrs | Instrument::WorstPainNrs => Some("-PT24H"),
        Instrument::Skindex | Instrument::ClaIgaR | Instrument::PgaSkin => None,
    }
}

fn name(code: &str) -> Result<String, ExportError> {
    questionnaire::test_name(code)
        .ok_or_else(|| ExportError::invalid(format!("QS test {code}"), "has no QSTEST name"))
}

/// Every QS test of the instruments `outcomes` collects: each item, then each derived score.
pub fn tests(outcomes: &Outcomes) -> Result<Vec<QsTest>, ExportError> {
    let mut tests = Vec::new();
    for setup in outcomes.collected() {
        let category = category(setup.instrument());
        for item in setup.items() {
            tests.push(QsTest {
                test: name(&item.id)?,
                code: item.id,
                category,
                derived: false,
            });
        }
        for code in questionnaire::score_codes(setup) {
            tests.push(QsTest {
                code: code.to_owned(),
                test: name(code)?,
                category,
                derived: true,
            });
        }
    }
    Ok(tests)
}

/// The answer as QSORRES writes it: a code's words in upper case (`a_lot`: `A LOT`), a number
/// as given.
fn original(answer: &str) -> String {
    answer.replace('_', " ").to_uppercase()
}

/// What the rows of one completed instrument need of the casebook.
pub(crate) struct Context<'a> {
    pub(crate) forms: &'a Forms,
    pub(crate) visits: &'a Visits,
    pub(crate) first_dose: Option<jiff::civil::Date>,
}

/// The QS rows of `book`, handed to `out` in order, QSSEQ counting from 1.
pub(crate) fn rows<'d>(
    book: &Casebook,
    outcomes: &Outcomes,
    context: &Context<'_>,
    mut row: impl FnMut() -> Row<'d>,
    mut out: impl FnMut(&mut Row<'d>) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let f = context.forms;
    let Some(form) = f.index(FORM) else {
        return Ok(());
    };
    let mut seq = 0;
    for record in book.live(form) {
        let what = || format!("questionnaire {} of {}", record.id, book.code);
        let code = f.entry(record, "instrument").text().unwrap_or_default();
        let instrument = Instrument::parse(code)
            .ok_or_else(|| ExportError::invalid(what(), format!("'{code}' is no instrument")))?;
        // An instrument the protocol no longer collects has no settings to score it by.
        let setup = outcomes.setup(instrument).ok_or_else(|| {
            ExportError::invalid(
                what(),
                format!("the study's protocol does not collect {instrument}"),
            )
        })?;
        let answers: Answers =
            serde_json::from_str(f.entry(record, "answers").text().unwrap_or("{}"))
                .map_err(|error| ExportError::invalid(what(), error.to_string()))?;
        let on = f.entry(record, "completed_on").date();
        let reason = f.entry(record, "unanswered_reason").text();
        let visit = f.entry(record, VISIT_REF).integer();
        let mut common = |row: &mut Row<'d>, code: &str| -> Result<(), ExportError> {
            seq += 1;
            row.num("QSSEQ", Some(f64::from(seq)))
                .text("QSTESTCD", code)
                .text("QSTEST", name(code)?)
                .text("QSCAT", category(instrument))
                .set(
                    "QSEVAL",
                    Cell::opt_text((!instrument.patient_reported()).then_some("INVESTIGATOR")),
                )
                .set("QSEVLINT", Cell::opt_text(recall(instrument)))
                .set("QSDTC", Cell::opt_text(on.map(|on| on.to_string())))
                .num("QSDY", study_day(on, context.first_dose));
            visit_of(row, context.visits, visit);
            Ok(())
        };
        for item in setup.items() {
            let mut qs = row();
            common(&mut qs, &item.id)?;
            match answers.get(&item.id) {
                Some(answer) => {
                    let points = setup.answer_points(&item.id, answer);
                    qs.text("QSORRES", original(answer))
                        .set("QSSTRESC", Cell::opt_text(points.map(points_text)))
                        .num("QSSTRESN", points);
                }
                None => {
                    qs.text("QSSTAT", "NOT DONE")
                        .set("QSREASND", Cell::opt_text(reason))
                        .set("QSSTRESN", Cell::Missing(Missing::NotDone));
                }
            }
            out(&mut qs)?;
        }
        for score in derived(setup, &answers) {
            let (code, value) = score;
            let mut qs = row();
            common(&mut qs, code)?;
            let (text, number) = match value {
                ScoreValue::Band(band) => (original(band), None),
                ScoreValue::Points(points) => (points.to_string(), Some(f64::from(points))),
                ScoreValue::Mean(mean) => (value.to_string(), Some(mean)),
            };
            qs.text("QSORRES", text.as_str())
                .text("QSSTRESC", text)
                .num("QSSTRESN", number)
                .text("QSDRVFL", "Y");
            out(&mut qs)?;
        }
    }
    Ok(())
}

/// The derived scores that were computed (one not computed makes no record).
fn derived(setup: &Setup, answers: &Answers) -> Vec<(&'static str, ScoreValue)> {
    setup
        .score(answers)
        .into_iter()
        .filter_map(|score| Some((score.code, score.value.ok()?)))
        .collect()
}

/// A score as QSSTRESC writes it: whole numbers without a decimal point.
fn points_text(points: f64) -> String {
    if points.fract() == 0.0 {
        format!("{points:.0}")
    } else {
        points.to_string()
    }
}
