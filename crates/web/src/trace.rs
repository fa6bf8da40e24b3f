//! The request's span: everything logged while a request is answered names its route and, once
//! known, its user. The route is the template (`/subjects/{code}`), never the path, and the user
//! is the account's number, never a name: nothing that names a person reaches a log.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The middleware that answers each request inside its span.
pub(crate) async fn span(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str)
        .to_owned();
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        user = tracing::field::Empty,
    );
    async move {
        let response = next.run(request).await;
        tracing::debug!(status = response.status().as_u16(), "answered");
        response
    }
    .instrument(span)
    .await
}

/// Names the user of the request being answered in its span (the page and API extractors call
/// it once they know who it is).
pub(crate) fn user(id: i64) {
    tracing::Span::current().record("user", id);
}
