//! The files every page uses, compiled into the binary: the style sheet, the one script and the
//! icon. The CSP allows style and script from this origin only.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

use crate::policy::Scope;
use crate::routes::Routes;

/// The style sheet, the script and the icon, for anyone (the login page uses them).
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .get("/static/style.css", Scope::Public, style)
        .get("/static/app.js", Scope::Public, script)
        .get("/static/icon.svg", Scope::Public, icon)
}

/// The one style sheet, compiled into the binary.
async fn style() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
}

/// The page icon (so browsers find one and log no missing file).
async fn icon() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "image/svg+xml"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/icon.svg"),
    )
}

/// The one script (live totals), compiled into the binary; the CSP allows only this origin's.
async fn script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.js"),
    )
}
