//! QS: the outcome instruments a study collects (`store` kind `questionnaire`; DLQI,
//! Skindex-29+3, worst itch and pain NRS, CLA-IGA-R, PGA-skin), one record per item of each
//! completed instrument and one per derived score. Mapping choices, with their sources:
//!
//! - SDTMIG 3.4 section 6.3 (QS, Findings) and the CDISC QRS supplements' conventions: QSCAT is
//!   the instrument's name, QSTESTCD the item's short name (the instrument's item id, at most 8
//!   characters), QSORRES the answer as given (the answer's words in upper case, or the number),
//!   QSSTRESC/QSSTRESN the answer's standardized score as the instrument scores it (DLQI 0-3,
//!   "not relevant" 0 [O5]; Skindex 0-100 [O7]; a rating its number). [UNVERIFIED: no CDISC QRS
//!   supplement for DLQI, Skindex-29, the CLE NRS, CLA-IGA-R or PGA-skin was retrieved.]
//! - DLQI's test codes and names are CDISC's (SDTM CT Q1 2025: DLQI1TC, C119070, and DLQI1TN,
//!   C119069, neither extensible; vendored in `scripts/peers/ct/`): DLQI101 to DLQI110 the
//!   questions, DLQI111 the score and DLQI112 to DLQI117 the sub-scores. CDISC's question 7 is
//!   two tests: DLQI107, whether work or study was prevented (YES, NO, NOT RELEVANT), and
//!   DLQI107A, after NO, how much of a problem it was (A LOT, A LITTLE, NOT AT ALL). The record
//!   keeps the two in one answer (`no_a_lot` ...); its points go where they arise (YES 3 on
//!   DLQI107, the follow-up's 2-0 on DLQI107A, NO 0), so the items still add up to DLQI111.
//!   DLQI107A has a record only after NO: NOT DONE when the follow-up was left blank.
//!   [UNVERIFIED: the split of points between DLQI107 and DLQI107A is this module's reading.]
//! - DLQI1TC has no code for the score's meaning band, so the band is a supplemental qualifier
//!   of the DLQI111 record (SUPPQS, QNAM `DLQIBAND`, SDTMIG 3.4 section 8.4), not a QS record.
//!   The other instruments' codes and names are the sponsor's.
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
    /// The NCI code CDISC gives the test (and its name), where CDISC publishes it.
    pub nci: Option<&'static str>,
    /// QSCAT.
    pub category: &'static str,
    /// A derived score (QSDRVFL "Y").
    pub derived: bool,
}

/// CDISC's DLQI tests (QSTESTCD, QSTEST, NCI code) by the record's code of the question or
/// score; the follow-up of question 7 by [`WORK_PROBLEM`]. The band has none.
const DLQI: [(&str, &str, &str, &str); 18] = [
    (
        "DLQI01",
        "DLQI101",
        "DLQI1-How Itchy, Sore, Painful, Stinging",
        "C119163",
    ),
    (
        "DLQI02",
        "DLQI102",
        "DLQI1-How Embarrassed, Self Conscious",
        "C119164",
    ),
    (
        "DLQI03",
        "DLQI103",
        "DLQI1-Interfered Shopping, Home, Yard",
        "C119165",
    ),
    (
        "DLQI04",
        "DLQI104",
        "DLQI1-Influenced Clothes You Wear",
        "C119166",
    ),
    (
        "DLQI05",
        "DLQI105",
        "DLQI1-Affected Social, Leisure Activity",
        "C119167",
    ),
    (
        "DLQI06",
        "DLQI106",
        "DLQI1-Made It Difficult to Do Any Sports",
        "C119168",
    ),
    (
        "DLQI07",
        "DLQI107",
        "DLQI1-Prevented Working or Studying",
        "C119169",
    ),
    (
        WORK_PROBLEM,
        "DLQI107A",
        "DLQI1-Problem at Work or Studying",
        "C119170",
    ),
    (
        "DLQI08",
        "DLQI108",
        "DLQI1-Problem Partner, Friends, Relative",
        "C119171",
    ),
    (
        "DLQI09",
        "DLQI109",
        "DLQI1-Caused Any Sexual Difficulties",
        "C119172",
    ),
    (
        "DLQI10",
        "DLQI110",
        "DLQI1-How Much a Problem is Treatment",
        "C119173",
    ),
    (
        questionnaire::DLQI_TOTAL,
        "DLQI111",
        "DLQI1-Score",
        "C119174",
    ),
    (
        "DLQISF",
        "DLQI112",
        "DLQI1-Symptoms and Feelings Subscore",
        "C187622",
    ),
    (
        "DLQIDA",
        "DLQI113",
        "DLQI1-Daily Activities Subscore",
        "C187623",
    ),
    ("DLQILE", "DLQI114", "DLQI1-Leisure Subscore", "C187624"),
    (
        "DLQIWS",
        "DLQI115",
        "DLQI1-Work and School Subscore",
        "C187625",
    ),
    (
        "DLQIPR",
        "DLQI116",
        "DLQI1-Personal Relationships Subscore",
        "C187626",
    ),
    ("DLQITR", "DLQI117", "DLQI1-Treatment Subscore", "C187627"),
];

/// The record's question 7, which CDISC asks as two tests.
const WORK: &str = "DLQI07";
/// This module's key for question 7's follow-up (no record holds it alone).
const WORK_PROBLEM: &str = "DLQI07A";

/// SUPPQS's QNAM and QLABEL of the DLQI score's meaning band.
pub const BAND_QNAM: &str = "DLQIBAND";
const BAND_QLABEL: &str = "DLQI Score Meaning Band";

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

/// The QS test of an item or score the record names `code`: CDISC's for DLQI, else the
/// record's code with its sponsor-defined name.
fn test(instrument: Instrument, code: &str, derived: bool) -> Result<QsTest, ExportError> {
    let category = category(instrument);
    if instrument == Instrument::Dlqi {
        let (_, testcd, name, nci) = DLQI
            .iter()
            .find(|(record, ..)| *record == code)
            .ok_or_else(|| ExportError::invalid(format!("QS test {code}"), "has no CDISC code"))?;
        return Ok(QsTest {
            code: (*testcd).to_owned(),
            test: (*name).to_owned(),
            nci: Some(nci),
            category,
            derived,
        });
    }
    Ok(QsTest {
        code: code.to_owned(),
        test: questionnaire::test_name(code)
            .ok_or_else(|| ExportError::invalid(format!("QS test {code}"), "has no QSTEST name"))?,
        nci: None,
        category,
        derived,
    })
}

/// Every QS test of the instruments `outcomes` collects: each item (DLQI's question 7 and its
/// follow-up), then each derived score but the DLQI band (a qualifier in SUPPQS).
pub fn tests(outcomes: &Outcomes) -> Result<Vec<QsTest>, ExportError> {
    let mut tests = Vec::new();
    for setup in outcomes.collected() {
        let instrument = setup.instrument();
        for item in setup.items() {
            tests.push(test(instrument, &item.id, false)?);
            if instrument == Instrument::Dlqi && item.id == WORK {
                tests.push(test(instrument, WORK_PROBLEM, false)?);
            }
        }
        for code in questionnaire::score_codes(setup) {
            if code != questionnaire::DLQI_BAND {
                tests.push(test(instrument, code, true)?);
            }
        }
    }
    Ok(tests)
}

/// DLQI question 7 as CDISC's DLQI107 answer and, after NO, DLQI107A's: `None` when the
/// follow-up was not asked, `Some(None)` when it was left blank. `None` for a code that is no
/// answer to question 7.
fn work_parts(answer: &str) -> Option<(&'static str, Option<Option<&'static str>>)> {
    use instruments::dlqi::Work;
    Some(match serde_json::from_value::<Work>(answer.into()).ok()? {
        Work::Prevented => ("YES", None),
        Work::NotRelevant => ("NOT RELEVANT", None),
        Work::NoWithoutDegree => ("NO", Some(None)),
        Work::NoALot => ("NO", Some(Some("A LOT"))),
        Work::NoALittle => ("NO", Some(Some("A LITTLE"))),
        Work::NoNotAtAll => ("NO", Some(Some("NOT AT ALL"))),
    })
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

/// The two datasets QS writes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dataset {
    Qs,
    SuppQs,
}

/// The QS rows of `book` (and the SUPPQS rows of their DLQI bands), handed to `out` in order,
/// QSSEQ counting from 1.
pub(crate) fn rows<'d>(
    book: &Casebook,
    outcomes: &Outcomes,
    context: &Context<'_>,
    mut row: impl FnMut(Dataset) -> Row<'d>,
    mut out: impl FnMut(Dataset, &mut Row<'d>) -> Result<(), ExportError>,
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
        let mut common = |row: &mut Row<'d>, test: &QsTest| -> Result<f64, ExportError> {
            seq += 1;
            row.num("QSSEQ", Some(f64::from(seq)))
                .text("QSTESTCD", test.code.as_str())
                .text("QSTEST", test.test.as_str())
                .text("QSCAT", category(instrument))
                .set(
                    "QSEVAL",
                    Cell::opt_text((!instrument.patient_reported()).then_some("INVESTIGATOR")),
                )
                .set("QSEVLINT", Cell::opt_text(recall(instrument)))
                .set("QSDTC", Cell::opt_text(on.map(|on| on.to_string())))
                .num("QSDY", study_day(on, context.first_dose));
            visit_of(row, context.visits, visit);
            Ok(f64::from(seq))
        };
        let mut answered = |code: &str, answer: Option<(String, Option<f64>)>| {
            let mut qs = row(Dataset::Qs);
            common(&mut qs, &test(instrument, code, false)?)?;
            match answer {
                Some((original, points)) => {
                    qs.text("QSORRES", original)
                        .set("QSSTRESC", Cell::opt_text(points.map(points_text)))
                        .num("QSSTRESN", points);
                }
                None => {
                    qs.text("QSSTAT", "NOT DONE")
                        .set("QSREASND", Cell::opt_text(reason))
                        .set("QSSTRESN", Cell::Missing(Missing::NotDone));
                }
            }
            out(Dataset::Qs, &mut qs)
        };
        for item in setup.items() {
            let answer = answers.get(&item.id);
            let points = |answer: &str| setup.answer_points(&item.id, answer);
            let parts = answer.filter(|_| instrument == Instrument::Dlqi && item.id == WORK);
            match parts.map(|answer| (answer, work_parts(answer))) {
                Some((answer, Some((prevented, follow_up)))) => {
                    // Points on DLQI107 only when no follow-up carries them.
                    let own = match follow_up {
                        Some(Some(_)) => Some(0.0),
                        _ => points(answer),
                    };
                    answered(WORK, Some((prevented.to_owned(), own)))?;
                    if let Some(problem) = follow_up {
                        let problem = problem.map(|words| (words.to_owned(), points(answer)));
                        answered(WORK_PROBLEM, problem)?;
                    }
                }
                Some((answer, None)) => {
                    return Err(ExportError::invalid(
                        what(),
                        format!("'{answer}' is no answer to DLQI question 7"),
                    ));
                }
                None => answered(
                    &item.id,
                    answer.map(|answer| (original(answer), points(answer))),
                )?,
            }
        }
        let mut score_seq = None;
        for (code, value) in derived(setup, &answers) {
            let (text, number) = match value {
                ScoreValue::Points(points) => (points.to_string(), Some(f64::from(points))),
                ScoreValue::Mean(mean) => (value.to_string(), Some(mean)),
                ScoreValue::Band(band) => {
                    // The band qualifies the DLQI score's record, written before it.
                    let mut supp = row(Dataset::SuppQs);
                    supp.text("RDOMAIN", "QS")
                        .text("IDVAR", "QSSEQ")
                        .set("IDVARVAL", Cell::opt_text(score_seq.map(points_text)))
                        .text("QNAM", BAND_QNAM)
                        .text("QLABEL", BAND_QLABEL)
                        .text("QVAL", original(band))
                        .text("QORIG", "DERIVED");
                    out(Dataset::SuppQs, &mut supp)?;
                    continue;
                }
            };
            let mut qs = row(Dataset::Qs);
            let this = common(&mut qs, &test(instrument, code, true)?)?;
            if code == questionnaire::DLQI_TOTAL {
                score_seq = Some(this);
            }
            qs.text("QSORRES", text.as_str())
                .text("QSSTRESC", text)
                .num("QSSTRESN", number)
                .text("QSDRVFL", "Y");
            out(Dataset::Qs, &mut qs)?;
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
