//! Cross-site requests refused, security headers on every reply, no server error on bad input.

use reqwest::StatusCode;
use store::Backend;

use crate::support::{Browser, PASSWORD, Reply, spawn_app};

const FOREIGN: [(&str, &str); 4] = [
    ("origin", "http://evil.example"),
    ("origin", "null"),
    ("sec-fetch-site", "cross-site"),
    ("sec-fetch-site", "same-site"),
];

#[tokio::test]
async fn logout_without_the_session_token_is_refused() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::logged_in(&app, "coord_a").await;
    for form in [&[][..], &[("csrf", "0".repeat(64).as_str())][..]] {
        let reply = browser.post("/logout", form, &[]).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{form:?}");
        assert!(reply.body.contains("Form refused"));
    }
    assert_eq!(
        browser.get("/").await.status,
        StatusCode::OK,
        "still logged in"
    );
}

#[tokio::test]
async fn state_changes_from_another_origin_are_refused() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::logged_in(&app, "coord_a").await;
    let token = browser.get("/").await.form_token();
    for header in FOREIGN {
        let reply = browser
            .post("/logout", &[("csrf", &token)], &[header])
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{header:?}");
    }
    assert_eq!(
        browser.get("/").await.status,
        StatusCode::OK,
        "still logged in"
    );
    // The same request from this origin goes through.
    let origin = format!("http://{}", app.base.trim_start_matches("http://"));
    let reply = browser
        .post(
            "/logout",
            &[("csrf", &token)],
            &[("origin", &origin), ("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_login_post_needs_the_login_pages_token_and_origin() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    // No login page visited: no token cookie.
    let mut fresh = Browser::new(&app);
    let reply = fresh
        .post(
            "/login",
            &[("login", "coord_a"), ("password", PASSWORD), ("csrf", "x")],
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    // The page visited but another token posted.
    let mut browser = Browser::new(&app);
    browser.get("/login").await;
    let forged = browser
        .post(
            "/login",
            &[("login", "coord_a"), ("password", PASSWORD), ("csrf", "x")],
            &[],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // The right token from a foreign origin.
    let token = browser.get("/login").await.form_token();
    for header in FOREIGN {
        let reply = browser
            .post(
                "/login",
                &[
                    ("login", "coord_a"),
                    ("password", PASSWORD),
                    ("csrf", &token),
                ],
                &[header],
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{header:?}");
    }
    assert_eq!(browser.session(), None);
}

#[track_caller]
fn check_headers(reply: &Reply, what: &str) {
    let header = |name: &str| {
        reply
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
            .to_owned()
    };
    let csp = header("content-security-policy");
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{what}: CSP lacks {part}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "same-origin", "{what}");
}

#[tokio::test]
async fn every_reply_carries_the_security_headers() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut anonymous = Browser::new(&app);
    check_headers(&anonymous.get("/login").await, "login page");
    check_headers(&anonymous.get("/").await, "redirect to login");
    check_headers(&anonymous.get("/static/style.css").await, "style sheet");
    let mut browser = Browser::logged_in(&app, "coord_a").await;
    let dashboard = browser.get("/").await;
    check_headers(&dashboard, "dashboard");
    assert_eq!(
        dashboard.headers.get("cache-control").map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    check_headers(&browser.get("/subjects/B-001").await, "404");
    check_headers(&browser.post("/logout", &[], &[]).await, "403");
}

#[tokio::test]
async fn hsts_is_sent_with_secure_cookies_only() {
    let hsts = |reply: &Reply| {
        reply
            .headers
            .get("strict-transport-security")
            .map(|value| value.to_str().expect("ascii").to_owned())
    };
    let secure = web::Config {
        secure_cookies: true,
        ..web::Config::default()
    };
    for (config, expect) in [
        (web::Config::default(), None),
        (secure, Some("max-age=31536000".to_owned())),
    ] {
        let app = spawn_app(Backend::Sqlite, config).await;
        let mut browser = Browser::new(&app);
        assert_eq!(hsts(&browser.get("/login").await), expect, "login page");
        assert_eq!(hsts(&browser.get("/nowhere").await), expect, "404");
        let refused = browser.post("/logout", &[], &[]).await;
        assert_eq!(hsts(&refused), expect, "{}", refused.status);
    }
}

#[tokio::test]
async fn session_cookies_are_http_only_and_same_site() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::new(&app);
    let reply = browser.log_in("coord_a", PASSWORD).await;
    let cookies: Vec<&str> = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect();
    let session = cookies
        .iter()
        .find(|cookie| cookie.starts_with("cletrial_session="))
        .expect("a session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(!session.contains("Secure"), "plain HTTP by default");
    let config = web::Config {
        secure_cookies: true,
        ..web::Config::default()
    };
    let secure_app = spawn_app(Backend::Sqlite, config).await;
    let reply = Browser::new(&secure_app).get("/login").await;
    let cookie = reply.headers.get("set-cookie").expect("login cookie");
    assert!(cookie.to_str().is_ok_and(|text| text.contains("; Secure")));
}

#[tokio::test]
async fn bad_input_never_gives_a_server_error() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::logged_in(&app, "coord_a").await;
    let long = "x".repeat(10_000);
    for path in [
        "/subjects/%00",
        "/subjects/'%3B%20DROP%20TABLE%20subject%3B--",
        "/subjects/%E2%9C%93",
        "/subjects/a/b",
        "/nowhere",
        &format!("/subjects/{long}"),
    ] {
        let reply = browser.get(path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
    let mut anonymous = Browser::new(&app);
    let token = anonymous.get("/login").await.form_token();
    let bodies = [
        ("application/x-www-form-urlencoded", format!("csrf={token}")),
        (
            "application/x-www-form-urlencoded",
            format!("csrf={token}&login={long}&password={long}"),
        ),
        (
            "application/x-www-form-urlencoded",
            format!("csrf={token}&login=%FF%FE&password=%00"),
        ),
        ("application/x-www-form-urlencoded", "%%%&&==".to_owned()),
        ("application/json", format!("{{\"csrf\":\"{token}\"}}")),
        ("text/plain", String::new()),
    ];
    for (content_type, body) in bodies {
        let reply = anonymous
            .post_raw("/login", content_type, body.clone(), &[])
            .await;
        assert!(
            reply.status.is_client_error(),
            "{content_type} {body:.80}: {}",
            reply.status
        );
    }
}
