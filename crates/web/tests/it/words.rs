//! The catalogue names everything the record can show: every kind of record, every field, every
//! coded value and missing code. A new field or code without its words fails here, before a
//! page shows its id.

use instruments::medication::{Frequency, Route};
use instruments::subtype::Subtype;
use protocol::decide::{Action, Phase, Response};
use protocol::eligibility::Field;
use store::stream::Entity;
use store::{
    ActionTaken, Causality, DeviationCategory, DispositionStatus, Download, EventType, Finding,
    HistoryCategory, Missing, Outcome, QueryStatus, Role, Sex, Side,
};
use words::{Language, Words};

/// The ids of `field`'s coded values.
fn values<T: Copy>(field: &'static str, all: &[T], code: fn(T) -> &'static str) -> Vec<String> {
    all.iter()
        .map(|value| format!("value-{field}-{}", code(*value)))
        .collect()
}

#[test]
fn every_kind_field_and_code_of_the_record_has_words() {
    let words = Words::of(Language::English);
    let mut ids = Vec::new();
    for entity in Entity::all() {
        ids.push(format!("record-{}", entity.name()));
        ids.extend(entity.fields().map(|field| format!("field-{}", field.name)));
    }
    for coded in [
        values("sex", &[Sex::Female, Sex::Male, Sex::Unknown], Sex::code),
        values("causality", Causality::ALL, Causality::code),
        values("action_taken", ActionTaken::ALL, ActionTaken::code),
        values("outcome", Outcome::ALL, Outcome::code),
        values("status", DispositionStatus::ALL, DispositionStatus::code),
        values("status", QueryStatus::ALL, QueryStatus::code),
        values("category", DeviationCategory::ALL, DeviationCategory::code),
        values("category", HistoryCategory::ALL, HistoryCategory::code),
        values("event", EventType::ALL, EventType::code),
        values("side", Side::ALL, Side::code),
        values("finding", Finding::ALL, Finding::code),
        values("missing", &Missing::ALL, Missing::code),
        values("subtype", &Subtype::ALL, Subtype::id),
        values("what", Download::ALL, Download::code),
    ] {
        ids.extend(coded);
    }
    ids.extend(["create", "update", "remove"].map(|action| format!("action-{action}")));
    for action in [
        Action::Continue,
        Action::Escalate,
        Action::Taper,
        Action::Withdraw,
        Action::Reintroduce,
        Action::Maintain,
        Action::Stop,
    ] {
        let code = serde_json::to_value(action).expect("serialises");
        ids.push(format!(
            "value-action-{}",
            code.as_str().unwrap_or_default()
        ));
    }
    for (field, code) in [
        Phase::Induction,
        Phase::Taper,
        Phase::OffTreatment,
        Phase::Maintenance,
        Phase::Stopped,
    ]
    .map(|phase| ("phase", serde_json::to_value(phase)))
    .into_iter()
    .chain(
        [Response::Cr, Response::Pr, Response::Nr].map(|r| ("response", serde_json::to_value(r))),
    ) {
        let code = code.expect("serialises");
        ids.push(format!(
            "value-{field}-{}",
            code.as_str().unwrap_or_default()
        ));
    }
    ids.extend(Field::ALL.map(|field| format!("candidate-{}", field.name())));
    ids.extend(web::policy::Action::ALL.map(|action| format!("permission-{}", action.id())));
    // What pages say of roles, dose frequencies and routes, protocol events and endings.
    ids.extend(Role::ALL.map(|role| format!("role-{}", role.as_str())));
    ids.extend(Frequency::ALL.map(|frequency| format!("frequency-{}", frequency.nci_code())));
    ids.extend(Route::ALL.map(|route| format!("route-{}", route.code())));
    ids.extend(
        EventType::ALL
            .iter()
            .map(|event| format!("course-event-{}", event.code())),
    );
    ids.extend(
        DispositionStatus::ALL
            .iter()
            .map(|status| format!("course-status-{}", status.code())),
    );
    let missing: Vec<&String> = ids.iter().filter(|id| !words.has(id)).collect();
    assert!(missing.is_empty(), "en.ftl lacks {missing:?}");
}
