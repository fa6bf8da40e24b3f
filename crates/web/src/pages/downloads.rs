//! The statistician's downloads (issue 16): the study report as one self-contained HTML page and
//! the pseudonymised exports (tidy CSV, SDTM as CSV and as SAS transport), each zipped. Every file
//! is made from the record when asked for, by the same code as `cletrial report` and `cletrial
//! export` (`outputs`), and every download is recorded in the audit trail
//! (`Store::record_download`). ODM and the audit trail name staff, so they are not offered.

use std::io::Write;
use std::path::Path;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use outputs::OutputError;
use outputs::export::Format;
use store::{Download, Store, StoreError};

use crate::AppState;
use crate::access::Allowed;
use crate::error::PageError;
use crate::pages::{layout, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;

/// The downloads page.
pub(crate) const PATH: &str = "/downloads";

/// Subjects the exports read at a time (the command's default).
const PAGE_SUBJECTS: i64 = 100;

/// One download: its route, what it is, and how the page describes it.
pub(crate) struct Offer {
    pub(crate) what: Download,
    pub(crate) path: &'static str,
    /// What taking it needs: exporting, or seeing the arms (a randomised study's files by arm,
    /// made with the server's allocation secret).
    action: Action,
    /// The file name's part after the study code, and the catalogue's id of its title
    /// (`download-<slug>`) and description (`download-<slug>-describes`).
    slug: &'static str,
}

/// Every download, in the order the page lists them.
pub(crate) const OFFERS: [Offer; 7] = [
    Offer {
        what: Download::Report,
        path: "/downloads/report.html",
        action: Action::Export,
        slug: "report",
    },
    Offer {
        what: Download::TidyCsv,
        path: "/downloads/tidy-csv.zip",
        action: Action::Export,
        slug: "tidy-csv",
    },
    Offer {
        what: Download::SdtmCsv,
        path: "/downloads/sdtm-csv.zip",
        action: Action::Export,
        slug: "sdtm-csv",
    },
    Offer {
        what: Download::SdtmXpt,
        path: "/downloads/sdtm-xpt.zip",
        action: Action::Export,
        slug: "sdtm-xpt",
    },
    Offer {
        what: Download::Submission,
        path: "/downloads/submission.zip",
        action: Action::Export,
        slug: "submission",
    },
    Offer {
        what: Download::ReportByArm,
        path: "/downloads/report-by-arm.html",
        action: Action::ReadArms,
        slug: "report-by-arm",
    },
    Offer {
        what: Download::SubmissionByArm,
        path: "/downloads/submission-by-arm.zip",
        action: Action::ReadArms,
        slug: "submission-by-arm",
    },
];

/// The page's route and one route per download.
pub(crate) fn routes(routes: Routes) -> Routes {
    OFFERS.iter().fold(
        routes.get(PATH, Scope::Study(Action::Export), page),
        |routes, offer| {
            let what = offer.what;
            routes.get(
                offer.path,
                Scope::Study(offer.action),
                move |state: State<AppState>, principal: Allowed| take(what, state, principal),
            )
        },
    )
}

async fn page(
    State(state): State<AppState>,
    Allowed(principal): Allowed,
) -> Result<Markup, PageError> {
    let study = state.store.study().await?;
    // The files by arm: for whoever may see the arms, of a randomised study, on a server that
    // holds its secret.
    let by_arm = principal.require(Action::ReadArms, None).is_ok()
        && state.config.allocation_secret.is_some()
        && state.store.protocol().await?.randomisation().is_some();
    let offered = OFFERS
        .iter()
        .filter(|offer| offer.action == Action::Export || by_arm);
    let body = html! {
        p.lead { (study.title) }
        p { (words().get("download-made-now")) }
        ul.downloads {
            @for offer in offered {
                li {
                    a href=(offer.path) download { (words().get(&format!("download-{}", offer.slug))) }
                    " (" (if offer.path.ends_with(".html") { "HTML" } else { "zip" }) "): " (words().get(&format!("download-{}-describes", offer.slug)))
                }
            }
        }
        p { (words().get("download-not-offered")) }
    };
    Ok(layout::page(
        &words().get("download-title"),
        Some(&principal),
        body,
    ))
}

/// Makes `what` from the record, records the download, and sends the file.
async fn take(
    what: Download,
    State(state): State<AppState>,
    Allowed(principal): Allowed,
) -> Result<Response, PageError> {
    let Some(offer) = OFFERS.iter().find(|offer| offer.what == what) else {
        return Err(PageError::NotFound);
    };
    let study = state.store.study().await?;
    let today = jiff::Zoned::now().date();
    let (extension, content_type) = if offer.path.ends_with(".html") {
        ("html", "text/html; charset=utf-8")
    } else {
        ("zip", "application/zip")
    };
    // A file by arm needs the server's secret; without it nothing is made or recorded.
    let secret = match offer.action {
        Action::ReadArms => Some(
            state
                .config
                .allocation_secret
                .clone()
                .ok_or_else(|| PageError::Refused(words().get("download-no-secret")))?,
        ),
        _ => None,
    };
    let file_name = format!(
        "{}-{}-{today}.{extension}",
        safe_name(&study.code),
        offer.slug
    );
    let dir = tempfile::tempdir().map_err(internal)?;
    let store = state.store.clone();
    let version = state.config.version.clone();
    // The writers are synchronous (files, zip) and read the record through the store: the
    // whole making runs on a blocking thread, which waits for the store's reads itself.
    let bytes = tokio::task::spawn_blocking(move || {
        let made = make(&store, offer, dir.path(), &version, secret.as_ref());
        drop(dir);
        made
    })
    .await
    .map_err(internal)??;
    state
        .store
        .record_download(&principal.actor, what, &file_name)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Makes `offer`'s file in the empty folder `dir` and returns its bytes: the report's
/// index.html, or the export's folder zipped.
fn make(
    store: &Store,
    offer: &Offer,
    dir: &Path,
    version: &str,
    secret: Option<&protocol::allocation::Secret>,
) -> Result<Vec<u8>, PageError> {
    let runtime = tokio::runtime::Handle::current();
    let format = match offer.what {
        Download::Report | Download::ReportByArm => {
            let report = runtime
                .block_on(outputs::report::from_record(
                    store,
                    None,
                    analysis::report::Settings::default(),
                    dir,
                    version,
                    secret,
                    |_, _| {},
                ))
                .map_err(output_error)?;
            outputs::report::write(&report, dir).map_err(output_error)?;
            return std::fs::read(dir.join("index.html")).map_err(internal);
        }
        Download::TidyCsv => Format::Csv,
        Download::SdtmCsv => Format::Sdtm,
        Download::SdtmXpt => Format::Xpt,
        Download::Submission | Download::SubmissionByArm => Format::Submission,
    };
    let files = dir.join(offer.slug);
    std::fs::create_dir(&files).map_err(internal)?;
    runtime
        .block_on(outputs::export::write(
            store,
            format,
            &files,
            PAGE_SUBJECTS,
            version,
            secret,
        ))
        .map_err(output_error)?;
    zip_folder(&files).map_err(internal)
}

/// Letters, digits, `-` and `_` of a study code, for a file name a browser keeps as it is.
fn safe_name(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The files of `dir` (an export writes no sub-folders) as one zip, in name order.
fn zip_folder(dir: &Path) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    add_folder(&mut zip, dir, "")?;
    Ok(zip.finish()?.into_inner())
}

/// Adds the files of `dir` under `prefix` (`sdtm/`), its folders' files after them, in name
/// order.
fn add_folder(
    zip: &mut zip::ZipWriter<std::io::Cursor<Vec<u8>>>,
    dir: &Path,
    prefix: &str,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|entry| (entry.path().is_dir(), entry.file_name()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for entry in entries {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            add_folder(zip, &entry.path(), &format!("{name}/"))?;
        } else {
            zip.start_file(name, options)?;
            zip.write_all(&std::fs::read(entry.path())?)?;
        }
    }
    Ok(())
}

/// A failure of the disk or of a writer: the server's, not the user's.
fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> PageError {
    PageError::Internal(StoreError::Other(error.into()))
}

/// The record's refusals as the record's; a protocol the report cannot use, or data the format
/// cannot hold, said in words (the study's to correct, not a fault of the server); the rest the
/// server's.
fn output_error(error: OutputError) -> PageError {
    match error {
        OutputError::Store(error) => error.into(),
        error @ (OutputError::OwnProtocol(_)
        | OutputError::Empty(_)
        | OutputError::Report(
            analysis::report::ReportError::Level | analysis::report::ReportError::AtRiskSpacing,
        )) => PageError::Refused(words().format(
            "download-protocol-refused",
            &[("error", error.to_string().into())],
        )),
        error @ OutputError::Allocation(_) => PageError::Refused(error.to_string()),
        OutputError::Export(error @ outputs::ExportError::Invalid { .. }) => {
            PageError::Refused(words().format(
                "download-data-refused",
                &[("error", error.to_string().into())],
            ))
        }
        other => internal(other),
    }
}
