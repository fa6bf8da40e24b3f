//! `token create|revoke`: a token printed once, acting for its user until revoked or expired;
//! only the user or an administrator may issue or revoke it. `user list|password|reset-password`:
//! the accounts. Both backends.

use ::store::{Backend, Store};

use crate::store::{AS_ADMIN, BOB_PASSWORD, Cli, both_backends};

both_backends!(
    a_token_is_printed_once_and_revoked_with_a_reason,
    accounts_are_listed_and_passwords_changed_or_reset,
);

fn a_token_is_printed_once_and_revoked_with_a_reason(backend: Backend) {
    let cli = Cli::new(backend);
    let as_bob = [("CLETRIAL_PASSWORD", BOB_PASSWORD)];
    let create = [
        "token",
        "create",
        "--as",
        "bob",
        "--label",
        "nightly export",
    ];
    let issued = cli.run(&create, &as_bob).ok_json();
    assert_eq!(issued["for"], "bob");
    // 90 days unless told otherwise; a date that has passed is refused naming the flag.
    assert_eq!(
        issued["expires"],
        ::store::default_token_expiry().to_string()
    );
    let past = [&create[..], &["--expires", "2020-01-01"]].concat();
    assert!(
        cli.run(&past, &as_bob)
            .input_error("expires")
            .contains("has passed")
    );
    let european = [&create[..], &["--expires", "12/03/2027"]].concat();
    cli.run(&european, &as_bob).input_error(
        "--expires: '12/03/2027' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-12",
    );
    let token = issued["token"].as_str().expect("token").to_owned();
    assert_eq!(token.len(), 64);
    let id = issued["id"].as_i64().expect("id").to_string();

    // Bob may not issue one for the administrator; the administrator may issue one for bob.
    let for_admin = [&create[..], &["--for", "admin"]].concat();
    assert!(!cli.run(&for_admin, &as_bob).input_error("token").is_empty());
    let by_admin = [
        "token", "create", "--as", "admin", "--for", "bob", "--label", "x",
    ];
    cli.run(&by_admin, AS_ADMIN).ok_json();

    let acts_as = |token: &str| {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let store = Store::open(cli.db.url()).await.expect("open");
            let actor = store.token_actor(token).await.expect("read");
            store.close().await;
            actor.map(|actor| actor.login().to_owned())
        })
    };
    assert_eq!(acts_as(&token).as_deref(), Some("bob"));

    let revoke = [
        "token",
        "revoke",
        "--as",
        "bob",
        "--id",
        &id,
        "--reason",
        "script retired",
    ];
    let no_reason = [
        "token", "revoke", "--as", "bob", "--id", &id, "--reason", " ",
    ];
    assert!(
        !cli.run(&no_reason, &as_bob)
            .input_error("reason")
            .is_empty()
    );
    assert_eq!(
        cli.run(&revoke, &as_bob).ok_json()["revoked"].to_string(),
        id
    );
    assert_eq!(acts_as(&token), None);
}

fn accounts_are_listed_and_passwords_changed_or_reset(backend: Backend) {
    let cli = Cli::new(backend);
    let listed = cli.run(&["user", "list"], &[]).ok_json();
    let bob = listed
        .as_array()
        .expect("a list")
        .iter()
        .find(|user| user["login"] == "bob")
        .expect("bob is listed")
        .clone();
    assert_eq!(bob["must_change_password"], false);
    assert_eq!(bob["administrator"], false);
    // Bob changes his own password: the current one is checked, the new one by the policy.
    let change = ["user", "password", "--as", "bob"];
    let new = "violet harbour kettle drum";
    let wrong_current = [
        ("CLETRIAL_PASSWORD", "not bob's password"),
        ("CLETRIAL_NEW_PASSWORD", new),
    ];
    cli.run(&change, &wrong_current)
        .input_error("authentication failed");
    let weak = [
        ("CLETRIAL_PASSWORD", BOB_PASSWORD),
        ("CLETRIAL_NEW_PASSWORD", "password1234"),
    ];
    cli.run(&change, &weak).input_error("too easy to guess");
    let good = [
        ("CLETRIAL_PASSWORD", BOB_PASSWORD),
        ("CLETRIAL_NEW_PASSWORD", new),
    ];
    assert_eq!(cli.run(&change, &good).ok_json()["password_changed"], "bob");
    // The administrator resets it, with a reason: bob must change it at his next login.
    let reset = [
        "user",
        "reset-password",
        "--as",
        "admin",
        "--login",
        "bob",
        "--reason",
        "forgot it",
    ];
    let temporary = [
        AS_ADMIN[0],
        ("CLETRIAL_NEW_PASSWORD", "amber tractor lullaby"),
    ];
    let done = cli.run(&reset, &temporary).ok_json();
    assert_eq!(done["must_change_password"], true);
    let listed = cli.run(&["user", "list"], &[]).ok_json();
    assert!(
        listed
            .as_array()
            .expect("a list")
            .iter()
            .any(|user| user["login"] == "bob" && user["must_change_password"] == true)
    );
    let verified = cli.run(&["audit", "verify"], &[]).ok_json();
    assert_eq!(verified["ok"], true, "{verified}");
}
