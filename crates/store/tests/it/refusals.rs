//! A refusal of the record says in English exactly what it said before it came from the
//! catalogue (the API, the CLI and the import show that text), and in Spanish what es.ftl says:
//! a sample from the modules that refuse, through their public parsers and the store's commands.

use store::{
    ActionTaken, AdverseEvent, Causality, ConcomitantMedication, DbUrl, Decimal, Head, Meaning,
    Outcome, Password, Reason, Refusal, Role, Sex, StoreError, VisitData,
};
use words::{Language, Words};

use crate::fixture::{days_ago, fixture, subject_data};

/// The field a refusal names and the refusal.
#[track_caller]
fn refusal<T: std::fmt::Debug>(result: Result<T, StoreError>) -> (String, Refusal) {
    match result {
        Err(StoreError::Invalid { field, message }) => (field, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// `result` is a refusal of `field` that reads `english` in English (also as the error's
/// `Display`, after the field) and `spanish` in Spanish.
#[track_caller]
fn says<T: std::fmt::Debug>(
    result: Result<T, StoreError>,
    field: &str,
    english: &str,
    spanish: &str,
) {
    let (named, refusal) = refusal(result);
    assert_eq!(named, field);
    assert_eq!(refusal.to_string(), english);
    assert_eq!(refusal.said(Words::of(Language::English)), english);
    assert_eq!(refusal.said(Words::of(Language::Spanish)), spanish);
    let error = StoreError::Invalid {
        field: named,
        message: refusal,
    };
    assert_eq!(error.to_string(), format!("{field}: {english}"));
}

#[test]
fn refusals_of_typed_values_read_as_before_in_english_and_from_the_catalogue_in_spanish() {
    says(
        Password::new("short"),
        "password",
        "must have at least 12 characters",
        "debe tener al menos 12 caracteres",
    );
    says(
        Password::typed(""),
        "password",
        "is empty",
        "está en blanco",
    );
    says(
        Role::parse("boss"),
        "role",
        "unknown role 'boss'; allowed: investigator, coordinator, monitor, statistician, unblinded_statistician, central_reader, sponsor",
        "rol desconocido 'boss'; se admite: investigator, coordinator, monitor, statistician, unblinded_statistician, central_reader, sponsor",
    );
    says(
        Sex::parse("X"),
        "sex",
        "'X' is not allowed; allowed: F, M, U",
        "'X' no es válido; se admite: F, M, U",
    );
    says(
        Outcome::parse("cured"),
        "outcome",
        "'cured' is not allowed; allowed: recovered, recovering, not_recovered, \
         recovered_with_sequelae, fatal, unknown",
        "'cured' no es válido; se admite: recovered, recovering, not_recovered, \
         recovered_with_sequelae, fatal, unknown",
    );
    let (_, meaning) = refusal(Meaning::parse("seen"));
    assert!(
        meaning
            .to_string()
            .starts_with("'seen' is not allowed; allowed: "),
        "{meaning}"
    );
    says(
        Decimal::parse("lln", "1,5"),
        "lln",
        "'1,5' is not a decimal number (digits, optional sign and point)",
        "'1,5' no es un número decimal (dígitos, con signo y punto opcionales)",
    );
    says(
        Reason::new(&"x".repeat(1001)),
        "reason",
        "is longer than 1000 characters",
        "tiene más de 1000 caracteres",
    );
    says(
        Head::parse("12:abc"),
        "head",
        "'12:abc' is not SEQ:HASH (a sequence number, ':', 64 lowercase hex digits)",
        "'12:abc' no es SEQ:HASH (un número de secuencia, ':', 64 dígitos hexadecimales en \
         minúscula)",
    );
    says(
        DbUrl::parse("ftp://example.org/study"),
        "db",
        "unknown scheme; allowed: sqlite://PATH, postgres://USER@HOST:PORT/DB",
        "esquema desconocido; se admite: sqlite://RUTA, postgres://USUARIO@SERVIDOR:PUERTO/BD",
    );
}

/// The instruments crate's own words stay as they are, inside the catalogue's.
#[test]
fn another_crate_s_words_are_kept_inside_the_catalogue_s() {
    let unknown = instruments::medication::Drug::find("unobtainium")
        .expect_err("no such drug")
        .to_string();
    says(
        ConcomitantMedication::drug_named("unobtainium"),
        "drug",
        &format!("{unknown}; a medication not listed is \"other\", named in words"),
        &format!(
            "{unknown}; un medicamento que no figura en la lista es \"other\" (otro), con su \
             nombre en palabras"
        ),
    );
}

both_backends!(refusals_of_commands_read_as_before_in_english_and_in_spanish);

async fn refusals_of_commands_read_as_before_in_english_and_in_spanish(backend: store::Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    let data = subject_data("S01-P001");
    let subject = f.enrol(&data, days_ago(20)).await;
    says(
        f.store.add_subject(inv, &data).await,
        "code",
        "'S01-P001' is already used",
        "'S01-P001' ya está en uso",
    );
    let (today, tomorrow) = (days_ago(0), days_ago(-1));
    let visit = |on| VisitData {
        name: "week 4".into(),
        planned_date: None,
        actual_date: Some(on),
    };
    says(
        f.store.add_visit(inv, subject.id, &visit(tomorrow)).await,
        "actual_date",
        &format!("{tomorrow} is in the future (today is {today} UTC)"),
        &format!("{tomorrow} es una fecha futura (hoy es {today} UTC)"),
    );
    let consent = data.consent_date.expect("consented");
    says(
        f.store
            .add_visit(inv, subject.id, &visit(days_ago(40)))
            .await,
        "actual_date",
        &format!("is before consent ({consent})"),
        &format!("es anterior al consentimiento ({consent})"),
    );
    let event = AdverseEvent {
        subject_id: subject.id,
        term: AdverseEvent::term_named("Pruritus").expect("CTCAE"),
        verbatim: None,
        start_date: days_ago(10),
        end_date: None,
        grade: instruments::ctcae::CtcaeGrade::G5,
        serious: true,
        causality: Causality::Possible,
        action_taken: ActionTaken::DoseNotChanged,
        outcome: Outcome::Fatal,
    };
    says(
        f.store.add_record(inv, &event).await,
        "grade",
        &format!(
            "{} has no grade 5 in CTCAE v5.0; allowed: 1, 2, 3",
            event.term
        ),
        &format!(
            "{} no tiene grado 5 en CTCAE v5.0; se admite: 1, 2, 3",
            event.term
        ),
    );
    let not_fatal = AdverseEvent {
        grade: instruments::ctcae::CtcaeGrade::G1,
        ..event
    };
    says(
        f.store.add_record(inv, &not_fatal).await,
        "outcome",
        "grade 5 and a fatal outcome go together",
        "el grado 5 y un desenlace mortal van juntos",
    );
    // A refusal that names a field and a kind of record says both in the reader's words.
    let visit = f.visit("S01-P002").await;
    let changed = f.store.subject(visit.subject_id).await.expect("subject");
    let consent = days_ago(0);
    let later = store::SubjectData {
        consent_date: Some(consent),
        screening_date: consent,
        ..changed.data.clone()
    };
    says(
        f.store
            .update_subject(inv, changed.id, changed.version, &later, "consent misread")
            .await,
        "subject",
        &format!(
            "the change would make visit {} invalid (date done: is before consent ({consent}))",
            visit.id
        ),
        &format!(
            "el cambio invalidaría visita {} (fecha de realización: es anterior al \
             consentimiento ({consent}))",
            visit.id
        ),
    );
}
