//! Users, passwords, grants and the administrator's powers.

use store::{Backend, NewUser, Role, StoreError};

use crate::fixture::{ADMIN_PASSWORD, Fixture, INVESTIGATOR_PASSWORD, fixture, password};

both_backends!(
    passwords_are_checked_and_never_stored_in_the_trail,
    disabled_users_cannot_log_in,
    only_administrators_manage_people,
    logins_are_never_reassigned,
);

async fn passwords_are_checked_and_never_stored_in_the_trail(backend: Backend) {
    let f = fixture(backend).await;
    assert!(
        f.store
            .authenticate("admin", &password(ADMIN_PASSWORD))
            .await
            .is_ok()
    );
    for (login, typed) in [
        ("admin", "wrong password!"),
        ("nobody", ADMIN_PASSWORD),
        ("inv", ADMIN_PASSWORD),
    ] {
        let result = f.store.authenticate(login, &password(typed)).await;
        assert!(
            matches!(result, Err(StoreError::AuthenticationFailed)),
            "{login}: {result:?}"
        );
    }
    assert!(matches!(
        store::Password::new("short"),
        Err(StoreError::Invalid { .. })
    ));
    let events = f
        .store
        .audit_page(&store::EventFilter::default(), 0, 1000)
        .await
        .expect("log");
    for event in events {
        let text = format!("{event:?}");
        assert!(
            !text.contains("argon2") && !text.contains(INVESTIGATOR_PASSWORD),
            "secret in trail: {text}"
        );
    }
}

async fn disabled_users_cannot_log_in(backend: Backend) {
    let f = fixture(backend).await;
    let user = f
        .store
        .disable_user(&f.admin, "inv", "left the study team")
        .await
        .expect("disable");
    assert!(user.disabled);
    let result = f
        .store
        .authenticate("inv", &password(INVESTIGATOR_PASSWORD))
        .await;
    assert!(
        matches!(result, Err(StoreError::AuthenticationFailed)),
        "{result:?}"
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn only_administrators_manage_people(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.event_count().await;
    let someone = NewUser {
        login: "eve".into(),
        printed_name: "Eve".into(),
    };
    let results = [
        f.store
            .add_user(&f.investigator, &someone, &password("a long enough one"))
            .await
            .map(drop),
        f.store
            .grant(&f.investigator, "inv", "S01", Role::Monitor)
            .await,
        f.store
            .add_site(&f.investigator, "S09", "Mine")
            .await
            .map(drop),
        f.store
            .disable_user(&f.investigator, "admin", "coup")
            .await
            .map(drop),
    ];
    for result in results {
        assert!(
            matches!(result, Err(StoreError::Forbidden(_))),
            "{result:?}"
        );
    }
    assert_eq!(f.event_count().await, before);
}

async fn logins_are_never_reassigned(backend: Backend) {
    let f = fixture(backend).await;
    f.store
        .disable_user(&f.admin, "inv", "left")
        .await
        .expect("disable");
    let again = NewUser {
        login: "inv".into(),
        printed_name: "Someone Else".into(),
    };
    let result = f
        .store
        .add_user(&f.admin, &again, &password("a long enough one"))
        .await;
    assert!(
        matches!(&result, Err(StoreError::Invalid { field, .. }) if field == "login"),
        "{result:?}"
    );
    let twice = f
        .store
        .grant(&f.admin, "inv", "S01", Role::Investigator)
        .await;
    assert!(
        matches!(&twice, Err(StoreError::Invalid { field, .. }) if field == "role"),
        "{twice:?}"
    );
    assert!(matches!(
        Role::parse("superuser"),
        Err(StoreError::Invalid { .. })
    ));
}
