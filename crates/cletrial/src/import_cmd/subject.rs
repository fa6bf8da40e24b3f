//! Subject rows: the subject with its eligibility checklist, through the one path of screening
//! and enrolment (`Batch::screen`, `Batch::enrol`) the screening page and the API call.

use instruments::subtype::Subtype;
use protocol::eligibility::Candidate;
use store::{BirthOrAge, Enrolment, Sex, SubjectData};

use super::apply::{Import, Keyed};
use super::form::{FACTORS, Form};
use super::outcome::{Done, Refused, error_message, refused};
use super::reader::Reader;

/// A subject row: the subject, its screening record, an investigator's waiver, and in a
/// randomised study each stratification factor's level (given at enrolment).
struct Screened {
    data: SubjectData,
    candidate: Candidate,
    waiver: Option<String>,
    factors: Vec<(String, String)>,
}

/// The row's `factors.` columns that hold a level, by factor name.
fn factors(reader: &mut Reader<'_>) -> Vec<(String, String)> {
    let names: Vec<String> = reader
        .row()
        .fields
        .keys()
        .filter(|field| field.starts_with(FACTORS))
        .cloned()
        .collect();
    names
        .into_iter()
        .filter_map(|field| {
            let level = reader.text(&field)?;
            Some((field.trim_start_matches(FACTORS).to_owned(), level))
        })
        .collect()
}

/// A screening record cell as the checklist reads it: JSON as written (`true`, `5`,
/// `{"rest_of_face": 2}`), `yes`/`no`, a count as `231000 /mm3`, or else text.
fn cell_json(text: &str) -> serde_json::Value {
    if let Ok(value) = serde_json::from_str(text) {
        return value;
    }
    let text = text.trim();
    match text.to_ascii_lowercase().as_str() {
        "yes" => return serde_json::Value::Bool(true),
        "no" => return serde_json::Value::Bool(false),
        _ => {}
    }
    if let Some((value, unit)) = text.split_once(char::is_whitespace)
        && let Ok(value) = value.parse::<f64>()
    {
        return serde_json::json!({"value": value, "unit": unit.trim()});
    }
    serde_json::Value::String(text.to_owned())
}

/// The screening record of the row's `candidate.` columns (each cell read by [`cell_json`]);
/// what no column fills is unknown. A value the checklist cannot read is refused naming its
/// column.
fn candidate(reader: &mut Reader<'_>) -> Option<Candidate> {
    let mut fields = serde_json::Map::new();
    let names: Vec<String> = reader
        .row()
        .fields
        .keys()
        .filter(|field| field.starts_with("candidate."))
        .cloned()
        .collect();
    for field in names {
        if let Some(text) = reader.text(&field) {
            let name = field.trim_start_matches("candidate.").to_owned();
            fields.insert(name, cell_json(&text));
        }
    }
    match serde_path_to_error::deserialize::<_, Candidate>(serde_json::Value::Object(fields)) {
        Ok(candidate) => Some(candidate),
        Err(error) => {
            let path = error.path().to_string();
            let name = path.split('.').next().unwrap_or_default();
            reader.refuse(&format!("candidate.{name}"), error.inner().to_string());
            None
        }
    }
}

fn read(reader: &mut Reader<'_>, code: &str) -> Option<Screened> {
    let site = reader.required("subject.site");
    let sex = reader.required("subject.sex");
    let sex = reader.parsed("subject.sex", sex, |text| {
        Sex::parse(text).map_err(|error| error_message(&error))
    });
    let birth = reader.optional_date("subject.birth_date");
    let age = reader.text("subject.age_years");
    let age = reader.parsed("subject.age_years", age, |text| {
        text.parse::<i64>()
            .map_err(|_| format!("'{text}' is not a whole number of years"))
    });
    let birth = match (birth, age) {
        (Some(date), _) => Some(BirthOrAge::BirthDate(date)),
        (None, Some(age)) => Some(BirthOrAge::AgeYears(age)),
        (None, None) => {
            if reader.is_clean() {
                reader.refuse(
                    "subject.birth_date",
                    "needs a birth date or an age (subject.age_years)",
                );
            }
            None
        }
    };
    let subtype = reader.text("subject.subtype");
    let subtype = reader.parsed("subject.subtype", subtype, |text| {
        text.parse::<Subtype>().map_err(|error| error.to_string())
    });
    let screening_date = reader.required_date("subject.screening_date");
    let consent_date = reader.optional_date("subject.consent_date");
    let enrolment_date = reader.optional_date("subject.enrolment_date");
    let waiver = reader.text("subject.waiver");
    let candidate = candidate(reader);
    let factors = factors(reader);
    // Levels are given at enrolment: without an enrolment date they would go unused.
    if let (Some((factor, _)), None) = (factors.first(), enrolment_date) {
        reader.refuse(
            &format!("{FACTORS}{factor}"),
            "a stratification factor is given at enrolment: the row has no subject.enrolment_date",
        );
    }
    Some(Screened {
        data: SubjectData {
            site: site?,
            code: code.to_owned(),
            sex: sex?,
            birth: birth?,
            subtype,
            screening_date: screening_date?,
            consent_date,
            enrolment_date,
        },
        candidate: candidate?,
        waiver,
        factors,
    })
}

/// A subject row: registered with its checklist, or its fields corrected; then enrolled when
/// the row has an enrolment date and the subject is not enrolled yet.
pub async fn row(import: &mut Import<'_>, keyed: &Keyed<'_>) -> Result<Done, Refused> {
    let row = keyed.row;
    let mut reader = import.reader(row);
    let screened = read(&mut reader, &keyed.key.subject);
    let screened = reader.finish(screened)?;
    let fail = |error| refused(row, Form::Subject, error);
    let batch = &mut import.batch;
    let found = batch
        .subject_by_code(&keyed.key.subject)
        .await
        .map_err(fail)?;
    // Enrolment is its own command, after the checklist: the rest of the row first.
    let enrolment_date = screened.data.enrolment_date;
    let (subject, done) = match found {
        None => {
            let unenrolled = SubjectData {
                enrolment_date: None,
                ..screened.data.clone()
            };
            let (subject, _) = batch
                .screen(&unenrolled, &screened.candidate)
                .await
                .map_err(fail)?;
            (subject, Done::Created)
        }
        Some(subject) => {
            let target = SubjectData {
                enrolment_date: subject.data.enrolment_date.and(enrolment_date),
                ..screened.data.clone()
            };
            if subject.data == target {
                (subject, Done::Unchanged)
            } else {
                let subject = batch
                    .update_subject(subject.id, subject.version, &target, import.reason)
                    .await
                    .map_err(fail)?;
                (subject, Done::Updated)
            }
        }
    };
    match (subject.data.enrolment_date, enrolment_date) {
        (None, Some(enrolment_date)) => {
            let enrolment = Enrolment {
                subject_id: subject.id,
                based_on: subject.version,
                consent_date: subject.data.consent_date.unwrap_or(enrolment_date),
                enrolment_date,
                waiver: screened.waiver.clone(),
                reason: None,
                factors: screened.factors.clone(),
            };
            batch.enrol(&enrolment).await.map_err(fail)?;
            Ok(match done {
                Done::Unchanged => Done::Updated,
                other => other,
            })
        }
        // Enrolled before: the levels given again must be those it was randomised with.
        (Some(_), _) if !screened.factors.is_empty() => {
            let kept = batch
                .randomisation(subject.id)
                .await
                .map_err(fail)?
                .map(|randomised| randomised.levels)
                .unwrap_or_default();
            let differing = screened.factors.iter().find(|given| !kept.contains(given));
            let Some((factor, _)) = differing else {
                return Ok(done);
            };
            let said = kept
                .iter()
                .map(|(factor, level)| format!("{factor}={level}"))
                .collect::<Vec<_>>()
                .join("; ");
            Err(fail(store::StoreError::invalid(
                format!("{FACTORS}{factor}"),
                store::Refusal::untranslated(if kept.is_empty() {
                    "the subject was enrolled without randomisation: give no factors".to_owned()
                } else {
                    format!(
                        "the subject was randomised with {said}; a randomisation is never changed"
                    )
                }),
            )))
        }
        _ => Ok(done),
    }
}
