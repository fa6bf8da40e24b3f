//! `token create|revoke`: a token printed once, acting for its user until revoked; only the
//! user or an administrator may issue or revoke it. Both backends.

use ::store::{Backend, Store};

use crate::store::{AS_ADMIN, BOB_PASSWORD, Cli, both_backends};

both_backends!(a_token_is_printed_once_and_revoked_with_a_reason);

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
