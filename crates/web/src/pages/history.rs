//! A subject's record history: every audit event about the subject and their records, oldest
//! first, with who, when, the old and new value and the reason (21 CFR 11.10(e)).

use axum::extract::{Path, State};
use maud::{Markup, html};
use store::EventFilter;

use crate::AppState;
use crate::error::PageError;
use crate::pages::{layout, subject_for};
use crate::policy::Action;
use crate::session::Principal;

/// Events read per page of the trail.
const PAGE: i64 = 500;

pub(crate) async fn page(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
) -> Result<Markup, PageError> {
    let subject = subject_for(&state, &principal, &code, Action::ReadHistory).await?;
    let filter = EventFilter {
        subject: Some(subject.data.code.clone()),
        since: None,
    };
    let mut events = Vec::new();
    loop {
        let after = events.last().map_or(0, |event: &store::Event| event.seq);
        let page = state.store.audit_page(&filter, after, PAGE).await?;
        let done = page.len() < PAGE as usize;
        events.extend(page);
        if done {
            break;
        }
    }
    let value = |value: &Option<String>| value.clone().unwrap_or_else(|| "—".to_owned());
    let body = html! {
        p.lead { a href={ "/subjects/" (code) } { "Subject " (code) } " · " (events.len()) " events, oldest first" }
        table.history {
            thead { tr {
                th scope="col" class="num" { "#" } th scope="col" { "When (UTC)" } th scope="col" { "Who" }
                th scope="col" { "Record" } th scope="col" { "Action" } th scope="col" { "Field" }
                th scope="col" { "Before" } th scope="col" { "After" } th scope="col" { "Reason" }
            } }
            tbody {
                @for event in &events {
                    tr {
                        td.num { (event.seq) }
                        td { (event.recorded_at) }
                        td { (event.actor) }
                        td { (event.entity) " " (event.entity_id) " v" (event.version) }
                        td { (event.action) }
                        td { (event.field.as_deref().unwrap_or("—")) }
                        td.value { (value(&event.old_value)) }
                        td.value { (value(&event.new_value)) }
                        td { (event.reason.as_deref().unwrap_or("first entry")) }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &format!("Record history · {code}"),
        Some(&principal),
        body,
    ))
}
