//! The study dashboard, for the sites the user reads: enrolment per site, visits due and
//! overdue by the protocol's calendar, unresolved data queries, and safety signals (serious
//! adverse events and CTCAE grade >= 3). Every figure comes from a per-site query. An
//! administrator also sees the security events (repeated wrong passwords).

use axum::extract::State;
use jiff::civil::Date;
use maud::{Markup, html};
use protocol::Protocol;
use store::{EnrolledSubject, Role, SecurityEvent};

use crate::AppState;
use crate::error::PageError;
use crate::pages::layout;
use crate::policy::Action;
use crate::session::Principal;
use crate::study;

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

/// Where one scheduled visit stands on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    /// Its window is open and no visit took place in it.
    Due,
    /// Its window closed without a visit in it.
    Overdue,
}

/// The subject's scheduled visits that are due or overdue on `today`: a visit counts for a
/// slot when its date falls in the slot's window (PROTOCOL.md schedule, windows in the file).
fn due_visits(protocol: &Protocol, subject: &EnrolledSubject, today: Date) -> Vec<(Date, Due)> {
    let calendar = protocol::schedule::calendar(protocol.schedule(), subject.enrolment_date);
    calendar
        .visits
        .iter()
        .filter(|slot| slot.day > 0 && slot.earliest <= today)
        .filter(|slot| {
            !subject
                .visit_dates
                .iter()
                .any(|date| (slot.earliest..=slot.latest).contains(date))
        })
        .map(|slot| {
            (
                slot.date,
                if slot.latest < today {
                    Due::Overdue
                } else {
                    Due::Due
                },
            )
        })
        .collect()
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
    let protocol = study::protocol_of(&state.store).await?;
    let today = jiff::Zoned::now().date();
    let mut per_site = Vec::new();
    for counts in &counts {
        let signals = state
            .store
            .safety_signals_at(&counts.site, SIGNALS_SHOWN)
            .await?;
        let enrolled = state.store.enrolled_at(&counts.site).await?;
        let due: Vec<(String, Date, Due)> = match &protocol {
            Ok(protocol) => enrolled
                .iter()
                .flat_map(|subject| {
                    due_visits(protocol, subject, today)
                        .into_iter()
                        .map(|(date, due)| (subject.subject.clone(), date, due))
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let open = queries
            .iter()
            .find(|(site, _)| *site == counts.site)
            .map_or(0, |(_, n)| *n);
        per_site.push((counts, signals, due, open));
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
                    th scope="col" class="num" { "Visits due" }
                    th scope="col" class="num" { "Overdue" }
                    th scope="col" class="num" { "Open queries" }
                    th scope="col" class="num" { "Safety signals" }
                } }
                tbody {
                    @for (counts, signals, due, open) in &per_site {
                        tr {
                            th scope="row" { (counts.site) " · " (name(&counts.site)) }
                            td { (roles_text(&principal.roles_at(&counts.site))) }
                            td.num { (counts.screened) }
                            td.num { (counts.consented) }
                            td.num { (counts.enrolled) }
                            td.num { (due.iter().filter(|(_, _, d)| *d == Due::Due).count()) }
                            td.num { (due.iter().filter(|(_, _, d)| *d == Due::Overdue).count()) }
                            td.num.queries { (open) }
                            td.num.alerted[!signals.is_empty()] { (signals.len()) }
                        }
                    }
                }
            }
            @if per_site.iter().any(|(_, signals, _, _)| !signals.is_empty()) {
                div.alert.safety role="alert" {
                    h2 { "Safety signals: serious or CTCAE grade ≥ 3" }
                    ul {
                        @for (_, signals, _, _) in &per_site {
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
            @if per_site.iter().any(|(_, _, due, _)| !due.is_empty()) {
                h2 { "Visits due and overdue" }
                table {
                    thead { tr { th scope="col" { "Subject" } th scope="col" { "Scheduled" } th scope="col" { "Status" } } }
                    tbody {
                        @for (_, _, due, _) in &per_site {
                            @for (subject, date, status) in due {
                                tr.alerted[*status == Due::Overdue] {
                                    th scope="row" { a href={ "/subjects/" (subject) } { (subject) } }
                                    td { (date) }
                                    td { (if *status == Due::Overdue { "overdue" } else { "due" }) }
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The shipped protocol: visits every 4 weeks (window +/- 7 days) six times, then 12-weekly.
    fn shipped() -> Protocol {
        Protocol::from_toml(include_str!("../../../../protocols/nct01408199.toml"))
            .expect("protocol")
    }

    #[track_caller]
    fn check(visits: &[Date], today: Date, expect: &[(Date, Due)]) {
        let subject = EnrolledSubject {
            subject: "A-001".into(),
            enrolment_date: date(2025, 1, 1),
            visit_dates: visits.to_vec(),
        };
        assert_eq!(due_visits(&shipped(), &subject, today), expect);
    }

    #[test]
    fn a_visit_is_due_inside_its_window_and_overdue_after_it() {
        let week4 = date(2025, 1, 29);
        // Before the window opens (day 21): nothing due.
        check(&[], date(2025, 1, 21), &[]);
        // The window opens on day 22 (7 days early).
        check(&[], date(2025, 1, 22), &[(week4, Due::Due)]);
        // Last day of the window (day 35): still due, not overdue.
        check(&[], date(2025, 2, 5), &[(week4, Due::Due)]);
        // The day after the window: overdue.
        check(&[], date(2025, 2, 6), &[(week4, Due::Overdue)]);
        // A visit inside the window settles it; one outside does not.
        check(&[date(2025, 2, 5)], date(2025, 2, 6), &[]);
        check(
            &[date(2025, 2, 6)],
            date(2025, 2, 6),
            &[(week4, Due::Overdue)],
        );
    }
}
