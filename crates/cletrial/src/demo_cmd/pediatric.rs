//! The paediatric chart review's demo cohort: ten synthetic adolescents calibrated to Wu et al.
//! (Lupus 2017;26:646, abstract): 9 girls; prednisone 23.5 ± 13.3 mg/day at the start of
//! lenalidomide and 12.25 ± 9.2 mg/day at 6 months; ESR 29 ± 31.5 and 17 ± 18.1 mm/h. The
//! published per-patient values are not printed, so these are made up to those means and SDs
//! (rounded to 0.5 mg and 1 mm/h) and say so. Each chart is entered as a reviewer would: the
//! screening at the index date (consent waived, enrolled from the drug start), the two time
//! points as visits, lenalidomide as prescribed, prednisone as con-meds, ESR as labs.

use instruments::medication::Drug;
use instruments::subtype::Subtype;
use jiff::ToSpan;
use jiff::civil::Date;
use protocol::eligibility::Candidate;
use store::{
    Batch, BirthOrAge, ConcomitantMedication, Decimal, Disposition, DispositionStatus, DoseChange,
    DosePeriod, Entry, LabResult, NewDose, Refusal, Sex, StoreError, SubjectData, VisitData,
};

/// The published figures the cohort is calibrated to: (mean, SD) at the start and at 6 months.
pub const PREDNISONE_MG: [(f64, f64); 2] = [(23.5, 13.3), (12.25, 9.2)];
pub const ESR_MM_H: [(f64, f64); 2] = [(29.0, 31.5), (17.0, 18.1)];

/// SETTING: the abstract gives no lenalidomide dose; 5 mg once daily, the adult trial's start.
const LENALIDOMIDE: (&str, &str) = ("5", "QD");

/// The charts were read on this date, after every patient's 6-month point.
pub const REVIEWED_ON: Date = jiff::civil::date(2016, 6, 1);

/// Right-skewed shapes (ESR more than prednisone: its SD exceeds its mean), each standardised
/// and scaled to a published mean and SD; the same rank before and after, so each patient's
/// values fall as the means do.
const PREDNISONE_SHAPE: [f64; 10] = [0.35, 0.5, 0.6, 0.75, 0.9, 1.05, 1.25, 1.5, 1.9, 2.6];
const ESR_SHAPE: [f64; 10] = [1.0, 1.0, 1.2, 1.3, 1.5, 1.7, 2.0, 2.5, 4.0, 9.0];

/// `shape` scaled to `mean` and sample `sd`, rounded to `step`; the value nearest the mean then
/// takes the rounding's remainder, so that the mean is exact and the SD barely moves.
pub fn calibrated(shape: &[f64], (mean, sd): (f64, f64), step: f64) -> Vec<f64> {
    let n = shape.len() as f64;
    let centre = shape.iter().sum::<f64>() / n;
    let spread = (shape.iter().map(|x| (x - centre).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let mut values: Vec<f64> = shape
        .iter()
        .map(|x| (((x - centre) / spread * sd + mean) / step).round() * step)
        .collect();
    let remainder = mean * n - values.iter().sum::<f64>();
    if let Some(central) = values
        .iter_mut()
        .min_by(|a, b| (**a - mean).abs().total_cmp(&(**b - mean).abs()))
    {
        *central += remainder;
    }
    values
}

/// One chart as the review found it.
pub struct Chart {
    pub subject: SubjectData,
    pub candidate: Candidate,
    pub index: Date,
    pub prednisone_mg: [f64; 2],
    pub esr: [f64; 2],
}

pub fn charts(site: &str) -> Vec<Chart> {
    let prednisone: Vec<Vec<f64>> = PREDNISONE_MG
        .iter()
        .map(|figures| calibrated(&PREDNISONE_SHAPE, *figures, 0.5))
        .collect();
    let esr: Vec<Vec<f64>> = ESR_MM_H
        .iter()
        .map(|figures| calibrated(&ESR_SHAPE, *figures, 1.0))
        .collect();
    // What the abstract lists as indications, as subtypes where one fits.
    let subtypes = [
        Subtype::AcleLocalized,
        Subtype::DleLocalized,
        Subtype::LupusProfundus,
        Subtype::DleMucosal,
        Subtype::AcleGeneralized,
        Subtype::Other,
        Subtype::DleGeneralized,
        Subtype::AcleLocalized,
        Subtype::Chilblain,
        Subtype::Other,
    ];
    (0..10)
        .map(|patient| {
            let index =
                jiff::civil::date(2011, 1, 10).saturating_add((i64::from(patient) * 161).days());
            // 12 to 17 years old at the drug start.
            let age = 12 + patient % 6;
            let birth = index
                .saturating_sub(i64::from(age).years())
                .saturating_sub((30 + i64::from(patient) * 17).days());
            let code = store::subject_code(site, format_args!("W{:02}", patient + 1));
            Chart {
                subject: SubjectData {
                    site: site.to_owned(),
                    code,
                    // "Nine subjects were girls."
                    sex: if patient == 4 { Sex::Male } else { Sex::Female },
                    birth: BirthOrAge::BirthDate(birth),
                    subtype: Some(subtypes[patient as usize]),
                    screening_date: REVIEWED_ON,
                    consent_date: None,
                    enrolment_date: None,
                },
                candidate: Candidate {
                    index_date: Some(index),
                    sle_diagnosis: Some(true),
                    drug_received: Some(true),
                    ..Candidate::default()
                },
                index,
                prednisone_mg: [
                    prednisone[0][patient as usize],
                    prednisone[1][patient as usize],
                ],
                esr: [esr[0][patient as usize], esr[1][patient as usize]],
            }
        })
        .collect()
}

/// Text of a number as the record keeps it: `12.5`, `8`.
fn decimal(field: &str, value: f64) -> Result<Decimal, StoreError> {
    let text = format!("{value:.1}");
    Decimal::parse(field, text.trim_end_matches(".0"))
}

/// Enters one chart through the store's commands; returns the records written.
pub async fn enter(batch: &mut Batch, chart: &Chart) -> Result<usize, StoreError> {
    let (subject, _) = batch.screen(&chart.subject, &chart.candidate).await?;
    let six_months = chart.index.saturating_add(6.months());
    let mut written = 1;
    for (name, date, prednisone, esr) in [
        (
            "drug start",
            chart.index,
            chart.prednisone_mg[0],
            chart.esr[0],
        ),
        ("6 months", six_months, chart.prednisone_mg[1], chart.esr[1]),
    ] {
        let visit = batch
            .add_visit(
                subject.id,
                &VisitData {
                    name: name.to_owned(),
                    planned_date: None,
                    actual_date: Some(date),
                },
            )
            .await?;
        batch
            .add_record(&LabResult {
                subject_id: subject.id,
                visit_id: Some(visit.id),
                collected_on: date,
                test: "esr".to_owned(),
                value: Entry::Value(decimal("value", esr)?),
                unit: "mm/h".to_owned(),
                lln: None,
                uln: None,
            })
            .await?;
        let dose = ConcomitantMedication::dose_named(
            decimal("amount", prednisone)?.as_str(),
            "mg",
            "QD",
            "oral",
        )?;
        let until = (date == chart.index).then(|| six_months.saturating_sub(1.day()));
        batch
            .add_record(&ConcomitantMedication {
                subject_id: subject.id,
                drug: Drug::find("prednisone")
                    .map_err(|error| StoreError::invalid("drug", Refusal::untranslated(error)))?,
                verbatim: None,
                amount: dose.amount,
                frequency: dose.frequency,
                route: dose.route,
                indication: Some("systemic lupus erythematosus".to_owned()),
                start_date: Some(date),
                end_date: until,
                ongoing: until.is_none(),
            })
            .await?;
        written += 3;
    }
    let (amount, frequency) = LENALIDOMIDE;
    batch
        .change_dose(&DoseChange {
            subject_id: subject.id,
            from: chart.index,
            dose: NewDose::Regimen(DosePeriod::regimen_named(
                "lenalidomide",
                amount,
                "mg",
                frequency,
            )?),
            until: None,
        })
        .await?;
    // The review read each chart to its 6-month entry: the chart is complete.
    batch
        .add_record(&Disposition {
            subject_id: subject.id,
            status: DispositionStatus::Completed,
            disposition_date: six_months,
            details: Some("Chart reviewed to the 6-month entry".to_owned()),
        })
        .await?;
    Ok(written + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_sd(values: &[f64]) -> (f64, f64) {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        (mean, sd)
    }

    #[test]
    fn the_charts_match_the_published_means_and_sds() {
        let charts = charts("S01");
        assert_eq!(charts.len(), 10);
        assert_eq!(
            charts
                .iter()
                .filter(|c| c.subject.sex == Sex::Female)
                .count(),
            9
        );
        for (time, published) in PREDNISONE_MG.iter().enumerate() {
            let values: Vec<f64> = charts.iter().map(|c| c.prednisone_mg[time]).collect();
            let (mean, sd) = mean_sd(&values);
            assert!((mean - published.0).abs() < 1e-9, "{values:?}");
            assert!((sd - published.1).abs() < 0.3, "{sd} {values:?}");
            assert!(
                values
                    .iter()
                    .all(|mg| *mg > 0.0 && (mg * 2.0).fract() == 0.0)
            );
        }
        for (time, published) in ESR_MM_H.iter().enumerate() {
            let values: Vec<f64> = charts.iter().map(|c| c.esr[time]).collect();
            let (mean, sd) = mean_sd(&values);
            assert!((mean - published.0).abs() < 1e-9, "{values:?}");
            assert!((sd - published.1).abs() < 0.3, "{sd} {values:?}");
            assert!(values.iter().all(|esr| *esr > 0.0 && esr.fract() == 0.0));
        }
        // Every patient's prednisone and ESR fall, and everyone is under 18 at the start.
        for chart in &charts {
            assert!(chart.prednisone_mg[1] < chart.prednisone_mg[0]);
            assert!(chart.esr[1] < chart.esr[0]);
            let BirthOrAge::BirthDate(birth) = chart.subject.birth else {
                panic!("birth date");
            };
            assert!(protocol::eligibility::whole_years(birth, chart.index) < 18);
            assert!(chart.index.saturating_add(6.months()) < REVIEWED_ON);
        }
    }
}
