//! A study with one site, an administrator and an investigator, on either backend.

use instruments::subtype::Subtype;
use jiff::civil::Date;
use store::testing::TestDb;
use store::{
    Actor, Backend, BirthOrAge, NewStudy, NewUser, Password, Role, Sex, Store, StoreError,
    SubjectData,
};

pub const ADMIN_PASSWORD: &str = "correct horse battery";
pub const INVESTIGATOR_PASSWORD: &str = "staple gun elephant";
pub const PROTOCOL: &str = store::testing::PROTOCOL;

pub struct Fixture {
    pub db: TestDb,
    pub store: Store,
    pub admin: Actor,
    pub investigator: Actor,
}

/// `days` days before today (UTC).
pub fn days_ago(days: i64) -> Date {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    today
        .checked_sub(jiff::Span::new().days(days))
        .expect("date in range")
}

pub fn password(text: &str) -> Password {
    Password::new(text).expect("test password is long enough")
}

pub async fn fixture(backend: Backend) -> Fixture {
    let db = TestDb::new(backend);
    let study = NewStudy {
        code: "LENA-CLE".into(),
        title: "Lenalidomide in CLE".into(),
        protocol_text: PROTOCOL.into(),
    };
    let admin = NewUser {
        login: "admin".into(),
        printed_name: "Ada Admin".into(),
    };
    let (store, admin) = Store::init(db.url(), &study, &admin, &password(ADMIN_PASSWORD))
        .await
        .expect("init");
    store
        .add_site(&admin, "S01", "First site")
        .await
        .expect("site");
    let investigator = NewUser {
        login: "inv".into(),
        printed_name: "Ivan Investigator".into(),
    };
    store
        .add_user(&admin, &investigator, &password(INVESTIGATOR_PASSWORD))
        .await
        .expect("user");
    store
        .grant(&admin, "inv", "S01", Role::Investigator)
        .await
        .expect("grant");
    let investigator = store
        .authenticate("inv", &password(INVESTIGATOR_PASSWORD))
        .await
        .expect("login");
    Fixture {
        db,
        store,
        admin,
        investigator,
    }
}

/// A valid subject form: consented 30 days ago, screened 29 days ago.
pub fn subject_data(code: &str) -> SubjectData {
    SubjectData {
        site: "S01".into(),
        code: code.into(),
        sex: Sex::Female,
        birth: BirthOrAge::BirthDate(Date::constant(1980, 5, 17)),
        subtype: Some(Subtype::DleLocalized),
        screening_date: days_ago(29),
        consent_date: Some(days_ago(30)),
        enrolment_date: None,
    }
}

impl Fixture {
    /// Subject `code` added by the investigator, with a visit two days ago.
    pub async fn visit(&self, code: &str) -> store::Visit {
        let subject = self
            .store
            .add_subject(&self.investigator, &subject_data(code))
            .await
            .expect("add");
        let data = store::VisitData {
            name: "week 4".into(),
            planned_date: None,
            actual_date: Some(days_ago(2)),
        };
        self.store
            .add_visit(&self.investigator, subject.id, &data)
            .await
            .expect("visit")
    }

    /// `data` screened eligible (the example candidate) and enrolled on `on` by the
    /// investigator.
    pub async fn enrol(&self, data: &SubjectData, on: Date) -> store::Subject {
        self.enrol_as(data, &store::testing::eligible_candidate(), on)
            .await
    }

    /// `data` screened eligible on `candidate` and enrolled on `on` by the investigator.
    pub async fn enrol_as(
        &self,
        data: &SubjectData,
        candidate: &protocol::eligibility::Candidate,
        on: Date,
    ) -> store::Subject {
        let (subject, result) = self
            .store
            .screen(&self.investigator, data, candidate)
            .await
            .expect("screened");
        assert_eq!(result.eligible, Some(true), "{result:?}");
        self.store
            .enrol(
                &self.investigator,
                &store::Enrolment {
                    subject_id: subject.id,
                    based_on: subject.version,
                    consent_date: data.consent_date.expect("consented"),
                    enrolment_date: on,
                    waiver: None,
                    reason: None,
                    factors: Vec::new(),
                },
            )
            .await
            .expect("enrolled")
    }

    /// A visit of `subject` that took place on `on`, added by the investigator.
    pub async fn visit_on(&self, subject: i64, name: &str, on: Date) -> store::Visit {
        let visit = store::VisitData {
            name: name.into(),
            planned_date: None,
            actual_date: Some(on),
        };
        self.store
            .add_visit(&self.investigator, subject, &visit)
            .await
            .expect("visit")
    }

    /// A coordinator at site S01 (`coord`), added by the administrator and logged in.
    pub async fn coordinator(&self) -> store::Actor {
        let user = store::NewUser {
            login: "coord".into(),
            printed_name: "Cora Coordinator".into(),
        };
        self.store
            .add_user(&self.admin, &user, &password("quiet lantern river"))
            .await
            .expect("user");
        self.store
            .grant(&self.admin, "coord", "S01", Role::Coordinator)
            .await
            .expect("grant");
        self.store
            .authenticate("coord", &password("quiet lantern river"))
            .await
            .expect("login")
    }

    /// The number of events in the trail.
    pub async fn event_count(&self) -> i64 {
        self.store.verify().await.expect("verify runs").events
    }

    /// Asserts that the chain and projections verify.
    #[track_caller]
    pub fn assert_verifies(verification: &store::Verification) {
        assert_eq!(
            verification.problem, None,
            "verification failed: {verification:#?}"
        );
    }
}

/// Expects `result` refused as invalid, naming `field`, with a message holding `words`;
/// returns the message.
#[track_caller]
pub fn refused<T: std::fmt::Debug>(
    result: Result<T, StoreError>,
    field: &str,
    words: &str,
) -> String {
    match result {
        Err(StoreError::Invalid {
            field: named,
            message,
        }) => {
            let message = message.to_string();
            assert_eq!(named, field, "{message}");
            assert!(message.contains(words), "{message}");
            message
        }
        other => panic!("expected {field} to be refused with '{words}', got {other:?}"),
    }
}
