//! Password guessing is slowed, never a lockout a stranger can cause (issue 15, items 1-5):
//! counting atomic with the check, growing delays, trusted devices, the owner told, signature
//! passwords throttled and reported, and password checks that hold no connection or lock.

use std::time::Duration;

use store::testing::hold_password_checks;
use store::{Backend, FailedLogins, LoginAttempt, Meaning, Password, StoreError};

use crate::fixture::{ADMIN_PASSWORD, Fixture, INVESTIGATOR_PASSWORD, fixture, subject_data};

both_backends!(
    concurrent_guesses_are_checked_at_most_the_free_failures,
    each_further_failure_doubles_the_wait,
    a_key_quiet_for_a_day_starts_again,
    a_stranger_cannot_lock_the_owner_out,
    one_address_guessing_many_logins_is_slowed,
    right_passwords_at_once_from_one_address_all_get_in,
    signature_passwords_are_throttled_and_reported,
    waiting_password_checks_hold_no_connection_or_lock,
);

const NOW: i64 = 1_800_000_000;
const STRANGER: &str = "203.0.113.9";
const OWNER: &str = "198.51.100.4";

fn typed(text: &str) -> Password {
    Password::typed(text).expect("typed")
}

async fn log_in(
    f: &Fixture,
    password: &str,
    client: &str,
    device: Option<&str>,
    now: i64,
) -> Result<store::LoggedIn, StoreError> {
    f.store
        .log_in(LoginAttempt {
            login: "inv",
            password: &typed(password),
            client,
            device,
            now,
        })
        .await
}

fn retry_after(result: &Result<store::LoggedIn, StoreError>) -> Option<i64> {
    match result {
        Err(StoreError::Throttled {
            retry_after_seconds,
        }) => Some(*retry_after_seconds),
        _ => None,
    }
}

/// 100 wrong passwords at once: the count is taken with the check, so only the free failures
/// are checked; the right password right after is refused unchecked.
async fn concurrent_guesses_are_checked_at_most_the_free_failures(backend: Backend) {
    let f = fixture(backend).await;
    let free = f.store.throttle().login_free_failures;
    let attempts: Vec<_> = (0..100)
        .map(|_| {
            let store = f.store.clone();
            tokio::spawn(async move {
                store
                    .log_in(LoginAttempt {
                        login: "inv",
                        password: &typed("wrong guess"),
                        client: STRANGER,
                        device: None,
                        now: NOW,
                    })
                    .await
            })
        })
        .collect();
    let mut results = Vec::new();
    for attempt in attempts {
        results.push(attempt.await.expect("task"));
    }
    let checked = results
        .iter()
        .filter(|result| matches!(result, Err(StoreError::AuthenticationFailed)))
        .count();
    let refused = results
        .iter()
        .filter(|result| retry_after(result).is_some())
        .count();
    assert_eq!((checked, refused), (free as usize, 100 - free as usize));
    let right = log_in(&f, INVESTIGATOR_PASSWORD, STRANGER, None, NOW).await;
    assert!(retry_after(&right).is_some(), "{right:?}");
}

/// Free failures, then waits of 30 s, 60 s, 120 s ... up to 15 minutes: an attempt a second
/// before the wait ends is refused unchecked, one at its end is checked.
async fn each_further_failure_doubles_the_wait(backend: Backend) {
    let f = fixture(backend).await;
    let throttle = f.store.throttle();
    assert_eq!(
        (throttle.first_delay_seconds, throttle.max_delay_seconds),
        (30, 900)
    );
    let mut now = NOW;
    for _ in 0..throttle.login_free_failures - 1 {
        let result = log_in(&f, "wrong guess", STRANGER, None, now).await;
        assert!(matches!(result, Err(StoreError::AuthenticationFailed)));
    }
    let mut waits = Vec::new();
    for _ in 0..8 {
        let failed = log_in(&f, "wrong guess", STRANGER, None, now).await;
        assert!(
            matches!(failed, Err(StoreError::AuthenticationFailed)),
            "{failed:?}"
        );
        let wait = retry_after(&log_in(&f, INVESTIGATOR_PASSWORD, STRANGER, None, now).await)
            .expect("waits");
        let early = log_in(&f, INVESTIGATOR_PASSWORD, STRANGER, None, now + wait - 1).await;
        assert_eq!(retry_after(&early), Some(1), "a second before the end");
        waits.push(wait);
        now += wait;
    }
    assert_eq!(waits, [30, 60, 120, 240, 480, 900, 900, 900]);
    // At the end of the wait the right password is checked and gets in.
    let admitted = log_in(&f, INVESTIGATOR_PASSWORD, STRANGER, None, now).await;
    assert!(admitted.is_ok(), "{admitted:?}");
}

/// Failures a day old (the throttle's memory) no longer count: four failures, a quiet day, and
/// four more are all checked.
async fn a_key_quiet_for_a_day_starts_again(backend: Backend) {
    let f = fixture(backend).await;
    let throttle = f.store.throttle();
    let later = NOW + throttle.forget_seconds + 1;
    for now in [NOW, later] {
        for _ in 0..throttle.login_free_failures - 1 {
            let result = log_in(&f, "wrong guess", STRANGER, None, now).await;
            assert!(
                matches!(result, Err(StoreError::AuthenticationFailed)),
                "{result:?}"
            );
        }
    }
    let admitted = log_in(&f, INVESTIGATOR_PASSWORD, STRANGER, None, later).await;
    assert!(admitted.is_ok(), "{admitted:?}");
}

/// A stranger's guesses delay untrusted browsers, but the owner's browser, trusted since an
/// earlier login, gets in at once; the owner is then told how many attempts failed.
async fn a_stranger_cannot_lock_the_owner_out(backend: Backend) {
    let f = fixture(backend).await;
    let device = "d".repeat(64);
    let first = log_in(&f, INVESTIGATOR_PASSWORD, OWNER, None, NOW)
        .await
        .expect("first login");
    assert!(!first.trusted_device);
    f.store
        .trust_device(&first.actor, &device, NOW)
        .await
        .expect("trust");
    for _ in 0..50 {
        let _ = log_in(&f, "wrong guess", STRANGER, None, NOW + 10).await;
    }
    let untrusted = log_in(&f, INVESTIGATOR_PASSWORD, OWNER, None, NOW + 11).await;
    assert!(retry_after(&untrusted).is_some(), "{untrusted:?}");
    let owner = log_in(&f, INVESTIGATOR_PASSWORD, OWNER, Some(&device), NOW + 12)
        .await
        .expect("the owner's browser gets in");
    assert!(owner.trusted_device);
    assert_eq!(owner.actor, f.investigator);
    // 50 by the stranger and one refused from the owner's untrusted browser.
    assert_eq!(
        owner.failed_since_last_login,
        Some(FailedLogins {
            count: 51,
            last_at: NOW + 11
        })
    );
    let again = log_in(&f, INVESTIGATOR_PASSWORD, OWNER, Some(&device), NOW + 13)
        .await
        .expect("again");
    assert_eq!(again.failed_since_last_login, None, "told once");
    // A device token trusted for another user is no help to this login.
    let stolen = log_in(
        &f,
        INVESTIGATOR_PASSWORD,
        OWNER,
        Some(&"x".repeat(64)),
        NOW + 14,
    )
    .await;
    assert!(retry_after(&stolen).is_some(), "{stolen:?}");
    let events = f.store.security_events(100).await.expect("events");
    assert!(
        events
            .iter()
            .any(|event| event.login == "inv" && event.client.as_deref() == Some(STRANGER)),
        "{events:?}"
    );
}

/// One address trying one password over many login names (known or not) is slowed after the
/// address's free failures, whatever the names.
async fn one_address_guessing_many_logins_is_slowed(backend: Backend) {
    let f = fixture(backend).await;
    let free = f.store.throttle().client_free_failures;
    for n in 0..free {
        let result = f
            .store
            .log_in(LoginAttempt {
                login: &format!("user{n}"),
                password: &typed("Winter2026!"),
                client: STRANGER,
                device: None,
                now: NOW,
            })
            .await;
        assert!(
            matches!(result, Err(StoreError::AuthenticationFailed)),
            "{n}: {result:?}"
        );
    }
    let next = log_in(&f, INVESTIGATOR_PASSWORD, STRANGER, None, NOW).await;
    assert!(retry_after(&next).is_some(), "{next:?}");
    // Another address is not slowed by it.
    let elsewhere = log_in(&f, INVESTIGATOR_PASSWORD, OWNER, None, NOW).await;
    assert!(elsewhere.is_ok(), "{elsewhere:?}");
}

/// A clinic behind one address: its users' right passwords, posted together, are never refused
/// by the address's count, which counts failures only.
async fn right_passwords_at_once_from_one_address_all_get_in(backend: Backend) {
    let f = fixture(backend).await;
    let store = f.store.clone().with_throttle(store::Throttle {
        client_free_failures: 1,
        ..store::Throttle::default()
    });
    let attempts: Vec<_> = [("admin", ADMIN_PASSWORD), ("inv", INVESTIGATOR_PASSWORD)]
        .into_iter()
        .cycle()
        .take(6)
        .map(|(login, password)| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .log_in(LoginAttempt {
                        login,
                        password: &typed(password),
                        client: OWNER,
                        device: None,
                        now: NOW,
                    })
                    .await
            })
        })
        .collect();
    for attempt in attempts {
        let result = attempt.await.expect("task");
        assert!(result.is_ok(), "{result:?}");
    }
}

/// Wrong signature passwords count like wrong login passwords (21 CFR 11.300(d)): after the
/// free failures the right one is refused unchecked, and the failures are a security event.
async fn signature_passwords_are_throttled_and_reported(backend: Backend) {
    let f = fixture(backend).await;
    let visit = f.visit("S01-P001").await;
    let sign = |text: &'static str| {
        let f = &f;
        let visit = &visit;
        async move {
            f.store
                .sign_visit(
                    &f.investigator,
                    visit.id,
                    visit.version,
                    &typed(text),
                    Meaning::Review,
                )
                .await
        }
    };
    for _ in 0..f.store.throttle().signature_free_failures {
        let result = sign("not my password").await;
        assert!(
            matches!(result, Err(StoreError::AuthenticationFailed)),
            "{result:?}"
        );
    }
    let right = sign(INVESTIGATOR_PASSWORD).await;
    assert!(
        matches!(right, Err(StoreError::Throttled { .. })),
        "{right:?}"
    );
    assert!(f.store.signatures(visit.id).await.expect("read").is_empty());
    let events = f.store.security_events(10).await.expect("events");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        (events[0].kind.as_str(), events[0].login.as_str()),
        ("password_failures", "inv")
    );
    assert!(
        events[0]
            .detail
            .contains("3 failed signature password attempts"),
        "{}",
        events[0].detail
    );
}

/// While every password-check permit is taken, logins and signatures (known login, unknown
/// login, signer) wait for one, and meanwhile other users read and write: a waiting check holds
/// no database connection and no writer lock. The unknown login waits too: it is checked
/// against a dummy hash, so it costs what a known one costs (no enumeration by timing).
async fn waiting_password_checks_hold_no_connection_or_lock(backend: Backend) {
    let f = fixture(backend).await;
    let visit = f.visit("S01-P001").await;
    let held = hold_password_checks().await;
    let mut waiting = Vec::new();
    for n in 0..40 {
        let store = f.store.clone();
        let login = if n % 2 == 0 { "inv" } else { "nobody" };
        waiting.push(tokio::spawn(async move {
            store
                .authenticate(login, &Password::typed("wrong guess").expect("typed"))
                .await
        }));
    }
    let signer = {
        let (store, investigator) = (f.store.clone(), f.investigator.clone());
        tokio::spawn(async move {
            let password = Password::typed(INVESTIGATOR_PASSWORD).expect("typed");
            store
                .sign_visit(
                    &investigator,
                    visit.id,
                    visit.version,
                    &password,
                    Meaning::Review,
                )
                .await
        })
    };
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
    // A hang here (not a slow answer) is the failure: the bound only stops a stuck test.
    let bound = Duration::from_secs(120);
    let other_work = async {
        f.store.study().await.expect("read");
        f.store
            .add_subject(&f.investigator, &subject_data("S01-P002"))
            .await
            .expect("write");
    };
    tokio::time::timeout(bound, other_work)
        .await
        .expect("reads and writes go on while password checks wait");
    assert!(
        waiting.iter().all(|task| !task.is_finished()) && !signer.is_finished(),
        "every check, the unknown login's too, waits for a permit"
    );
    drop(held);
    for task in waiting {
        let result = task.await.expect("task");
        assert!(matches!(result, Err(StoreError::AuthenticationFailed)));
    }
    let signed = signer.await.expect("task");
    assert!(signed.is_ok(), "{signed:?}");
}
