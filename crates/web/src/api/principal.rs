//! Who sends an API request: the [`ApiPrincipal`] extractor.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::AppState;
use crate::access::Caller;
use crate::api::error::ApiError;
use crate::session::{Principal, random_token};

/// The user of an API request, from `Authorization: Bearer <token>` only: a cookie never
/// authenticates the API (so no other site can make a browser call it) and a token never opens
/// a page (the page extractor reads only the session cookie).
pub(crate) struct ApiPrincipal(pub(crate) Principal);

impl FromRequestParts<AppState> for ApiPrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ApiPrincipal, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        let actor = state
            .store
            .token_actor(token)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        crate::trace::user(actor.user_id());
        let grants = state.store.grants_of(actor.user_id()).await?;
        // No form is posted under a token; its form token is a fresh secret nobody holds.
        Ok(ApiPrincipal(Principal {
            actor,
            csrf_token: random_token()?,
            grants,
            must_change_password: false,
            idle_timeout_seconds: state.config.idle_timeout_seconds,
        }))
    }
}

impl Caller for ApiPrincipal {
    type Refusal = ApiError;

    fn principal(&self) -> &Principal {
        &self.0
    }
}
