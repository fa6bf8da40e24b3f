//! The study dashboard: enrolment per site at the sites where the user holds a role.

use axum::extract::State;
use maud::{Markup, html};
use store::{Role, Subject};

use crate::AppState;
use crate::error::PageError;
use crate::pages::layout;
use crate::session::Principal;

/// Counts of one site's subjects.
#[derive(Debug, Default, PartialEq, Eq)]
struct Enrolment {
    screened: usize,
    consented: usize,
    enrolled: usize,
}

fn enrolment_at<'s>(subjects: impl Iterator<Item = &'s Subject>, site_code: &str) -> Enrolment {
    subjects
        .filter(|subject| subject.data.site == site_code)
        .fold(Enrolment::default(), |mut counts, subject| {
            counts.screened += 1;
            counts.consented += usize::from(subject.data.consent_date.is_some());
            counts.enrolled += usize::from(subject.data.enrolment_date.is_some());
            counts
        })
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
    let subjects = state.store.subjects().await?;
    let mut sites: Vec<_> = principal.grants.iter().map(|grant| &grant.site).collect();
    sites.dedup_by_key(|site| site.id);
    let body = html! {
        p.lead { (study.title) " · protocol version " (study.protocol_version) }
        h2 { "Enrolment at your sites" }
        @if sites.is_empty() {
            p { "You hold no role at any site yet, so no subjects are shown. An administrator grants roles per site." }
        } @else {
            table {
                caption { "Subjects per site: screened, with consent, enrolled" }
                thead { tr {
                    th scope="col" { "Site" }
                    th scope="col" { "Your roles" }
                    th scope="col" class="num" { "Screened" }
                    th scope="col" class="num" { "Consented" }
                    th scope="col" class="num" { "Enrolled" }
                } }
                tbody {
                    @for site in &sites {
                        @let counts = enrolment_at(subjects.iter(), &site.code);
                        tr {
                            th scope="row" { (site.code) " · " (site.name) }
                            td { (roles_text(&principal.roles_at(&site.code))) }
                            td.num { (counts.screened) }
                            td.num { (counts.consented) }
                            td.num { (counts.enrolled) }
                        }
                    }
                }
            }
            p { a href="/subjects" { "All subjects at your sites" } }
        }
    };
    Ok(layout::page(&study.code, Some(&principal), body))
}
