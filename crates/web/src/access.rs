//! The check a route was registered with ([`Scope`], `routes::Routes`), made before its handler
//! runs. A handler takes the extractor of its scope and receives the user together with what
//! they may touch:
//! - [`Allowed`]: `Scope::LoggedIn` and `Scope::Study` (the action checked with no site);
//! - [`SubjectAccess`]: `Scope::Subject`, the subject `{code}` of the path, checked at its site
//!   (another site's subject answers 404, like a missing one);
//! - [`SiteAccess`]: `Scope::Site`, the action checked at the site the body names, with
//!   [`SiteAccess::at`].
//!
//! Each is generic over the [`Caller`]: the session's [`Principal`] for pages, the token's
//! `api::ApiPrincipal` for the API, each refusing in its channel's terms.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use store::{StoreError, Subject};

use crate::AppState;
use crate::error::PageError;
use crate::policy::{Action, Denied, Scope};
use crate::session::Principal;

/// Who makes a request, on one channel.
pub(crate) trait Caller: FromRequestParts<AppState> + Send {
    /// How the channel answers a refusal.
    type Refusal: From<Denied> + From<StoreError> + From<Self::Rejection> + IntoResponse;

    fn principal(&self) -> &Principal;
}

impl Caller for Principal {
    type Refusal = PageError;

    fn principal(&self) -> &Principal {
        self
    }
}

/// A user who passed the route's study-wide check, or any logged-in user.
pub(crate) struct Allowed<P = Principal>(pub(crate) P);

/// The caller and the subject `{code}` of the path, once the caller may do the route's action at
/// the subject's site.
pub(crate) struct SubjectAccess<P = Principal>(pub(crate) P, pub(crate) Subject);

/// A user about to do the route's action at the site the request names, which
/// [`SiteAccess::at`] checks.
pub(crate) struct SiteAccess<P = Principal> {
    pub(crate) caller: P,
    action: Action,
}

impl<P: Caller> SiteAccess<P> {
    /// Refuses unless the user may do the route's action at `site`.
    pub(crate) fn at(&self, site: &str) -> Result<(), Denied> {
        self.caller.principal().require(self.action, Some(site))
    }
}

/// The scope the route was registered with, and the caller.
async fn scoped<P: Caller>(parts: &mut Parts, state: &AppState) -> Result<(Scope, P), P::Refusal> {
    let scope = parts
        .extensions
        .get::<Scope>()
        .copied()
        .ok_or_else(|| misregistered(parts, "no scope"))?;
    let caller = P::from_request_parts(parts, state).await?;
    Ok((scope, caller))
}

/// A handler whose extractor does not fit its route's scope: a programming error, which the
/// authorisation matrix test (every endpoint, every role) finds as a 500.
fn misregistered(parts: &Parts, problem: &str) -> StoreError {
    StoreError::Other(format!("route {} {}: {problem}", parts.method, parts.uri.path()).into())
}

impl<P: Caller> FromRequestParts<AppState> for Allowed<P> {
    type Rejection = P::Refusal;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Allowed<P>, P::Refusal> {
        let (scope, caller) = scoped::<P>(parts, state).await?;
        match scope {
            Scope::Public | Scope::LoggedIn => {}
            Scope::Study(action) => caller.principal().require(action, None)?,
            Scope::Site(_) | Scope::Subject(_) => {
                return Err(misregistered(parts, "its check needs a site").into());
            }
        }
        Ok(Allowed(caller))
    }
}

impl<P: Caller> FromRequestParts<AppState> for SubjectAccess<P> {
    type Rejection = P::Refusal;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<SubjectAccess<P>, P::Refusal> {
        let (scope, caller) = scoped::<P>(parts, state).await?;
        let Scope::Subject(action) = scope else {
            return Err(misregistered(parts, "its scope is not a subject's").into());
        };
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| misregistered(parts, "no path parameters"))?;
        let code = params
            .iter()
            .find_map(|(name, value)| (name == "code").then(|| value.to_owned()))
            .ok_or_else(|| misregistered(parts, "no {code} in the path"))?;
        let subject = state.store.subject_by_code(&code).await?;
        caller
            .principal()
            .require(action, Some(&subject.data.site))?;
        Ok(SubjectAccess(caller, subject))
    }
}

impl<P: Caller> FromRequestParts<AppState> for SiteAccess<P> {
    type Rejection = P::Refusal;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<SiteAccess<P>, P::Refusal> {
        let (scope, caller) = scoped::<P>(parts, state).await?;
        let Scope::Site(action) = scope else {
            return Err(misregistered(parts, "its scope is not a site's").into());
        };
        // Checked only at the site the request names: a site the user cannot read answers 404
        // there, as a subject of it would.
        Ok(SiteAccess { caller, action })
    }
}
