//! One scenario per shipped study, entered through two channels into two fresh records: the JSON
//! API (the calls the pages make) and `cletrial import`. Each act is written once, below, and
//! rendered for each channel; the records that come out hold the same doses, con-meds, events,
//! results and decisions.

use std::collections::BTreeMap;

use ::store::{Backend, Password, Store};
use serde_json::{Value, json};

use crate::store::{ADMIN_PASSWORD, BOB_PASSWORD, Cli, both_backends, path};

both_backends!(each_study_records_the_same_through_the_api_and_import);

/// One clinical act: what a form records for a subject (at a visit, for visit forms).
struct Act {
    form: &'static str,
    subject: &'static str,
    visit: Option<(&'static str, &'static str)>,
    fields: Value,
}

fn act(form: &'static str, subject: &'static str, fields: Value) -> Act {
    Act {
        form,
        subject,
        visit: None,
        fields,
    }
}

fn at(visit: (&'static str, &'static str), mut act: Act) -> Act {
    act.visit = Some(visit);
    act
}

fn candidate() -> Value {
    let mut candidate: Value =
        serde_json::from_str(include_str!("../../../../examples/protocol/candidate.json"))
            .expect("the example candidate");
    for own in ["screening_date", "birth_date"] {
        candidate.as_object_mut().expect("object").remove(own);
    }
    candidate
}

/// A subject as the screening form takes it; `enrolment_date` enrols it (prospective studies).
fn subject(code: &'static str, fields: Value) -> Act {
    act("subject", code, fields)
}

/// (study protocol file, the acts, the date each subject's decision is read on).
fn scenarios() -> Vec<(&'static str, Vec<Act>, &'static str)> {
    let month6 = ("month 6", "2024-07-22");
    vec![
        (
            "nct01408199",
            vec![
                subject(
                    "S01-101",
                    json!({"site": "S01", "sex": "F", "age_years": 48, "subtype": "scle_annular",
                           "screening_date": "2024-01-15", "consent_date": "2024-01-12",
                           "enrolment_date": "2024-01-22", "candidate": candidate()}),
                ),
                act(
                    "dose",
                    "S01-101",
                    json!({"drug": "lenalidomide", "amount": "5", "unit": "mg",
                           "frequency": "QD", "start_date": "2024-01-22"}),
                ),
                act(
                    "dose",
                    "S01-101",
                    json!({"drug": "Lenalidomide", "amount": "5", "unit": "mg",
                           "frequency": "three times weekly", "start_date": "2024-02-19"}),
                ),
                act(
                    "conmed",
                    "S01-101",
                    json!({"drug": "prednisone", "amount": "5", "unit": "mg", "frequency": "QD",
                           "route": "oral", "start_date": "2023-10-15", "ongoing": true}),
                ),
                act(
                    "conmed",
                    "S01-101",
                    json!({"drug": "hydroxychloroquine", "amount": "200", "unit": "mg",
                           "frequency": "BID", "route": "PO", "start_date": "2024-03-04",
                           "ongoing": true}),
                ),
                at(
                    ("week 8", "2024-03-18"),
                    act(
                        "lab",
                        "S01-101",
                        json!({"collected_on": "2024-03-18", "test": "neutrophils",
                               "value": "0.9", "unit": "10^9/L", "lln": "1.5"}),
                    ),
                ),
                act(
                    "adverse_event",
                    "S01-101",
                    json!({"term": "Neutrophil count decreased", "grade": 3, "serious": false,
                           "causality": "probable", "action_taken": "drug_withdrawn",
                           "outcome": "recovering", "start_date": "2024-03-18"}),
                ),
                act(
                    "disposition",
                    "S01-101",
                    json!({"status": "adverse_event", "disposition_date": "2024-03-25",
                           "details": "grade 3 neutropenia"}),
                ),
            ],
            "2024-03-25",
        ),
        (
            "thalidomide-cohort",
            vec![
                subject(
                    "S01-T101",
                    json!({"site": "S01", "sex": "F", "age_years": 39, "subtype": "dle_localized",
                           "screening_date": "2024-01-15", "consent_date": "2024-01-12",
                           "enrolment_date": "2024-01-22", "candidate": candidate()}),
                ),
                act(
                    "dose",
                    "S01-T101",
                    json!({"drug": "thalidomide", "amount": "100", "unit": "mg",
                           "frequency": "QD", "start_date": "2024-01-22"}),
                ),
                act(
                    "dose",
                    "S01-T101",
                    json!({"drug": "thalidomide", "amount": "0.05", "unit": "g",
                           "frequency": "QOD", "start_date": "2024-05-20"}),
                ),
                act(
                    "adverse_event",
                    "S01-T101",
                    json!({"term": "Paresthesia", "verbatim": "tingling in both feet",
                           "grade": 1, "serious": false, "causality": "probable",
                           "action_taken": "dose_reduced", "outcome": "not_recovered",
                           "start_date": "2024-05-13"}),
                ),
                at(
                    month6,
                    act(
                        "nerve_conduction_study",
                        "S01-T101",
                        json!({"tested_on": "2024-07-22", "finding": "sensory_polyneuropathy",
                               "note": "sural amplitudes reduced on both sides"}),
                    ),
                ),
                act(
                    "protocol_event",
                    "S01-T101",
                    json!({"occurred_on": "2024-07-23", "event": "physician_decision",
                           "note": "thalidomide stopped for neuropathy"}),
                ),
            ],
            "2024-07-29",
        ),
        (
            "pediatric-review",
            vec![
                subject(
                    "S01-W101",
                    json!({"site": "S01", "sex": "F", "birth_date": "2008-01-15",
                           "subtype": "acle_localized", "screening_date": "2024-09-02",
                           "candidate": {"index_date": "2023-06-01", "sle_diagnosis": true,
                                         "drug_received": true}}),
                ),
                act(
                    "dose",
                    "S01-W101",
                    json!({"drug": "lenalidomide", "amount": "5", "unit": "mg",
                           "frequency": "QD", "start_date": "2023-06-01"}),
                ),
                act(
                    "conmed",
                    "S01-W101",
                    json!({"drug": "prednisone", "amount": "20", "unit": "mg", "frequency": "QD",
                           "route": "oral", "start_date": "2023-06-01",
                           "end_date": "2023-11-30"}),
                ),
                act(
                    "conmed",
                    "S01-W101",
                    json!({"drug": "prednisone", "amount": "10", "unit": "mg", "frequency": "QD",
                           "route": "oral", "start_date": "2023-12-01", "ongoing": true}),
                ),
                at(
                    ("drug start", "2023-06-01"),
                    act(
                        "lab",
                        "S01-W101",
                        json!({"collected_on": "2023-06-01", "test": "esr", "value": "42",
                               "unit": "mm/h"}),
                    ),
                ),
                at(
                    ("6 months", "2023-12-01"),
                    act(
                        "lab",
                        "S01-W101",
                        json!({"collected_on": "2023-12-01", "test": "ESR", "value": "18",
                               "unit": "mm/h"}),
                    ),
                ),
            ],
            "2023-12-01",
        ),
    ]
}

/// A cell as the import reads it: yes/no, a number, a count with its unit, JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(yes) => if *yes { "yes" } else { "no" }.to_owned(),
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Object(count) if count.contains_key("unit") => {
            format!("{} {}", count["value"], cell(&count["unit"]))
        }
        other => other.to_string(),
    }
}

/// The acts of one form as a CSV file and its mapping: a column per field, named as the field.
fn import_files(form: &str, acts: &[&Act]) -> (String, String) {
    let visits = acts.iter().any(|act| act.visit.is_some());
    let repeats = matches!(form, "lab" | "adverse_event" | "protocol_event");
    let mut fields: Vec<String> = Vec::new();
    let mut rows: Vec<BTreeMap<String, String>> = Vec::new();
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for act in acts {
        let mut row = BTreeMap::new();
        row.insert("record_id".to_owned(), act.subject.to_owned());
        if let Some((name, date)) = act.visit {
            row.insert("visit".to_owned(), name.to_owned());
            row.insert("visit_date".to_owned(), date.to_owned());
        }
        let key = (
            act.subject.to_owned(),
            act.visit.map_or("", |v| v.0).to_owned(),
        );
        let repeat = seen.entry(key).or_default();
        *repeat += 1;
        if repeats {
            row.insert("repeat".to_owned(), repeat.to_string());
        }
        for (name, value) in act.fields.as_object().expect("fields") {
            let entries: Vec<(String, &Value)> = match (name.as_str(), value) {
                ("candidate", Value::Object(candidate)) => candidate
                    .iter()
                    .map(|(key, value)| (format!("candidate.{key}"), value))
                    .collect(),
                _ => vec![(format!("{form}.{name}"), value)],
            };
            for (target, value) in entries {
                let column = target.replace('.', "__");
                if !fields.contains(&target) {
                    fields.push(target);
                }
                row.insert(column, cell(value));
            }
        }
        rows.push(row);
    }
    let mut header = vec!["record_id".to_owned()];
    if visits {
        header.extend(["visit".to_owned(), "visit_date".to_owned()]);
    }
    if repeats {
        header.push("repeat".to_owned());
    }
    header.extend(fields.iter().map(|field| field.replace('.', "__")));
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(&header).expect("header");
    for row in &rows {
        let cells: Vec<&str> = header
            .iter()
            .map(|column| row.get(column).map_or("", String::as_str))
            .collect();
        csv.write_record(&cells).expect("row");
    }
    let csv = String::from_utf8(csv.into_inner().expect("csv")).expect("utf-8");
    let mut mapping = format!("form = \"{form}\"\n\n[keys]\nsubject = \"record_id\"\n");
    if visits {
        mapping.push_str("visit = \"visit\"\n");
    }
    if repeats {
        mapping.push_str("repeat = \"repeat\"\n");
    }
    mapping.push_str("\n[columns]\n");
    if visits {
        mapping.push_str("visit_date = \"visit.actual_date\"\n");
    }
    for field in &fields {
        mapping.push_str(&format!("{} = \"{field}\"\n", field.replace('.', "__")));
    }
    (csv, mapping)
}

/// The order a study team enters the forms: subjects first.
const FORMS: [&str; 8] = [
    "subject",
    "dose",
    "conmed",
    "lab",
    "adverse_event",
    "protocol_event",
    "disposition",
    "nerve_conduction_study",
];

fn through_import(cli: &Cli, acts: &[Act]) {
    for form in FORMS {
        let of_form: Vec<&Act> = acts.iter().filter(|act| act.form == form).collect();
        if of_form.is_empty() {
            continue;
        }
        let (csv, mapping) = import_files(form, &of_form);
        let input = cli.dir.path().join(format!("{form}.csv"));
        let map = cli.dir.path().join(format!("{form}.toml"));
        std::fs::write(&input, &csv).expect("csv");
        std::fs::write(&map, &mapping).expect("mapping");
        let run = cli.run(
            &[
                "import",
                "--as",
                "bob",
                "--input",
                &path(&input),
                "--mapping",
                &path(&map),
                "--reason",
                "charts entered",
            ],
            &[("CLETRIAL_PASSWORD", BOB_PASSWORD)],
        );
        assert_eq!(run.status, 0, "{form}: {run:#?}\n{csv}\n{mapping}");
    }
}

/// The same acts as the JSON API calls a script (or the pages) makes.
async fn through_api(store: &Store, acts: &[Act]) {
    let bob = store
        .authenticate("bob", &Password::typed(BOB_PASSWORD).expect("password"))
        .await
        .expect("bob");
    let (_, token) = web::issue_token(
        store,
        &bob,
        "bob",
        "channels test",
        store::default_token_expiry(),
    )
    .await
    .expect("token");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener");
    let base = format!("http://{}/api/v1", listener.local_addr().expect("address"));
    let app = web::router(store.clone(), web::Config::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(web::serve(listener, app, web::Limits::default(), async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let post = |path: String, body: Value| {
        let request = client
            .post(format!("{base}{path}"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body.to_string());
        async move {
            let reply = request.send().await.expect("request");
            let status = reply.status().as_u16();
            let text = reply.text().await.expect("body");
            assert!(status == 200 || status == 201, "{path}: {status} {text}");
            serde_json::from_str::<Value>(&text).expect("json")
        }
    };
    let mut visits: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    for act in acts {
        let code = act.subject;
        let mut fields = act.fields.clone();
        if act.form == "subject" {
            let object = fields.as_object_mut().expect("object");
            let enrolment = object.remove("enrolment_date");
            object.insert("code".to_owned(), json!(code));
            let screened = post("/subjects".to_owned(), fields.clone()).await;
            if let Some(enrolment) = enrolment {
                post(
                    format!("/subjects/{code}/enrolment"),
                    json!({"version": screened["version"],
                           "consent_date": fields["consent_date"],
                           "enrolment_date": enrolment}),
                )
                .await;
            }
            continue;
        }
        let visit = match act.visit {
            None => None,
            Some((name, date)) => Some(match visits.get(&(code, name)) {
                Some(id) => *id,
                None => {
                    let added = post(
                        format!("/subjects/{code}/visits"),
                        json!({"name": name, "actual_date": date}),
                    )
                    .await;
                    let id = added["id"].as_i64().expect("visit id");
                    visits.insert((code, name), id);
                    id
                }
            }),
        };
        let path = match (act.form, visit) {
            ("dose", _) => "doses".to_owned(),
            ("conmed", _) => "conmeds".to_owned(),
            ("adverse_event", _) => "adverse-events".to_owned(),
            ("protocol_event", _) => "events".to_owned(),
            ("disposition", _) => "disposition".to_owned(),
            ("lab", Some(visit)) => format!("visits/{visit}/labs"),
            ("nerve_conduction_study", Some(visit)) => format!("visits/{visit}/nerve-conduction"),
            (form, _) => panic!("no API call for {form}"),
        };
        post(format!("/subjects/{code}/{path}"), fields).await;
    }
    let _ = stop.send(());
    server.await.expect("server task");
}

/// What the record holds for a subject, and the engine's answer on `as_of`, in words.
async fn read(store: &Store, code: &str, as_of: &str) -> Value {
    let subject = store.subject_by_code(code).await.expect("subject");
    let protocol = store.protocol().await.expect("protocol");
    let record = store.clinical_record(subject.id).await.expect("record");
    let words = |items: Vec<String>| json!(items);
    let decision = match record.decide(&protocol, as_of.parse().expect("date")) {
        Ok(decision) => json!({
            "action": decision.action,
            "dose": decision.dose,
            "rules": decision.rules.iter().map(|rule| rule.id.clone()).collect::<Vec<_>>(),
        }),
        Err(why) => json!(why.to_string()),
    };
    json!({
        "enrolment": subject.data.enrolment_date.map(|date| date.to_string()),
        "consent_waived": subject.consent_waived,
        "doses": words(record.doses.iter().map(|d| format!("{} {:?} {} {:?}",
            d.data.regimen, d.data.level, d.data.start_date, d.data.end_date)).collect()),
        "conmeds": words(record.conmeds.iter().map(|c| format!("{} {:?} {:?} {:?}",
            c.data.words(), c.data.route, c.data.start_date, c.data.end_date)).collect()),
        "labs": words(record.labs.iter().map(|l| format!("{} {:?} {} {:?}",
            l.data.test, l.data.value, l.data.collected_on, l.data.visit_id.is_some())).collect()),
        "adverse_events": words(record.adverse_events.iter().map(|a| format!("{} {} {}",
            a.data.term, a.data.grade.number(), a.data.start_date)).collect()),
        "events": words(record.events.iter().map(|e| format!("{:?} {}",
            e.data.event, e.data.occurred_on)).collect()),
        "dispositions": words(record.dispositions.iter().map(|d| format!("{:?} {}",
            d.data.status, d.data.disposition_date)).collect()),
        "nerve": words(record.nerve_studies.iter().map(|n| format!("{:?} {}",
            n.data.finding, n.data.tested_on)).collect()),
        "decision": decision,
    })
}

async fn with_protocol(cli: &Cli, study: &str) -> Store {
    let store = Store::open(cli.db.url()).await.expect("opens");
    let admin = store
        .authenticate("admin", &Password::typed(ADMIN_PASSWORD).expect("password"))
        .await
        .expect("admin");
    let text = std::fs::read_to_string(
        crate::support::workspace_root().join(format!("protocols/{study}.toml")),
    )
    .expect("protocol");
    let version = store.study().await.expect("study").version;
    store
        .amend_protocol(&admin, version, &text, "this study's protocol")
        .await
        .expect("amended");
    store
}

fn each_study_records_the_same_through_the_api_and_import(backend: Backend) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    for (study, acts, as_of) in scenarios() {
        let (imported, called) = (Cli::new(backend), Cli::new(backend));
        let codes: Vec<&str> = acts
            .iter()
            .filter(|act| act.form == "subject")
            .map(|act| act.subject)
            .collect();
        runtime.block_on(async {
            with_protocol(&imported, study).await.close().await;
        });
        through_import(&imported, &acts);
        runtime.block_on(async {
            let api = with_protocol(&called, study).await;
            through_api(&api, &acts).await;
            api.close().await;
            let (a, b) = (
                Store::open(imported.db.url()).await.expect("opens"),
                Store::open(called.db.url()).await.expect("opens"),
            );
            for code in &codes {
                let (by_import, by_api) =
                    (read(&a, code, as_of).await, read(&b, code, as_of).await);
                assert_eq!(by_import, by_api, "{study} {code}");
                // Each scenario does what its study is about.
                let decision = by_api["decision"].to_string();
                match study {
                    "nct01408199" => {
                        assert!(decision.contains("stop.myelosuppression"), "{decision}");
                        assert!(
                            by_api["doses"][1]
                                .as_str()
                                .unwrap_or_default()
                                .contains("5mg_3x_weekly")
                        );
                    }
                    "thalidomide-cohort" => {
                        assert!(decision.contains("stop.polyneuropathy"), "{decision}");
                        assert!(
                            by_api["doses"][1]
                                .as_str()
                                .unwrap_or_default()
                                .contains("50mg_alternate_days")
                        );
                    }
                    _ => {
                        assert_eq!(by_api["consent_waived"], true);
                        assert_eq!(by_api["enrolment"], "2023-06-01");
                        assert_eq!(by_api["labs"].as_array().map(Vec::len), Some(2));
                    }
                }
            }
            a.close().await;
            b.close().await;
        });
    }
}
