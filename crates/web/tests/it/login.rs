//! Login, logout, wrong passwords and their throttle, idle timeout and session fixation.

use reqwest::StatusCode;
use store::Backend;
use store::testing::execute_guarded;

use crate::support::{
    Browser, DEVICE, PASSWORD, SESSION, spawn_app, spawn_throttled, throttle_after,
};

/// A login page stays usable when another is loaded in the same browser meanwhile (a second
/// tab, a favicon or a script of an expired page landing on /login): the browser's token is
/// reused, not replaced, so the first page's login is not refused as cross-site. A forged or
/// missing token is still refused.
#[tokio::test]
async fn a_second_login_page_leaves_the_first_usable() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::new(&app);
    let first = browser.get("/login").await.form_token();
    let second = browser.get("/login").await.form_token();
    assert_eq!(first, second);
    let forged = browser
        .post(
            "/login",
            &[
                ("login", "coord_a"),
                ("password", PASSWORD),
                ("csrf", &"0".repeat(64)),
            ],
            &[],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let reply = browser
        .post(
            "/login",
            &[
                ("login", "coord_a"),
                ("password", PASSWORD),
                ("csrf", &first),
            ],
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    // Another browser gets a token of its own.
    let other = Browser::new(&app).get("/login").await.form_token();
    assert_ne!(other, first);
}

#[tokio::test]
async fn login_shows_the_dashboard_and_logout_ends_the_session() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::logged_in(&app, "coord_a").await;
    let cookie = browser.cookies[SESSION].clone();
    let set = browser.get("/").await;
    assert_eq!(set.status, StatusCode::OK);
    assert!(set.body.contains("Lenalidomide in refractory CLE"));
    assert!(set.body.contains("Signed in as"));
    let token = set.form_token();
    let out = browser.post("/logout", &[("csrf", &token)], &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/login"));
    assert_eq!(browser.session(), None, "logout deletes the cookie");
    // The old cookie replayed is no session any more.
    browser.cookies.insert(SESSION.into(), cookie);
    let replay = browser.get("/").await;
    assert_eq!(replay.status, StatusCode::SEE_OTHER);
    assert_eq!(replay.location(), Some("/login?next=%2F"));
}

#[tokio::test]
async fn pages_need_a_login() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::new(&app);
    for (path, back) in [
        ("/", "%2F"),
        ("/subjects", "%2Fsubjects"),
        ("/subjects/A-001?x=1", "%2Fsubjects%2FA-001%3Fx%3D1"),
    ] {
        let reply = browser.get(path).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(
            reply.location(),
            Some(format!("/login?next={back}").as_str()),
            "{path}"
        );
    }
}

/// After logging in again the user is back where they were going: the page asked for, or
/// for a form sent after the session ended the page it came from (asked to restore what was
/// typed). Another site's address is never a way back.
#[tokio::test]
async fn a_new_login_returns_to_the_page() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::new(&app);
    let referer = format!("{}/subjects/A-001", app.base);
    let sent = browser
        .post(
            "/subjects/A-001/queries",
            &[("question", "why")],
            &[("referer", &referer), ("origin", &app.base)],
        )
        .await;
    assert_eq!(
        sent.location(),
        Some("/login?next=%2Fsubjects%2FA-001%3Frestore%3D1")
    );
    let page = browser
        .get("/login?next=%2Fsubjects%2FA-001%3Frestore%3D1")
        .await;
    assert!(page.body.contains("the form was not saved"));
    assert!(
        page.body
            .contains("name=\"next\" value=\"/subjects/A-001?restore=1\"")
    );
    for (next, to) in [
        ("/subjects/A-001?restore=1", "/subjects/A-001?restore=1"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/login", "/"),
    ] {
        let mut browser = Browser::new(&app);
        let token = browser.get("/login").await.form_token();
        let reply = browser
            .post(
                "/login",
                &[
                    ("login", "coord_a"),
                    ("password", PASSWORD),
                    ("csrf", &token),
                    ("next", next),
                ],
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(reply.location(), Some(to), "{next}");
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_the_login_kept() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::new(&app);
    let reply = browser.log_in("coord_a", "not the password").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.body.contains("The login or the password is wrong."));
    assert!(reply.body.contains("value=\"coord_a\""), "login kept");
    assert!(reply.body.contains("aria-invalid=\"true\""));
    assert_eq!(browser.session(), None);
    // An unknown login gets the very same answer.
    let unknown = browser.log_in("nobody", "not the password").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(unknown.body.contains("The login or the password is wrong."));
}

#[tokio::test]
async fn empty_fields_are_named_next_to_the_field() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::new(&app);
    let no_login = browser.log_in("", PASSWORD).await;
    assert_eq!(no_login.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_login.body.contains("id=\"login-error\""));
    let no_password = browser.log_in("coord_a", "").await;
    assert_eq!(no_password.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_password.body.contains("id=\"password-error\""));
}

#[tokio::test]
async fn repeated_failures_slow_the_login_even_for_the_right_password() {
    let app = spawn_throttled(Backend::Sqlite, web::Config::default(), throttle_after(3)).await;
    let mut browser = Browser::new(&app);
    for _ in 0..3 {
        let reply = browser.log_in("coord_a", "wrong password").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let slowed = browser.log_in("coord_a", PASSWORD).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
    // The wait is 30 seconds from the third failure (less by the time since, on a slow run).
    let wait: i64 = slowed.headers["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=30).contains(&wait), "{wait}");
    assert!(
        slowed.body.contains(&format!(
            "Too many wrong passwords: this password was not checked. Try again in {wait} seconds"
        )),
        "{}",
        slowed.body
    );
    assert!(slowed.body.contains("value=\"coord_a\""), "login kept");
    assert_eq!(browser.session(), None);
    // Another login is not affected.
    Browser::logged_in(&app, "coord_b").await;
    // Unknown logins are slowed the same way, so a wait tells nothing about which accounts
    // exist.
    for _ in 0..3 {
        browser.log_in("nobody", "wrong password").await;
    }
    let unknown = browser.log_in("nobody", "wrong password").await;
    assert_eq!(unknown.status, StatusCode::TOO_MANY_REQUESTS);
}

/// 100 wrong passwords posted at once to one login: the count is taken with the check, so only
/// the free failures are checked (401) and the rest are refused unchecked (429); before, all
/// 100 were checked.
#[tokio::test]
async fn a_burst_of_guesses_is_checked_only_up_to_the_free_failures() {
    let app = spawn_throttled(Backend::Sqlite, web::Config::default(), throttle_after(3)).await;
    let mut forms = Vec::new();
    for _ in 0..100 {
        let mut browser = Browser::new(&app);
        let token = browser.get("/login").await.form_token();
        forms.push((browser, token));
    }
    let posts: Vec<_> = forms
        .into_iter()
        .map(|(mut browser, token)| {
            tokio::spawn(async move {
                let form = [
                    ("login", "coord_a"),
                    ("password", "wrong password"),
                    ("csrf", token.as_str()),
                ];
                browser.post("/login", &form, &[]).await.status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for post in posts {
        statuses.push(post.await.expect("task"));
    }
    let count = |status| statuses.iter().filter(|s| **s == status).count();
    assert_eq!(
        (
            count(StatusCode::UNAUTHORIZED),
            count(StatusCode::TOO_MANY_REQUESTS)
        ),
        (3, 97)
    );
}

/// Wrong passwords from a stranger slow every browser not yet trusted for the login, but not
/// the owner's own browser, which is then told of the attempts (OWASP ASVS 2.2.1).
#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out() {
    let app = spawn_throttled(Backend::Sqlite, web::Config::default(), throttle_after(3)).await;
    let mut owner = Browser::logged_in(&app, "coord_a").await;
    assert!(
        owner.cookies.contains_key(DEVICE),
        "the owner's browser is trusted"
    );
    let mut stranger = Browser::new(&app);
    for _ in 0..10 {
        stranger.log_in("coord_a", "guess").await;
    }
    assert_eq!(
        stranger.log_in("coord_a", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let told = owner.log_in("coord_a", PASSWORD).await;
    assert_eq!(told.status, StatusCode::OK, "{}", told.body);
    assert!(
        told.body
            .contains("Since your last login there were <strong>11 failed attempts</strong>"),
        "{}",
        told.body
    );
    assert!(owner.session().is_some());
    assert_eq!(owner.get("/").await.status, StatusCode::OK);
    // Told once: the next login goes straight to the dashboard.
    let again = owner.log_in("coord_a", PASSWORD).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_success_before_the_limit_resets_the_count() {
    let app = spawn_throttled(Backend::Sqlite, web::Config::default(), throttle_after(3)).await;
    let mut browser = Browser::new(&app);
    for _ in 0..2 {
        for _ in 0..2 {
            let wrong = browser.log_in("coord_a", "wrong password").await;
            assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        }
        // The third attempt is the right one: in, and told of the two before it.
        let reply = Browser::new(&app).log_in("coord_a", PASSWORD).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(reply.body.contains("<strong>2 failed attempts</strong>"));
    }
}

#[tokio::test]
async fn an_idle_session_ends() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::logged_in(&app, "coord_a").await;
    assert_eq!(browser.get("/").await.status, StatusCode::OK);
    // Thirty-one minutes pass without a request.
    execute_guarded(
        app.db.url(),
        "UPDATE web_session SET last_seen_at = last_seen_at - 1860",
    )
    .await
    .expect("age the session");
    let reply = browser.get("/").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/login?next=%2F"));
}

#[tokio::test]
async fn a_disabled_account_loses_its_session() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::logged_in(&app, "coord_a").await;
    let admin = app
        .store
        .authenticate("admin", &crate::support::password())
        .await
        .expect("admin");
    app.store
        .disable_user(&admin, "coord_a", "left the study team")
        .await
        .expect("disable");
    assert_eq!(browser.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_planted_session_cookie_is_never_adopted() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let planted = "a".repeat(64);
    let mut victim = Browser::new(&app);
    victim.cookies.insert(SESSION.into(), planted.clone());
    let reply = victim.log_in("coord_a", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let issued = victim.session().expect("a session").to_owned();
    assert_ne!(issued, planted, "login issues its own token");
    let mut attacker = Browser::new(&app);
    attacker.cookies.insert(SESSION.into(), planted);
    assert_eq!(attacker.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn logging_in_again_rotates_the_token_and_ends_the_old_session() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::logged_in(&app, "coord_a").await;
    let first = browser.session().expect("first").to_owned();
    let reply = browser.log_in("coord_a", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_ne!(browser.session(), Some(first.as_str()));
    let mut stale = Browser::new(&app);
    stale.cookies.insert(SESSION.into(), first);
    assert_eq!(stale.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn login_and_logout_work_on_postgresql() {
    let app = spawn_throttled(Backend::Postgres, web::Config::default(), throttle_after(2)).await;
    let mut browser = Browser::logged_in(&app, "coord_a").await;
    let page = browser.get("/subjects/A-001").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        browser.get("/subjects/B-001").await.status,
        StatusCode::NOT_FOUND
    );
    let token = page.form_token();
    browser.post("/logout", &[("csrf", &token)], &[]).await;
    assert_eq!(browser.get("/").await.status, StatusCode::SEE_OTHER);
    let mut other = Browser::new(&app);
    other.log_in("coord_b", "wrong").await;
    other.log_in("coord_b", "wrong").await;
    assert_eq!(
        other.log_in("coord_b", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// An administrator resets a password (issue 15, item 10): the user's sessions end, and after
/// logging in with the temporary password every page leads to the password page until they
/// have chosen their own; a refused change comes back naming the field.
#[tokio::test]
async fn a_reset_password_is_changed_before_anything_else() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut earlier = Browser::logged_in(&app, "coord_a").await;
    let admin = app
        .store
        .authenticate("admin", &crate::support::password())
        .await
        .expect("admin");
    let temporary = "amber tractor lullaby";
    app.store
        .reset_password(
            &admin,
            "coord_a",
            &store::Password::new(temporary).expect("temporary"),
            "forgot it",
        )
        .await
        .expect("reset");
    assert_eq!(earlier.get("/").await.location(), Some("/login?next=%2F"));
    let mut browser = Browser::new(&app);
    assert_eq!(
        browser.log_in("coord_a", temporary).await.location(),
        Some("/")
    );
    for path in ["/", "/subjects", "/subjects/A-001"] {
        assert_eq!(
            browser.get(path).await.location(),
            Some("/account/password"),
            "{path}"
        );
    }
    let page = browser.get("/account/password").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("An administrator reset your password"));
    let token = page.form_token();
    let new = "violet harbour kettle drum";
    for (typed_new, typed_again, field, message) in [
        (
            new,
            "violet harbour",
            "again",
            "The two new passwords differ",
        ),
        ("password1234", "password1234", "new", "too easy to guess"),
        (temporary, temporary, "new", "is the current password"),
    ] {
        let form = [
            ("current", temporary),
            ("new", typed_new),
            ("again", typed_again),
            ("csrf", token.as_str()),
        ];
        let refused = browser.post("/account/password", &form, &[]).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}"
        );
        assert!(
            refused.body.contains(&format!("id=\"{field}-error\""))
                && refused.body.contains(message),
            "{message}: {}",
            refused.body
        );
    }
    let form = [
        ("current", temporary),
        ("new", new),
        ("again", new),
        ("csrf", token.as_str()),
    ];
    let changed = browser.post("/account/password", &form, &[]).await;
    assert_eq!(changed.location(), Some("/"), "{}", changed.body);
    assert_eq!(
        browser.get("/").await.status,
        StatusCode::OK,
        "the session stays"
    );
    let mut again = Browser::new(&app);
    assert_eq!(again.log_in("coord_a", new).await.location(), Some("/"));
    assert_eq!(
        Browser::new(&app).log_in("coord_a", temporary).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// Behind a proxy named as trusted, the per-address count is per user's address (the last of
/// X-Forwarded-For); from anyone else the header is the client's own words and is ignored.
#[tokio::test]
async fn the_address_behind_a_trusted_proxy_is_the_one_counted() {
    let throttle = store::Throttle {
        client_free_failures: 2,
        ..store::Throttle::default()
    };
    for (trusted, other_address_slowed) in [(true, false), (false, true)] {
        let config = web::Config {
            trusted_proxies: if trusted {
                vec!["127.0.0.1".parse().expect("address")]
            } else {
                Vec::new()
            },
            ..web::Config::default()
        };
        let app = spawn_throttled(Backend::Sqlite, config, throttle).await;
        let mut browser = Browser::new(&app);
        let mut attempt = async |login: &str, forwarded: &str| {
            let token = browser.get("/login").await.form_token();
            let form = [("login", login), ("password", "guess"), ("csrf", &token)];
            let header = [("x-forwarded-for", forwarded)];
            browser.post("/login", &form, &header).await.status
        };
        for login in ["nobody1", "nobody2"] {
            // The first entry is the client's to write; the proxy's own is the last.
            let status = attempt(login, "10.9.9.9, 198.51.100.7").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "trusted {trusted}");
        }
        let other = attempt("nobody3", "203.0.113.5").await;
        assert_eq!(
            other == StatusCode::TOO_MANY_REQUESTS,
            other_address_slowed,
            "trusted {trusted}: {other}"
        );
    }
}
