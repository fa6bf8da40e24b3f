//! The published cohort recomputed: every figure the issue names, with the value the tables give and
//! whether the paper printed it faithfully.

use analysis::published::{Cohort, TABLE1_BASELINE, TABLE2_RESPONSE, TABLE3_ADVERSE_EVENTS};
use analysis::reproduce::{Item, Status, reproduce};

fn items() -> Vec<Item> {
    reproduce(&Cohort::shipped().expect("the shipped transcription parses"))
}

#[track_caller]
fn check(items: &[Item], id: &str, computed: f64, status: Status) {
    let item = items
        .iter()
        .find(|item| item.id == id)
        .unwrap_or_else(|| panic!("no item {id}"));
    let value = item
        .computed
        .unwrap_or_else(|| panic!("{id} not computed: {item:?}"));
    assert!(
        (value - computed).abs() < 1e-9 * computed.abs().max(1.0),
        "{id}: computed {value}, expected {computed}"
    );
    assert_eq!(item.status, status, "{id}: {item:?}");
    assert!(!item.note.is_empty(), "{id} has no note");
}

#[test]
fn every_figure_of_the_paper_that_the_tables_support() {
    use Status::{Agree, Differs};
    let items = items();
    let activity_sd = 5.909_637_004_403_022;
    let damage_sd = 2.968_084_198_523_318_4;
    for (id, computed, status) in [
        ("n_enrolled", 15.0, Agree),
        ("n_female", 15.0, Agree),
        ("subtype_dle_pct", 60.0, Agree),
        ("subtype_lupus_profundus_pct", 100.0 * 2.0 / 15.0, Agree),
        ("subtype_scle_pct", 100.0 * 2.0 / 15.0, Agree),
        ("prior_thalidomide_n", 14.0, Agree),
        ("thalidomide_lack_of_efficacy_n", 4.0, Agree),
        ("thalidomide_side_effects_n", 10.0, Differs),
        ("bsa_over_18_n", 4.0, Agree),
        ("anti_dsdna_positive_n", 5.0, Agree),
        ("baseline_clasi_activity_mean", 164.0 / 15.0, Agree),
        ("baseline_clasi_activity_sd", activity_sd, Agree),
        ("baseline_clasi_damage_mean", 35.0 / 15.0, Agree),
        ("baseline_clasi_damage_sd", damage_sd, Differs),
        ("treated_n", 14.0, Agree),
        ("withdrawn_n", 1.0, Agree),
        ("complete_response_n", 12.0, Agree),
        ("complete_response_pct", 100.0 * 12.0 / 14.0, Agree),
        ("partial_response_n", 2.0, Agree),
        ("partial_response_pct", 100.0 * 2.0 / 14.0, Agree),
        ("relapse_n", 9.0, Agree),
        ("relapse_pct", 75.0, Agree),
        ("sustained_remission_n", 2.0, Agree),
        ("max_dose_10mg_n", 1.0, Agree),
        ("followup_median_months", 15.0, Agree),
        ("followup_mean_months", 215.0 / 14.0, Agree),
        ("followup_min_months", 7.0, Agree),
        ("followup_max_months", 30.0, Agree),
        ("time_to_cr_dle_scle_median_weeks", 4.0, Differs),
        ("time_to_cr_dle_scle_min_weeks", 2.0, Agree),
        ("time_to_cr_dle_scle_max_weeks", 12.0, Agree),
        ("time_to_cr_lupus_profundus_median_weeks", 20.0, Differs),
        ("time_to_cr_lupus_profundus_min_weeks", 4.0, Agree),
        ("time_to_cr_lupus_profundus_max_weeks", 36.0, Differs),
        ("time_to_cr_max_weeks", 36.0, Differs),
        ("relapse_lowest_weekly_dose_mg", 10.0, Differs),
        ("adverse_event_patients_n", 2.0, Agree),
        ("adverse_event_patients_pct", 100.0 * 2.0 / 15.0, Agree),
    ] {
        check(&items, id, computed, status);
    }
}

#[test]
fn ids_are_unique_and_the_differences_say_why() {
    let items = items();
    let mut ids: Vec<&str> = items.iter().map(|i| i.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), items.len(), "duplicate ids");
    for item in items.iter().filter(|i| i.status == Status::Differs) {
        assert!(
            item.note.contains("disagrees with its own table") || item.note.contains("rounding"),
            "{item:?}"
        );
    }
}

#[test]
fn a_changed_table_changes_the_verdict() {
    // Patient 15's baseline activity 10 -> 100: the mean no longer agrees with the printed 11.
    let table1 = TABLE1_BASELINE.replace(",10,3,TCS; OCS; HCQ; T", ",100,3,TCS; OCS; HCQ; T");
    assert_ne!(table1, TABLE1_BASELINE);
    let cohort = Cohort::parse(&table1, TABLE2_RESPONSE, TABLE3_ADVERSE_EVENTS).unwrap();
    let items = reproduce(&cohort);
    check(
        &items,
        "baseline_clasi_activity_mean",
        254.0 / 15.0,
        Status::Differs,
    );
    let note = &items
        .iter()
        .find(|i| i.id == "baseline_clasi_activity_mean")
        .unwrap()
        .note;
    assert!(note.contains("rounds to 17, printed 11"), "{note}");
}

/// The note of item `id`.
fn note(items: &[Item], id: &str) -> String {
    items
        .iter()
        .find(|item| item.id == id)
        .unwrap_or_else(|| panic!("no item {id}"))
        .note
        .clone()
}

/// The time-to-CR notes give each patient's weeks as Table 2 prints them (patient 1: 10 weeks),
/// read from the table: a changed table changes the note.
#[test]
fn the_time_to_cr_notes_list_table_2() {
    let items = items();
    let dle_scle = note(&items, "time_to_cr_dle_scle_median_weeks");
    assert!(
        dle_scle.contains(
            "patients 1, 6, 7, 8, 11, 12, 14, 15 in CR took 10, 4, 11, 2, 4, 4, 12, 2 weeks"
        ),
        "{dle_scle}"
    );
    let profundus = note(&items, "time_to_cr_lupus_profundus_median_weeks");
    assert!(
        profundus.contains("patients 2, 5 in CR took 4, 36 weeks"),
        "{profundus}"
    );

    let table2 = TABLE2_RESPONSE.replace("\n1,CR,10,", "\n1,CR,9,");
    assert_ne!(table2, TABLE2_RESPONSE);
    let changed = Cohort::parse(TABLE1_BASELINE, &table2, TABLE3_ADVERSE_EVENTS).unwrap();
    let dle_scle = note(&reproduce(&changed), "time_to_cr_dle_scle_median_weeks");
    assert!(dle_scle.contains("in CR took 9, 4, 11,"), "{dle_scle}");
}

#[test]
fn too_few_rows_leave_a_figure_uncomputed_not_a_panic() {
    let header = |table: &str| table.lines().next().unwrap().to_owned() + "\n";
    let one = |table: &str| table.lines().take(2).collect::<Vec<_>>().join("\n") + "\n";
    let cohort = Cohort::parse(
        &one(TABLE1_BASELINE),
        &one(TABLE2_RESPONSE),
        &header(TABLE3_ADVERSE_EVENTS),
    )
    .unwrap();
    let items = reproduce(&cohort);
    let sd = items
        .iter()
        .find(|i| i.id == "baseline_clasi_activity_sd")
        .unwrap();
    assert_eq!(sd.computed, None);
    assert_eq!(sd.status, Status::Differs);
    assert!(sd.note.contains("at least two values"), "{sd:?}");
}

#[test]
fn malformed_tables_are_refused_with_the_line() {
    let check = |t1: &str, t2: &str, t3: &str, expect: &str| {
        let error = Cohort::parse(t1, t2, t3).unwrap_err().to_string();
        assert!(error.contains(expect), "{error:?} lacks {expect:?}");
    };
    check(
        &TABLE1_BASELINE.replacen(",123,", ",lots,", 1),
        TABLE2_RESPONSE,
        TABLE3_ADVERSE_EVENTS,
        "table1_baseline.csv, data line 1: anti_dsdna_iu_ml must be a positive titre",
    );
    check(
        TABLE1_BASELINE,
        &TABLE2_RESPONSE.replacen(",yes,", ",maybe,", 1),
        TABLE3_ADVERSE_EVENTS,
        "table2_response.csv, data line 1: relapse must be yes, no or empty",
    );
    check(
        TABLE1_BASELINE,
        TABLE2_RESPONSE,
        &(TABLE3_ADVERSE_EVENTS.to_owned() + "16,Rash,1,possible\n"),
        "patient 16 is not in table1_baseline.csv",
    );
}
