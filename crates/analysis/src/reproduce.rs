//! `cletrial reproduce`: every number of the trial paper that follows from its own Tables 1-3, recomputed
//! and set beside the figure as printed.
//!
//! A figure agrees when the recomputed value, rounded to the decimals the paper printed, equals it. Where it
//! does not, the note says why: the text disagreeing with its table, or the paper's rounding.

use serde::Serialize;

use stats::describe::{Summary, summarize};

use crate::published::{AntiDsDna, Baseline, Cohort, Diagnosis, Outcome, Sex};

/// One published figure beside its recomputation.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Item {
    pub id: &'static str,
    /// The figure as printed in the paper.
    pub published: &'static str,
    /// `None` when the tables given cannot produce it (the note says why).
    pub computed: Option<f64>,
    pub status: Status,
    /// Why it differs, or how it was computed.
    pub note: String,
    /// Where the figure is printed.
    pub source: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Agree,
    Differs,
}

/// A figure as printed: the text, its value and how many decimals it was printed with.
struct Printed {
    id: &'static str,
    text: &'static str,
    value: f64,
    decimals: i32,
    source: &'static str,
    /// Why the paper's figure and its table part ways, where they do (checked, not assumed: a note given for a
    /// figure that agrees is a bug in this table and is reported as such).
    known_difference: Option<&'static str>,
}

/// Recomputes every published figure from `cohort`.
pub fn reproduce(cohort: &Cohort) -> Vec<Item> {
    let figures = Figures::new(cohort);
    printed_figures()
        .into_iter()
        .map(|printed| match figures.compute(printed.id) {
            Ok((computed, how)) => compare(&printed, computed, how),
            Err(why) => Item {
                id: printed.id,
                published: printed.text,
                computed: None,
                status: Status::Differs,
                note: format!("cannot be computed: {why}"),
                source: printed.source,
            },
        })
        .collect()
}

fn compare(printed: &Printed, computed: f64, how: String) -> Item {
    let scale = 10f64.powi(printed.decimals);
    let rounded = (computed * scale).round() / scale;
    let agrees = (rounded - printed.value).abs() < 0.5 / scale;
    let (status, note) = match (agrees, printed.known_difference) {
        (true, None) => (Status::Agree, how),
        (true, Some(_)) => (
            Status::Agree,
            format!("{how}; a difference was expected here but the figures agree"),
        ),
        (false, Some(why)) => (Status::Differs, format!("{how}; {why}")),
        (false, None) => (
            Status::Differs,
            format!(
                "{how}; rounds to {rounded:.prec$}, printed {}",
                printed.text,
                prec = printed.decimals.max(0) as usize
            ),
        ),
    };
    Item {
        id: printed.id,
        published: printed.text,
        computed: Some(computed),
        status,
        note,
        source: printed.source,
    }
}

/// The cohort's derived quantities, computed once.
struct Figures<'a> {
    cohort: &'a Cohort,
}

impl<'a> Figures<'a> {
    fn new(cohort: &'a Cohort) -> Figures<'a> {
        Figures { cohort }
    }

    fn enrolled(&self) -> f64 {
        self.cohort.baseline.len() as f64
    }

    fn treated(&self) -> f64 {
        self.count_outcome(|o| o != Outcome::Withdrawn)
    }

    fn count_outcome(&self, keep: impl Fn(Outcome) -> bool) -> f64 {
        self.cohort
            .response
            .iter()
            .filter(|r| keep(r.clinical_outcome))
            .count() as f64
    }

    fn count_baseline(&self, keep: impl Fn(&Baseline) -> bool) -> f64 {
        self.cohort.baseline.iter().filter(|b| keep(b)).count() as f64
    }

    fn subtype_pct(&self, diagnosis: Diagnosis) -> (f64, String) {
        let n = self.count_baseline(|b| b.diagnosis == diagnosis);
        (
            100.0 * n / self.enrolled(),
            format!("{n} of {} enrolled (Table 1)", self.enrolled()),
        )
    }

    fn clasi(&self, damage: bool) -> Result<Summary, String> {
        let values: Vec<f64> = self
            .cohort
            .baseline
            .iter()
            .map(|b| {
                f64::from(if damage {
                    b.clasi_damage
                } else {
                    b.clasi_activity
                })
            })
            .collect();
        described(
            &values,
            if damage {
                "CLASI damage"
            } else {
                "CLASI activity"
            },
        )
    }

    /// Weeks to CR of the patients in CR whose diagnosis passes `keep`, and each patient's weeks as
    /// Table 2 gives them ("patients 2, 5 in CR took 4, 36 weeks"), so a note never restates them by hand.
    fn time_to_cr(&self, keep: impl Fn(Diagnosis) -> bool) -> Result<(Summary, String), String> {
        let (patients, weeks): (Vec<String>, Vec<u32>) = self
            .cohort
            .response
            .iter()
            .filter(|r| {
                self.cohort
                    .baseline_of(r.patient)
                    .is_some_and(|b| keep(b.diagnosis))
            })
            .filter_map(|r| r.time_to_cr_weeks.map(|w| (r.patient.to_string(), w)))
            .unzip();
        let values: Vec<f64> = weeks.iter().copied().map(f64::from).collect();
        let weeks: Vec<String> = weeks.iter().map(u32::to_string).collect();
        let listing = format!(
            "patients {} in CR took {} weeks",
            patients.join(", "),
            weeks.join(", ")
        );
        Ok((described(&values, "time to CR")?, listing))
    }

    fn followup(&self) -> Result<Summary, String> {
        let months: Vec<f64> = self
            .cohort
            .response
            .iter()
            .filter_map(|r| r.followup_months.map(f64::from))
            .collect();
        described(&months, "follow-up")
    }

    fn relapses(&self) -> f64 {
        self.cohort
            .response
            .iter()
            .filter(|r| r.relapse == Some(true))
            .count() as f64
    }

    /// The lowest weekly dose (mg) at which a relapse happened, from the dose-level ids of Table 2.
    fn lowest_relapse_dose(&self) -> f64 {
        self.cohort
            .response
            .iter()
            .filter_map(|r| r.dose_at_relapse.as_deref().and_then(weekly_mg))
            .fold(f64::INFINITY, f64::min)
    }

    fn compute(&self, id: &str) -> Result<(f64, String), String> {
        let enrolled = self.enrolled();
        let treated = self.treated();
        let cr = self.count_outcome(|o| o == Outcome::CompleteResponse);
        let pr = self.count_outcome(|o| o == Outcome::PartialResponse);
        let dle_scle = |d| matches!(d, Diagnosis::Dle | Diagnosis::Scle);
        let profundus = |d| d == Diagnosis::LupusProfundus;
        let ae_patients = {
            let mut patients: Vec<u8> = self
                .cohort
                .adverse_events
                .iter()
                .map(|ae| ae.patient)
                .collect();
            patients.sort_unstable();
            patients.dedup();
            patients.len() as f64
        };
        let of = |n: f64, d: f64, what: &str| (100.0 * n / d, format!("{n} of {d} {what}"));
        let value = match id {
            "n_enrolled" => (enrolled, "rows of Table 1".to_owned()),
            "n_female" => (
                self.count_baseline(|b| b.sex == Sex::F),
                "sex F in Table 1".to_owned(),
            ),
            "subtype_dle_pct" => self.subtype_pct(Diagnosis::Dle),
            "subtype_lupus_profundus_pct" => self.subtype_pct(Diagnosis::LupusProfundus),
            "subtype_scle_pct" => self.subtype_pct(Diagnosis::Scle),
            "prior_thalidomide_n" => (
                self.count_baseline(|b| b.had_thalidomide()),
                "T among previous treatments (Table 1)".to_owned(),
            ),
            "thalidomide_lack_of_efficacy_n" => (
                self.count_baseline(|b| b.included_for("T lack of efficacy")),
                "reason for inclusion `T lack of efficacy` (Table 1)".to_owned(),
            ),
            "thalidomide_side_effects_n" => (
                self.count_baseline(|b| b.included_for("T side effects")),
                "reason for inclusion `T side effects` (Table 1)".to_owned(),
            ),
            "bsa_over_18_n" => (
                self.count_baseline(|b| b.included_for("> 18% body surface")),
                "reason for inclusion `> 18% body surface` (Table 1)".to_owned(),
            ),
            "anti_dsdna_positive_n" => (
                self.count_baseline(|b| matches!(b.anti_dsdna, AntiDsDna::Positive(_))),
                "anti-dsDNA titre printed (Table 1)".to_owned(),
            ),
            "baseline_clasi_activity_mean" => {
                (self.clasi(false)?.mean, "mean of Table 1 CLASI A".into())
            }
            "baseline_clasi_activity_sd" => (
                sd(self.clasi(false)?, "CLASI activity")?,
                "SD (n - 1) of Table 1 CLASI A".into(),
            ),
            "baseline_clasi_damage_mean" => {
                (self.clasi(true)?.mean, "mean of Table 1 CLASI D".into())
            }
            "baseline_clasi_damage_sd" => (
                sd(self.clasi(true)?, "CLASI damage")?,
                "SD (n - 1) of Table 1 CLASI D".into(),
            ),
            "treated_n" => (treated, "patients not withdrawn (Table 2)".to_owned()),
            "withdrawn_n" => (
                enrolled - treated,
                "outcome `Withdrawn` (Table 2)".to_owned(),
            ),
            "complete_response_n" => (cr, "outcome CR (Table 2)".to_owned()),
            "complete_response_pct" => of(cr, treated, "treated patients in CR (Table 2)"),
            "partial_response_n" => (pr, "outcome PR (Table 2)".to_owned()),
            "partial_response_pct" => of(pr, treated, "treated patients in PR (Table 2)"),
            "relapse_n" => (self.relapses(), "relapse `Yes` (Table 2)".to_owned()),
            "relapse_pct" => of(self.relapses(), cr, "patients in CR relapsed (Table 2)"),
            "sustained_remission_n" => (
                self.cohort
                    .response
                    .iter()
                    .filter(|r| r.relapse == Some(false))
                    .count() as f64,
                "relapse `No` (Table 2)".to_owned(),
            ),
            "max_dose_10mg_n" => (
                self.cohort
                    .response
                    .iter()
                    .filter(|r| r.max_dose_mg == 10)
                    .count() as f64,
                "maximum dose 10 mg (Table 2)".to_owned(),
            ),
            "followup_median_months" => {
                (self.followup()?.median, "median follow-up (Table 2)".into())
            }
            "followup_mean_months" => (self.followup()?.mean, "mean follow-up (Table 2)".into()),
            "followup_min_months" => (self.followup()?.min, "shortest follow-up (Table 2)".into()),
            "followup_max_months" => (self.followup()?.max, "longest follow-up (Table 2)".into()),
            "time_to_cr_dle_scle_median_weeks" => {
                let (weeks, who) = self.time_to_cr(dle_scle)?;
                (
                    weeks.median,
                    format!("median time to CR, DLE and SCLE (Tables 1 and 2): {who}"),
                )
            }
            "time_to_cr_dle_scle_min_weeks" => {
                let (weeks, who) = self.time_to_cr(dle_scle)?;
                (
                    weeks.min,
                    format!("shortest time to CR, DLE and SCLE (Tables 1 and 2): {who}"),
                )
            }
            "time_to_cr_dle_scle_max_weeks" => {
                let (weeks, who) = self.time_to_cr(dle_scle)?;
                (
                    weeks.max,
                    format!("longest time to CR, DLE and SCLE (Tables 1 and 2): {who}"),
                )
            }
            "time_to_cr_lupus_profundus_median_weeks" => {
                let (weeks, who) = self.time_to_cr(profundus)?;
                (
                    weeks.median,
                    format!("median time to CR, lupus profundus (Tables 1 and 2): {who}"),
                )
            }
            "time_to_cr_lupus_profundus_min_weeks" => {
                let (weeks, who) = self.time_to_cr(profundus)?;
                (
                    weeks.min,
                    format!("shortest time to CR, lupus profundus (Tables 1 and 2): {who}"),
                )
            }
            "time_to_cr_lupus_profundus_max_weeks" => {
                let (weeks, who) = self.time_to_cr(profundus)?;
                (
                    weeks.max,
                    format!("longest time to CR, lupus profundus (Tables 1 and 2): {who}"),
                )
            }
            "time_to_cr_max_weeks" => {
                let (weeks, who) = self.time_to_cr(|_| true)?;
                (
                    weeks.max,
                    format!("longest time to CR, all patients (Table 2): {who}"),
                )
            }
            "relapse_lowest_weekly_dose_mg" => (
                self.lowest_relapse_dose(),
                "lowest weekly dose among the doses at relapse (Table 2)".into(),
            ),
            "adverse_event_patients_n" => (ae_patients, "patients in Table 3".to_owned()),
            "adverse_event_patients_pct" => of(
                ae_patients,
                enrolled,
                "enrolled patients with an AE (Table 3)",
            ),
            other => return Err(format!("no computation is defined for {other}")),
        };
        Ok(value)
    }
}

/// A summary of `values`; `what` names them in the error when the tables give too few.
fn described(values: &[f64], what: &str) -> Result<Summary, String> {
    summarize(values).map_err(|error| format!("{what}: {error}"))
}

/// The sample SD, which needs at least two values.
fn sd(summary: Summary, what: &str) -> Result<f64, String> {
    summary
        .sd
        .ok_or_else(|| format!("{what}: a standard deviation needs at least two values"))
}

/// Weekly lenalidomide dose (mg) of a dose-level id of the trial's taper ladder.
fn weekly_mg(level: &str) -> Option<f64> {
    match level {
        "10mg_daily" => Some(70.0),
        "5mg_daily" => Some(35.0),
        "5mg_alternate_days" => Some(17.5),
        "5mg_3x_weekly" => Some(15.0),
        "5mg_2x_weekly" => Some(10.0),
        _ => None,
    }
}

fn printed_figures() -> Vec<Printed> {
    let f = |id, text, value, decimals, source| Printed {
        id,
        text,
        value,
        decimals,
        source,
        known_difference: None,
    };
    let differs = |id, text, value, decimals, source, why| Printed {
        known_difference: Some(why),
        ..f(id, text, value, decimals, source)
    };
    vec![
        f(
            "n_enrolled",
            "Fifteen",
            15.0,
            0,
            "Results, Baseline patient characteristics",
        ),
        f(
            "n_female",
            "All patients were female",
            15.0,
            0,
            "Results, Baseline patient characteristics",
        ),
        f(
            "subtype_dle_pct",
            "60%",
            60.0,
            0,
            "Results, Baseline patient characteristics",
        ),
        f(
            "subtype_lupus_profundus_pct",
            "13%",
            13.0,
            0,
            "Results, Baseline patient characteristics",
        ),
        f(
            "subtype_scle_pct",
            "13%",
            13.0,
            0,
            "Results, Baseline patient characteristics",
        ),
        f(
            "prior_thalidomide_n",
            "Fourteen",
            14.0,
            0,
            "Results, Baseline patient characteristics",
        ),
        f(
            "thalidomide_lack_of_efficacy_n",
            "n = 4",
            4.0,
            0,
            "Results, Baseline patient characteristics",
        ),
        differs(
            "thalidomide_side_effects_n",
            "n = 11",
            11.0,
            0,
            "Results, Baseline patient characteristics",
            "the text disagrees with its own table: Table 1 gives `T side effects` as the reason for inclusion of 10 patients (4, 5, 7-12, 14, 15)",
        ),
        f(
            "bsa_over_18_n",
            "Four",
            4.0,
            0,
            "Results, Baseline patient characteristics",
        ),
        f(
            "anti_dsdna_positive_n",
            "five",
            5.0,
            0,
            "Results, Baseline patient characteristics",
        ),
        f(
            "baseline_clasi_activity_mean",
            "11",
            11.0,
            0,
            "Results, Baseline patient characteristics (11 +- 5.9)",
        ),
        f(
            "baseline_clasi_activity_sd",
            "5.9",
            5.9,
            1,
            "Results, Baseline patient characteristics (11 +- 5.9)",
        ),
        f(
            "baseline_clasi_damage_mean",
            "2.33",
            2.33,
            2,
            "Results, Baseline patient characteristics (2.33 +- 2.96)",
        ),
        differs(
            "baseline_clasi_damage_sd",
            "2.96",
            2.96,
            2,
            "Results, Baseline patient characteristics (2.33 +- 2.96)",
            "rounding: the SD is 2.968, which rounds to 2.97; the paper truncated it",
        ),
        f(
            "treated_n",
            "14",
            14.0,
            0,
            "Discussion (after excluding the patient with disabling side effects)",
        ),
        f(
            "withdrawn_n",
            "One patient",
            1.0,
            0,
            "Results, Clinical efficacy",
        ),
        f(
            "complete_response_n",
            "12",
            12.0,
            0,
            "Results, Clinical efficacy",
        ),
        f(
            "complete_response_pct",
            "86%",
            86.0,
            0,
            "Results, Clinical efficacy",
        ),
        f(
            "partial_response_n",
            "two patients",
            2.0,
            0,
            "Results, Clinical efficacy",
        ),
        f(
            "partial_response_pct",
            "14%",
            14.0,
            0,
            "Results, Clinical efficacy",
        ),
        f("relapse_n", "nine", 9.0, 0, "Results, Clinical efficacy"),
        f("relapse_pct", "75%", 75.0, 0, "Results, Clinical efficacy"),
        f(
            "sustained_remission_n",
            "Only two patients",
            2.0,
            0,
            "Results, Clinical efficacy",
        ),
        f(
            "max_dose_10mg_n",
            "one case (10 mg/day)",
            1.0,
            0,
            "Results, Clinical efficacy",
        ),
        f(
            "followup_median_months",
            "15",
            15.0,
            0,
            "Results, Clinical efficacy (median 15, range 7 to 30)",
        ),
        f(
            "followup_mean_months",
            "15",
            15.0,
            0,
            "Abstract (mean of 15 months)",
        ),
        f(
            "followup_min_months",
            "7",
            7.0,
            0,
            "Results, Clinical efficacy (range 7 to 30)",
        ),
        f(
            "followup_max_months",
            "30",
            30.0,
            0,
            "Results, Clinical efficacy (range 7 to 30)",
        ),
        differs(
            "time_to_cr_dle_scle_median_weeks",
            "6",
            6.0,
            0,
            "Results, Clinical efficacy (2 to 12 weeks, median 6)",
            "the text disagrees with its own table",
        ),
        f(
            "time_to_cr_dle_scle_min_weeks",
            "2",
            2.0,
            0,
            "Results, Clinical efficacy (2 to 12 weeks, median 6)",
        ),
        f(
            "time_to_cr_dle_scle_max_weeks",
            "12",
            12.0,
            0,
            "Results, Clinical efficacy (2 to 12 weeks, median 6)",
        ),
        differs(
            "time_to_cr_lupus_profundus_median_weeks",
            "13",
            13.0,
            0,
            "Results, Clinical efficacy (4 to 32 weeks, median 13)",
            "the text disagrees with its own table",
        ),
        f(
            "time_to_cr_lupus_profundus_min_weeks",
            "4",
            4.0,
            0,
            "Results, Clinical efficacy (4 to 32 weeks, median 13)",
        ),
        differs(
            "time_to_cr_lupus_profundus_max_weeks",
            "32",
            32.0,
            0,
            "Results, Clinical efficacy (4 to 32 weeks, median 13)",
            "the text disagrees with its own table",
        ),
        differs(
            "time_to_cr_max_weeks",
            "within 2 to 12 weeks",
            12.0,
            0,
            "Discussion (CR achieved by 86% within 2 to 12 weeks)",
            "the text disagrees with its own table",
        ),
        differs(
            "relapse_lowest_weekly_dose_mg",
            "5 mg on alternate days or three times weekly",
            15.0,
            0,
            "Results, Clinical efficacy",
            "the text disagrees with its own table: patients 1 and 11 relapsed at 5 mg twice weekly (10 mg a week; three times weekly is 15 mg)",
        ),
        f(
            "adverse_event_patients_n",
            "two patients",
            2.0,
            0,
            "Results, Toxicity",
        ),
        f(
            "adverse_event_patients_pct",
            "13%",
            13.0,
            0,
            "Abstract and Results, Toxicity",
        ),
    ]
}
