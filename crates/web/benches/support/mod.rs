//! What the web benchmarks share.

use reqwest::header::SET_COOKIE;

/// A login form ready to post: its cookie and token.
pub async fn login_form(client: &reqwest::Client, base: &str) -> (String, String) {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page");
    let cookie = page
        .headers()
        .get(SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .expect("login cookie")
        .to_owned();
    let body = page.text().await.expect("body");
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker).expect("csrf") + marker.len();
    let token = body[start..start + body[start..].find('"').expect("end")].to_owned();
    (cookie, token)
}
