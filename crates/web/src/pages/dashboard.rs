//! The study dashboard, for the sites the user reads: the user's worklists (`worklist`: what
//! their roles have to do next), enrolment per site, unresolved data queries, and safety signals
//! (serious adverse events and CTCAE grade >= 3). Every figure comes from a per-site query. An
//! administrator also sees the security events (repeated wrong passwords).

use axum::extract::State;
use maud::{Markup, html};
use store::{Role, SecurityEvent};
use words::Arg;

use crate::AppState;
use crate::error::PageError;
use crate::locale;
use crate::pages::worklists::{self, Worklist};
use crate::pages::{layout, words};
use crate::policy::Action;
use crate::policy::Scope;
use crate::routes::Routes;
use crate::session::Principal;

/// Safety signals listed per site (the newest).
const SIGNALS_SHOWN: i64 = 20;

/// Security events shown to an administrator (the newest).
const SECURITY_EVENTS_SHOWN: i64 = 20;

/// Repeated password failures, for the administrator to review (21 CFR 11.300(d)).
fn security_panel(events: &[SecurityEvent]) -> Markup {
    let words = words();
    let time = |at: i64| {
        jiff::Timestamp::from_second(at)
            .map(locale::time)
            .unwrap_or_default()
    };
    html! {
        div.alert role="status" {
            h2 { (words.get("security-title")) }
            table {
                caption { (words.format("security-caption", &[("count", Arg::from(events.len()))])) }
                thead { tr {
                    th scope="col" { (words.get("security-when")) }
                    th scope="col" { (words.get("security-login")) }
                    th scope="col" { (words.get("security-address")) }
                    th scope="col" { (words.get("security-what")) }
                } }
                tbody {
                    @for event in events {
                        tr {
                            td { (time(event.at)) }
                            td { (event.login) }
                            td { (event.client.clone().unwrap_or_else(|| words.get("security-address-unknown"))) }
                            td { (event.detail) }
                        }
                    }
                }
            }
        }
    }
}

fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|role| words().get(&format!("role-{}", role.as_str())))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) async fn page(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Markup, PageError> {
    let study = state.store.study().await?;
    let counts: Vec<_> = state
        .store
        .site_counts()
        .await?
        .into_iter()
        .filter(|counts| principal.reads_site(&counts.site))
        .collect();
    let sites = state.store.sites().await?;
    let queries = state.store.unresolved_queries_per_site().await?;
    let today = jiff::Zoned::now().date();
    let lists = Worklist::of(&principal);
    let work = worklists::gather(&state, &principal, &lists, today).await?;
    let mut per_site = Vec::new();
    for counts in &counts {
        let signals = state
            .store
            .safety_signals_at(&counts.site, SIGNALS_SHOWN)
            .await?;
        let open = queries
            .iter()
            .find(|(site, _)| *site == counts.site)
            .map_or(0, |(_, n)| *n);
        let labs = worklists::unlogged_labs(&state, &counts.site).await?;
        per_site.push((counts, signals, labs, open));
    }
    // The sponsor's notifications: the count, with the list a click away.
    let unblindings = if principal.require(Action::ReadUnblindings, None).is_ok() {
        Some(state.store.unblinding_count().await?)
    } else {
        None
    };
    let security = if principal.actor.is_admin() {
        state.store.security_events(SECURITY_EVENTS_SHOWN).await?
    } else {
        Vec::new()
    };
    let name = |code: &str| {
        sites
            .iter()
            .find(|site| site.code == code)
            .map_or_else(String::new, |site| site.name.clone())
    };
    let words = words();
    let body = html! {
        p.lead { (study.title) " · " (words.format("dashboard-protocol-version", &[("version", Arg::from(study.protocol_version))])) }
        @if principal.require(Action::Screen, None).is_ok() {
            p { a.button href="/screening" { (words.get("dashboard-screen")) } " " a href="/subjects" { (words.get("dashboard-all-subjects")) } }
        }
        @if !security.is_empty() {
            (security_panel(&security))
        }
        @if !work.is_empty() {
            (worklists::panel(&work))
        }
        @if principal.require(Action::Export, None).is_ok() {
            section.downloads {
                h2 { (words.get("dashboard-downloads")) }
                p {
                    a href=(crate::pages::downloads::PATH) { (words.get("dashboard-downloads-link")) }
                    " " (words.get("dashboard-downloads-then"))
                }
            }
        }
        @if let Some(count) = unblindings {
            section.unblindings.alert[count > 0] role=[(count > 0).then_some("alert")] {
                h2 { (words.get("unblindings-title")) }
                p { a href=(crate::pages::subjects::unblinding::UNBLINDINGS) { (words.format("dashboard-unblindings", &[("count", Arg::from(count))])) } }
            }
        }
        @if per_site.is_empty() {
            @if unblindings.is_none() {
                p { (words.get("dashboard-no-role")) }
            }
        } @else {
            h2 { (words.get("dashboard-enrolment")) }
            table {
                caption { (words.get("dashboard-enrolment-caption")) }
                thead { tr {
                    th scope="col" { (words.get("dashboard-site")) }
                    th scope="col" { (words.get("dashboard-roles")) }
                    th scope="col" class="num" { (words.get("dashboard-screened")) }
                    th scope="col" class="num" { (words.get("dashboard-consented")) }
                    th scope="col" class="num" { (words.get("dashboard-enrolled")) }
                    th scope="col" class="num" { (words.get("dashboard-open-queries")) }
                    th scope="col" class="num" { (words.get("dashboard-safety-signals")) }
                } }
                tbody {
                    @for (counts, signals, labs, open) in &per_site {
                        tr {
                            th scope="row" { (counts.site) " · " (name(&counts.site)) }
                            td { (roles_text(&principal.roles_at(&counts.site))) }
                            td.num { (counts.screened) }
                            td.num { (counts.consented) }
                            td.num { (counts.enrolled) }
                            td.num.queries { (open) }
                            td.num.alerted[!signals.is_empty() || !labs.is_empty()] { (signals.len() + labs.len()) }
                        }
                    }
                }
            }
            @if per_site.iter().any(|(_, signals, labs, _)| !signals.is_empty() || !labs.is_empty()) {
                div.alert.safety role="alert" {
                    h2 { (words.get("dashboard-signals-title")) }
                    ul {
                        @for (_, signals, labs, _) in &per_site {
                            @for lab in labs {
                                li {
                                    a href={ "/subjects/" (lab.subject) } { (lab.subject) }
                                    " " (words.format("dashboard-signal-site", &[("site", Arg::from(lab.site.as_str()))])) " "
                                    a href=(lab.href) { (lab.what) }
                                    (words.format("dashboard-signal-collected", &[("date", Arg::from(lab.date.to_string()))]))
                                }
                            }
                            @for signal in signals {
                                li {
                                    a href={ "/subjects/" (signal.subject) "/adverse-events" } { (signal.subject) }
                                    " " (words.format("dashboard-signal-site", &[("site", Arg::from(signal.site.as_str()))])) " "
                                    (signal.term)
                                    (words.format("dashboard-signal-grade", &[("grade", Arg::from(signal.grade.to_string()))]))
                                    @if signal.serious { (words.get("dashboard-signal-serious")) }
                                    (words.format("dashboard-signal-from", &[("date", Arg::from(signal.start_date.to_string()))]))
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&study.code, Some(&principal), body))
}

/// The dashboard, the home page.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.get("/", Scope::LoggedIn, page)
}
