//! `simulate --format tidy`: each virtual patient's record as the tidy CSV tables `cletrial export
//! --format csv` writes (same files, columns and missing-value codes, through `export::tidy`), so
//! `cletrial report --csv` and any other reader of an export read a simulated study the same way.
//!
//! The records are the ones `simulate --db` enters (`enter`): the subject, each visit with its CLASI
//! form and the engine's decision, dose periods, neutrophil counts, adverse events, disposition, each
//! field derived by the store's own record types. Record ids are not the store's (there is none):
//! patient number x 10,000 + the record's position in the patient's casebook.

use export::source::{Casebook, Datum, FormRecord, Forms, Recorded};
use export::tidy::Layout;
use store::{ClasiAssessment, EligibilityRecord, ProtocolDecision, SubjectRecord};

use crate::enter::{PatientCourse, after_visits, visit_data};
use crate::export_cmd::entry;

/// The site code of virtual patients in the tables.
pub(super) const SITE: &str = "SIM";

/// Tables a run may leave empty (header only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Omit {
    /// The engine's decision at each visit, kept as its full JSON (about 1 kB a visit).
    Decision,
    /// The eligibility checklist of each subject, kept as its full JSON (about 5 kB a subject).
    Eligibility,
}

/// One patient's rows, one buffer per table (in the layout's form order).
pub(super) fn casebook_rows(
    layout: &Layout,
    protocol: &protocol::Protocol,
    course: &PatientCourse,
    index: u64,
    omit: &[Omit],
) -> anyhow::Result<Vec<Vec<u8>>> {
    let book = casebook(layout.forms(), protocol, course, index, omit)?;
    let mut tables: Vec<csv::Writer<Vec<u8>>> = (0..layout.forms().0.len())
        .map(|_| csv::Writer::from_writer(Vec::new()))
        .collect();
    layout.rows(&book, |form, row| tables[form].write_record(row))?;
    tables
        .into_iter()
        .map(|table| table.into_inner().map_err(|e| anyhow::format_err!("{e}")))
        .collect()
}

/// Builds records field by field in a form's order; fields not set stay blank.
struct Records<'a> {
    forms: &'a Forms,
    next: i64,
    records: Vec<FormRecord>,
}

impl Records<'_> {
    fn add(&mut self, form: &str, fields: Vec<(&str, Recorded)>) -> anyhow::Result<i64> {
        let (index, entries) = aligned(self.forms, form, fields)?;
        Ok(self.push(index, entries))
    }

    fn push(&mut self, index: usize, entries: Vec<Recorded>) -> i64 {
        let id = self.next;
        self.next += 1;
        self.records.push(FormRecord {
            form: index,
            id,
            removed: false,
            entries,
        });
        id
    }

    /// A record of one of the store's record types, every field as the store derives it.
    fn record<T: SubjectRecord>(&mut self, form: &str, record: &T) -> anyhow::Result<i64> {
        let changes = record.changes()?;
        self.add(
            form,
            changes
                .iter()
                .map(|(name, value)| (*name, entry(value.as_ref())))
                .collect(),
        )
    }
}

/// `fields` in the order of form `form`'s fields, blank where not given.
fn aligned(
    forms: &Forms,
    form: &str,
    fields: Vec<(&str, Recorded)>,
) -> anyhow::Result<(usize, Vec<Recorded>)> {
    let index = forms
        .index(form)
        .ok_or_else(|| anyhow::format_err!("the record has no form {form}"))?;
    let def = forms.get(index);
    let mut entries = vec![Recorded::BLANK; def.fields.len()];
    for (name, value) in fields {
        let position = def
            .position(name)
            .ok_or_else(|| anyhow::format_err!("form {form} has no field {name}"))?;
        entries[position] = value;
    }
    Ok((index, entries))
}

/// A virtual patient's CLASI form follows from the subtype and the two totals
/// (`simulate::grid`), so each distinct form is laid out once per thread (the store's derivation
/// goes through JSON, which would otherwise cost more than the simulation itself). A hit is used
/// only when the form is the same.
type ClasiKey = (
    Option<instruments::subtype::Subtype>,
    Option<u8>,
    Option<u8>,
);

/// The form, its form index and its entries.
type ClasiRow = (instruments::clasi::Clasi, usize, Vec<Recorded>);

thread_local! {
    static CLASI_ROWS: std::cell::RefCell<std::collections::HashMap<ClasiKey, ClasiRow>> =
        std::cell::RefCell::default();
}

/// The CLASI record's entries, its subject, visit and date filled in.
fn clasi_entries(
    forms: &Forms,
    subtype: Option<instruments::subtype::Subtype>,
    record: &ClasiAssessment,
) -> anyhow::Result<(usize, Vec<Recorded>)> {
    let key = (subtype, record.clasi.activity(), record.clasi.damage());
    let cached = CLASI_ROWS.with_borrow(|rows| {
        rows.get(&key)
            .filter(|(clasi, _, _)| *clasi == record.clasi)
            .map(|(_, index, entries)| (*index, entries.clone()))
    });
    let (index, mut entries) = match cached {
        Some(hit) => hit,
        None => {
            let changes = record.changes()?;
            let fields = changes
                .iter()
                .map(|(name, value)| (*name, entry(value.as_ref())))
                .collect();
            let laid_out = aligned(forms, "clasi", fields)?;
            CLASI_ROWS.with_borrow_mut(|rows| {
                rows.insert(key, (record.clasi, laid_out.0, laid_out.1.clone()))
            });
            laid_out
        }
    };
    let def = forms.get(index);
    for (name, value) in [
        ("subject_id", int(record.subject_id)),
        ("visit_id", int(record.visit_id)),
        ("assessed_on", date(record.assessed_on)),
    ] {
        if let Some(position) = def.position(name) {
            entries[position] = value;
        }
    }
    Ok((index, entries))
}

fn date(date: jiff::civil::Date) -> Recorded {
    Recorded::Value(Datum::Date(date))
}

fn text(text: &str) -> Recorded {
    Recorded::Value(Datum::Text(text.to_owned()))
}

fn int(number: i64) -> Recorded {
    Recorded::Value(Datum::Integer(number))
}

fn casebook(
    forms: &Forms,
    protocol: &protocol::Protocol,
    course: &PatientCourse,
    index: u64,
    omit: &[Omit],
) -> anyhow::Result<Casebook> {
    let mut records = Records {
        forms,
        next: (index as i64 + 1) * 10_000,
        records: Vec::new(),
    };
    let s = &course.subject;
    let (birth, age) = match s.birth {
        store::BirthOrAge::BirthDate(d) => (date(d), Recorded::BLANK),
        store::BirthOrAge::AgeYears(years) => (Recorded::BLANK, int(years)),
    };
    let subject_id = records.add(
        "subject",
        vec![
            ("code", text(&s.code)),
            ("sex", text(s.sex.code())),
            ("birth_date", birth),
            ("age_years", age),
            (
                "subtype",
                s.subtype.map_or(Recorded::BLANK, |t| text(t.id())),
            ),
            ("screening_date", date(s.screening_date)),
            ("consent_date", s.consent_date.map_or(Recorded::BLANK, date)),
            (
                "enrolment_date",
                s.enrolment_date.map_or(Recorded::BLANK, date),
            ),
        ],
    )?;
    let subject = records.records.remove(0);
    if !omit.contains(&Omit::Eligibility) {
        // The checklist screening records, as `enter` screens the subject.
        let candidate = s.screening_record(course.candidate.clone())?;
        let result = protocol::eligibility::evaluate(protocol.eligibility(), &candidate)
            .map_err(|error| anyhow::format_err!("virtual patient {index}: {error}"))?;
        let checklist = EligibilityRecord::from_result(subject_id, s.screening_date, 1, &result)?;
        records.record("eligibility", &checklist)?;
    }
    let mut visit_ids = Vec::with_capacity(course.visits.len());
    for (visit, data) in course.visits.iter().zip(visit_data(course)) {
        let visit_id = records.add(
            "visit",
            vec![
                ("subject_id", int(subject_id)),
                ("name", text(&data.name)),
                (
                    "planned_date",
                    data.planned_date.map_or(Recorded::BLANK, date),
                ),
                (
                    "actual_date",
                    data.actual_date.map_or(Recorded::BLANK, date),
                ),
            ],
        )?;
        visit_ids.push((visit.date, visit_id));
        if let Some(clasi) = visit.clasi {
            let record = ClasiAssessment {
                subject_id,
                visit_id,
                assessed_on: visit.date,
                clasi,
            };
            let (index, entries) = clasi_entries(forms, s.subtype, &record)?;
            records.push(index, entries);
        }
        if !omit.contains(&Omit::Decision) {
            let mut decision = ProtocolDecision::from_decision(subject_id, 1, &visit.decision)?;
            decision.followed = Some(true);
            records.record("decision", &decision)?;
        }
    }
    let after = after_visits(protocol, course, subject_id, &visit_ids)?;
    for period in &crate::enter::periods_of(&after.dose_changes, protocol) {
        records.record("dose", period)?;
    }
    for lab in &after.labs {
        records.record("lab", lab)?;
    }
    for event in &after.adverse_events {
        records.record("adverse_event", event)?;
    }
    for event in &after.events {
        records.record("protocol_event", event)?;
    }
    for study in &after.nerve_studies {
        records.record("nerve_conduction_study", study)?;
    }
    if let Some(disposition) = &after.disposition {
        records.record("disposition", disposition)?;
    }
    Ok(Casebook {
        code: s.code.clone(),
        site: SITE.to_owned(),
        subject,
        records: records.records,
        events: Vec::new(),
    })
}
