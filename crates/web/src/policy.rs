//! Who may do what, where: the one role x action table (issue 6, item 2), the check every route
//! makes ([`Scope`]), and what a refusal is ([`Denied`]), in no channel's terms.
//!
//! Rules every handler relies on:
//! - an action on a subject is checked at the subject's site;
//! - a subject of a site where the user may not read looks exactly like a missing one (404);
//! - a statistician reads every site (pseudonymised data only: subjects carry study ids);
//! - administration is the account flag `is_admin`, not a site role, and grants nothing clinical.
//!
//! A route names its scope where it is registered (`routes::Routes`), and the scope is checked
//! before its handler runs (`access`); the matrix test walks the router's own list of
//! [`Endpoint`]s (`web::endpoints`).

use axum::http::Method;
use store::Role;

use crate::session::Principal;

/// Something a user does. Each route names one in its scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// See a subject, their visits and records.
    ReadSubject,
    /// Register a candidate and record the eligibility checklist.
    Screen,
    /// Record consent and enrolment of a screened subject.
    Enrol,
    /// Enter or change visits, CLASI, SLEDAI-2K, labs and doses.
    EnterVisitData,
    /// Issue and revoke a one-time link by which the patient answers a visit's questionnaire
    /// (issue 19): staff who enter the visit's data.
    IssuePatientLink,
    /// Record the protocol decision and whether the investigator followed it.
    RecordDecision,
    /// Record or change an adverse event.
    RecordAdverseEvent,
    /// Open a data query on a field.
    RaiseQuery,
    /// Answer a data query.
    AnswerQuery,
    /// Close an answered data query.
    CloseQuery,
    /// Mark data as verified against the source documents.
    VerifySource,
    /// Lock a form or a casebook against change, and unlock it with a reason.
    Lock,
    /// Sign a visit electronically.
    Sign,
    /// See the audit events of a subject's record, with reasons.
    ReadHistory,
    /// See a subject's birth date and the names of the staff who entered or signed, beside
    /// the data (issue 15, item 11: the minimum necessary; others see the age at screening).
    ReadIdentifiers,
    /// Download pseudonymised data sets.
    Export,
    /// See a randomised study's arms (needs the allocation secret on the server too).
    ReadArms,
    /// Unblind one subject in an emergency: with a reason and a second confirmation, audited.
    EmergencyUnblind,
    /// Be notified of the emergency unblindings: whom, when, why and by whom, never the arm.
    ReadUnblindings,
    /// Add users, grant roles, issue API tokens for others.
    ManageUsers,
    /// Add sites and change study settings.
    ManageSites,
    /// Score lesion photographs blind, study-wide, by opaque reading id (the central reader).
    ReadCentrally,
}

impl Action {
    /// The action's id in the words catalogue (`permission-<id>`).
    pub fn id(self) -> &'static str {
        match self {
            Action::ReadSubject => "read_subject",
            Action::Screen => "screen",
            Action::Enrol => "enrol",
            Action::EnterVisitData => "enter_visit_data",
            Action::IssuePatientLink => "issue_patient_link",
            Action::RecordDecision => "record_decision",
            Action::RecordAdverseEvent => "record_adverse_event",
            Action::RaiseQuery => "raise_query",
            Action::AnswerQuery => "answer_query",
            Action::CloseQuery => "close_query",
            Action::VerifySource => "verify_source",
            Action::Lock => "lock",
            Action::Sign => "sign",
            Action::ReadHistory => "read_history",
            Action::ReadIdentifiers => "read_identifiers",
            Action::Export => "export",
            Action::ReadArms => "read_arms",
            Action::EmergencyUnblind => "emergency_unblind",
            Action::ReadUnblindings => "read_unblindings",
            Action::ManageUsers => "manage_users",
            Action::ManageSites => "manage_sites",
            Action::ReadCentrally => "read_centrally",
        }
    }

    /// Every action, for tables and tests.
    pub const ALL: [Action; 22] = [
        Action::ReadSubject,
        Action::Screen,
        Action::Enrol,
        Action::EnterVisitData,
        Action::IssuePatientLink,
        Action::RecordDecision,
        Action::RecordAdverseEvent,
        Action::RaiseQuery,
        Action::AnswerQuery,
        Action::CloseQuery,
        Action::VerifySource,
        Action::Lock,
        Action::Sign,
        Action::ReadHistory,
        Action::ReadIdentifiers,
        Action::Export,
        Action::ReadArms,
        Action::EmergencyUnblind,
        Action::ReadUnblindings,
        Action::ManageUsers,
        Action::ManageSites,
        Action::ReadCentrally,
    ];

    /// Whether the action belongs to the account flag `is_admin` rather than a site role.
    pub fn is_administration(self) -> bool {
        matches!(self, Action::ManageUsers | Action::ManageSites)
    }

    /// Whether a role holding it anywhere may do it at every site. Only a statistician's
    /// reads are study-wide (issue 6: "reads pseudonymised data and exports, all sites"), a
    /// central reader's blinded reading (issue 19), which covers every site's photographs, and
    /// the sponsor's notifications of unblinding (issue 20), which come from every site.
    fn all_sites(self, role: Role) -> bool {
        (reads_every_site(role) || matches!(role, Role::CentralReader | Role::Sponsor))
            && allows(role, self)
    }
}

/// Whether the role's reads are study-wide: the statisticians', blinded or not.
pub fn reads_every_site(role: Role) -> bool {
    matches!(role, Role::Statistician | Role::UnblindedStatistician)
}

/// The role x action table (issue 6, item 2). Administration is not here: see
/// [`Action::is_administration`].
///
/// - Investigator: "everything clinical at their sites, signs". Raising and closing queries
///   and source verification are the monitor's, so that nobody checks their own entries.
/// - Coordinator: "enters data at their sites, cannot sign"; records decisions neither: the
///   decision panel asks the investigator whether they followed the protocol.
/// - Patient links (issue 19) are issued and revoked by those who enter the visit's data
///   (investigator, coordinator): the link hands the patient the entry of their own answers.
/// - Monitor: "reads, raises and closes data queries, source-data-verifies"; reads the
///   history (the audit trail is what a monitor reviews); locks and unlocks forms and casebooks,
///   the data manager's act, whose rights the monitor holds (`store::Role::parse`).
/// - Central reader (issue 19): scores lesion photographs blind, at every site, and reads
///   nothing else: no subject, visit or date, so the score owes nothing to the site's.
/// - Statistician: "reads pseudonymised data and exports, all sites, never writes clinical
///   data"; the audit trail names staff and is not pseudonymised data, so no history, and
///   the minimum necessary (issue 15, item 11): the age at screening, not the birth date, and
///   no staff names.
/// - Unblinded statistician: a statistician who also sees a randomised study's arms; nobody
///   else does. An investigator may unblind one subject in an emergency (with a reason and a
///   second confirmation), the only other way an arm is shown.
/// - Sponsor (issue 20): notified of every emergency unblinding, at every site (ICH E6(R2)
///   section 4.7); reads no casebook and never an arm.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Investigator => matches!(
            action,
            ReadSubject
                | Screen
                | Enrol
                | EnterVisitData
                | IssuePatientLink
                | RecordDecision
                | RecordAdverseEvent
                | AnswerQuery
                | Sign
                | ReadHistory
                | ReadIdentifiers
                | EmergencyUnblind
        ),
        Role::Coordinator => matches!(
            action,
            ReadSubject
                | Screen
                | Enrol
                | EnterVisitData
                | IssuePatientLink
                | RecordAdverseEvent
                | AnswerQuery
                | ReadHistory
                | ReadIdentifiers
        ),
        Role::Monitor => matches!(
            action,
            ReadSubject
                | RaiseQuery
                | CloseQuery
                | VerifySource
                | Lock
                | ReadHistory
                | ReadIdentifiers
        ),
        Role::Statistician => matches!(action, ReadSubject | Export),
        Role::UnblindedStatistician => matches!(action, ReadSubject | Export | ReadArms),
        // Blinded: no subject, site, visit or date, only the photographs by reading id.
        Role::CentralReader => matches!(action, ReadCentrally),
        Role::Sponsor => matches!(action, ReadUnblindings),
    }
}

impl Principal {
    /// Whether the user may read the subjects of `site_code`: a role there that reads
    /// subjects (a central reader's does not), or a statistician's study-wide read.
    pub fn reads_site(&self, site_code: &str) -> bool {
        self.grants.iter().any(|grant| {
            (grant.site.code == site_code && allows(grant.role, Action::ReadSubject))
                || Action::ReadSubject.all_sites(grant.role)
        })
    }

    /// Refuses `action` unless the user may do it; `site` is the site it touches (a subject's
    /// site, or the site a new subject is screened at), `None` for study-wide pages such as the
    /// subject list (which then shows only what the user reads).
    ///
    /// A site the user cannot read at all is [`Denied::NotFound`], like a subject that does not
    /// exist; a site they read but where their role does not allow the action is
    /// [`Denied::Forbidden`] naming the action.
    pub fn require(&self, action: Action, site: Option<&str>) -> Result<(), Denied> {
        if action.is_administration() {
            return if self.actor.is_admin() {
                Ok(())
            } else {
                Err(Denied::Forbidden { action })
            };
        }
        let allowed = self.grants.iter().any(|grant| {
            allows(grant.role, action)
                && (action.all_sites(grant.role) || site.is_none_or(|site| grant.site.code == site))
        });
        match site {
            _ if allowed => Ok(()),
            Some(site) if !self.reads_site(site) => Err(Denied::NotFound),
            _ => Err(Denied::Forbidden { action }),
        }
    }
}

/// Why [`Principal::require`] refused, in no channel's terms: the pages and the API each turn
/// it into their own answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The subject's site is one the user cannot read: it must look like a missing subject.
    #[error("no such subject, or one of a site where the user holds no role")]
    NotFound,
    /// The user may not do `action` here. The message is in the reader's words.
    #[error("{}", refusal(*action))]
    Forbidden { action: Action },
}

/// What a user refused `action` reads, pages and API alike.
fn refusal(action: Action) -> String {
    let words = crate::locale::words();
    if action.is_administration() {
        return words.get("denied-administration");
    }
    let permission = words.get(&format!("permission-{}", action.id()));
    words.format("denied-action", &[("permission", permission.into())])
}

/// Whom a route serves and where its check applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// No login needed (login form, style sheet, the OpenAPI document).
    Public,
    /// Any logged-in user, who sees only what their sites allow (dashboard, subject list).
    LoggedIn,
    /// The action is checked without a site (study-wide: exports, administration).
    Study(Action),
    /// The action is checked at the site named in the request body (screening a candidate).
    Site(Action),
    /// The action is checked at the site of the subject `{code}` in the path.
    Subject(Action),
}

/// The methods routes use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

impl Verb {
    pub fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
        }
    }
}

/// One route of the application.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    pub verb: Verb,
    /// The axum path template, parameters in braces (`/subjects/{code}`).
    pub path: &'static str,
    pub scope: Scope,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The issue's sentence for each role, as the set of actions it grants.
    #[track_caller]
    fn check(role: Role, expect: &[Action]) {
        for action in Action::ALL {
            assert_eq!(
                allows(role, action),
                expect.contains(&action),
                "{role:?} x {action:?}"
            );
        }
    }

    #[test]
    fn each_role_does_what_issues_6_19_and_20_say() {
        use Action::*;
        check(
            Role::Investigator,
            &[
                ReadSubject,
                Screen,
                Enrol,
                EnterVisitData,
                IssuePatientLink,
                RecordDecision,
                RecordAdverseEvent,
                AnswerQuery,
                Sign,
                ReadHistory,
                ReadIdentifiers,
                EmergencyUnblind,
            ],
        );
        check(
            Role::Coordinator,
            &[
                ReadSubject,
                Screen,
                Enrol,
                EnterVisitData,
                IssuePatientLink,
                RecordAdverseEvent,
                AnswerQuery,
                ReadHistory,
                ReadIdentifiers,
            ],
        );
        check(
            Role::Monitor,
            &[
                ReadSubject,
                RaiseQuery,
                CloseQuery,
                VerifySource,
                Lock,
                ReadHistory,
                ReadIdentifiers,
            ],
        );
        check(Role::Statistician, &[ReadSubject, Export]);
        // Issue 20: the arms are the unblinded statistician's alone.
        check(
            Role::UnblindedStatistician,
            &[ReadSubject, Export, ReadArms],
        );
        check(Role::CentralReader, &[ReadCentrally]);
        // Issue 20: the sponsor hears of every unblinding and reads nothing else.
        check(Role::Sponsor, &[ReadUnblindings]);
    }

    #[test]
    fn no_site_role_administers() {
        for role in Role::ALL {
            assert!(!allows(role, Action::ManageUsers));
            assert!(!allows(role, Action::ManageSites));
        }
    }
}
