//! How a row reads as a lab result, an adverse event, a protocol event, a disposition, a
//! nerve conduction study, a concomitant medication or an outcome instrument. Coded words go through the store's own parsers (`term_named`,
//! `Causality::parse` ...), so the codes allowed and the refusals are those of the pages and
//! the API.

use instruments::ctcae::CtcaeGrade;
use jiff::civil::Date;
use protocol::Protocol;
use store::{
    ActionTaken, AdverseEvent, AnswerSource, Causality, ConcomitantMedication, Disposition,
    DispositionStatus, EventType, Finding, LabResult, NerveConductionStudy, Outcome, ProtocolEvent,
    Questionnaire, StoreError,
};

use super::form::Form;
use super::reader::Reader;
use super::records::RecordForm;

pub struct LabForm;

impl RecordForm for LabForm {
    type Record = LabResult;
    const FORM: Form = Form::Lab;

    fn read(reader: &mut Reader<'_>, subject_id: i64) -> Option<LabResult> {
        let collected_on = reader.required_date("lab.collected_on");
        let test = reader.required("lab.test");
        let value = reader.measurement("lab.value");
        let unit = reader.required("lab.unit");
        let lln = reader.decimal("lab.lln");
        let uln = reader.decimal("lab.uln");
        Some(LabResult {
            subject_id,
            visit_id: None,
            collected_on: collected_on?,
            test: test?,
            value: value?,
            unit: unit?,
            lln,
            uln,
        })
    }

    fn date(record: &LabResult) -> Date {
        record.collected_on
    }

    fn at_visit(record: &mut LabResult, visit_id: i64) {
        record.visit_id = Some(visit_id);
    }

    fn same_key(stored: &LabResult, row: &LabResult) -> bool {
        stored.test == row.test
    }

    /// The test becomes the protocol's id for it and the unit the symbol as listed.
    fn code(record: &mut LabResult, protocol: &Protocol) -> Result<(), StoreError> {
        record.code_against(protocol)
    }
}

pub struct AdverseEventForm;

impl RecordForm for AdverseEventForm {
    type Record = AdverseEvent;
    const FORM: Form = Form::AdverseEvent;

    /// The term is a CTCAE v5.0 term (its id, printed term or MedDRA code); the grade 1 to 5;
    /// serious yes/no.
    fn read(reader: &mut Reader<'_>, subject_id: i64) -> Option<AdverseEvent> {
        let term = reader.coded("adverse_event.term", AdverseEvent::term_named);
        let verbatim = reader.text("adverse_event.verbatim");
        let start_date = reader.required_date("adverse_event.start_date");
        let end_date = reader.optional_date("adverse_event.end_date");
        let grade = reader.required("adverse_event.grade");
        let grade = reader.parsed("adverse_event.grade", grade, |text| {
            text.parse::<u8>()
                .ok()
                .and_then(CtcaeGrade::from_number)
                .ok_or_else(|| format!("'{text}' is not a CTCAE grade; allowed: 1 to 5"))
        });
        let serious = reader.required_flag("adverse_event.serious");
        let causality = reader.coded("adverse_event.causality", Causality::parse);
        let action_taken = reader.coded("adverse_event.action_taken", ActionTaken::parse);
        let outcome = reader.coded("adverse_event.outcome", Outcome::parse);
        Some(AdverseEvent {
            subject_id,
            term: term?,
            verbatim,
            start_date: start_date?,
            end_date,
            grade: grade?,
            serious: serious?,
            causality: causality?,
            action_taken: action_taken?,
            outcome: outcome?,
        })
    }

    fn date(record: &AdverseEvent) -> Date {
        record.start_date
    }

    fn same_key(stored: &AdverseEvent, row: &AdverseEvent) -> bool {
        stored.term == row.term
    }
}

pub struct ProtocolEventForm;

impl RecordForm for ProtocolEventForm {
    type Record = ProtocolEvent;
    const FORM: Form = Form::ProtocolEvent;

    fn read(reader: &mut Reader<'_>, subject_id: i64) -> Option<ProtocolEvent> {
        let occurred_on = reader.required_date("protocol_event.occurred_on");
        let event = reader.coded("protocol_event.event", EventType::parse);
        let note = reader.text("protocol_event.note");
        Some(ProtocolEvent {
            subject_id,
            occurred_on: occurred_on?,
            event: event?,
            note,
        })
    }

    fn date(record: &ProtocolEvent) -> Date {
        record.occurred_on
    }

    fn same_key(stored: &ProtocolEvent, row: &ProtocolEvent) -> bool {
        stored.event == row.event
    }
}

pub struct DispositionForm;

impl RecordForm for DispositionForm {
    type Record = Disposition;
    const FORM: Form = Form::Disposition;

    fn read(reader: &mut Reader<'_>, subject_id: i64) -> Option<Disposition> {
        let status = reader.coded("disposition.status", DispositionStatus::parse);
        let disposition_date = reader.required_date("disposition.disposition_date");
        let details = reader.text("disposition.details");
        Some(Disposition {
            subject_id,
            status: status?,
            disposition_date: disposition_date?,
            details,
        })
    }

    fn date(record: &Disposition) -> Date {
        record.disposition_date
    }
}

pub struct NerveConductionStudyForm;

impl RecordForm for NerveConductionStudyForm {
    type Record = NerveConductionStudy;
    const FORM: Form = Form::NerveConductionStudy;

    fn read(reader: &mut Reader<'_>, subject_id: i64) -> Option<NerveConductionStudy> {
        let tested_on = reader.required_date("nerve_conduction_study.tested_on");
        let finding = reader.coded("nerve_conduction_study.finding", Finding::parse);
        let note = reader.text("nerve_conduction_study.note");
        Some(NerveConductionStudy {
            subject_id,
            visit_id: None,
            tested_on: tested_on?,
            finding: finding?,
            note,
        })
    }

    fn date(record: &NerveConductionStudy) -> Date {
        record.tested_on
    }

    fn at_visit(record: &mut NerveConductionStudy, visit_id: i64) {
        record.visit_id = Some(visit_id);
    }
}

/// An outcome instrument at a visit: its code, the day it was completed, one column per item
/// (a blank cell is an unanswered item, never 0) and why items were left unanswered. The
/// study's protocol checks it as the pages' and the API's (`store::Questionnaire`).
pub struct QuestionnaireForm;

impl RecordForm for QuestionnaireForm {
    type Record = Questionnaire;
    const FORM: Form = Form::Questionnaire;

    fn read(reader: &mut Reader<'_>, subject_id: i64) -> Option<Questionnaire> {
        let instrument = reader.coded("questionnaire.instrument", store::questionnaire_instrument);
        let completed_on = reader.required_date("questionnaire.completed_on");
        let unanswered_reason = reader.text("questionnaire.unanswered_reason");
        let answers = instruments::questionnaire::every_item_id()
            .into_iter()
            .filter_map(|id| {
                let answer = reader.text(&format!("questionnaire.{id}"))?;
                Some((id, answer))
            })
            .collect();
        let instrument = instrument?;
        Some(Questionnaire {
            subject_id,
            visit_id: 0,
            instrument,
            completed_on: completed_on?,
            source: AnswerSource::of(instrument),
            answers,
            unanswered_reason,
        })
    }

    fn date(record: &Questionnaire) -> Date {
        record.completed_on
    }

    fn at_visit(record: &mut Questionnaire, visit_id: i64) {
        record.visit_id = visit_id;
    }

    fn same_key(stored: &Questionnaire, row: &Questionnaire) -> bool {
        stored.instrument == row.instrument
    }

    /// Checked and written canonically by the store's own coding, so that a re-import of the
    /// same answers is no change.
    fn code(record: &mut Questionnaire, protocol: &Protocol) -> Result<(), StoreError> {
        store::SubjectRecord::code(record, protocol)
    }
}

pub struct ConmedForm;

impl RecordForm for ConmedForm {
    type Record = ConcomitantMedication;
    const FORM: Form = Form::Conmed;

    /// The drug from the vocabulary (its code or name; `other` with the words in `verbatim`);
    /// amount, unit, frequency and route as the subject page takes them, blank when not known.
    fn read(reader: &mut Reader<'_>, subject_id: i64) -> Option<ConcomitantMedication> {
        let drug = reader.coded("conmed.drug", ConcomitantMedication::drug_named);
        let verbatim = reader.text("conmed.verbatim");
        let text = |reader: &mut Reader<'_>, field: &str| reader.text(field).unwrap_or_default();
        let (amount, unit) = (text(reader, "conmed.amount"), text(reader, "conmed.unit"));
        let (frequency, route) = (
            text(reader, "conmed.frequency"),
            text(reader, "conmed.route"),
        );
        let dose = match ConcomitantMedication::dose_named(&amount, &unit, &frequency, &route) {
            Ok(dose) => Some(dose),
            Err(error) => {
                reader.refuse_store(Form::Conmed, &error);
                None
            }
        };
        let indication = reader.text("conmed.indication");
        let start_date = reader.optional_date("conmed.start_date");
        let end_date = reader.optional_date("conmed.end_date");
        let ongoing = reader.flag("conmed.ongoing").unwrap_or(false);
        let dose = dose?;
        Some(ConcomitantMedication {
            subject_id,
            drug: drug?,
            verbatim,
            amount: dose.amount,
            frequency: dose.frequency,
            route: dose.route,
            indication,
            start_date,
            end_date,
            ongoing,
        })
    }

    /// A con-med belongs to the subject, never to a visit: no visit is created from it.
    fn date(record: &ConcomitantMedication) -> Date {
        record.start_date.unwrap_or_default()
    }

    fn same_key(stored: &ConcomitantMedication, row: &ConcomitantMedication) -> bool {
        stored.drug == row.drug && stored.start_date == row.start_date
    }
}
