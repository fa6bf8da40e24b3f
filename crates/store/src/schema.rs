//! What the record holds: one descriptor per entity kind. The generic write path, the projection
//! rebuild of `audit verify` and the table readers all work from these descriptors, so adding an
//! entity is a descriptor, a migration per backend and a typed command module.

use crate::value::Ty;

/// One kind of record (a projection table).
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    /// The name in the audit trail (`entity` column).
    pub name: &'static str,
    /// The projection table.
    pub table: &'static str,
    /// The field that names a record of this kind for people reading the trail (a visit's
    /// name, a lab's test); kinds without one are shown by id only.
    pub label: Option<&'static str>,
    pub fields: &'static [Field],
    pub scope: Scope,
}

/// One field of a record.
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    /// Required fields can never be blank.
    pub required: bool,
    /// For reference fields: the kind whose id this field holds (must exist and not be removed).
    pub refers_to: Option<&'static Kind>,
    /// Whether the field may say why it holds no value ([`crate::Missing`]); only decimal text
    /// fields do (their projection column then holds the code's text).
    pub missing: bool,
}

/// Which site and subject an event is about, so the trail can be read per site or per subject.
#[derive(Debug, PartialEq, Eq)]
pub enum Scope {
    /// Study-wide (the study, users).
    Study,
    /// The record is a site.
    OwnSite,
    /// The record belongs to the site in this field.
    Site(&'static str),
    /// The record is a subject; its site is in this field.
    OwnSubject(&'static str),
    /// The record belongs to the subject in this field.
    Subject(&'static str),
}

impl Kind {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|field| field.name == name)
    }
}

const fn text(name: &'static str, required: bool) -> Field {
    Field {
        name,
        ty: Ty::Text,
        required,
        refers_to: None,
        missing: false,
    }
}
const fn int(name: &'static str, required: bool) -> Field {
    Field {
        name,
        ty: Ty::Int,
        required,
        refers_to: None,
        missing: false,
    }
}
const fn flag(name: &'static str) -> Field {
    Field {
        name,
        ty: Ty::Bool,
        required: true,
        refers_to: None,
        missing: false,
    }
}
const fn date(name: &'static str, required: bool) -> Field {
    Field {
        name,
        ty: Ty::Date,
        required,
        refers_to: None,
        missing: false,
    }
}
/// A decimal measurement kept as reported, or the reason it was not obtained.
const fn measured(name: &'static str, required: bool) -> Field {
    Field {
        name,
        ty: Ty::Text,
        required,
        refers_to: None,
        missing: true,
    }
}
const fn reference(name: &'static str, kind: &'static Kind) -> Field {
    Field {
        name,
        ty: Ty::Int,
        required: true,
        refers_to: Some(kind),
        missing: false,
    }
}
const fn optional_reference(name: &'static str, kind: &'static Kind) -> Field {
    Field {
        name,
        ty: Ty::Int,
        required: false,
        refers_to: Some(kind),
        missing: false,
    }
}

/// The study and its protocol file; a new protocol version is an update of this record.
pub static STUDY: Kind = Kind {
    name: "study",
    table: "study",
    label: Some("code"),
    fields: &[
        text("code", true),
        text("title", true),
        int("protocol_version", true),
        text("protocol_sha256", true),
        text("protocol_text", true),
    ],
    scope: Scope::Study,
};

pub static SITE: Kind = Kind {
    name: "site",
    table: "site",
    label: Some("code"),
    fields: &[text("code", true), text("name", true)],
    scope: Scope::OwnSite,
};

/// A user account. The password hash itself stays out of the trail; the record holds the
/// SHA-256 of its PHC string, so `verify` detects a swapped hash and a password change is an
/// audited change of this field.
pub static USER: Kind = Kind {
    name: "user",
    table: "app_user",
    label: Some("login"),
    fields: &[
        text("login", true),
        text("printed_name", true),
        flag("is_admin"),
        flag("disabled"),
        // Before the fingerprint: a password's events end with the fingerprint's, which the
        // credential table points at (`credential.set_seq`).
        flag("must_change_password"),
        text("credential_sha256", true),
    ],
    scope: Scope::Study,
};

/// A role at one site; revoking it removes the record.
pub static GRANT: Kind = Kind {
    name: "grant",
    table: "role_grant",
    label: Some("role"),
    fields: &[
        reference("user_id", &USER),
        reference("site_id", &SITE),
        text("role", true),
    ],
    scope: Scope::Site("site_id"),
};

pub static SUBJECT: Kind = Kind {
    name: "subject",
    table: "subject",
    label: Some("code"),
    fields: &[
        reference("site_id", &SITE),
        text("code", true),
        text("sex", true),
        date("birth_date", false),
        int("age_years", false),
        text("subtype", false),
        date("screening_date", true),
        date("consent_date", false),
        date("enrolment_date", false),
        // "waived" in a study whose design waives consent (a retrospective chart review).
        text("consent", false),
    ],
    scope: Scope::OwnSubject("site_id"),
};

pub static VISIT: Kind = Kind {
    name: "visit",
    table: "visit",
    label: Some("name"),
    fields: &[
        reference("subject_id", &SUBJECT),
        text("name", true),
        date("planned_date", false),
        date("actual_date", false),
    ],
    scope: Scope::Subject("subject_id"),
};

/// An electronic signature of a visit, or with no visit of the subject's whole casebook (21 CFR
/// 11.50, 11.70): who (printed name), when, what it means, and the SHA-256 of the content
/// signed. A later change of that content voids it; `voided_by_seq` is that change's event.
pub static SIGNATURE: Kind = Kind {
    name: "signature",
    table: "signature",
    label: Some("meaning"),
    fields: &[
        reference("subject_id", &SUBJECT),
        optional_reference("visit_id", &VISIT),
        reference("signer_id", &USER),
        text("printed_name", true),
        text("meaning", true),
        text("signed_at", true),
        text("content_sha256", true),
        flag("voided"),
        text("void_reason", false),
        int("voided_by_seq", false),
    ],
    scope: Scope::Subject("subject_id"),
};

/// The CLASI fields of the 12 areas below the scalp, named `<area>_<item>`.
macro_rules! clasi_fields {
    ($($area:literal),* $(,)?) => {
        &[
            reference("subject_id", &SUBJECT),
            reference("visit_id", &VISIT),
            date("assessed_on", true),
            int("scalp_erythema", false),
            int("scalp_scale", false),
            int("scalp_dyspigmentation", false),
            $(
                int(concat!($area, "_erythema"), false),
                int(concat!($area, "_scale"), false),
                int(concat!($area, "_dyspigmentation"), false),
                int(concat!($area, "_scarring"), false),
            )*
            int("mucous_membrane", false),
            int("recent_hair_loss", false),
            int("nonscarring_alopecia", false),
            int("scarring_alopecia", false),
            Field { name: "dyspigmentation_lasts_12_months", ty: Ty::Bool, required: false, refers_to: None, missing: false },
            int("activity", false),
            int("damage", false),
        ]
    };
}

/// A CLASI assessment: every item is a field (blank: not assessed), so each item's change is
/// its own audit event; activity and damage are derived by `instruments::clasi` and stored.
pub static CLASI: Kind = Kind {
    name: "clasi",
    table: "clasi",
    label: Some("assessed_on"),
    fields: clasi_fields!(
        "ears",
        "nose_malar",
        "rest_of_face",
        "v_neck",
        "posterior_neck_shoulders",
        "chest",
        "abdomen",
        "back_buttocks",
        "arms",
        "hands",
        "legs",
        "feet",
    ),
    scope: Scope::Subject("subject_id"),
};

/// A laboratory result: any test, as reported (value and limits keep the laboratory's
/// digits); the CTCAE grade is derived where CTCAE v5.0 grades the test.
pub static LAB: Kind = Kind {
    name: "lab",
    table: "lab_result",
    label: Some("test"),
    fields: &[
        reference("subject_id", &SUBJECT),
        optional_reference("visit_id", &VISIT),
        date("collected_on", true),
        text("test", true),
        measured("value", true),
        text("unit", true),
        text("lln", false),
        text("uln", false),
        int("ctcae_grade", false),
    ],
    scope: Scope::Subject("subject_id"),
};

/// A period on one daily dose of a study drug.
pub static DOSE: Kind = Kind {
    name: "dose",
    table: "dose_period",
    label: Some("drug"),
    fields: &[
        reference("subject_id", &SUBJECT),
        text("drug", true),
        // Before regimens (migration 0016) a period kept an average mg/day; old trails hold it.
        text("daily_dose_mg", false),
        text("amount", false),
        text("unit", false),
        text("frequency", false),
        text("dose_level", false),
        date("start_date", true),
        date("end_date", false),
    ],
    scope: Scope::Subject("subject_id"),
};

/// An adverse event, coded and graded by CTCAE v5.0: the term as printed (AEDECOD) with its
/// MedDRA code, and the reporter's words beside it (AETERM) when they say more.
pub static ADVERSE_EVENT: Kind = Kind {
    name: "adverse_event",
    table: "adverse_event",
    label: Some("term"),
    fields: &[
        reference("subject_id", &SUBJECT),
        text("term", true),
        int("meddra_code", false),
        text("verbatim", false),
        date("start_date", true),
        date("end_date", false),
        int("grade", true),
        flag("serious"),
        text("causality", true),
        text("action_taken", true),
        text("outcome", true),
    ],
    scope: Scope::Subject("subject_id"),
};

/// A SLEDAI-2K assessment: one yes/no field per descriptor (all 24 are always answered), the
/// window, and the score derived by `instruments::sledai`.
pub static SLEDAI: Kind = Kind {
    name: "sledai",
    table: "sledai",
    label: Some("assessed_on"),
    fields: &[
        reference("subject_id", &SUBJECT),
        optional_reference("visit_id", &VISIT),
        date("assessed_on", true),
        flag("seizure"),
        flag("psychosis"),
        flag("organic_brain_syndrome"),
        flag("visual_disturbance"),
        flag("cranial_nerve_disorder"),
        flag("lupus_headache"),
        flag("cva"),
        flag("vasculitis"),
        flag("arthritis"),
        flag("myositis"),
        flag("urinary_casts"),
        flag("hematuria"),
        flag("proteinuria"),
        flag("pyuria"),
        flag("rash"),
        flag("alopecia"),
        flag("mucosal_ulcers"),
        flag("pleurisy"),
        flag("pericarditis"),
        flag("low_complement"),
        flag("increased_dna_binding"),
        flag("fever"),
        flag("thrombocytopenia"),
        flag("leukopenia"),
        text("recall_window", true),
        int("score", true),
    ],
    scope: Scope::Subject("subject_id"),
};

/// What the protocol engine decided for a subject, kept verbatim with the rules that fired, and
/// whether the physician followed it.
pub static DECISION: Kind = Kind {
    name: "decision",
    table: "protocol_decision",
    label: Some("action"),
    fields: &[
        reference("subject_id", &SUBJECT),
        date("decided_on", true),
        int("protocol_version", true),
        text("action", true),
        text("dose", true),
        text("phase", true),
        text("explanation", true),
        Field {
            name: "followed",
            ty: Ty::Bool,
            required: false,
            refers_to: None,
            missing: false,
        },
        text("not_followed_reason", false),
    ],
    scope: Scope::Subject("subject_id"),
};

/// An eligibility evaluation, kept verbatim with each criterion's verdict.
pub static ELIGIBILITY: Kind = Kind {
    name: "eligibility",
    table: "eligibility_result",
    label: Some("evaluated_on"),
    fields: &[
        reference("subject_id", &SUBJECT),
        date("evaluated_on", true),
        int("protocol_version", true),
        Field {
            name: "eligible",
            ty: Ty::Bool,
            required: false,
            refers_to: None,
            missing: false,
        },
        text("result", true),
    ],
    scope: Scope::Subject("subject_id"),
};

/// How a subject's participation ended (or that it was completed).
pub static DISPOSITION: Kind = Kind {
    name: "disposition",
    table: "disposition",
    label: Some("status"),
    fields: &[
        reference("subject_id", &SUBJECT),
        text("status", true),
        date("disposition_date", true),
        text("details", false),
    ],
    scope: Scope::Subject("subject_id"),
};

/// An event the protocol's rules read (pregnancy, consent withdrawn, the physician's decision,
/// a life-threatening complication, a change of concomitant medication).
pub static PROTOCOL_EVENT: Kind = Kind {
    name: "protocol_event",
    table: "protocol_event",
    label: None,
    fields: &[
        reference("subject_id", &SUBJECT),
        date("occurred_on", true),
        text("event", true),
        text("note", false),
    ],
    scope: Scope::Subject("subject_id"),
};

pub static DEVIATION: Kind = Kind {
    name: "deviation",
    table: "protocol_deviation",
    label: Some("category"),
    fields: &[
        reference("subject_id", &SUBJECT),
        date("occurred_on", true),
        text("category", true),
        flag("major"),
        text("description", true),
    ],
    scope: Scope::Subject("subject_id"),
};

/// A subject's randomisation (`crate::randomisation`): the number, the factor levels, the
/// stratum and the place in it; never the arm, which only the allocation secret gives.
pub static RANDOMISATION: Kind = Kind {
    name: "randomisation",
    table: "randomisation",
    label: Some("number"),
    fields: &[
        reference("subject_id", &SUBJECT),
        int("number", true),
        text("levels", true),
        text("stratum", true),
        int("place", true),
        date("randomised_on", true),
        int("protocol_version", true),
    ],
    scope: Scope::Subject("subject_id"),
};

/// An emergency unblinding of one randomised subject by an investigator: when and why (who is
/// the event's actor). The arm shown is not recorded: the trail says the act, not the arm.
pub static UNBLINDING: Kind = Kind {
    name: "unblinding",
    table: "unblinding",
    label: Some("unblinded_on"),
    fields: &[
        reference("subject_id", &SUBJECT),
        date("unblinded_on", true),
        text("reason", true),
    ],
    scope: Scope::Subject("subject_id"),
};

/// The study's allocation secret, named by its check (`protocol::allocation::Secret::check`):
/// registered once, before the first randomisation (`store::allocation_check`).
pub static ALLOCATION_CHECK: Kind = Kind {
    name: "allocation_check",
    table: "allocation_check",
    label: None,
    fields: &[text("secret_check", true), date("registered_on", true)],
    scope: Scope::Study,
};

pub static CONMED: Kind = Kind {
    name: "conmed",
    table: "concomitant_medication",
    label: Some("medication"),
    fields: &[
        reference("subject_id", &SUBJECT),
        // The drug's code (CMDECOD) and the medication as written (CMTRT).
        text("drug", false),
        text("medication", true),
        // Before coding (migration 0017) the dose was free text; old trails hold it.
        text("dose", false),
        text("amount", false),
        text("unit", false),
        text("frequency", false),
        text("route", false),
        text("indication", false),
        date("start_date", false),
        date("end_date", false),
        flag("ongoing"),
    ],
    scope: Scope::Subject("subject_id"),
};

/// Baseline medical history: one condition or prior treatment per record.
pub static HISTORY: Kind = Kind {
    name: "history",
    table: "medical_history",
    label: Some("term"),
    fields: &[
        reference("subject_id", &SUBJECT),
        text("term", true),
        text("category", true),
        date("onset_date", false),
        flag("ongoing"),
    ],
    scope: Scope::Subject("subject_id"),
};

/// One nerve's conduction study (neuropathy monitoring).
pub static NERVE_CONDUCTION: Kind = Kind {
    name: "nerve_conduction",
    table: "nerve_conduction",
    label: Some("nerve"),
    fields: &[
        reference("subject_id", &SUBJECT),
        optional_reference("visit_id", &VISIT),
        date("tested_on", true),
        text("nerve", true),
        text("side", true),
        measured("amplitude_uv", true),
        measured("velocity_m_per_s", false),
        Field {
            name: "abnormal",
            ty: Ty::Bool,
            required: false,
            refers_to: None,
            missing: false,
        },
    ],
    scope: Scope::Subject("subject_id"),
};

/// A nerve conduction study's conclusion, the finding the protocol's rules read.
pub static NERVE_CONDUCTION_STUDY: Kind = Kind {
    name: "nerve_conduction_study",
    table: "nerve_conduction_study",
    label: None,
    fields: &[
        reference("subject_id", &SUBJECT),
        optional_reference("visit_id", &VISIT),
        date("tested_on", true),
        text("finding", true),
        text("note", false),
    ],
    scope: Scope::Subject("subject_id"),
};

/// An outcome instrument completed at a visit (`store::questionnaire`): which instrument, when,
/// who gave the answers, the answers as canonical JSON ("item id -> answer code", an item
/// absent unanswered) and why items were left unanswered. Scores are computed when read.
pub static QUESTIONNAIRE: Kind = Kind {
    name: "questionnaire",
    table: "questionnaire",
    label: Some("instrument"),
    fields: &[
        reference("subject_id", &SUBJECT),
        reference("visit_id", &VISIT),
        text("instrument", true),
        date("completed_on", true),
        text("source", true),
        text("answers", true),
        text("unanswered_reason", false),
    ],
    scope: Scope::Subject("subject_id"),
};

/// A one-time link for a patient to answer one questionnaire of a visit (`store::patient_links`):
/// kept by its secret's SHA-256 only, open in the visit's window (computed from the record as it
/// stands, never kept), spent when answered (`used_on`, the questionnaire made); revoking removes it. Not part of the
/// casebook: issuing or revoking a link changes no clinical data.
pub static PATIENT_LINK: Kind = Kind {
    name: "patient_link",
    table: "patient_link",
    label: Some("instrument"),
    fields: &[
        reference("subject_id", &SUBJECT),
        reference("visit_id", &VISIT),
        text("instrument", true),
        text("token_sha256", true),
        date("used_on", false),
        optional_reference("questionnaire_id", &QUESTIONNAIRE),
    ],
    scope: Scope::Subject("subject_id"),
};

/// A lesion photograph of one CLASI area at a visit (`store::photos`): the file is kept outside
/// the database under its SHA-256, which this record (and so the audit chain) carries;
/// `audit verify` checks the file against it.
pub static PHOTO: Kind = Kind {
    name: "photo",
    table: "photo",
    label: Some("area"),
    fields: &[
        reference("subject_id", &SUBJECT),
        reference("visit_id", &VISIT),
        text("area", true),
        date("taken_on", true),
        text("caption", false),
        text("sha256", true),
        text("media_type", true),
        int("byte_size", true),
    ],
    scope: Scope::Subject("subject_id"),
};

/// A central reader's blinded score of one photograph's CLASI area (`store::central_reading`):
/// the area's items and its activity and damage. Kept under the photograph's subject for the
/// trail, outside the site's casebook.
pub static CENTRAL_READING: Kind = Kind {
    name: "central_reading",
    table: "central_reading",
    label: None,
    fields: &[
        reference("photo_id", &PHOTO),
        reference("subject_id", &SUBJECT),
        reference("reader_id", &USER),
        int("erythema", true),
        int("scale", true),
        int("dyspigmentation", true),
        int("scarring", false),
        int("activity", true),
        int("damage", true),
    ],
    scope: Scope::Subject("subject_id"),
};

/// A data query on one field of one subject record (`store::queries`).
pub static QUERY: Kind = Kind {
    name: "query",
    table: "data_query",
    label: None,
    fields: &[
        reference("subject_id", &SUBJECT),
        text("entity", true),
        int("record_id", true),
        text("field", true),
        text("question", true),
        text("answer", false),
        text("status", true),
    ],
    scope: Scope::Subject("subject_id"),
};

/// An API token of a user, kept by its SHA-256 only; revoking removes it (`store::tokens`).
pub static API_TOKEN: Kind = Kind {
    name: "api_token",
    table: "api_token",
    label: None,
    fields: &[
        reference("user_id", &USER),
        text("label", true),
        text("token_sha256", true),
        date("expires_on", false),
    ],
    scope: Scope::Study,
};

/// A report or export downloaded from the web application: who (`user_id`, and the audit
/// event's actor) took what (`what`, a `Download` code) as which file, and when (the event's
/// time). Never changed or removed.
pub static DOWNLOAD: Kind = Kind {
    name: "download",
    table: "download",
    label: Some("file_name"),
    fields: &[
        reference("user_id", &USER),
        text("what", true),
        text("file_name", true),
    ],
    scope: Scope::Study,
};

/// Source data verification of one record, or of one field of it (`store::verification`): a
/// monitor compared the record as it stood at `record_version` (a field: its value,
/// `verified_value`) with the source. A later change of what it covers clears it;
/// `cleared_by_seq` is that change's event.
pub static VERIFICATION: Kind = Kind {
    name: "verification",
    table: "source_verification",
    label: None,
    fields: &[
        reference("subject_id", &SUBJECT),
        text("entity", true),
        int("record_id", true),
        text("field", false),
        int("record_version", true),
        text("verified_value", false),
        reference("verifier_id", &USER),
        text("printed_name", true),
        text("verified_at", true),
        flag("cleared"),
        text("clear_reason", false),
        int("cleared_by_seq", false),
    ],
    scope: Scope::Subject("subject_id"),
};

/// A lock on one record, or with no `entity` on a subject's whole casebook (`store::locks`):
/// while `locked`, no change of what it covers is accepted. Unlocking is a change of this
/// record, with its reason.
pub static LOCK: Kind = Kind {
    name: "lock",
    table: "record_lock",
    label: None,
    fields: &[
        reference("subject_id", &SUBJECT),
        text("entity", false),
        int("record_id", false),
        flag("locked"),
        reference("locker_id", &USER),
        text("printed_name", true),
        text("locked_at", true),
    ],
    scope: Scope::Subject("subject_id"),
};

/// Every kind, parents before children (the order of rebuild and comparison).
pub static KINDS: &[&Kind] = &[
    &STUDY,
    &SITE,
    &USER,
    &GRANT,
    &API_TOKEN,
    &SUBJECT,
    &VISIT,
    &SIGNATURE,
    &CLASI,
    &SLEDAI,
    &LAB,
    &DOSE,
    &ADVERSE_EVENT,
    &DECISION,
    &ELIGIBILITY,
    &DISPOSITION,
    &PROTOCOL_EVENT,
    &DEVIATION,
    &RANDOMISATION,
    &UNBLINDING,
    &ALLOCATION_CHECK,
    &CONMED,
    &HISTORY,
    &NERVE_CONDUCTION,
    &NERVE_CONDUCTION_STUDY,
    &QUESTIONNAIRE,
    &PATIENT_LINK,
    &PHOTO,
    &CENTRAL_READING,
    &QUERY,
    &DOWNLOAD,
    &VERIFICATION,
    &LOCK,
];

/// The kinds recorded at a visit, whose content a visit signature covers.
pub static VISIT_RECORDS: &[&Kind] = &[
    &CLASI,
    &SLEDAI,
    &LAB,
    &NERVE_CONDUCTION,
    &NERVE_CONDUCTION_STUDY,
    &QUESTIONNAIRE,
    &PHOTO,
];

/// The kinds of a subject's casebook, whose content (with the subject record) a casebook
/// signature covers.
pub static CASEBOOK_RECORDS: &[&Kind] = &[
    &VISIT,
    &CLASI,
    &SLEDAI,
    &LAB,
    &DOSE,
    &ADVERSE_EVENT,
    &DECISION,
    &ELIGIBILITY,
    &DISPOSITION,
    &PROTOCOL_EVENT,
    &DEVIATION,
    &CONMED,
    &HISTORY,
    &NERVE_CONDUCTION,
    &NERVE_CONDUCTION_STUDY,
    &QUESTIONNAIRE,
    &PHOTO,
];

/// The kinds a user asks about, verifies and locks: the subject record and its casebook (not
/// the records about them: signatures, queries, verifications, locks).
pub fn is_data_record(kind: &Kind) -> bool {
    std::ptr::eq(kind, &SUBJECT) || CASEBOOK_RECORDS.iter().any(|k| std::ptr::eq(*k, kind))
}

/// The kind named `name` in the audit trail.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().copied().find(|kind| kind.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Missing codes live in a field's own column as text, so only text fields may allow them.
    #[test]
    fn only_text_fields_allow_missing_codes() {
        for kind in KINDS {
            for field in kind.fields {
                assert!(
                    !field.missing || field.ty == Ty::Text,
                    "{}.{}",
                    kind.name,
                    field.name
                );
            }
        }
        assert!(LAB.field("value").is_some_and(|field| field.missing));
    }

    /// A label that is no field of its kind would name every record by id only, silently.
    #[test]
    fn labels_are_fields_of_their_kind() {
        for kind in KINDS {
            if let Some(label) = kind.label {
                assert!(kind.field(label).is_some(), "{}.{label}", kind.name);
            }
        }
        assert_eq!(SUBJECT.label, Some("code"));
    }
}
