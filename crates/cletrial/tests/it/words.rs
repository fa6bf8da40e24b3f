//! Users read words, not ids: every page of each shipped study's demo, opened as every role in
//! each language, shows no snake_case id, no catalogue id, no Rust type or debug name and no raw
//! timestamp in its text.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::redirect::Policy;

use crate::support::{cletrial, serving};

/// Pages opened per role and study; enough for every kind of page twice.
const PAGES: usize = 80;
/// Pages of one shape (`/subjects/N/visits/N`) opened per role.
const PER_SHAPE: usize = 2;
/// Names and units written in mixed case on purpose.
const NAMES: [&str; 6] = ["MedDRA", "dsDNA", "uL", "mL", "dL", "ADaM"];

/// A browser without JavaScript: cookies kept by hand, redirects not followed.
struct Visitor {
    client: reqwest::Client,
    base: String,
    cookies: BTreeMap<String, String>,
}

impl Visitor {
    fn new(base: &str) -> Visitor {
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("client");
        Visitor {
            client,
            base: base.to_owned(),
            cookies: BTreeMap::new(),
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> (u16, Option<String>, String) {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let reply = request
            .header(COOKIE, cookie.join("; "))
            .send()
            .await
            .expect("request");
        for set in reply.headers().get_all(SET_COOKIE) {
            let pair = set.to_str().unwrap_or_default().split(';').next();
            if let Some((name, value)) = pair.and_then(|pair| pair.split_once('=')) {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = reply.status().as_u16();
        let location = reply
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        (status, location, reply.text().await.expect("body"))
    }

    async fn get(&mut self, path: &str) -> (u16, Option<String>, String) {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    async fn log_in(&mut self, login: &str, password: &str) {
        let (_, _, page) = self.get("/login").await;
        let csrf = attribute_after(&page, "name=\"csrf\"", "value").expect("a login form");
        let form = [("login", login), ("password", password), ("csrf", &csrf)];
        let request = self
            .client
            .post(format!("{}/login", self.base))
            .header(ORIGIN, &self.base)
            .form(&form);
        let (status, location, body) = self.send(request).await;
        assert_eq!(
            (status, location.as_deref()),
            (303, Some("/")),
            "{login}: {body}"
        );
    }
}

/// The value of `name="…"` in the tag that contains `marker`.
fn attribute_after(html: &str, marker: &str, name: &str) -> Option<String> {
    let at = html.find(marker)?;
    let tag_end = at + html[at..].find('>')?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_end];
    let value = tag.split(&format!("{name}=\"")).nth(1)?;
    Some(value.split('"').next()?.to_owned())
}

/// The text a reader sees: the page without its tags, scripts and styles, with the attributes
/// a screen reader says (title, aria-label, placeholder, alt).
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let tag_end = rest[open..]
            .find('>')
            .map_or(rest.len(), |end| open + end + 1);
        let tag = &rest[open..tag_end];
        for name in ["title", "aria-label", "placeholder", "alt"] {
            if let Some(value) = tag.split(&format!(" {name}=\"")).nth(1) {
                text.push_str(value.split('"').next().unwrap_or_default());
                text.push(' ');
            }
        }
        rest = &rest[tag_end..];
        for hidden in ["<script", "<style"] {
            if tag.starts_with(hidden) {
                let close = format!("</{}", &hidden[1..]);
                rest = rest.find(&close).map_or("", |at| &rest[at..]);
            }
        }
    }
    text.push_str(rest);
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

/// The ids, type names and raw timestamps in `text`.
fn offenders(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')) {
        let bare = word.trim_matches(':');
        let snake = bare.split('_').count() > 1
            && bare.split('_').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            });
        let camel = bare
            .chars()
            .zip(bare.chars().skip(1))
            .any(|(a, b)| a.is_ascii_lowercase() && b.is_ascii_uppercase())
            && !NAMES.contains(&bare);
        if snake || camel || bare.contains("::") {
            found.insert(bare.to_owned());
        }
    }
    // A message the catalogue lacks in the page's language shows as its id (`visit-save-clasi`).
    let english = words::Words::of(words::Language::English);
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')) {
        if word.contains('-') && english.has(word) {
            found.insert(word.to_owned());
        }
    }
    // 2026-12-06T03:25:16: a time as stored, not as shown.
    let bytes = text.as_bytes();
    for at in 10..bytes.len().saturating_sub(3) {
        let date = &bytes[at - 10..at];
        let is_date = date.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
        if is_date && bytes[at] == b'T' && bytes[at + 1].is_ascii_digit() && bytes[at + 3] == b':' {
            found.insert(String::from_utf8_lossy(&bytes[at - 10..at + 3]).into_owned());
        }
    }
    found
}

/// `/subjects/S01-P03/visits/12` -> `/subjects/C/visits/N`: pages of one kind.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|part| {
            if part.chars().any(|c| c.is_ascii_digit()) && part.contains('-') {
                "C".to_owned()
            } else if part.chars().all(|c| c.is_ascii_digit()) && !part.is_empty() {
                "N".to_owned()
            } else {
                part.split('?').next().unwrap_or_default().to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every same-site link of a page, as paths.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/') && !href.starts_with("/static"))
        .map(|href| href.replace("&amp;", "&"))
        .collect()
}

/// Opens the pages `login` reaches from the dashboard in `language` (the language setting's
/// cookie) and returns what each shows that is not words.
async fn walk(
    base: &str,
    login: &str,
    password: &str,
    language: &str,
) -> (usize, BTreeMap<String, BTreeSet<String>>) {
    let mut visitor = Visitor::new(base);
    visitor.log_in(login, password).await;
    visitor
        .cookies
        .insert("lang".to_owned(), language.to_owned());
    let mut seen = BTreeSet::new();
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut found = BTreeMap::new();
    while let Some(path) = queue.pop_front() {
        // A download is a file, not a page: the report names its tables by their files, and
        // its statuses are the web's downloads tests'.
        if seen.len() >= PAGES || !seen.insert(path.clone()) || path.starts_with("/downloads/") {
            continue;
        }
        let count = shapes.entry(shape(&path)).or_default();
        *count += 1;
        if *count > PER_SHAPE {
            continue;
        }
        let (status, _, body) = visitor.get(&path).await;
        assert!(status < 500, "{login} {path}: {status}");
        let bad = offenders(&visible_text(&body));
        if !bad.is_empty() {
            found.insert(format!("{login} {language} {path}"), bad);
        }
        queue.extend(links(&body));
    }
    (seen.len(), found)
}

#[tokio::test]
async fn every_page_of_every_study_speaks_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut found = BTreeMap::new();
    for study in ["nct01408199", "thalidomide-cohort", "pediatric-review"] {
        let db = dir.path().join(format!("{study}.db"));
        let db = db.to_str().expect("utf-8");
        let demo = cletrial(&["demo", "--study", study, "--no-serve", "--db", db], None).ok_json();
        let (_served, address) = serving(&["serve", "--db", db, "--bind", "127.0.0.1:0"]);
        let base = format!("http://{address}");
        let mut pages = 0;
        for user in demo["logins"].as_array().expect("logins") {
            let login = user["login"].as_str().expect("login");
            let password = user["password"].as_str().expect("password");
            for language in ["en", "es"] {
                let (opened, bad) = walk(&base, login, password, language).await;
                pages += opened;
                for (page, bad) in bad {
                    found.insert(format!("{study} {page}"), bad);
                }
            }
        }
        // Every role's pages: the subject, visit, history, adverse event and screening pages.
        assert!(pages > 40, "{study}: only {pages} pages opened");
    }
    assert!(found.is_empty(), "ids shown to users: {found:#?}");
}

#[test]
fn ids_types_and_stamps_are_found_and_words_pass() {
    let check = |text: &str, expect: &[&str]| {
        let expect: BTreeSet<String> = expect.iter().map(|word| (*word).to_owned()).collect();
        assert_eq!(offenders(&visible_text(text)), expect, "{text}");
    };
    check("<p>continue at 5mg_daily</p>", &["5mg_daily"]);
    check("<p>Not allowed (RecordDecision)</p>", &["RecordDecision"]);
    check("<button>visit-save-clasi</button>", &["visit-save-clasi"]);
    check("<td>2026-12-06T03:25:16.538197Z</td>", &["2026-12-06T03"]);
    check("<p>expected store::Subject</p>", &["store::Subject"]);
    check(
        "<select aria-label=\"back_buttocks\"></select>",
        &["back_buttocks"],
    );
    check("<script>let page_size = 1;</script><p>5 mg daily</p>", &[]);
    check(
        "<p title=\"MedDRA code\">SLEDAI-2K, CLASI, 2026-12-06 16:09:55, 10^9/L, e-mail</p>",
        &[],
    );
    check(
        "<a href=\"/subjects/S01-P01?form=adverse_event\">history</a>",
        &[],
    );
}
