//! Registering a route: its path, the check it makes and its handler, in one call.
//!
//! `Routes::new().get("/subjects/{code}", Scope::Subject(Action::ReadSubject), page)`: the scope
//! travels with the route into each request (an extension), and the handler's extractor
//! (`access`) makes the check before the handler runs, so no handler names its own action. The
//! list the authorisation matrix walks (`web::endpoints`) is the router's own.

use axum::handler::Handler;
use axum::routing::{MethodFilter, on};
use axum::{Extension, Router};

use crate::AppState;
use crate::policy::{Endpoint, Scope, Verb};

/// A router under construction, with the endpoint of each route.
pub(crate) struct Routes {
    router: Router<AppState>,
    endpoints: Vec<Endpoint>,
}

impl Routes {
    pub(crate) fn new() -> Routes {
        Routes {
            router: Router::new(),
            endpoints: Vec::new(),
        }
    }

    /// Adds a route checked as `scope` says. Panics on a method and path registered twice: a
    /// programming error every test that builds the router reports.
    pub(crate) fn add<H, T>(
        mut self,
        verb: Verb,
        path: &'static str,
        scope: Scope,
        handler: H,
    ) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        assert!(
            !self.serves(verb, path),
            "route {verb:?} {path} is registered twice"
        );
        let filter = match verb {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
        };
        self.router = self
            .router
            .route(path, on(filter, handler).layer(Extension(scope)));
        self.endpoints.push(Endpoint { verb, path, scope });
        self
    }

    pub(crate) fn get<H, T>(self, path: &'static str, scope: Scope, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Verb::Get, path, scope, handler)
    }

    pub(crate) fn post<H, T>(self, path: &'static str, scope: Scope, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Verb::Post, path, scope, handler)
    }

    /// These routes and those `add` registers (a module's `routes`).
    pub(crate) fn with(self, add: fn(Routes) -> Routes) -> Routes {
        add(self)
    }

    /// Both sets of routes in one.
    pub(crate) fn merge(mut self, other: Routes) -> Routes {
        for endpoint in &other.endpoints {
            assert!(
                !self.serves(endpoint.verb, endpoint.path),
                "route {:?} {} is registered twice",
                endpoint.verb,
                endpoint.path
            );
        }
        self.router = self.router.merge(other.router);
        self.endpoints.extend(other.endpoints);
        self
    }

    fn serves(&self, verb: Verb, path: &str) -> bool {
        self.endpoints
            .iter()
            .any(|endpoint| endpoint.verb == verb && endpoint.path == path)
    }

    /// Every route registered, in order.
    pub(crate) fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }

    pub(crate) fn finish(self) -> Router<AppState> {
        self.router
    }
}
