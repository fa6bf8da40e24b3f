//! What each form of an import takes: its fields (`form.field`), whether its rows belong to a
//! visit, and whether one key may hold several records (REDCap's repeat instance).

use serde::Deserialize;

use super::scores;

/// What each row of the file records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    Subject,
    Visit,
    Clasi,
    Sledai,
    Dose,
    Lab,
    AdverseEvent,
    ProtocolEvent,
    Disposition,
    NerveConductionStudy,
    Conmed,
    Questionnaire,
}

/// Whether a form's rows belong to a visit (`keys.visit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitKey {
    /// Every row names its visit (a visit, a CLASI, a SLEDAI-2K, a nerve conduction study).
    Required,
    /// A row may name its visit (a lab sample may be unscheduled).
    Optional,
    /// The record belongs to the subject, not to a visit.
    None,
}

/// Fields a row of a form may fill, without the form's prefix; `entered_in_error` is added to
/// every record form, `visit.actual_date` to every form keyed by visit.
const SUBJECT: &[&str] = &[
    "site",
    "sex",
    "birth_date",
    "age_years",
    "subtype",
    "screening_date",
    "consent_date",
    "enrolment_date",
    "waiver",
];
const VISIT: &[&str] = &["planned_date", "actual_date"];
const DOSE: &[&str] = &[
    "drug",
    "amount",
    "unit",
    "frequency",
    "start_date",
    "end_date",
    "stop",
];
const LAB: &[&str] = &["collected_on", "test", "value", "unit", "lln", "uln"];
const ADVERSE_EVENT: &[&str] = &[
    "term",
    "verbatim",
    "grade",
    "serious",
    "causality",
    "action_taken",
    "outcome",
    "start_date",
    "end_date",
];
const PROTOCOL_EVENT: &[&str] = &["occurred_on", "event", "note"];
const DISPOSITION: &[&str] = &["status", "disposition_date", "details"];
const NERVE_CONDUCTION_STUDY: &[&str] = &["tested_on", "finding", "note"];
const QUESTIONNAIRE: &[&str] = &["instrument", "completed_on", "unanswered_reason"];
const CONMED: &[&str] = &[
    "drug",
    "verbatim",
    "amount",
    "unit",
    "frequency",
    "route",
    "indication",
    "start_date",
    "end_date",
    "ongoing",
];

impl Form {
    pub fn name(self) -> &'static str {
        match self {
            Form::Subject => "subject",
            Form::Visit => "visit",
            Form::Clasi => "clasi",
            Form::Sledai => "sledai",
            Form::Dose => "dose",
            Form::Lab => "lab",
            Form::AdverseEvent => "adverse_event",
            Form::ProtocolEvent => "protocol_event",
            Form::Disposition => "disposition",
            Form::NerveConductionStudy => "nerve_conduction_study",
            Form::Conmed => "conmed",
            Form::Questionnaire => "questionnaire",
        }
    }

    pub fn visit_key(self) -> VisitKey {
        match self {
            Form::Visit
            | Form::Clasi
            | Form::Sledai
            | Form::NerveConductionStudy
            | Form::Questionnaire => VisitKey::Required,
            Form::Lab => VisitKey::Optional,
            Form::Subject
            | Form::Dose
            | Form::AdverseEvent
            | Form::ProtocolEvent
            | Form::Disposition
            | Form::Conmed => VisitKey::None,
        }
    }

    /// Whether one key may hold several records, told apart by `keys.repeat`. The others hold
    /// one record per key: a subject, a visit, one CLASI, SLEDAI-2K or nerve conduction study
    /// per visit, one disposition per subject, one dose period per drug and start date.
    pub fn repeats(self) -> bool {
        matches!(self, Form::Lab | Form::AdverseEvent | Form::ProtocolEvent)
    }

    /// What the key of a record is, in words, for the mapping's messages.
    pub fn key_words(self) -> &'static str {
        match self {
            Form::Subject => "the subject",
            Form::Visit => "the subject and the visit's name",
            Form::Clasi | Form::Sledai | Form::NerveConductionStudy => {
                "the subject and the visit (one per visit)"
            }
            Form::Dose => "the subject, the drug and the start date",
            Form::Lab => "the subject, the visit and the test",
            Form::AdverseEvent => "the subject and the CTCAE term",
            Form::ProtocolEvent => "the subject and the event",
            Form::Disposition => "the subject (one per subject)",
            Form::Conmed => "the subject, the drug and the start date",
            Form::Questionnaire => {
                "the subject, the visit and the instrument (one of each per visit)"
            }
        }
    }

    /// Every field a column may fill, as `form.field`. The `candidate.` fields of a subject
    /// row are checked apart ([`Form::allows`]).
    pub fn fields(self) -> Vec<String> {
        let own: Vec<String> = match self {
            Form::Subject => names(SUBJECT),
            Form::Visit => names(VISIT),
            Form::Clasi => std::iter::once("assessed_on".to_owned())
                .chain(scores::clasi_items().into_iter().map(|item| item.field))
                .collect(),
            Form::Sledai => ["assessed_on", "window"]
                .map(str::to_owned)
                .into_iter()
                .chain(scores::sledai_descriptors().into_iter().map(|(id, _)| id))
                .collect(),
            Form::Dose => names(DOSE),
            Form::Lab => names(LAB),
            Form::AdverseEvent => names(ADVERSE_EVENT),
            Form::ProtocolEvent => names(PROTOCOL_EVENT),
            Form::Disposition => names(DISPOSITION),
            Form::NerveConductionStudy => names(NERVE_CONDUCTION_STUDY),
            Form::Conmed => names(CONMED),
            // The record's own fields, then one column per item of any instrument (a blank
            // cell is an unanswered item).
            Form::Questionnaire => names(QUESTIONNAIRE)
                .into_iter()
                .chain(instruments::questionnaire::every_item_id())
                .collect(),
        };
        let mut fields: Vec<String> = own
            .into_iter()
            .map(|field| format!("{}.{field}", self.name()))
            .collect();
        if self != Form::Subject {
            fields.push(format!("{}.entered_in_error", self.name()));
        }
        if self.visit_key() != VisitKey::None && self != Form::Visit {
            // The visit's date, when the import creates the visit the row names.
            fields.push("visit.actual_date".to_owned());
        }
        fields
    }

    /// Fields every mapping of the form must fill: an instrument scored item by item is
    /// imported whole, so a column left out is an error rather than an item taken as absent.
    pub fn required_fields(self) -> Vec<String> {
        let items: Vec<String> = match self {
            Form::Clasi => scores::clasi_items()
                .into_iter()
                .map(|item| item.field)
                .collect(),
            Form::Sledai => scores::sledai_descriptors()
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
            _ => Vec::new(),
        };
        items
            .into_iter()
            .map(|item| format!("{}.{item}", self.name()))
            .collect()
    }

    /// Whether a column may fill `target` (`form.field`).
    pub fn allows(self, target: &str) -> bool {
        self.fields().iter().any(|field| field == target)
            || (self == Form::Subject
                && target
                    .strip_prefix("candidate.")
                    .is_some_and(|field| candidate_fields().iter().any(|known| known == field)))
            // A stratification factor's level, by the protocol's factor name: the record
            // refuses a factor the protocol does not have, naming it.
            || (self == Form::Subject
                && target
                    .strip_prefix(FACTORS)
                    .is_some_and(|factor| !factor.trim().is_empty()))
    }
}

/// The prefix of a subject row's stratification factor columns' targets (`factors.subtype`),
/// the record's own name for them.
pub const FACTORS: &str = "factors.";

fn names(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|field| (*field).to_owned()).collect()
}

/// The fields of the screening record (`protocol::eligibility::Candidate`), by JSON name.
pub fn candidate_fields() -> Vec<String> {
    match serde_json::to_value(protocol::eligibility::Candidate::default()) {
        Ok(serde_json::Value::Object(fields)) => fields.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const FORMS: [Form; 12] = [
        Form::Subject,
        Form::Visit,
        Form::Clasi,
        Form::Sledai,
        Form::Dose,
        Form::Lab,
        Form::AdverseEvent,
        Form::ProtocolEvent,
        Form::Disposition,
        Form::NerveConductionStudy,
        Form::Conmed,
        Form::Questionnaire,
    ];

    #[test]
    fn every_field_belongs_to_its_form_or_its_visit() {
        for form in FORMS {
            let fields = form.fields();
            for field in &fields {
                let prefix = field.split('.').next().unwrap_or_default();
                assert!(
                    prefix == form.name() || field == "visit.actual_date",
                    "{field} in {}",
                    form.name()
                );
                assert!(form.allows(field), "{field}");
            }
            for field in form.required_fields() {
                assert!(fields.contains(&field), "{field} in {}", form.name());
            }
            assert_eq!(
                serde_json::from_value::<Form>(serde_json::Value::from(form.name())).ok(),
                Some(form)
            );
        }
    }

    /// Every item of the instruments, as the store names its columns: 13 areas of erythema,
    /// scale and dyspigmentation, 12 of scarring (not the scalp), five once-only items; 24
    /// SLEDAI-2K descriptors.
    #[test]
    fn instruments_are_imported_item_by_item() {
        let clasi = Form::Clasi.required_fields();
        assert_eq!(clasi.len(), 13 * 3 + 12 + 5, "{clasi:?}");
        assert!(clasi.contains(&"clasi.nose_malar_erythema".to_owned()));
        assert!(clasi.contains(&"clasi.scarring_alopecia".to_owned()));
        assert!(!clasi.contains(&"clasi.scalp_scarring".to_owned()));
        let sledai = Form::Sledai.required_fields();
        assert_eq!(sledai.len(), 24, "{sledai:?}");
        assert!(sledai.contains(&"sledai.low_complement".to_owned()));
    }

    /// Every field of the screening record may be a column, the CLASI erythema + scale sum
    /// among them (so a mapping to it is taken, never refused or dropped).
    #[test]
    fn every_screening_field_may_be_a_column() {
        let fields = candidate_fields();
        for field in protocol::eligibility::Field::ALL {
            let key = match field {
                protocol::eligibility::Field::AgeYears => "birth_date",
                protocol::eligibility::Field::MaxErythema => "clasi_erythema",
                other => other.name(),
            };
            assert!(fields.iter().any(|f| f == key), "{key}: {fields:?}");
        }
        assert!(fields.iter().any(|f| f == "clasi_erythema_scale"));
    }
}

/// The import's README documents every form and every code `subject.subtype` takes.
#[cfg(test)]
mod readme {
    use instruments::subtype::Subtype;

    const README: &str = include_str!("../../../../examples/import/README.md");

    #[test]
    fn the_readme_names_every_form_and_subtype_code() {
        for form in super::tests::FORMS {
            let name = format!("`{}`", form.name());
            assert!(README.contains(&name), "{name}");
        }
        for subtype in Subtype::ALL {
            let row = format!("| `{}` | {}", subtype.id(), subtype.label());
            assert!(README.contains(&row), "{row}");
        }
    }
}
