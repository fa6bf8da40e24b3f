//! The study dashboard, for the sites the user reads: the user's worklists (`worklist`: what
//! their roles have to do next), enrolment per site, unresolved data queries, and safety signals
//! (serious adverse events and CTCAE grade >= 3). Every figure comes from a per-site query. An
//! administrator also sees the security events (repeated wrong passwords).

use axum::extract::State;
use maud::{Markup, html};
use store::{Role, SecurityEvent};

use crate::AppState;
use crate::error::PageError;
use crate::pages::layout;
use crate::pages::worklist::{self, Worklist};
use crate::policy::Action;
use crate::session::Principal;

/// Safety signals listed per site (the newest).
const SIGNALS_SHOWN: i64 = 20;

/// Security events shown to an administrator (the newest).
const SECURITY_EVENTS_SHOWN: i64 = 20;

/// Repeated password failures, for the administrator to review (21 CFR 11.300(d)).
fn security_panel(events: &[SecurityEvent]) -> Markup {
    let time = |at: i64| {
        jiff::Timestamp::from_second(at)
            .map(|at| at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default()
    };
    html! {
        div.alert role="status" {
            h2 { "Security events: repeated wrong passwords" }
            table {
                caption { "The newest " (events.len()) "; further attempts on these logins and addresses are delayed" }
                thead { tr {
                    th scope="col" { "When" }
                    th scope="col" { "Login" }
                    th scope="col" { "Address" }
                    th scope="col" { "What happened" }
                } }
                tbody {
                    @for event in events {
                        tr {
                            td { (time(event.at)) }
                            td { (event.login) }
                            td { (event.client.as_deref().unwrap_or("not known")) }
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
        .map(|role| role.as_str().replace('_', " "))
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
    let work = worklist::gather(&state, &principal, &lists, today).await?;
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
        let labs = worklist::unlogged_labs(&state, &counts.site).await?;
        per_site.push((counts, signals, labs, open));
    }
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
    let body = html! {
        p.lead { (study.title) " · protocol version " (study.protocol_version) }
        @if principal.require(Action::Screen, None).is_ok() {
            p { a.button href="/screening" { "Screen a candidate" } " " a href="/subjects" { "All subjects at your sites" } }
        }
        @if !security.is_empty() {
            (security_panel(&security))
        }
        @if !work.is_empty() {
            (worklist::panel(&work))
        }
        @if principal.require(Action::Export, None).is_ok() {
            section.downloads {
                h2 { "Report and exports" }
                p {
                    a href=(crate::pages::downloads::PATH) { "Download the study report and the data sets" }
                    " (pseudonymised: tidy CSV, SDTM as CSV or SAS transport); each download is recorded in the audit trail."
                }
            }
        }
        @if per_site.is_empty() {
            p { "You hold no role at any site yet, so no subjects are shown. An administrator grants roles per site." }
        } @else {
            h2 { "Enrolment at your sites" }
            table {
                caption { "Subjects per site: screened, with consent (or consent waived in a chart review), enrolled; unresolved data queries" }
                thead { tr {
                    th scope="col" { "Site" }
                    th scope="col" { "Your roles" }
                    th scope="col" class="num" { "Screened" }
                    th scope="col" class="num" { "Consented" }
                    th scope="col" class="num" { "Enrolled" }
                    th scope="col" class="num" { "Open queries" }
                    th scope="col" class="num" { "Safety signals" }
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
                    h2 { "Safety signals: serious or CTCAE grade ≥ 3" }
                    ul {
                        @for (_, signals, labs, _) in &per_site {
                            @for lab in labs {
                                li {
                                    a href={ "/subjects/" (lab.subject) } { (lab.subject) }
                                    " (site " (lab.site) "): " a href=(lab.href) { (lab.what) } ", collected " (lab.date)
                                }
                            }
                            @for signal in signals {
                                li {
                                    a href={ "/subjects/" (signal.subject) "/adverse-events" } { (signal.subject) }
                                    " (site " (signal.site) "): " (signal.term) ", grade " (signal.grade)
                                    @if signal.serious { ", serious" }
                                    ", from " (signal.start_date)
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
