//! `cletrial reproduce`: the published cohort recomputed, as a user sees it.

use crate::support::cletrial;

/// The ids the issue requires in the JSON output.
const REQUIRED: [&str; 27] = [
    "n_enrolled",
    "n_female",
    "subtype_dle_pct",
    "subtype_lupus_profundus_pct",
    "subtype_scle_pct",
    "prior_thalidomide_n",
    "bsa_over_18_n",
    "anti_dsdna_positive_n",
    "baseline_clasi_activity_mean",
    "baseline_clasi_activity_sd",
    "baseline_clasi_damage_mean",
    "baseline_clasi_damage_sd",
    "withdrawn_n",
    "complete_response_n",
    "complete_response_pct",
    "partial_response_n",
    "relapse_n",
    "relapse_pct",
    "sustained_remission_n",
    "max_dose_10mg_n",
    "followup_median_months",
    "followup_min_months",
    "followup_max_months",
    "time_to_cr_dle_scle_median_weeks",
    "time_to_cr_dle_scle_min_weeks",
    "time_to_cr_dle_scle_max_weeks",
    "adverse_event_patients_pct",
];

#[test]
fn json_has_every_required_id_with_a_number_and_a_status() {
    let output = cletrial(&["reproduce", "--json"], None).ok_json();
    let items = output["items"].as_array().expect("items is an array");
    for id in REQUIRED {
        let item = items
            .iter()
            .find(|item| item["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing from {output:#}"));
        assert!(item["published"].is_string(), "{item}");
        assert!(item["computed"].is_number(), "{item}");
        assert!(
            item["status"] == "agree" || item["status"] == "differs",
            "{item}"
        );
        assert!(item["note"].is_string(), "{item}");
    }
    let differs = |id: &str| {
        items
            .iter()
            .find(|item| item["id"] == id)
            .is_some_and(|item| item["status"] == "differs")
    };
    assert!(differs("time_to_cr_dle_scle_median_weeks"));
    assert!(!differs("complete_response_pct"));
}

#[test]
fn text_output_lists_each_figure_and_a_summary() {
    let run = cletrial(&["reproduce"], None);
    assert_eq!(run.status, 0, "{run:#?}");
    assert!(
        run.stdout.contains("complete_response_pct"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("DIFFERS"), "{}", run.stdout);
    assert!(run.stdout.contains(" agree, "), "{}", run.stdout);
}

#[test]
fn another_transcription_is_read_from_a_folder_and_errors_name_it() {
    let run = cletrial(&["reproduce", "--data", "no/such/folder"], None);
    run.input_error("--data: cannot read 'no/such/folder/table1_baseline.csv'");
    let run = cletrial(&["reproduce", "--json", "--data", "data/published"], None);
    assert_eq!(run.ok_json()["items"].as_array().map(Vec::len), Some(38));
}
