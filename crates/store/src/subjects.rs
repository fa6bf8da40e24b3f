//! Subjects (pseudonymous) and their visits.

use instruments::subtype::Subtype;
use jiff::civil::Date;

use crate::Refusal;
use crate::Store;
use crate::auth::{Actor, Role};
use crate::check;
use crate::db::{Arg, Tx};
use crate::error::StoreError;
use crate::people::{no_data_entry_role, no_site};
use crate::schema::{SUBJECT, VISIT};
use crate::value::{Ty, Value};
use crate::writer::{self, Changes, Row};

/// Sex as collected, CDISC SDTM `SEX` codelist (C66731): F, M, U.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    Female,
    Male,
    Unknown,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::Unknown => "U",
        }
    }

    pub fn parse(text: &str) -> Result<Sex, StoreError> {
        [Sex::Female, Sex::Male, Sex::Unknown]
            .into_iter()
            .find(|sex| sex.code() == text)
            .ok_or_else(|| {
                StoreError::invalid(
                    "sex",
                    Refusal::of("refusal-not-allowed")
                        .with("text", text)
                        .with("allowed", "F, M, U"),
                )
            })
    }
}

/// A subject's age is collected either as a birth date or, where the birth date may not be
/// recorded, as whole years at screening.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BirthOrAge {
    BirthDate(Date),
    AgeYears(i64),
}

impl SubjectData {
    /// Whole years at screening: from the birth date, or as collected.
    pub fn age_at_screening(&self) -> i64 {
        match self.birth {
            BirthOrAge::BirthDate(birth) => i64::from(protocol::eligibility::whole_years(
                birth,
                self.screening_date,
            )),
            BirthOrAge::AgeYears(age) => age,
        }
    }
}

/// The code of the subject numbered `number` at `site` (`S01-007`): the only form a new
/// subject's code takes (see `check::subject_code`).
pub fn subject_code(site: &str, number: impl std::fmt::Display) -> String {
    format!("{}-{number}", site.trim())
}

/// Oldest age accepted, in years.
const MAX_AGE_YEARS: i64 = 120;

/// What a subject form holds; used to register a subject and, whole, to change one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectData {
    /// The site's code.
    pub site: String,
    /// The pseudonymous study id (never a name or initials): the site's code, `-`, the subject's
    /// number there (`S01-007`; see [`subject_code`]).
    pub code: String,
    pub sex: Sex,
    pub birth: BirthOrAge,
    /// The CLE subtype (INSTRUMENTS.md §6), when known.
    pub subtype: Option<Subtype>,
    pub screening_date: Date,
    pub consent_date: Option<Date>,
    pub enrolment_date: Option<Date>,
}

/// A subject as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub id: i64,
    pub version: i64,
    pub data: SubjectData,
    /// Consent is waived for this subject: screened in a retrospective chart review (the
    /// study's design, recorded when the subject was registered). No record then needs a
    /// consent date, and the index date (enrolment) precedes the review.
    pub consent_waived: bool,
}

impl SubjectData {
    /// Ranges and date order. Informed consent comes before any study procedure (ICH E6(R3)
    /// 2.8.1), so screening and enrolment may not precede consent, and enrolment needs consent.
    /// Where consent is waived (a retrospective review: 45 CFR 46.116(f)), there is no consent
    /// date, and enrolment is the index date, the drug start the review looks back to.
    pub(crate) fn check(&self, today: Date, consent_waived: bool) -> Result<(), StoreError> {
        check::code("code", &self.code, check::SUBJECT_CODE_MAX)?;
        check::not_future("screening_date", self.screening_date, today)?;
        match self.birth {
            BirthOrAge::BirthDate(birth) => {
                check::not_future("birth_date", birth, today)?;
                if birth > self.screening_date {
                    return Err(StoreError::invalid(
                        "birth_date",
                        Refusal::of("refusal-birth-after-screening"),
                    ));
                }
            }
            BirthOrAge::AgeYears(age) if !(0..=MAX_AGE_YEARS).contains(&age) => {
                return Err(StoreError::invalid(
                    "age_years",
                    Refusal::of("refusal-age-range")
                        .with("age", age)
                        .with("max", MAX_AGE_YEARS),
                ));
            }
            BirthOrAge::AgeYears(_) => {}
        }
        if consent_waived {
            if self.consent_date.is_some() {
                return Err(StoreError::invalid(
                    "consent_date",
                    Refusal::of("refusal-consent-waived"),
                ));
            }
            if let Some(index) = self.enrolment_date {
                check::not_future("enrolment_date", index, today)?;
                if let BirthOrAge::BirthDate(birth) = self.birth
                    && index < birth
                {
                    return Err(StoreError::invalid(
                        "enrolment_date",
                        Refusal::of("refusal-index-before-birth"),
                    ));
                }
            }
            return Ok(());
        }
        if let Some(consent) = self.consent_date {
            check::not_future("consent_date", consent, today)?;
            if self.screening_date < consent {
                return Err(StoreError::invalid(
                    "screening_date",
                    Refusal::of("refusal-before-consent").with("consent", consent),
                ));
            }
        }
        if let Some(enrolment) = self.enrolment_date {
            check::not_future("enrolment_date", enrolment, today)?;
            if self.consent_date.is_none() {
                return Err(StoreError::invalid(
                    "enrolment_date",
                    Refusal::of("refusal-consent-first"),
                ));
            }
            if enrolment < self.screening_date {
                return Err(StoreError::invalid(
                    "enrolment_date",
                    Refusal::of("refusal-before-screening"),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn changes(&self, site_id: i64) -> Changes {
        let (birth, age) = match self.birth {
            BirthOrAge::BirthDate(date) => (Some(Value::Date(date)), None),
            BirthOrAge::AgeYears(age) => (None, Some(Value::Int(age))),
        };
        vec![
            ("site_id", Some(Value::Int(site_id))),
            ("code", Some(Value::Text(self.code.trim().to_owned()))),
            ("sex", Some(Value::Text(self.sex.code().to_owned()))),
            ("birth_date", birth),
            ("age_years", age),
            (
                "subtype",
                self.subtype
                    .map(|subtype| Value::Text(subtype.id().to_owned())),
            ),
            ("screening_date", Some(Value::Date(self.screening_date))),
            ("consent_date", self.consent_date.map(Value::Date)),
            ("enrolment_date", self.enrolment_date.map(Value::Date)),
        ]
    }
}

fn date(row: &Row, field: &str) -> Option<Date> {
    row.get(field).and_then(Value::as_date)
}

fn subject_from(id: i64, row: &Row, site: String) -> Result<Subject, StoreError> {
    let birth = match (
        date(row, "birth_date"),
        row.get("age_years").and_then(Value::as_int),
    ) {
        (Some(date), _) => BirthOrAge::BirthDate(date),
        (None, Some(age)) => BirthOrAge::AgeYears(age),
        (None, None) => {
            return Err(StoreError::corrupt(format!(
                "subject {id} has neither birth date nor age"
            )));
        }
    };
    Ok(Subject {
        id,
        version: row.version,
        consent_waived: row.text("consent") == Some("waived"),
        data: SubjectData {
            site,
            code: row
                .get("code")
                .and_then(Value::as_text)
                .unwrap_or_default()
                .to_owned(),
            sex: Sex::parse(row.get("sex").and_then(Value::as_text).unwrap_or_default())?,
            birth,
            subtype: row
                .text("subtype")
                .map(|id| {
                    id.parse::<Subtype>()
                        .map_err(|error| StoreError::corrupt(format!("subtype: {error}")))
                })
                .transpose()?,
            screening_date: date(row, "screening_date").unwrap_or_default(),
            consent_date: date(row, "consent_date"),
            enrolment_date: date(row, "enrolment_date"),
        },
    })
}

/// What a visit form holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitData {
    /// The visit's name in the schedule, e.g. `week 4`.
    pub name: String,
    pub planned_date: Option<Date>,
    pub actual_date: Option<Date>,
}

/// A visit as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    pub id: i64,
    pub version: i64,
    pub subject_id: i64,
    pub data: VisitData,
}

pub(crate) fn visit_data_from(row: &Row) -> VisitData {
    VisitData {
        name: row.text("name").unwrap_or_default().to_owned(),
        planned_date: row.date("planned_date"),
        actual_date: row.date("actual_date"),
    }
}

impl VisitData {
    /// A visit that took place needs consent, on or before its date (ICH E6(R3) 2.8.1).
    pub(crate) fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::label("name", &self.name, 60)?;
        if let Some(actual) = self.actual_date {
            check::not_future("actual_date", actual, today)?;
            match subject.data.consent_date {
                _ if subject.consent_waived => {}
                None => {
                    return Err(StoreError::invalid(
                        "actual_date",
                        Refusal::of("refusal-no-consent-date"),
                    ));
                }
                Some(consent) if actual < consent => {
                    return Err(StoreError::invalid(
                        "actual_date",
                        Refusal::of("refusal-before-consent").with("consent", consent),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    pub(crate) fn changes(&self, subject_id: i64) -> Changes {
        vec![
            ("subject_id", Some(Value::Int(subject_id))),
            ("name", Some(Value::Text(self.name.trim().to_owned()))),
            ("planned_date", self.planned_date.map(Value::Date)),
            ("actual_date", self.actual_date.map(Value::Date)),
        ]
    }
}

/// The live subject `id`, read in `tx`.
pub(crate) async fn subject_in(tx: &mut Tx, id: i64) -> Result<Subject, StoreError> {
    let row = writer::load(tx, &SUBJECT, id)
        .await?
        .filter(|row| !row.removed)
        .ok_or_else(|| StoreError::NotFound {
            entity: "subject",
            id: id.to_string(),
        })?;
    subject_at_site(tx, id, &row).await
}

/// Subject `id` from its `row`, with its site's code read in `tx`.
async fn subject_at_site(tx: &mut Tx, id: i64, row: &Row) -> Result<Subject, StoreError> {
    let site_id = row
        .get("site_id")
        .and_then(Value::as_int)
        .unwrap_or_default();
    let site = writer::load(tx, &crate::schema::SITE, site_id)
        .await?
        .and_then(|site| site.get("code").and_then(Value::as_text).map(str::to_owned))
        .unwrap_or_default();
    subject_from(id, row, site)
}

/// A live subject as a command that enters data for it finds it: its site, whether the actor
/// may enter data there, and (when asked) whose a visit is. One query, since these checks run
/// under the writer lock on every save.
pub(crate) struct SubjectForEntry {
    pub(crate) subject: Subject,
    site_live: bool,
    may_enter: bool,
    visit_subject: Option<i64>,
}

impl SubjectForEntry {
    /// Refuses unless the subject's site is live and the actor holds a role there that
    /// enters data (or is the patient answering through a link: see
    /// [`SubjectRecord::entered_by`](crate::record::SubjectRecord::entered_by)).
    pub(crate) fn require_data_entry(&self, actor: &Actor) -> Result<(), StoreError> {
        if !self.site_live {
            return Err(no_site(&self.subject.data.site));
        }
        // A patient answering through a link holds no role: the link, which staff who enter
        // data issued for this subject and visit, is their authority (`patient_links`).
        if !self.may_enter && actor.patient_link.is_none() {
            return Err(no_data_entry_role(actor));
        }
        Ok(())
    }

    /// Refuses unless `visit_id` (the one [`entry_in`] was asked about) is a live visit of
    /// this subject.
    pub(crate) fn require_visit(&self, visit_id: i64) -> Result<(), StoreError> {
        if self.visit_subject == Some(self.subject.id) {
            Ok(())
        } else {
            Err(StoreError::invalid(
                "visit_id",
                Refusal::of("refusal-no-such-visit").with("visit", visit_id),
            ))
        }
    }
}

/// The live subject `id` for `actor` to enter data, with visit `visit_id`'s subject.
pub(crate) async fn entry_in(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    visit_id: Option<i64>,
) -> Result<SubjectForEntry, StoreError> {
    let (list, mut types) = writer::select_list(&SUBJECT);
    let roles: Vec<Arg> = Role::ALL
        .into_iter()
        .filter(|role| role.enters_data())
        .map(|role| role.as_str().into())
        .collect();
    let marks: Vec<String> = (4..4 + roles.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT {list}, \
         (SELECT code FROM site WHERE id = subject.site_id), \
         (SELECT NOT removed FROM site WHERE id = subject.site_id), \
         EXISTS (SELECT 1 FROM role_grant WHERE user_id = $2 AND site_id = subject.site_id \
                 AND NOT removed AND role IN ({})), \
         (SELECT subject_id FROM visit WHERE id = $3 AND NOT removed) \
         FROM subject WHERE id = $1",
        marks.join(", ")
    );
    types.extend([Ty::Text, Ty::Bool, Ty::Bool, Ty::Int]);
    let mut args = vec![id.into(), actor.user_id.into(), Arg::Int(visit_id)];
    args.extend(roles);
    let mut values = tx
        .fetch_optional(&sql, &args, &types)
        .await?
        .unwrap_or_default();
    let extra = values.split_off(values.len().saturating_sub(4));
    let (_, row) = writer::row_from(&SUBJECT, values);
    if extra.len() != 4 || row.removed {
        return Err(StoreError::NotFound {
            entity: "subject",
            id: id.to_string(),
        });
    }
    let flag = |i: usize| extra[i].as_ref().and_then(Value::as_bool);
    let site = extra[0]
        .as_ref()
        .and_then(Value::as_text)
        .unwrap_or_default()
        .to_owned();
    Ok(SubjectForEntry {
        site_live: flag(1) == Some(true),
        may_enter: flag(2) == Some(true),
        visit_subject: extra[3].as_ref().and_then(Value::as_int),
        subject: subject_from(id, &row, site)?,
    })
}

/// The live subject with this pseudonymous study id, read in `tx`.
pub(crate) async fn subject_by_code_in(
    tx: &mut Tx,
    code: &str,
) -> Result<Option<Subject>, StoreError> {
    match writer::find_by(tx, &SUBJECT, "code", code.trim()).await? {
        Some((id, row)) if !row.removed => Ok(Some(subject_at_site(tx, id, &row).await?)),
        _ => Ok(None),
    }
}

/// The live visit `id`, read in `tx`.
pub(crate) async fn visit_in(tx: &mut Tx, id: i64) -> Result<Visit, StoreError> {
    let row = writer::load(tx, &VISIT, id)
        .await?
        .filter(|row| !row.removed)
        .ok_or_else(|| StoreError::NotFound {
            entity: "visit",
            id: id.to_string(),
        })?;
    Ok(visit_from(id, &row))
}

/// Visit `id` as its projection row holds it.
pub(crate) fn visit_from(id: i64, row: &Row) -> Visit {
    Visit {
        id,
        version: row.version,
        subject_id: row
            .get("subject_id")
            .and_then(Value::as_int)
            .unwrap_or_default(),
        data: visit_data_from(row),
    }
}

/// Every live visit of a subject, by id, read in `tx`.
pub(crate) async fn visits_in(tx: &mut Tx, subject_id: i64) -> Result<Vec<Visit>, StoreError> {
    let (list, types) = writer::select_list(&VISIT);
    let rows = tx
        .fetch(
            &format!("SELECT {list} FROM visit WHERE subject_id = $1 AND NOT removed ORDER BY id"),
            &[subject_id.into()],
            &types,
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|values| {
            let (id, row) = writer::row_from(&VISIT, values);
            Visit {
                id,
                version: row.version,
                subject_id,
                data: visit_data_from(&row),
            }
        })
        .collect())
}

/// The site a live or removed subject belongs to.
pub(crate) async fn site_id_in(tx: &mut Tx, subject_id: i64) -> Result<i64, StoreError> {
    writer::load(tx, &SUBJECT, subject_id)
        .await?
        .and_then(|row| row.int("site_id"))
        .ok_or_else(|| StoreError::NotFound {
            entity: "subject",
            id: subject_id.to_string(),
        })
}

impl Store {
    pub async fn subject(&self, id: i64) -> Result<Subject, StoreError> {
        subject_in(&mut self.pool.read().await?, id).await
    }

    /// Every live subject, by id, read in one snapshot.
    pub async fn subjects(&self) -> Result<Vec<Subject>, StoreError> {
        let mut tx = self.pool.read().await?;
        let sites = writer::load_all(&mut tx, &crate::schema::SITE).await?;
        let subjects = writer::load_all(&mut tx, &SUBJECT).await?;
        subjects
            .into_iter()
            .filter(|(_, row)| !row.removed)
            .map(|(id, row)| {
                let site = row
                    .int("site_id")
                    .and_then(|site_id| sites.get(&site_id))
                    .and_then(|site| site.text("code"))
                    .unwrap_or_default()
                    .to_owned();
                subject_from(id, &row, site)
            })
            .collect()
    }

    /// Every live visit of a subject, by id.
    pub async fn visits_of(&self, subject_id: i64) -> Result<Vec<Visit>, StoreError> {
        visits_in(&mut self.pool.read().await?, subject_id).await
    }

    /// The live subject with this pseudonymous study id.
    pub async fn subject_by_code(&self, code: &str) -> Result<Subject, StoreError> {
        subject_by_code_in(&mut self.pool.read().await?, code)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "subject",
                id: code.to_owned(),
            })
    }

    pub async fn visit(&self, id: i64) -> Result<Visit, StoreError> {
        visit_in(&mut self.pool.read().await?, id).await
    }
}
