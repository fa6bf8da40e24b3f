//! Lesion photographs on the visit page, beside the CLASI grid: the upload form (area as the
//! CLASI form says it, date taken, caption, file), the visit's photographs by area, and each
//! photograph's file, served only to those who read the subject. The upload is
//! `store::Store::add_photo`, the command the API calls too, so both get the same refusals.

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::handler::Handler;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use instruments::clasi::Area;
use maud::{Markup, html};
use store::{MAX_PHOTO_BYTES, NewPhoto, Photo, Stored, Subject, Visit};
use words::Arg;

use super::{Section, SectionPost, visit_of};
use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Typed;
use crate::pages::instruments_form::label;
use crate::pages::subjects::records;
use crate::pages::{received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;

/// What a request carrying a photograph may weigh: the largest file and room for the form's
/// other fields and the multipart framing. A larger one is refused before it is read whole.
pub(crate) const UPLOAD_BODY_LIMIT: usize = MAX_PHOTO_BYTES + 64 * 1024;

/// An area as the CLASI form says it.
fn area_words(area: Area) -> String {
    words().get(&format!("clasi-area-{}", area.id()))
}

/// The photographs section: thumbnails by area (in the CLASI form's order), and the upload
/// form for those who enter visit data.
pub(crate) fn section(
    principal: &Principal,
    subject: &Subject,
    visit: &Visit,
    photos: &[Stored<Photo>],
    typed: Option<Typed>,
    enters: bool,
) -> Markup {
    let code = &subject.data.code;
    let base = format!("/subjects/{code}/visits/{}", visit.id);
    let date = super::visit_date(visit).map_or_else(String::new, |date| date.to_string());
    let form = typed.unwrap_or_else(|| Typed::filled([("taken_on", date.as_str())]));
    let areas: Vec<(&str, String)> = Area::ALL
        .iter()
        .map(|area| (area.id(), area_words(*area)))
        .collect();
    let mut options = vec![("", words().get("photos-choose-area"))];
    options.extend(areas.iter().map(|(id, said)| (*id, said.clone())));
    html! {
        section #photos {
            h2 { (words().get("photos-title")) }
            @if photos.is_empty() {
                p { (words().get("photos-none")) }
            }
            @for area in Area::ALL {
                @let here: Vec<&Stored<Photo>> = photos.iter().filter(|photo| photo.data.area == area).collect();
                @if !here.is_empty() {
                    h3 { (area_words(area)) }
                    div.photos {
                        @for photo in here {
                            figure.photo {
                                a href={ (base) "/photos/" (photo.id) } {
                                    img src={ (base) "/photos/" (photo.id) } width="160" loading="lazy"
                                        alt=(words().format("photos-alt", &[("area", Arg::from(area_words(area))), ("date", Arg::from(photo.data.taken_on.to_string()))]));
                                }
                                figcaption {
                                    (photo.data.taken_on)
                                    @if let Some(caption) = &photo.data.caption { " — " (caption) }
                                }
                                @if enters {
                                    (records::void_form(principal, code, "photo", photo.id, photo.version, &format!("{base}#photos")))
                                }
                            }
                        }
                    }
                }
            }
            @if enters {
                form method="post" action={ (base) "/photos" } enctype="multipart/form-data" {
                    (crate::pages::form::token(&principal.csrf_token))
                    (form.summary(&["area", "taken_on", "caption", "file"]))
                    div.row {
                        (form.select("area", &words().get("photos-area"), &options))
                        (form.input("taken_on", &label("taken_on"), "date"))
                        (form.input("caption", &label("caption"), "text"))
                    }
                    div.field {
                        label for="file" { (words().get("photos-file")) }
                        input id="file" name="file" type="file" accept="image/jpeg,image/png"
                            aria-invalid=[form.error("file").map(|_| "true")]
                            aria-describedby="file-hint";
                        p.hint id="file-hint" { (words().format("photos-file-hint", &[("max", Arg::from(MAX_PHOTO_BYTES / (1024 * 1024)))])) }
                        @if let Some(message) = form.error("file") {
                            p.error { (message) }
                        }
                    }
                    button type="submit" { (words().get("photos-upload")) }
                }
            }
        }
    }
}

/// The form's fields as sent: the text fields (kept to show again) and the file's bytes
/// (never shown again: a browser cannot be given a file to send), or why they could not be
/// read. The browser sends the file last, so a file too large still leaves the fields typed.
async fn read_form(mut multipart: Multipart) -> (Vec<(String, String)>, Result<Vec<u8>, String>) {
    let mut pairs = Vec::new();
    let mut file = Ok(Vec::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (pairs, file),
            Err(error) => return (pairs, Err(unreadable(&error))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            file = field
                .bytes()
                .await
                .map(|bytes| bytes.to_vec())
                .map_err(|error| unreadable(&error));
        } else {
            match field.text().await {
                Ok(text) => pairs.push((name, text)),
                Err(error) => return (pairs, Err(unreadable(&error))),
            }
        }
    }
}

/// Why the form could not be read: too large, or not a form.
fn unreadable(error: &axum::extract::multipart::MultipartError) -> String {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        words().format(
            "photos-too-large",
            &[("max", Arg::from(MAX_PHOTO_BYTES / (1024 * 1024)))],
        )
    } else {
        words().format(
            "photos-unreadable",
            &[("error", Arg::from(error.body_text()))],
        )
    }
}

pub(crate) async fn upload(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id)): Path<(String, i64)>,
    request: Request,
) -> Result<Response, PageError> {
    let visit = visit_of(&state, &subject, visit_id).await?;
    // Read here, after the policy check, so that a post that is no multipart form is refused
    // in words like any other form.
    let multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|rejection| {
            PageError::Refused(words().format(
                "photos-unreadable",
                &[("error", Arg::from(rejection.body_text()))],
            ))
        })?;
    let (pairs, file) = read_form(multipart).await;
    let mut typed = received(&principal, pairs)?;
    let taken_on = typed.date("taken_on");
    let bytes = file.map_err(|message| typed.fail("file", message)).ok();
    let saved = if let (Some(taken_on), Some(bytes)) = (taken_on, bytes) {
        let upload = NewPhoto {
            subject_id: subject.id,
            visit_id: visit.id,
            area: typed.get("area").to_owned(),
            taken_on,
            caption: Some(typed.get("caption").to_owned()),
            bytes,
        };
        Some(state.store.add_photo(&principal.actor, &upload).await)
    } else {
        None
    };
    SectionPost::new(&state, &principal, &subject, &visit, &code)
        .saved_or_again(Section::Photo, saved, typed)
        .await
}

/// A photograph's file, checked against its record's SHA-256, as its own media type; never
/// cached, never sniffed as anything else. Another subject's or visit's photograph is 404.
pub(crate) async fn file(
    State(state): State<AppState>,
    SubjectAccess(_, subject): SubjectAccess,
    Path((_, visit_id, photo_id)): Path<(String, i64, i64)>,
) -> Result<Response, PageError> {
    let photo: Stored<Photo> = state.store.record(photo_id).await?;
    if photo.data.subject_id != subject.id || photo.data.visit_id != visit_id {
        return Err(PageError::NotFound);
    }
    let bytes = state.store.photo_bytes(&photo.data).await?;
    Ok((
        [
            (header::CONTENT_TYPE, photo.data.file().media_type().code()),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .post(
            "/subjects/{code}/visits/{visit}/photos",
            Scope::Subject(Action::EnterVisitData),
            upload.layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .get(
            "/subjects/{code}/visits/{visit}/photos/{photo}",
            Scope::Subject(Action::ReadSubject),
            file,
        )
}
