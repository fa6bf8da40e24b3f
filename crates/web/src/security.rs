//! Headers on every response, and the refusal of cross-origin state changes.

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::PageError;

/// Only this origin's files; no inline script or style, no framing, forms post back here only.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub(crate) async fn headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    // A patient link's secret is its address: no page of it names that address to anyone.
    let patient = request.uri().path().starts_with(PATIENT_PREFIX);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Not `no-referrer`: under it browsers send `Origin: null` with every form post, which
        // the same-origin check below must then refuse. `same-origin` still sends nothing to
        // other sites.
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if patient {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    // Pages hold clinical data: no copies in shared or browser caches.
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    // Served over HTTPS (the setting says so): browsers are to come back over HTTPS only.
    if state.config.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Refuses a state-changing request a browser says came from another site. Requests without
/// either header (scripts, older browsers) pass here and still need the form's token.
pub(crate) async fn same_origin(request: Request, next: Next) -> Response {
    let patient = request.uri().path().starts_with(PATIENT_PREFIX);
    if request.method().is_safe()
        || from_this_origin(request.headers())
        || (patient && null_origin_from_this_site(request.headers()))
    {
        next.run(request).await
    } else {
        PageError::CrossSite.into_response()
    }
}

/// Where the patient's pages are (`pages::patient`).
const PATIENT_PREFIX: &str = "/p/";

/// A form sent from a page under `Referrer-Policy: no-referrer`, which browsers send with
/// `Origin: null`: from this site when the browser's own `Sec-Fetch-Site` (a header no page can
/// set) says so.
fn null_origin_from_this_site(headers: &HeaderMap) -> bool {
    headers
        .get(header::ORIGIN)
        .is_some_and(|origin| origin == "null")
        && headers
            .get("sec-fetch-site")
            .is_some_and(|site| site == "same-origin")
}

fn from_this_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).map(HeaderValue::as_bytes);
    let authority = origin
        .to_str()
        .ok()
        .and_then(|origin| {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
        })
        .map(str::as_bytes);
    authority.is_some() && authority == host
}
