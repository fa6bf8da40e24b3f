//! Outcome instruments through `cletrial import`, the store's command of the pages and the API:
//! refused on each shipped protocol as "this study does not collect DLQI", an answer out of its
//! item's range refused naming its column; on the outcomes test study imported with its blank
//! item kept unanswered, and imported again without a write.

use ::store::{Backend, Password, Store};

use crate::store::{ADMIN_PASSWORD, Cli, both_backends};

both_backends!(outcome_instruments_are_imported_through_the_stores_command);

const MAPPING: &str = r#"form = "questionnaire"
date_format = "%d/%m/%Y"

[keys]
subject = "record_id"
visit = "event"

[columns]
instrument = "questionnaire.instrument"
done_on = "questionnaire.completed_on"
q1 = "questionnaire.DLQI01"
q2 = "questionnaire.DLQI02"
itch = "questionnaire.ITCHNRS"
why = "questionnaire.unanswered_reason"
"#;

const HEADER: &str = "record_id,event,instrument,done_on,q1,q2,itch,why";

/// Puts `protocol` in force through the store.
async fn amend(cli: &Cli, protocol: &str) {
    let store = Store::open(cli.db.url()).await.expect("opens");
    let admin = store
        .authenticate("admin", &Password::typed(ADMIN_PASSWORD).expect("password"))
        .await
        .expect("admin");
    let version = store.study().await.expect("study").version;
    store
        .amend_protocol(&admin, version, protocol, "this study's protocol")
        .await
        .expect("amended");
    store.close().await;
}

fn outcome_instruments_are_imported_through_the_stores_command(backend: Backend) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let cli = Cli::new(backend);
    cli.examples_before(Some("clasi"));
    let mapping = cli.dir.path().join("questionnaire.toml");
    std::fs::write(&mapping, MAPPING).expect("mapping");
    let import = |rows: &[&str]| {
        let input = cli.dir.path().join("questionnaire.csv");
        std::fs::write(&input, format!("{HEADER}\n{}\n", rows.join("\n"))).expect("csv");
        cli.import(&input, &mapping)
    };
    let dlqi = "S01-001,week 4,dlqi,19/02/2024,a_lot,,,patient skipped question 2";
    for protocol in ["nct01408199", "thalidomide-cohort", "pediatric-review"] {
        let text = std::fs::read_to_string(
            crate::support::workspace_root().join(format!("protocols/{protocol}.toml")),
        )
        .expect("protocol");
        runtime.block_on(amend(&cli, &text));
        let refused = import(&[dlqi]).json();
        assert_eq!(refused["imported"], false, "{protocol}: {refused}");
        assert_eq!(refused["rejected"][0]["column"], "instrument", "{refused}");
        assert_eq!(
            refused["rejected"][0]["reason"], "this study does not collect DLQI",
            "{protocol}: {refused}"
        );
    }
    runtime.block_on(amend(&cli, &store::testing::outcomes_protocol()));
    let refused = import(&["S01-001,week 4,worst_itch_nrs,19/02/2024,,,11,"]).json();
    assert_eq!(refused["rejected"][0]["column"], "itch", "{refused}");
    assert_eq!(
        refused["rejected"][0]["reason"],
        "'11' is not allowed; allowed: 0 to 10"
    );
    let rows = [dlqi, "S01-001,week 4,worst_itch_nrs,19/02/2024,,,07,"];
    let done = import(&rows).ok_json();
    assert_eq!(done["created"], 2, "{done}");
    let again = import(&rows).ok_json();
    assert_eq!(
        (again["created"].as_i64(), again["updated"].as_i64()),
        (Some(0), Some(0)),
        "{again}"
    );
    let stored = runtime.block_on(async {
        let store = Store::open(cli.db.url()).await.expect("opens");
        let subject = store.subject_by_code("S01-001").await.expect("subject");
        let taken = store
            .records_of::<store::Questionnaire>(subject.id)
            .await
            .expect("records");
        store.close().await;
        taken
    });
    let answers: Vec<_> = stored
        .iter()
        .map(|record| record.data.answers.clone())
        .collect();
    assert_eq!(
        answers,
        [
            [("DLQI01".to_owned(), "a_lot".to_owned())].into(),
            [("ITCHNRS".to_owned(), "7".to_owned())].into(),
        ],
        "the blank item is unanswered, the number canonical"
    );
    assert_eq!(
        stored[0].data.unanswered_reason.as_deref(),
        Some("patient skipped question 2")
    );
}
