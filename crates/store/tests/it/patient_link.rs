//! One-time patient links: issued by staff who enter data for one (visit, instrument), open on
//! the days of the visit's window only (both of its ends, not the day before or after), spent
//! by the patient's answers, which go through the record command staff use (the same
//! refusals) with the patient as the actor; revoked with a reason. Refusals name the date or
//! the state; the secret is nowhere in the record, its hash is.

use std::collections::BTreeMap;

use instruments::questionnaire::Instrument;
use jiff::civil::Date;
use store::{AnswerSource, Backend, EventFilter, LinkState, Questionnaire, StoreError, Visit};

use crate::fixture::{Fixture, days_ago, fixture, refused, subject_data};

both_backends!(
    a_link_is_answered_once_by_the_patient_as_the_trail_shows,
    a_link_is_open_from_the_first_to_the_last_day_of_the_window,
    a_link_whose_visit_moved_out_of_its_window_has_expired,
    a_link_is_revoked_with_a_reason_and_then_refused,
    issuing_is_refused_where_no_link_can_be_answered,
    each_shipped_protocol_refuses_a_link,
    unknown_links_from_one_address_are_slowed,
);

/// The lenalidomide schedule's week 4: 28 days after enrolment, +/- 7 days
/// (protocols/nct01408199.toml, `[[schedule.visits]]`).
const WEEK_4: i64 = 28;
const WEEK_4_WINDOW: i64 = 7;

async fn outcomes_study(f: &Fixture) {
    study(f, &store::testing::outcomes_protocol()).await;
}

async fn study(f: &Fixture, protocol: &str) {
    let study = f.store.study().await.expect("study");
    f.store
        .amend_protocol(&f.admin, study.version, protocol, "this study's protocol")
        .await
        .expect("amended");
}

/// Subject `code` enrolled `enrolled_days_ago` days ago with a visit planned for week 4.
async fn week_4(f: &Fixture, code: &str, enrolled_days_ago: i64) -> Visit {
    let mut data = subject_data(code);
    data.consent_date = Some(days_ago(enrolled_days_ago + 2));
    data.screening_date = days_ago(enrolled_days_ago + 1);
    let subject = f.enrol(&data, days_ago(enrolled_days_ago)).await;
    let visit = store::VisitData {
        name: "week 4".into(),
        planned_date: Some(days_ago(enrolled_days_ago - WEEK_4)),
        actual_date: None,
    };
    f.store
        .add_visit(&f.investigator, subject.id, &visit)
        .await
        .expect("visit")
}

fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(id, code)| ((*id).to_owned(), (*code).to_owned()))
        .collect()
}

const ITCH: [(&str, &str); 1] = [("ITCHNRS", "6")];

fn today() -> Date {
    days_ago(0)
}

async fn a_link_is_answered_once_by_the_patient_as_the_trail_shows(backend: Backend) {
    let f = fixture(backend).await;
    outcomes_study(&f).await;
    let visit = week_4(&f, "S01-P001", WEEK_4).await;
    let coordinator = f.coordinator().await;
    let issued = f
        .store
        .issue_patient_link(&coordinator, visit.id, Instrument::WorstItchNrs)
        .await
        .expect("issued");
    assert_eq!(issued.token.len(), 64, "256 bits as hex");
    assert!(issued.token.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(issued.link.state_on(today()), LinkState::Open);
    // An answer out of range is the staff form's refusal, and leaves the link open.
    refused(
        f.store
            .answer_by_patient_link(&issued.token, answers(&[("ITCHNRS", "11")]), None)
            .await,
        "ITCHNRS",
        "'11' is not allowed; allowed: 0 to 10",
    );
    let stored = f
        .store
        .answer_by_patient_link(&issued.token, answers(&ITCH), None)
        .await
        .expect("answered");
    assert_eq!(stored.data.source, AnswerSource::Patient);
    assert_eq!(stored.data.completed_on, today());
    assert_eq!(stored.data.visit_id, visit.id);
    refused(
        f.store
            .answer_by_patient_link(&issued.token, answers(&ITCH), None)
            .await,
        "link",
        &format!("the link was already used on {}", today()),
    );
    let links = f
        .store
        .patient_links_of_visit(visit.id)
        .await
        .expect("links");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].state_on(today()), LinkState::Used(today()));
    assert_eq!(links[0].questionnaire_id, Some(stored.id));
    // The trail: issued by the coordinator, answered and spent by the patient, named by the
    // link's number only; the secret nowhere, its hash in the issuing event.
    let events = f
        .store
        .audit_page(&EventFilter::default(), 0, 10_000)
        .await
        .expect("trail");
    let patient = format!("patient (link {})", issued.link.id);
    let of = |entity: &str| -> Vec<&str> {
        events
            .iter()
            .filter(|event| event.entity == entity)
            .map(|event| event.actor.as_str())
            .collect()
    };
    assert!(
        of("questionnaire").iter().all(|actor| *actor == patient),
        "{:?}",
        of("questionnaire")
    );
    assert!(!of("questionnaire").is_empty());
    let link_actors = of("patient_link");
    assert!(link_actors.contains(&"coord") && link_actors.contains(&patient.as_str()));
    let text = format!("{events:?}");
    assert!(!text.contains(&issued.token));
    assert!(text.contains(&sha256(&issued.token)));
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
    // Staff cannot claim the patient's source for answers they enter.
    let mut claimed = Questionnaire {
        subject_id: visit.subject_id,
        visit_id: visit.id,
        instrument: Instrument::WorstPainNrs,
        completed_on: today(),
        source: AnswerSource::Patient,
        answers: answers(&[("PAINNRS", "3")]),
        unanswered_reason: None,
    };
    refused(
        f.store.add_record(&coordinator, &claimed).await,
        "source",
        "'patient' is not allowed; allowed: paper",
    );
    claimed.source = AnswerSource::Paper;
    f.store
        .add_record(&coordinator, &claimed)
        .await
        .expect("staff enter the paper answers");
}

fn sha256(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// Enrolled `k` days ago, the week-4 window runs from `28 - 7 - k` to `28 + 7 - k` days from
/// today: each side of each end of it.
async fn a_link_is_open_from_the_first_to_the_last_day_of_the_window(backend: Backend) {
    let f = fixture(backend).await;
    outcomes_study(&f).await;
    let opens = WEEK_4 - WEEK_4_WINDOW;
    let closes = WEEK_4 + WEEK_4_WINDOW;
    // (days since enrolment, what answering today gives)
    let cases: [(i64, Result<(), String>); 4] = [
        (
            opens - 1,
            Err(format!("the link opens on {}", days_ago(-1))),
        ),
        (opens, Ok(())),
        (closes, Ok(())),
        (
            closes + 1,
            Err(format!("the link expired on {}", days_ago(1))),
        ),
    ];
    for (n, (enrolled, expect)) in cases.into_iter().enumerate() {
        let visit = week_4(&f, &format!("S01-W{n:03}"), enrolled).await;
        check(&f, &visit, enrolled, expect).await;
    }
}

/// Issues a DLQI link for `visit` and answers it today, expecting `expect` (at issuing when
/// the window has closed already, else at answering).
async fn check(f: &Fixture, visit: &Visit, enrolled: i64, expect: Result<(), String>) {
    let issued = f
        .store
        .issue_patient_link(&f.investigator, visit.id, Instrument::WorstItchNrs)
        .await;
    let issued = match (issued, &expect) {
        (Ok(issued), _) => issued,
        (Err(error), Err(message)) => {
            assert!(
                error.to_string().contains(message),
                "enrolled {enrolled}: {error}"
            );
            return;
        }
        (Err(error), Ok(())) => panic!("enrolled {enrolled}: {error}"),
    };
    let answered = f
        .store
        .answer_by_patient_link(&issued.token, answers(&ITCH), None)
        .await;
    match (answered, expect) {
        (Ok(stored), Ok(())) => assert_eq!(stored.data.source, AnswerSource::Patient),
        (Err(error), Err(message)) => {
            refused::<()>(Err(error), "link", &message);
        }
        (other, expect) => panic!("enrolled {enrolled}: expected {expect:?}, got {other:?}"),
    }
}

async fn a_link_whose_visit_moved_out_of_its_window_has_expired(backend: Backend) {
    let f = fixture(backend).await;
    outcomes_study(&f).await;
    // Enrolled 8 weeks ago, the visit planned today, then corrected to week 4's date, whose
    // window closed 21 days ago: no back-filling.
    let week_4 = week_4(&f, "S01-P002", 2 * WEEK_4).await;
    let week_8 = store::VisitData {
        name: "week 8".into(),
        planned_date: Some(today()),
        actual_date: None,
    };
    let visit = f
        .store
        .add_visit(&f.investigator, week_4.subject_id, &week_8)
        .await
        .expect("visit");
    let issued = f
        .store
        .issue_patient_link(&f.investigator, visit.id, Instrument::Dlqi)
        .await
        .expect("issued");
    let moved = store::VisitData {
        planned_date: Some(days_ago(WEEK_4)),
        ..visit.data.clone()
    };
    f.store
        .update_visit(
            &f.investigator,
            visit.id,
            visit.version,
            &moved,
            "planned date corrected",
        )
        .await
        .expect("moved");
    let closed = days_ago(WEEK_4 - WEEK_4_WINDOW);
    let link = f
        .store
        .patient_link(&issued.token)
        .await
        .expect("read")
        .expect("found");
    assert_eq!(link.state_on(today()), LinkState::Expired(closed));
    refused(
        f.store
            .answer_by_patient_link(&issued.token, answers(&[("DLQI01", "a_lot")]), None)
            .await,
        "link",
        &format!("the link expired on {closed}: the visit's window has closed"),
    );
}

async fn a_link_is_revoked_with_a_reason_and_then_refused(backend: Backend) {
    let f = fixture(backend).await;
    outcomes_study(&f).await;
    let visit = week_4(&f, "S01-P003", WEEK_4).await;
    let issued = f
        .store
        .issue_patient_link(&f.investigator, visit.id, Instrument::Skindex)
        .await
        .expect("issued");
    let blank = f
        .store
        .revoke_patient_link(&f.investigator, issued.link.id, "  ")
        .await;
    assert!(
        matches!(blank, Err(StoreError::ReasonRequired)),
        "{blank:?}"
    );
    f.store
        .revoke_patient_link(&f.investigator, issued.link.id, "sent to the wrong address")
        .await
        .expect("revoked");
    refused(
        f.store
            .answer_by_patient_link(&issued.token, answers(&[]), None)
            .await,
        "link",
        "the link was revoked",
    );
    refused(
        f.store
            .revoke_patient_link(&f.investigator, issued.link.id, "again")
            .await,
        "link",
        "the link was revoked",
    );
    let links = f
        .store
        .patient_links_of_visit(visit.id)
        .await
        .expect("links");
    assert_eq!(links[0].state_on(today()), LinkState::Revoked);
    let unknown = f
        .store
        .answer_by_patient_link(&"0".repeat(64), answers(&[]), None)
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound { .. })),
        "{unknown:?}"
    );
    assert_eq!(
        f.store.patient_link(&"0".repeat(64)).await.expect("read"),
        None
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn issuing_is_refused_where_no_link_can_be_answered(backend: Backend) {
    let f = fixture(backend).await;
    outcomes_study(&f).await;
    let visit = week_4(&f, "S01-P004", WEEK_4).await;
    let issue = |instrument| {
        let store = f.store.clone();
        let actor = f.investigator.clone();
        let visit = visit.id;
        async move { store.issue_patient_link(&actor, visit, instrument).await }
    };
    refused(
        issue(Instrument::ClaIgaR).await,
        "instrument",
        "CLA-IGA-R is the investigator's assessment: the patient does not answer it",
    );
    // Answered already at this visit: the link would be spent before it is sent.
    let paper = Questionnaire {
        subject_id: visit.subject_id,
        visit_id: visit.id,
        instrument: Instrument::WorstPainNrs,
        completed_on: today(),
        source: AnswerSource::Paper,
        answers: answers(&[("PAINNRS", "2")]),
        unanswered_reason: None,
    };
    let stored = f
        .store
        .add_record(&f.investigator, &paper)
        .await
        .expect("paper");
    let exists = issue(Instrument::WorstPainNrs).await;
    assert!(
        matches!(exists, Err(StoreError::Exists { id, .. }) if id == stored.id),
        "{exists:?}"
    );
    // A subject screened but not enrolled has no schedule; a visit outside every window none.
    let screened = f.visit("S01-P005").await;
    refused(
        f.store
            .issue_patient_link(&f.investigator, screened.id, Instrument::Dlqi)
            .await,
        "visit_id",
        "the subject is not enrolled",
    );
    let subject = f.store.subject(visit.subject_id).await.expect("subject");
    let off = f
        .visit_on(subject.id, "unscheduled", days_ago(WEEK_4 - 10))
        .await;
    refused(
        f.store
            .issue_patient_link(&f.investigator, off.id, Instrument::Dlqi)
            .await,
        "visit_id",
        &format!(
            "the visit's date {} falls in no window of the protocol's schedule",
            days_ago(WEEK_4 - 10)
        ),
    );
    // Only staff who enter data at the subject's site issue links.
    let monitor = monitor(&f).await;
    let forbidden = f
        .store
        .issue_patient_link(&monitor, visit.id, Instrument::Dlqi)
        .await;
    assert!(
        matches!(forbidden, Err(StoreError::Forbidden(_))),
        "{forbidden:?}"
    );
}

async fn monitor(f: &Fixture) -> store::Actor {
    let user = store::NewUser {
        login: "mon".into(),
        printed_name: "Mo Monitor".into(),
    };
    f.store
        .add_user(
            &f.admin,
            &user,
            &crate::fixture::password("amber kettle orchard"),
        )
        .await
        .expect("user");
    f.store
        .grant(&f.admin, "mon", "S01", store::Role::Monitor)
        .await
        .expect("grant");
    f.store
        .authenticate("mon", &crate::fixture::password("amber kettle orchard"))
        .await
        .expect("login")
}

/// The shipped studies collect no outcome instrument: no link for any.
async fn each_shipped_protocol_refuses_a_link(backend: Backend) {
    let f = fixture(backend).await;
    let visit = week_4(&f, "S01-P006", WEEK_4).await;
    for (name, protocol) in store::testing::SHIPPED {
        study(&f, protocol).await;
        for instrument in [
            Instrument::Dlqi,
            Instrument::Skindex,
            Instrument::WorstItchNrs,
            Instrument::WorstPainNrs,
        ] {
            let message = refused(
                f.store
                    .issue_patient_link(&f.investigator, visit.id, instrument)
                    .await,
                "instrument",
                "this study does not collect",
            );
            assert_eq!(
                message,
                format!("this study does not collect {}", instrument.name()),
                "{name}"
            );
        }
    }
}

/// Past the free failures, an address that opened unknown links waits, whatever link it
/// opens next; another address does not.
async fn unknown_links_from_one_address_are_slowed(backend: Backend) {
    let f = fixture(backend).await;
    let store = f.store.clone().with_throttle(store::Throttle {
        client_free_failures: 2,
        ..store::Throttle::default()
    });
    let (guesser, other) = ("203.0.113.9", "198.51.100.4");
    for n in 0..4 {
        // (failures so far, whether the next link from there is let through)
        let expect = n < 2;
        let allowed = store.patient_link_allowed(guesser).await;
        assert_eq!(
            allowed.is_ok(),
            expect,
            "after {n} unknown links: {allowed:?}"
        );
        if let Err(refused) = allowed {
            assert!(
                matches!(refused, StoreError::Throttled { .. }),
                "{refused:?}"
            );
        } else {
            store.patient_link_unknown(guesser).await.expect("counted");
        }
    }
    store
        .patient_link_allowed(other)
        .await
        .expect("another address");
}
