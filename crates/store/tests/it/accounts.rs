//! Accounts (issue 15, item 10): users change their own password, an administrator resets one
//! (to be changed at the next login), the password policy, API tokens that expire, the user list.

use store::{Backend, Password, StoreError, default_token_expiry};

use crate::fixture::{Fixture, INVESTIGATOR_PASSWORD, fixture, password};

both_backends!(
    a_user_changes_their_password_and_every_other_way_in_ends,
    a_reset_password_must_be_changed_at_the_next_login,
    tokens_work_until_their_expiry_day,
);

const NOW: i64 = 1_800_000_000;
const NEW_PASSWORD: &str = "violet harbour kettle drum";

fn typed(text: &str) -> Password {
    Password::typed(text).expect("typed")
}

async fn sessions(f: &Fixture, tokens: &[String]) -> Vec<bool> {
    let mut live = Vec::new();
    for token in tokens {
        let resumed = f
            .store
            .resume_session(token, 3600, NOW)
            .await
            .expect("resume");
        live.push(resumed.is_some());
    }
    live
}

#[track_caller]
fn refused_on(result: Result<(), StoreError>, field: &str) -> String {
    match result {
        Err(StoreError::Invalid { field: f, message }) if f == field => message.to_string(),
        other => panic!("expected a refusal of {field}, got {other:?}"),
    }
}

async fn a_user_changes_their_password_and_every_other_way_in_ends(backend: Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    let tokens: Vec<String> = ["a", "b"].iter().map(|c| c.repeat(64)).collect();
    for token in &tokens {
        f.store
            .open_session(inv, token, &"c".repeat(64), NOW)
            .await
            .expect("session");
    }
    let api = "t".repeat(64);
    f.store
        .create_token(inv, "inv", "nightly", &api, default_token_expiry())
        .await
        .expect("token");
    let new = password(NEW_PASSWORD);
    // The current password must be right, and the new one differ from it and fit the policy.
    let wrong = f
        .store
        .change_password(inv, &typed("not it at all"), &new, None)
        .await;
    assert!(
        matches!(wrong, Err(StoreError::AuthenticationFailed)),
        "{wrong:?}"
    );
    let current = password(INVESTIGATOR_PASSWORD);
    let same = f.store.change_password(inv, &current, &current, None).await;
    assert!(refused_on(same, "new password").contains("current password"));
    // Built from the account's own words: refused although long.
    let own = typed("Ivan Investigator inv");
    let named = f.store.change_password(inv, &current, &own, None).await;
    assert!(refused_on(named, "new password").contains("too easy to guess"));
    f.store
        .change_password(inv, &current, &new, Some(&tokens[0]))
        .await
        .expect("changed");
    assert!(f.store.authenticate("inv", &current).await.is_err());
    assert_eq!(f.store.authenticate("inv", &new).await.expect("new"), *inv);
    assert_eq!(
        sessions(&f, &tokens).await,
        [true, false],
        "only the current session stays"
    );
    assert_eq!(
        f.store.token_actor(&api).await.expect("read"),
        None,
        "tokens revoked"
    );
    let verification = f.store.verify().await.expect("verify");
    assert_eq!(verification.problem, None);
}

async fn a_reset_password_must_be_changed_at_the_next_login(backend: Backend) {
    let f = fixture(backend).await;
    let temporary = password("amber tractor lullaby");
    let by_investigator = f
        .store
        .reset_password(&f.investigator, "admin", &temporary, "forgot it")
        .await;
    assert!(
        matches!(by_investigator, Err(StoreError::Forbidden(_))),
        "{by_investigator:?}"
    );
    let token = "s".repeat(64);
    f.store
        .open_session(&f.investigator, &token, &"c".repeat(64), NOW)
        .await
        .expect("session");
    let no_reason = f
        .store
        .reset_password(&f.admin, "inv", &temporary, " ")
        .await;
    assert!(
        matches!(no_reason, Err(StoreError::ReasonRequired)),
        "{no_reason:?}"
    );
    let reset = f
        .store
        .reset_password(&f.admin, "inv", &temporary, "forgot it")
        .await
        .expect("reset");
    assert!(reset.must_change_password);
    assert_eq!(sessions(&f, std::slice::from_ref(&token)).await, [false]);
    let inv = f
        .store
        .authenticate("inv", &temporary)
        .await
        .expect("temporary");
    f.store
        .open_session(&inv, &token, &"c".repeat(64), NOW)
        .await
        .expect("session");
    let resumed = f
        .store
        .resume_session(&token, 3600, NOW)
        .await
        .expect("resume");
    assert!(resumed.expect("live").must_change_password);
    f.store
        .change_password(&inv, &temporary, &password(NEW_PASSWORD), Some(&token))
        .await
        .expect("changed");
    let resumed = f
        .store
        .resume_session(&token, 3600, NOW)
        .await
        .expect("resume");
    assert!(!resumed.expect("live").must_change_password);
    let listed = f.store.users().await.expect("users");
    assert_eq!(
        listed
            .iter()
            .map(|user| (user.login.as_str(), user.must_change_password))
            .collect::<Vec<_>>(),
        [("admin", false), ("inv", false)]
    );
    let verification = f.store.verify().await.expect("verify");
    assert_eq!(verification.problem, None);
    // The trail says who reset it and why; the password is nowhere in it.
    let events = f
        .store
        .audit_page(&store::EventFilter::default(), 0, 10_000)
        .await
        .expect("trail");
    assert!(
        events
            .iter()
            .any(|event| event.reason.as_deref() == Some("forgot it"))
    );
    assert!(!format!("{events:?}").contains("amber tractor"));
}

async fn tokens_work_until_their_expiry_day(backend: Backend) {
    let f = fixture(backend).await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let yesterday = today.yesterday().expect("date");
    let (last_day, past) = ("d".repeat(64), "e".repeat(64));
    let issued = f
        .store
        .create_token(&f.admin, "inv", "until today", &last_day, today)
        .await
        .expect("today is allowed");
    assert_eq!(issued.expires_on, Some(today));
    assert_eq!(
        f.store.token_actor(&last_day).await.expect("read"),
        Some(f.investigator.clone()),
        "works on its last day"
    );
    let refused = f
        .store
        .create_token(&f.admin, "inv", "already over", &past, yesterday)
        .await
        .map(|_| ());
    assert!(refused_on(refused, "expires").contains("has passed"));
    let default = default_token_expiry();
    assert_eq!(today.until(default).expect("span").get_days(), 90);
    // A token past its day is refused like a revoked one.
    store::testing::tamper(
        f.db.url(),
        &format!("UPDATE api_token SET expires_on = '{yesterday}' WHERE label = 'until today'"),
    )
    .await
    .expect("age the token");
    assert_eq!(f.store.token_actor(&last_day).await.expect("read"), None);
}
