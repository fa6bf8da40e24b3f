//! Worklists: what each role has to do next at its sites (issue 16). The coordinator sees the
//! visits due this week or overdue for subjects still taking part, the visits whose forms are
//! missing and the queries to answer; the investigator the decisions to record, the visits to
//! sign and the safety signals; the monitor the answered queries to close and the records to
//! verify against the source. A list is shown to
//! whoever may do its action at a site, with the rows of those sites only: the dashboard counts
//! them, `/worklists/{list}` lists them, sorted and a page at a time.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::ToSpan;
use jiff::civil::Date;
use maud::{Markup, html};
use protocol::Protocol;
use store::{EnrolledSubject, QueryStatus, VisitHeld};

use crate::AppState;
use crate::access::Allowed;
use crate::error::PageError;
use crate::pages::form::Typed;
use crate::pages::subjects::adverse_events;
use crate::pages::{capitalised, layout, words};
use crate::policy::Action;
use crate::policy::Scope;
use crate::routes::Routes;
use crate::session::Principal;
use crate::study;
use words::Arg;

/// Rows shown per page of a list.
const PAGE: usize = 50;

/// How far ahead a visit counts as due "this week": its window opens within 7 days.
const DUE_AHEAD_DAYS: i64 = 7;

/// One worklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Worklist {
    VisitsDue,
    FormsIncomplete,
    QueriesToAnswer,
    DecisionsToRecord,
    VisitsToSign,
    SafetySignals,
    QueriesToClose,
    VerificationToDo,
}

impl Worklist {
    pub(crate) const ALL: [Worklist; 8] = [
        Worklist::VisitsDue,
        Worklist::FormsIncomplete,
        Worklist::QueriesToAnswer,
        Worklist::DecisionsToRecord,
        Worklist::VisitsToSign,
        Worklist::SafetySignals,
        Worklist::QueriesToClose,
        Worklist::VerificationToDo,
    ];

    /// The list's name in its address and in the words catalogue (`worklist-<id>`).
    pub(crate) fn id(self) -> &'static str {
        match self {
            Worklist::VisitsDue => "visits-due",
            Worklist::FormsIncomplete => "forms-incomplete",
            Worklist::QueriesToAnswer => "queries-to-answer",
            Worklist::DecisionsToRecord => "decisions-to-record",
            Worklist::VisitsToSign => "visits-to-sign",
            Worklist::SafetySignals => "safety-signals",
            Worklist::QueriesToClose => "queries-to-close",
            Worklist::VerificationToDo => "verification-to-do",
        }
    }

    /// The list's page (each its own route, so the policy's table names who may open it).
    pub(crate) fn path(self) -> &'static str {
        match self {
            Worklist::VisitsDue => "/worklists/visits-due",
            Worklist::FormsIncomplete => "/worklists/forms-incomplete",
            Worklist::QueriesToAnswer => "/worklists/queries-to-answer",
            Worklist::DecisionsToRecord => "/worklists/decisions-to-record",
            Worklist::VisitsToSign => "/worklists/visits-to-sign",
            Worklist::SafetySignals => "/worklists/safety-signals",
            Worklist::QueriesToClose => "/worklists/queries-to-close",
            Worklist::VerificationToDo => "/worklists/verification-to-do",
        }
    }

    /// What working the list means, so the policy decides who sees it. Safety signals are the
    /// investigator's: the one who decides on the drug (record the decision) reviews them.
    pub(crate) fn action(self) -> Action {
        match self {
            Worklist::VisitsDue | Worklist::FormsIncomplete => Action::EnterVisitData,
            Worklist::QueriesToAnswer => Action::AnswerQuery,
            Worklist::DecisionsToRecord | Worklist::SafetySignals => Action::RecordDecision,
            Worklist::VisitsToSign => Action::Sign,
            Worklist::QueriesToClose => Action::CloseQuery,
            Worklist::VerificationToDo => Action::VerifySource,
        }
    }

    /// Whether the most recent rows come first by default (signals); else the oldest, so what
    /// has waited longest leads.
    fn newest_first(self) -> bool {
        self == Worklist::SafetySignals
    }

    fn title(self) -> String {
        words().get(&format!("worklist-{}", self.id()))
    }

    fn hint(self) -> String {
        words().get(&format!("worklist-{}-hint", self.id()))
    }

    /// The lists `principal` works at some site.
    pub(crate) fn of(principal: &Principal) -> Vec<Worklist> {
        Worklist::ALL
            .into_iter()
            .filter(|list| principal.require(list.action(), None).is_ok())
            .collect()
    }
}

/// One thing to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Item {
    pub(crate) site: String,
    pub(crate) subject: String,
    pub(crate) date: Date,
    /// What is to be done, in words.
    pub(crate) what: String,
    /// Where it is done.
    pub(crate) href: String,
    /// Overdue or a safety signal: shown marked.
    pub(crate) alert: bool,
}

/// Where a subject's next visit stands on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    /// Its window is open, or opens within [`DUE_AHEAD_DAYS`]; `missed` scheduled visits
    /// passed before it with no visit since the subject's last.
    Due { missed: usize },
    /// Its window closed with no visit in it and none since, and no window is open; `later`
    /// scheduled visits passed the same way after it.
    Overdue { later: usize },
}

/// The subject's next visit on `today`, one per subject (a coordinator books one visit): the
/// one whose window is open (or opens within a week), else the first whose window closed with
/// no visit since. A visit counts for a slot when its date falls in the slot's window
/// (PROTOCOL.md schedule, windows in the file); a slot whose window closed before a later
/// visit took place was missed, not overdue: nothing can be done for it any more (a protocol
/// deviation records it).
fn next_visit(
    protocol: &Protocol,
    subject: &EnrolledSubject,
    today: Date,
) -> Option<(protocol::schedule::Slot, Due)> {
    let calendar = protocol::schedule::calendar(protocol.schedule(), subject.enrolment_date);
    let ahead = today.saturating_add(DUE_AHEAD_DAYS.days());
    let last_visit = subject.visit_dates.iter().max();
    let (passed, open): (Vec<_>, Vec<_>) = calendar
        .visits
        .into_iter()
        .filter(|slot| slot.day > 0 && slot.earliest <= ahead)
        .filter(|slot| {
            !subject
                .visit_dates
                .iter()
                .any(|date| (slot.earliest..=slot.latest).contains(date))
        })
        .filter(|slot| slot.latest >= today || last_visit.is_none_or(|last| *last < slot.latest))
        .partition(|slot| slot.latest < today);
    match (open.into_iter().next(), passed.len()) {
        (Some(slot), missed) => Some((slot, Due::Due { missed })),
        (None, 0) => None,
        (None, n) => passed
            .into_iter()
            .next()
            .map(|slot| (slot, Due::Overdue { later: n - 1 })),
    }
}

/// "1 scheduled visit", "3 scheduled visits".
fn visits(n: usize) -> String {
    words().format("worklist-scheduled-visits", &[("count", n.into())])
}

/// A scheduled visit's name: its week when it falls on one, else its day.
fn slot_name(day: i32) -> String {
    if day % 7 == 0 {
        words().format("worklist-week", &[("week", (day / 7).into())])
    } else {
        words().format("worklist-day", &[("day", day.into())])
    }
}

/// The rows of each of `lists` at the sites where `principal` works it; every site's record is
/// read once whichever lists need it.
pub(crate) async fn gather(
    state: &AppState,
    principal: &Principal,
    lists: &[Worklist],
    today: Date,
) -> Result<Vec<(Worklist, Vec<Item>)>, PageError> {
    let protocol = study::protocol_of(&state.store).await?.ok();
    let mut gathered: Vec<(Worklist, Vec<Item>)> =
        lists.iter().map(|list| (*list, Vec::new())).collect();
    for site in state.store.sites().await? {
        let site = site.code;
        let here: Vec<Worklist> = lists
            .iter()
            .copied()
            .filter(|list| principal.require(list.action(), Some(&site)).is_ok())
            .collect();
        if here.is_empty() {
            continue;
        }
        let needs_visits = here.iter().any(|list| {
            matches!(
                list,
                Worklist::FormsIncomplete | Worklist::DecisionsToRecord | Worklist::VisitsToSign
            )
        });
        let visits = if needs_visits {
            state.store.visits_held_at(&site).await?
        } else {
            Vec::new()
        };
        for list in here {
            let items = match list {
                Worklist::VisitsDue => match &protocol {
                    Some(protocol) => {
                        let active = state.store.active_at(&site).await?;
                        visits_due(protocol, &site, &active, today)
                    }
                    None => Vec::new(),
                },
                Worklist::FormsIncomplete => forms_incomplete(protocol.as_deref(), &site, &visits),
                Worklist::DecisionsToRecord => match &protocol {
                    Some(protocol) if protocol.algorithm().is_some() => {
                        decisions_to_record(&site, &visits)
                    }
                    _ => Vec::new(),
                },
                Worklist::VisitsToSign => visits
                    .iter()
                    .filter(|visit| visit.any_form && !visit.signed)
                    .map(|visit| {
                        visit_item(
                            &site,
                            visit,
                            "sign",
                            words().format(
                                "worklist-not-signed",
                                &[("visit", visit_name(visit).into())],
                            ),
                        )
                    })
                    .collect(),
                Worklist::SafetySignals => {
                    let mut items: Vec<Item> = state
                        .store
                        .safety_signals_at(&site, i64::MAX)
                        .await?
                        .into_iter()
                        .map(|signal| Item {
                            href: format!("/subjects/{}/adverse-events", signal.subject),
                            what: words().format(
                                if signal.serious {
                                    "worklist-signal-serious"
                                } else {
                                    "worklist-signal"
                                },
                                &[("term", signal.term.into()), ("grade", signal.grade.into())],
                            ),
                            site: site.clone(),
                            subject: signal.subject,
                            date: signal.start_date,
                            alert: true,
                        })
                        .collect();
                    items.extend(unlogged_labs(state, &site).await?);
                    items
                }
                Worklist::QueriesToAnswer => queries(state, &site, QueryStatus::Open).await?,
                Worklist::QueriesToClose => queries(state, &site, QueryStatus::Answered).await?,
                Worklist::VerificationToDo => state
                    .store
                    .verification_due_at(&site)
                    .await?
                    .into_iter()
                    .map(|due| Item {
                        site: site.clone(),
                        date: day_of(&due.since),
                        what: words().format(
                            "worklist-records-not-verified",
                            &[("count", due.records.into())],
                        ),
                        href: format!("/subjects/{}/verification", due.subject),
                        subject: due.subject,
                        alert: false,
                    })
                    .collect(),
            };
            if let Some((_, all)) = gathered.iter_mut().find(|(each, _)| *each == list) {
                all.extend(items);
            }
        }
    }
    Ok(gathered)
}

fn visits_due(
    protocol: &Protocol,
    site: &str,
    active: &[EnrolledSubject],
    today: Date,
) -> Vec<Item> {
    active
        .iter()
        .filter_map(|subject| {
            let (slot, due) = next_visit(protocol, subject, today)?;
            let name = slot_name(slot.day);
            let seen = subject
                .visit_dates
                .iter()
                .max()
                .unwrap_or(&subject.enrolment_date);
            let dates = [
                ("visit", Arg::from(name)),
                ("from", slot.earliest.to_string().into()),
                ("to", slot.latest.to_string().into()),
                ("seen", seen.to_string().into()),
            ];
            let what = match due {
                Due::Due { missed: 0 } => words().format("worklist-due", &dates),
                Due::Due { missed } => {
                    let mut args = dates.to_vec();
                    args.push(("missed", visits(missed).into()));
                    words().format("worklist-due-missed", &args)
                }
                Due::Overdue { later: 0 } => words().format("worklist-overdue", &dates),
                Due::Overdue { later } => {
                    let mut args = dates.to_vec();
                    args.push(("later", visits(later).into()));
                    words().format("worklist-overdue-later", &args)
                }
            };
            Some(Item {
                site: site.to_owned(),
                subject: subject.subject.clone(),
                date: slot.date,
                what,
                href: format!("/subjects/{}", subject.subject),
                alert: due != Due::Due { missed: 0 },
            })
        })
        .collect()
}

/// A visit's name as a row starts it ("week 4" is "Week 4").
fn visit_name(visit: &VisitHeld) -> String {
    capitalised(&visit.visit)
}

fn visit_item(site: &str, visit: &VisitHeld, section: &str, what: String) -> Item {
    Item {
        site: site.to_owned(),
        subject: visit.subject.clone(),
        date: visit.date,
        what,
        href: format!(
            "/subjects/{}/visits/{}#{section}",
            visit.subject, visit.visit_id
        ),
        alert: false,
    }
}

/// Visits of subjects still taking part that hold no form, or no CLASI where the protocol's
/// treatment algorithm decides from it (every visit of a study with one).
fn forms_incomplete(protocol: Option<&Protocol>, site: &str, visits: &[VisitHeld]) -> Vec<Item> {
    let decides = protocol.is_some_and(|protocol| protocol.algorithm().is_some());
    visits
        .iter()
        .filter(|visit| visit.active)
        .filter_map(|visit| {
            let missing = if !visit.any_form {
                "worklist-no-form"
            } else if decides && !visit.clasi {
                "worklist-no-clasi"
            } else {
                return None;
            };
            Some(visit_item(
                site,
                visit,
                "clasi",
                words().format(missing, &[("visit", visit_name(visit).into())]),
            ))
        })
        .collect()
}

/// The latest visit of each subject still taking part when it holds a CLASI and no protocol
/// decision was recorded on or after it (`visits` is in date order).
fn decisions_to_record(site: &str, visits: &[VisitHeld]) -> Vec<Item> {
    let mut latest: Vec<&VisitHeld> = Vec::new();
    for visit in visits.iter().filter(|visit| visit.active) {
        match latest.iter_mut().find(|seen| seen.subject == visit.subject) {
            Some(seen) => *seen = visit,
            None => latest.push(visit),
        }
    }
    latest
        .into_iter()
        .filter(|visit| visit.clasi && !visit.decided)
        .map(|visit| {
            visit_item(
                site,
                visit,
                "decision",
                words().format(
                    "worklist-no-decision",
                    &[("visit", visit_name(visit).into())],
                ),
            )
        })
        .collect()
}

/// Laboratory results of CTCAE grade 3 or more the adverse event log does not hold, each
/// linking to the log with the form filled in.
pub(crate) async fn unlogged_labs(state: &AppState, site: &str) -> Result<Vec<Item>, PageError> {
    Ok(state
        .store
        .lab_signals_at(site)
        .await?
        .into_iter()
        .filter(|signal| !signal.logged)
        .map(|signal| Item {
            href: adverse_events::log_from_lab(
                &signal.subject,
                signal.term,
                signal.grade,
                signal.collected_on,
            ),
            what: words().format(
                "worklist-lab-not-logged",
                &[("term", signal.term.into()), ("grade", signal.grade.into())],
            ),
            site: site.to_owned(),
            subject: signal.subject,
            date: signal.collected_on,
            alert: true,
        })
        .collect())
}

/// The UTC day of a time the audit trail recorded.
fn day_of(recorded_at: &str) -> Date {
    recorded_at
        .parse::<jiff::Timestamp>()
        .map(|at| at.to_zoned(jiff::tz::TimeZone::UTC).date())
        .unwrap_or_default()
}

async fn queries(
    state: &AppState,
    site: &str,
    status: QueryStatus,
) -> Result<Vec<Item>, PageError> {
    let held = state.store.queries_at(site, status).await?;
    Ok(held
        .into_iter()
        .map(|query| Item {
            site: site.to_owned(),
            date: day_of(&query.since),
            what: format!(
                "{} · {}: {}",
                words().record(&query.entity),
                words().field(&query.field),
                query.question
            ),
            href: format!("/subjects/{}#query-{}", query.subject, query.query_id),
            subject: query.subject,
            alert: false,
        })
        .collect())
}

/// How a list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sort {
    Date,
    Subject,
    Site,
}

/// The orders a list is shown in, by their catalogue's ids.
const SORTS: [(&str, &str); 3] = [
    ("date", "worklist-sort-date"),
    ("subject", "worklist-sort-subject"),
    ("site", "worklist-sort-site"),
];
const ORDERS: [(&str, &str); 2] = [
    ("asc", "worklist-order-asc"),
    ("desc", "worklist-order-desc"),
];

/// Options of `(code, catalogue id)` in words.
fn said<'a>(options: &[(&'a str, &str)]) -> Vec<(&'a str, String)> {
    options
        .iter()
        .map(|(code, id)| (*code, words().get(id)))
        .collect()
}

/// A list's view: which site, order and page, read from the query string; a value the page
/// does not offer is refused naming its parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
struct View {
    site: Option<String>,
    sort: Sort,
    descending: bool,
    page: usize,
}

fn view(list: Worklist, typed: &mut Typed, sites: &[String]) -> View {
    let mut view = View {
        site: None,
        sort: Sort::Date,
        descending: list.newest_first(),
        page: 1,
    };
    let site = typed.get("site").trim().to_owned();
    if !site.is_empty() {
        if sites.contains(&site) {
            view.site = Some(site);
        } else {
            typed.fail(
                "site",
                format!("'{site}' is not a site of this list; choose one from the list"),
            );
        }
    }
    match typed.get("sort").trim() {
        "" | "date" => {}
        "subject" => view.sort = Sort::Subject,
        "site" => view.sort = Sort::Site,
        other => typed.fail(
            "sort",
            format!("'{other}' is not an order; allowed: date, subject, site"),
        ),
    }
    match typed.get("order").trim() {
        "" => {}
        "asc" => view.descending = false,
        "desc" => view.descending = true,
        other => typed.fail(
            "order",
            format!("'{other}' is not allowed; allowed: asc, desc"),
        ),
    }
    match typed.get("page").trim() {
        "" => {}
        text => match text.parse::<usize>() {
            Ok(page) if page >= 1 => view.page = page,
            _ => typed.fail(
                "page",
                format!("'{text}' is not a page number; allowed: 1 or more"),
            ),
        },
    }
    view
}

/// `items` narrowed to the view's site and put in its order (ties by date, then subject).
fn arrange(mut items: Vec<Item>, view: &View) -> Vec<Item> {
    if let Some(site) = &view.site {
        items.retain(|item| &item.site == site);
    }
    items.sort_by(|a, b| {
        let key = |item: &Item| match view.sort {
            Sort::Date => (item.date.to_string(), item.subject.clone()),
            Sort::Subject => (item.subject.clone(), item.date.to_string()),
            Sort::Site => (item.site.clone(), item.date.to_string()),
        };
        let order = key(a).cmp(&key(b)).then_with(|| a.what.cmp(&b.what));
        if view.descending {
            order.reverse()
        } else {
            order
        }
    });
    items
}

/// The address of the list with `view`.
fn address(list: Worklist, view: &View) -> String {
    let sort = match view.sort {
        Sort::Date => "date",
        Sort::Subject => "subject",
        Sort::Site => "site",
    };
    let order = if view.descending { "desc" } else { "asc" };
    let site = view.site.as_deref().unwrap_or("");
    format!(
        "{}?site={site}&sort={sort}&order={order}&page={}",
        list.path(),
        view.page
    )
}

/// A list's page: its rows at the user's sites, a page at a time.
pub(crate) async fn page(
    list: Worklist,
    State(state): State<AppState>,
    Allowed(principal): Allowed,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let study = state.store.study().await?;
    let sites: Vec<String> = state
        .store
        .sites()
        .await?
        .into_iter()
        .map(|site| site.code)
        .filter(|site| principal.require(list.action(), Some(site)).is_ok())
        .collect();
    let mut typed = Typed::posted(pairs);
    let mut view = view(list, &mut typed, &sites);
    let today = jiff::Zoned::now().date();
    let items = if typed.has_errors() {
        Vec::new()
    } else {
        let gathered = gather(&state, &principal, &[list], today).await?;
        let all = gathered.into_iter().flat_map(|(_, items)| items).collect();
        arrange(all, &view)
    };
    let pages = items.len().div_ceil(PAGE).max(1);
    if view.page > pages {
        typed.fail(
            "page",
            format!("there are {pages} pages; allowed: 1 to {pages}"),
        );
    }
    let shown = if typed.has_errors() {
        &[][..]
    } else {
        let start = (view.page - 1) * PAGE;
        &items[start..items.len().min(start + PAGE)]
    };
    let site_options: Vec<(&str, String)> =
        std::iter::once(("", words().get("worklist-every-site")))
            .chain(sites.iter().map(|site| (site.as_str(), site.clone())))
            .collect();
    let body = html! {
        p.lead { a href="/" { (words().get("nav-dashboard")) } " · " (list.title()) }
        p { (list.hint()) }
        form.filters method="get" action=(list.path()) {
            (typed.filter_summary(&["site", "sort", "order"]))
            div.row {
                (typed.select("site", &words().get("dashboard-site"), &site_options))
                (typed.select("sort", &words().get("worklist-sort-by"), &said(&SORTS)))
                (typed.select("order", &words().get("worklist-order"), &said(&ORDERS)))
            }
            button type="submit" { (words().get("history-show")) }
        }
        @if !typed.has_errors() {
            @if items.is_empty() {
                p { (words().get("worklist-nothing")) }
            } @else {
                p {
                    (words().format("worklist-count", &[("count", items.len().into()), ("page", view.page.into()), ("pages", pages.into())]))
                }
                (table(shown))
                (pager(list, &mut view, pages))
            }
        }
    };
    let status = if typed.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, layout::page(&study.code, Some(&principal), body)).into_response())
}

fn table(items: &[Item]) -> Markup {
    html! {
        table.worklist {
            thead { tr {
                th scope="col" { (words().get("worklist-subject")) }
                th scope="col" { (words().get("dashboard-site")) }
                th scope="col" { (words().get("course-date")) }
                th scope="col" { (words().get("worklist-to-do")) }
            } }
            tbody {
                @for item in items {
                    tr.alerted[item.alert] {
                        th scope="row" { a href=(item.href) { (item.subject) } }
                        td { (item.site) }
                        td { (item.date) }
                        td { a href=(item.href) { (item.what) } }
                    }
                }
            }
        }
    }
}

fn pager(list: Worklist, view: &mut View, pages: usize) -> Markup {
    let current = view.page;
    let link = |view: &mut View, page: usize| {
        view.page = page;
        address(list, view)
    };
    let previous = (current > 1).then(|| link(view, current - 1));
    let next = (current < pages).then(|| link(view, current + 1));
    html! {
        @if previous.is_some() || next.is_some() {
            nav.pager aria-label=(words().get("worklist-pages")) {
                @if let Some(href) = previous { a href=(href) rel="prev" { (words().get("worklist-previous")) } " " }
                @if let Some(href) = next { a href=(href) rel="next" { (words().get("worklist-next")) } }
            }
        }
    }
}

/// The dashboard's panel: each list the user works, with its count linking to it.
pub(crate) fn panel(gathered: &[(Worklist, Vec<Item>)]) -> Markup {
    html! {
        section #worklists {
            h2 { (words().get("worklist-your-work")) }
            table {
                caption { (words().get("worklist-panel-caption")) }
                thead { tr {
                    th scope="col" { (words().get("worklist-list")) }
                    th scope="col" class="num" { (words().get("worklist-to-do")) }
                    th scope="col" { (words().get("worklist-holds")) }
                } }
                tbody {
                    @for (list, items) in gathered {
                        tr.alerted[list == &Worklist::SafetySignals && !items.is_empty()] {
                            th scope="row" { a href=(list.path()) { (list.title()) } }
                            td.num { a href=(list.path()) { (items.len()) } }
                            td { (list.hint()) }
                        }
                    }
                }
            }
        }
    }
}

/// One route per list, each checked for the action working the list means, so the policy says
/// who opens it.
pub(crate) fn routes(routes: Routes) -> Routes {
    Worklist::ALL.into_iter().fold(routes, |routes, list| {
        routes.get(
            list.path(),
            Scope::Study(list.action()),
            move |state: State<AppState>,
                  principal: Allowed,
                  query: Query<Vec<(String, String)>>| {
                page(list, state, principal, query)
            },
        )
    })
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

    #[test]
    fn each_list_is_a_route_the_policy_checks_for_its_action() {
        use crate::policy::{Scope, Verb};
        let endpoints = crate::endpoints();
        for list in Worklist::ALL {
            let endpoint = endpoints
                .iter()
                .find(|endpoint| endpoint.verb == Verb::Get && endpoint.path == list.path());
            assert_eq!(
                endpoint.map(|endpoint| endpoint.scope),
                Some(Scope::Study(list.action())),
                "{}",
                list.path()
            );
            assert!(words().has(&format!("worklist-{}", list.id())), "{list:?}");
            assert!(
                words().has(&format!("worklist-{}-hint", list.id())),
                "{list:?}"
            );
        }
    }

    #[track_caller]
    fn check(visits: &[Date], today: Date, expect: Option<(Date, Due)>) {
        let subject = EnrolledSubject {
            subject: "A-001".into(),
            enrolment_date: date(2025, 1, 1),
            visit_dates: visits.to_vec(),
        };
        let found = next_visit(&shipped(), &subject, today).map(|(slot, due)| (slot.date, due));
        assert_eq!(found, expect);
    }

    #[test]
    fn the_next_visit_is_due_a_week_before_its_window_and_overdue_after_it() {
        let week4 = date(2025, 1, 29);
        let due = Due::Due { missed: 0 };
        let overdue = Due::Overdue { later: 0 };
        // The window opens on day 22 (7 days early); "this week" reaches 7 days further.
        check(&[], date(2025, 1, 14), None);
        check(&[], date(2025, 1, 15), Some((week4, due)));
        // Last day of the window (day 35): still due, not overdue.
        check(&[], date(2025, 2, 5), Some((week4, due)));
        // The day after the window: overdue.
        check(&[], date(2025, 2, 6), Some((week4, overdue)));
        // A visit inside the window settles it; one after the window closed leaves it missed
        // (a deviation to record), no longer to be done.
        check(&[date(2025, 2, 5)], date(2025, 2, 6), None);
        check(&[date(2025, 2, 6)], date(2025, 2, 6), None);
        // A visit before the window does not settle it.
        check(
            &[date(2025, 1, 20)],
            date(2025, 2, 6),
            Some((week4, overdue)),
        );
        // Weeks 4 and 8 passed with no visit and week 12's window (19 March to 2 April) is
        // open: week 12 is the visit to book, the two passed counted beside it.
        check(
            &[],
            date(2025, 3, 31),
            Some((date(2025, 3, 26), Due::Due { missed: 2 })),
        );
        // Between windows: the first that passed, counting the one after it.
        check(
            &[],
            date(2025, 3, 10),
            Some((week4, Due::Overdue { later: 1 })),
        );
        // A visit after week 4's window, then week 8's passing too: week 4 was missed, week 8
        // is overdue.
        check(
            &[date(2025, 2, 10)],
            date(2025, 3, 10),
            Some((date(2025, 2, 26), overdue)),
        );
    }
}
