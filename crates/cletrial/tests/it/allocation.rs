//! Randomised trials from the command line: `cletrial allocation`, the secret and the
//! permuted-block list, which a second implementation (`scripts/peers/allocation_list.py`,
//! Python's hmac and hashlib) regenerates byte for byte; and `simulate --power`.

use std::path::Path;

use crate::support::{cletrial, peer_python, workspace_root};

/// The lenalidomide protocol with the example's [randomisation], its ratio `ratio` (LEN:PBO).
pub fn randomised_protocol(dir: &Path, ratio: u32) -> String {
    let root = workspace_root();
    let shipped =
        std::fs::read_to_string(root.join("protocols/nct01408199.toml")).expect("shipped");
    let section = std::fs::read_to_string(root.join("examples/protocol/randomisation.toml"))
        .expect("example section")
        .replace(
            "label = \"Lenalidomide\"",
            &format!("label = \"Lenalidomide\"\nratio = {ratio}"),
        );
    let path = dir.join(format!("randomised-{ratio}.toml"));
    std::fs::write(&path, shipped + &section).expect("protocol written");
    path.display().to_string()
}

#[test]
fn the_list_is_regenerated_by_a_second_implementation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("trial.key");
    let key_text = key.display().to_string();
    let made = cletrial(&["allocation", "secret", "--out", &key_text], None);
    assert_eq!(made.status, 0, "{made:#?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).expect("key").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    }
    // 1:1 with blocks of 2, 4 or 6; 2:1 with blocks of 3, 6 or 9.
    for ratio in [1, 2] {
        let protocol = randomised_protocol(dir.path(), ratio);
        let ours = cletrial(
            &[
                "allocation",
                "list",
                "--protocol",
                &protocol,
                "--secret-file",
                &key_text,
                "--blocks",
                "40",
            ],
            None,
        );
        assert_eq!(ours.status, 0, "{ours:#?}");
        let script = workspace_root().join("scripts/peers/allocation_list.py");
        let peer = std::process::Command::new(peer_python())
            .args([
                script.display().to_string(),
                protocol,
                key_text.clone(),
                "40".to_owned(),
            ])
            .output()
            .expect("the peer runs");
        assert!(peer.status.success(), "{peer:?}");
        assert_eq!(
            ours.stdout,
            String::from_utf8_lossy(&peer.stdout),
            "ratio {ratio}:1"
        );
        // Six strata of 40 blocks, each block holding the arms in the declared ratio.
        let rows: Vec<Vec<&str>> = ours
            .stdout
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        let blocks: std::collections::BTreeSet<(&str, &str)> =
            rows.iter().map(|r| (r[0], r[1])).collect();
        assert_eq!(blocks.len(), 6 * 40);
        let len = rows.iter().filter(|r| r[4] == "LEN").count() as u32;
        let pbo = rows.iter().filter(|r| r[4] == "PBO").count() as u32;
        assert_eq!(len, ratio * pbo, "whole blocks keep the ratio exactly");
    }
}

#[test]
fn the_secret_and_the_list_refuse_what_they_cannot_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("trial.key").display().to_string();
    assert_eq!(
        cletrial(&["allocation", "secret", "--out", &key], None).status,
        0
    );
    let again = cletrial(&["allocation", "secret", "--out", &key], None);
    assert!(
        again.input_error("--out: cannot create").contains("exists"),
        "{again:#?}"
    );
    let list = |protocol: &str, key: &str| {
        cletrial(
            &[
                "allocation",
                "list",
                "--protocol",
                protocol,
                "--secret-file",
                key,
                "--blocks",
                "1",
            ],
            None,
        )
    };
    for shipped in ["nct01408199", "thalidomide-cohort", "pediatric-review"] {
        let run = list(shipped, &key);
        run.input_error(&format!(
            "--protocol {shipped}: the protocol declares no [randomisation]"
        ));
    }
    let short = dir.path().join("short.key");
    std::fs::write(&short, "abc\n").expect("written");
    let protocol = randomised_protocol(dir.path(), 1);
    list(&protocol, &short.display().to_string())
        .input_error("--secret-file: secret: 64 hexadecimal digits (32 bytes) are needed, 3 characters were given");
    let minimisation = std::fs::read_to_string(&protocol)
        .expect("protocol")
        .replace(
            "method = \"permuted_blocks\"\nblock_multiples = [1, 2, 3]",
            "method = \"minimisation\"\npercent_best = 80",
        );
    let path = dir.path().join("minimisation.toml");
    std::fs::write(&path, minimisation).expect("written");
    let path = path.display().to_string();
    list(&path, &key).input_error("minimisation has no list made in advance");
}

/// `simulate --power`: the same seed gives the same power; a larger effect gives more; every
/// flag's bad value is refused naming it.
#[test]
fn simulate_power_compares_the_protocols_arms() {
    let dir = tempfile::tempdir().expect("temp dir");
    let protocol = randomised_protocol(dir.path(), 1);
    let run = |rates: &str, extra: &[&str]| {
        let args = [
            &[
                "simulate",
                "--protocol",
                &protocol,
                "--patients",
                "40",
                "--seed",
                "3",
                "--trials",
                "100",
                "--power",
                rates,
            ][..],
            extra,
        ]
        .concat();
        cletrial(&args, None)
    };
    let small = run("LEN=0.4,PBO=0.3", &[]).ok_json();
    assert_eq!(
        small,
        run("PBO=0.3,LEN=0.4", &[]).ok_json(),
        "the same seed, in any order"
    );
    let large = run("LEN=0.7,PBO=0.1", &[]).ok_json();
    let power = |json: &serde_json::Value| json["power"]["power"].as_f64().expect("power");
    assert!(power(&large) > power(&small) + 0.3, "{small} {large}");
    assert_eq!(large["arms"][0]["label"], "Lenalidomide");
    run("LEN=0.7", &[]).input_error("--power: no rate for arm PBO; give one for each of LEN, PBO");
    run("LEN=0.7,LEN=0.2", &[]).input_error("--power: arm LEN is given twice");
    run("LEN=1.5,PBO=0.2", &[])
        .input_error("--power: LEN's rate '1.5' is not a number from 0 to 1");
    run("LEN:0.5,PBO=0.2", &[]).input_error("--power: 'LEN:0.5' is not ARM=RATE");
    run("LEN=0.5,PBO=0.2", &["--alpha", "0"]).input_error("--alpha: between 0 and 1");
    for shipped in ["nct01408199", "thalidomide-cohort", "pediatric-review"] {
        cletrial(
            &[
                "simulate",
                "--protocol",
                shipped,
                "--patients",
                "40",
                "--seed",
                "1",
                "--trials",
                "2",
                "--power",
                "LEN=0.5,PBO=0.2",
            ],
            None,
        )
        .input_error("declares no [randomisation] (no arms to compare)");
    }
}

/// `simulate --db` into a randomised study: each virtual patient is enrolled through the one
/// enrolment command with its factors' levels (spread over the strata in turn), so each is
/// randomised, and the record holds numbers and strata, never an arm.
#[test]
fn simulated_patients_are_randomised_at_enrolment() {
    let cli = crate::store::Cli::with_protocol(
        ::store::Backend::Sqlite,
        ::store::testing::RANDOMISED_PROTOCOL,
    );
    let protocol = cli.dir.path().join("randomised.toml");
    std::fs::write(&protocol, ::store::testing::RANDOMISED_PROTOCOL).expect("protocol");
    let protocol = protocol.display().to_string();
    let key = cli.dir.path().join("trial.key");
    let key = key.display().to_string();
    let drawn = cletrial(&["allocation", "secret", "--out", &key], None);
    assert_eq!(drawn.status, 0, "{drawn:?}");
    let args = [
        "simulate",
        "--protocol",
        &protocol,
        "--patients",
        "7",
        "--seed",
        "3",
        "--as",
        "bob",
        "--site",
        "S01",
    ];
    let as_bob = [("CLETRIAL_PASSWORD", crate::store::BOB_PASSWORD)];
    // Nobody is randomised before the secret's check is registered, and only an administrator
    // registers it.
    let before = cli.events();
    cli.run(&args, &as_bob)
        .input_error("allocation secret is not registered");
    let register = [
        "allocation",
        "register",
        "--as",
        "bob",
        "--secret-file",
        &key,
    ];
    let refused = cli.run(&register, &as_bob);
    assert_ne!(refused.status, 0, "{refused:?}");
    assert!(
        refused.stderr.contains("needs an administrator"),
        "{refused:?}"
    );
    assert_eq!(cli.events(), before, "nothing written");
    let register = [
        "allocation",
        "register",
        "--as",
        "admin",
        "--secret-file",
        &key,
    ];
    let registered = cli.run(&register, crate::store::AS_ADMIN).ok_json();
    assert_eq!(
        registered["check"].as_str().map(str::len),
        Some(64),
        "{registered}"
    );
    let entered = cli.run(&args, &as_bob).ok_json();
    assert_eq!(entered["characteristics"]["patients"], 7, "{entered}");
    let log = cli.run(&["audit", "log"], &[]).ok_json();
    let randomised: Vec<(String, String)> = log
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["entity"] == "randomisation")
        .filter(|event| event["field"] == "number" || event["field"] == "stratum")
        .map(|event| {
            (
                event["field"].as_str().unwrap_or_default().to_owned(),
                event["new_value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let numbers: Vec<&str> = randomised
        .iter()
        .filter(|(field, _)| field == "number")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7"]);
    // Six strata (three subtypes by two CLASI-A bands): the seventh patient starts them again.
    let strata: std::collections::BTreeSet<&str> = randomised
        .iter()
        .filter(|(field, _)| field == "stratum")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(strata.len(), 6, "{strata:?}");
    // The protocol names the arms (that is no secret); no other event does.
    for event in log.as_array().expect("events") {
        if event["entity"] == "study" {
            continue;
        }
        let text = event.to_string();
        assert!(!text.contains("PBO") && !text.contains("Placebo"), "{text}");
    }
    let verified = cli.run(&["audit", "verify"], &[]).ok_json();
    assert_eq!(verified["ok"], true, "{verified}");

    // With the secret, `allocation arms` gives each subject the arm of its stratum's list at
    // its place: the record and the list agree.
    let other = cli.dir.path().join("other.key");
    let other = other.display().to_string();
    let drawn = cletrial(&["allocation", "secret", "--out", &other], None);
    assert_eq!(drawn.status, 0, "{drawn:?}");
    cli.run(&["allocation", "arms", "--secret-file", &other], &[])
        .input_error("is not the study's");
    let arms = cli.run(&["allocation", "arms", "--secret-file", &key], &[]);
    assert_eq!(arms.status, 0, "{arms:?}");
    let list = cletrial(
        &[
            "allocation",
            "list",
            "--protocol",
            &protocol,
            "--secret-file",
            &key,
            "--blocks",
            "1",
        ],
        None,
    );
    assert_eq!(list.status, 0, "{list:?}");
    let listed: Vec<Vec<&str>> = list
        .stdout
        .lines()
        .skip(1)
        .map(|line| line.split(',').collect())
        .collect();
    let rows: Vec<Vec<&str>> = arms
        .stdout
        .lines()
        .skip(1)
        .map(|line| line.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 7, "{}", arms.stdout);
    for row in &rows {
        let (stratum, place, arm) = (row[3], row[4].parse::<usize>().expect("place"), row[5]);
        let in_list: Vec<&str> = listed
            .iter()
            .filter(|entry| entry[0] == stratum)
            .map(|entry| entry[4])
            .collect();
        assert_eq!(in_list[place - 1], arm, "{row:?}");
    }

    // The report is blinded: the randomised subjects by stratum, arms pooled, no arm named.
    let out = cli.dir.path().join("report");
    let out = out.display().to_string();
    let report = cli.run(&["report", "--out", &out], &[]);
    assert_eq!(report.status, 0, "{report:?}");
    let html = std::fs::read_to_string(format!("{out}/index.html")).expect("report");
    assert!(
        html.contains("7 subjects randomised. This report is blinded"),
        "{html}"
    );
    assert!(!html.contains("Placebo") && !html.contains("PBO"));
    let strata = std::fs::read_to_string(format!("{out}/tables/randomisation_strata.csv"))
        .expect("strata table");
    assert!(
        strata.contains("\nsubtype=DLE;baseline CLASI-A=below 10,2\n"),
        "{strata}"
    );
    assert_eq!(strata.lines().count(), 7, "{strata}");
}

/// A randomised study record with its secret registered (the key's path) and `patients`
/// simulated patients enrolled (and so randomised) at site S01.
pub(crate) fn randomised_record(patients: u32, seed: u32) -> (crate::store::Cli, String) {
    let cli = crate::store::Cli::with_protocol(
        ::store::Backend::Sqlite,
        ::store::testing::RANDOMISED_PROTOCOL,
    );
    let key = registered_secret(&cli);
    let protocol = cli.dir.path().join("randomised.toml");
    std::fs::write(&protocol, ::store::testing::RANDOMISED_PROTOCOL).expect("protocol");
    let (patients, seed) = (patients.to_string(), seed.to_string());
    let simulate = [
        "simulate",
        "--protocol",
        protocol.to_str().expect("path"),
        "--patients",
        &patients,
        "--seed",
        &seed,
        "--as",
        "bob",
        "--site",
        "S01",
    ];
    cli.run(
        &simulate,
        &[("CLETRIAL_PASSWORD", crate::store::BOB_PASSWORD)],
    )
    .ok_json();
    (cli, key)
}

/// Draws an allocation secret beside `cli`'s record and registers its check as the
/// administrator, as a randomised study is set up before its first enrolment; the key's path.
pub(crate) fn registered_secret(cli: &crate::store::Cli) -> String {
    let key = cli.dir.path().join("registered.key").display().to_string();
    let drawn = cletrial(&["allocation", "secret", "--out", &key], None);
    assert_eq!(drawn.status, 0, "{drawn:?}");
    let register = [
        "allocation",
        "register",
        "--as",
        "admin",
        "--secret-file",
        &key,
    ];
    cli.run(&register, crate::store::AS_ADMIN).ok_json();
    key
}

/// A randomised study's report: blinded without the secret; with the registered secret, the
/// unblinded statistician's, every result also within each arm (the arms' counts adding up to
/// the pooled ones) and each proportion compared between the arms by Fisher's exact test, the
/// same p-value `stats fisher` gives for the same table. Another secret is refused.
#[test]
fn the_unblinded_report_gives_each_result_by_arm() {
    let (cli, key) = randomised_record(12, 11);
    let folder = |name: &str| cli.dir.path().join(name);
    let report = |name: &str, secret: Option<&str>| {
        let out = folder(name).display().to_string();
        let mut args = vec!["report", "--out", &out, "--quiet"];
        if let Some(secret) = secret {
            args.extend(["--allocation-secret-file", secret]);
        }
        cli.run(&args, &[])
    };
    let results = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(folder(name).join("results.json")).expect("results");
        serde_json::from_str(&text).expect("json")
    };
    let html = |name: &str| std::fs::read_to_string(folder(name).join("index.html")).expect("html");

    let blinded = report("blinded", None);
    assert_eq!(blinded.status, 0, "{blinded:?}");
    let pooled = results("blinded");
    assert!(
        pooled["randomisation"]["by_arm"].is_null(),
        "{}",
        pooled["randomisation"]
    );
    assert!(html("blinded").contains("This report is blinded"));
    assert!(!html("blinded").contains("Lenalidomide (LEN)"));

    let unblinded = report("unblinded", Some(&key));
    assert_eq!(unblinded.status, 0, "{unblinded:?}");
    let split = results("unblinded");
    let arms = split["randomisation"]["by_arm"].as_array().expect("by arm");
    assert_eq!(arms.len(), 2);
    let enrolled = |arm: &serde_json::Value| arm["subjects"].as_u64().expect("subjects");
    assert_eq!(
        enrolled(&arms[0]) + enrolled(&arms[1]),
        split["flow"]["enrolled"].as_u64().expect("enrolled")
    );
    // Every proportion's arms add up to the pooled one.
    let mut proportions = 0;
    for pooled_result in split["results"].as_array().expect("results") {
        if pooled_result["statistic"] != "proportion" || pooled_result["value"].is_null() {
            continue;
        }
        let id = &pooled_result["id"];
        let (mut n, mut of) = (0, 0);
        for arm in arms {
            let result = arm["results"]
                .as_array()
                .expect("results")
                .iter()
                .find(|r| &r["id"] == id)
                .expect("the result within each arm");
            n += result["value"]["n"].as_u64().unwrap_or(0);
            of += result["value"]["of"].as_u64().unwrap_or(0);
        }
        assert_eq!(
            (n, of),
            (
                pooled_result["value"]["n"].as_u64().expect("n"),
                pooled_result["value"]["of"].as_u64().expect("of")
            ),
            "{id}"
        );
        proportions += 1;
    }
    assert!(proportions > 0, "{}", split["results"]);
    // Each comparison's p-value is the one `stats fisher` computes for its table.
    let comparisons = split["randomisation"]["comparisons"]
        .as_array()
        .expect("comparisons");
    let compared: Vec<&serde_json::Value> = comparisons
        .iter()
        .filter(|comparison| comparison["fisher"]["p_value"].is_f64())
        .collect();
    assert!(!compared.is_empty(), "{}", split["randomisation"]);
    for comparison in compared {
        let p = comparison["fisher"]["p_value"].as_f64();
        let input = folder("table.json");
        std::fs::write(&input, format!("{{\"table\": {}}}", comparison["cells"])).expect("input");
        let fisher = cletrial(
            &["stats", "fisher", "--input", input.to_str().expect("path")],
            None,
        );
        assert_eq!(fisher.status, 0, "{fisher:?}");
        let fisher: serde_json::Value = serde_json::from_str(&fisher.stdout).expect("json");
        assert_eq!(fisher["p_value"].as_f64(), p, "{comparison}");
    }
    let page = html("unblinded");
    assert!(page.contains("UNBLINDED") && page.contains("Lenalidomide (LEN)"));
    assert!(folder("unblinded").join("arms/PBO/tables").is_dir());

    let other = folder("other.key").display().to_string();
    let drawn = cletrial(&["allocation", "secret", "--out", &other], None);
    assert_eq!(drawn.status, 0, "{drawn:?}");
    report("other", Some(&other)).input_error("is not the study's");
}
