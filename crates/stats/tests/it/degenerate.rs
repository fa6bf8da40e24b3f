//! Degenerate inputs: each gives a clear error naming the field, or a documented NaN-free result.

use stats::describe::{frequencies, summarize};
use stats::logistic::{Predictor, logistic};
use stats::proportion::{ProportionMethod, proportion_ci};
use stats::survival::{KmCi, MedianRule, Observation, kaplan_meier, log_rank};
use stats::table2x2::{Table2x2, ZeroCellCorrection, chi_square, fisher, odds_ratio};
use stats::ttest::{TTestKind, t_test};
use stats::wilcoxon::{mann_whitney, signed_rank};
use stats::{Level, StatsError};

/// Asserts an error whose message starts with `field:`.
#[track_caller]
fn refused<T: std::fmt::Debug>(result: Result<T, StatsError>, field: &str) {
    match result {
        Err(error) => assert!(
            error.to_string().starts_with(&format!("{field}: ")),
            "{error}"
        ),
        Ok(value) => panic!("expected an error on {field}, got {value:?}"),
    }
}

#[test]
fn describe_empty_nan_and_single() {
    refused(summarize(&[]), "x");
    refused(summarize(&[1.0, f64::NAN]), "x");
    refused(summarize(&[f64::INFINITY]), "x");
    refused(summarize(&[1e308, 1e308]), "x");
    refused(summarize(&[1e200, -1e200]), "x");
    // One value: a mean and a median, but no SD (None, not NaN).
    let one = summarize(&[4.0]).expect("one value");
    assert_eq!(
        (one.mean, one.median, one.sd, one.sem),
        (4.0, 4.0, None, None)
    );
    // All equal: SD is exactly 0.
    let flat = summarize(&[2.0; 5]).expect("flat");
    assert_eq!(flat.sd, Some(0.0));
}

#[test]
fn frequencies_leave_missing_out_of_the_denominator() {
    let table =
        frequencies(&[Some("DLE"), None, Some("SCLE"), Some("DLE"), Some("DLE")]).expect("values");
    assert_eq!(table.len(), 2);
    assert_eq!(
        (table[0].value, table[0].count, table[0].percent),
        ("DLE", 3, 75.0)
    );
    assert_eq!(
        (table[1].value, table[1].count, table[1].percent),
        ("SCLE", 1, 25.0)
    );
    refused(frequencies::<&str>(&[None, None]), "values");
}

#[test]
fn proportion_bounds() {
    refused(
        proportion_ci(0, 0, ProportionMethod::Wilson, Level::NINETY_FIVE),
        "n",
    );
    refused(
        proportion_ci(3, 2, ProportionMethod::ClopperPearson, Level::NINETY_FIVE),
        "successes",
    );
    refused(
        proportion_ci(
            1,
            60_000,
            ProportionMethod::ClopperPearson,
            Level::NINETY_FIVE,
        ),
        "n",
    );
    refused(Level::new(1.0), "level");
    refused(Level::new(0.0), "level");
    refused(Level::new(f64::NAN), "level");
}

#[test]
fn t_tests_refuse_too_few_and_constant_data() {
    let level = Level::NINETY_FIVE;
    refused(t_test(&[1.0], &[2.0], TTestKind::Paired, level), "x");
    refused(t_test(&[1.0, 2.0], &[2.0], TTestKind::Paired, level), "y");
    refused(t_test(&[1.0], &[2.0, 3.0], TTestKind::Welch, level), "x");
    refused(t_test(&[1.0], &[2.0], TTestKind::Student, level), "x");
    refused(t_test(&[], &[2.0, 3.0], TTestKind::Student, level), "x");
    refused(
        t_test(&[3.0, 3.0, 3.0], &[3.0, 3.0], TTestKind::Welch, level),
        "x",
    );
    refused(
        t_test(&[1.0, 2.0, 3.0], &[0.0, 1.0, 2.0], TTestKind::Paired, level),
        "x",
    );
    refused(
        t_test(&[1.0, f64::NAN], &[0.0, 1.0], TTestKind::Welch, level),
        "x",
    );
    refused(
        t_test(&[1e308, 1e308], &[-1e308, 0.0], TTestKind::Welch, level),
        "x",
    );
    refused(
        t_test(
            &[1e200, -1e200, 0.0],
            &[1.0, 2.0],
            TTestKind::Student,
            level,
        ),
        "x",
    );
}

#[test]
fn rank_tests_refuse_empty_all_tied_and_all_zero() {
    refused(mann_whitney(&[], &[1.0]), "x");
    refused(mann_whitney(&[1.0], &[]), "y");
    refused(mann_whitney(&[2.0, 2.0], &[2.0, 2.0, 2.0]), "x");
    refused(signed_rank(&[0.0, 0.0, 0.0]), "x");
    refused(signed_rank(&[]), "x");
    // One non-zero difference is a valid (if uninformative) test.
    let one = signed_rank(&[0.0, 2.0]).expect("one non-zero difference");
    assert_eq!((one.statistic, one.zeros_dropped), (1.0, 1));
    assert!(one.p_value.is_finite());
}

#[test]
fn tables_refuse_a_zero_row_or_column() {
    refused(Table2x2::new([[0, 0], [3, 4]]), "table");
    refused(Table2x2::new([[2, 0], [3, 0]]), "table");
    refused(Table2x2::new([[u64::MAX, 1], [1, 1]]), "table");
    refused(Table2x2::new([[500_000, 500_000], [1, 0]]), "table");
    assert!(Table2x2::new([[500_000, 499_999], [1, 0]]).is_ok());
    // A zero cell (not margin) is a valid table: Fisher gives a 0 or infinite MLE, not NaN.
    let table = Table2x2::new([[5, 0], [0, 5]]).expect("valid");
    let f = fisher(table, Level::NINETY_FIVE);
    assert_eq!((f.odds_ratio, f.ci_high), (f64::INFINITY, f64::INFINITY));
    assert!(f.ci_low.is_finite() && f.p_value.is_finite());
    assert!(chi_square(table, true).p_value.is_finite());
    refused(
        odds_ratio(table, ZeroCellCorrection::None, Level::NINETY_FIVE),
        "table",
    );
    let corrected =
        odds_ratio(table, ZeroCellCorrection::Haldane, Level::NINETY_FIVE).expect("corrected");
    assert_eq!(corrected.odds_ratio, 121.0);
}

#[test]
fn survival_all_censored_is_flat_and_log_rank_needs_two_groups() {
    let censored: Vec<Observation> = [1.0, 2.0, 3.0]
        .iter()
        .map(|&time| Observation { time, event: false })
        .collect();
    let km = kaplan_meier(&censored, KmCi::Log, Level::NINETY_FIVE, MedianRule::Print)
        .expect("all censored is valid");
    assert!(km.steps.iter().all(|s| s.survival == 1.0));
    assert_eq!(km.median.median, None);
    refused(
        kaplan_meier(&[], KmCi::Log, Level::NINETY_FIVE, MedianRule::Print),
        "time",
    );
    refused(
        kaplan_meier(
            &[Observation {
                time: -1.0,
                event: true,
            }],
            KmCi::Log,
            Level::NINETY_FIVE,
            MedianRule::Print,
        ),
        "time",
    );
    refused(
        kaplan_meier(
            &[Observation {
                time: f64::NAN,
                event: true,
            }],
            KmCi::Plain,
            Level::NINETY_FIVE,
            MedianRule::Print,
        ),
        "time",
    );
    // Everyone dies at once: S = 0 and the interval is undefined (None), never NaN.
    let all_die: Vec<Observation> = (0..3)
        .map(|_| Observation {
            time: 2.0,
            event: true,
        })
        .collect();
    let km = kaplan_meier(
        &all_die,
        KmCi::LogLog,
        Level::NINETY_FIVE,
        MedianRule::Print,
    )
    .expect("valid");
    assert_eq!(
        (
            km.steps[0].survival,
            km.steps[0].ci_low,
            km.steps[0].ci_high
        ),
        (0.0, None, None)
    );
    assert_eq!(km.median.median, Some(2.0));
    refused(log_rank(&all_die, &[0, 0, 0]), "group");
    refused(log_rank(&all_die, &[0, 2, 2]), "group");
    refused(log_rank(&all_die, &[0, 1]), "group");
    refused(log_rank(&censored, &[0, 1, 1]), "event");
}

#[test]
fn logistic_refuses_constant_outcome_bad_values_and_collinearity() {
    let level = Level::NINETY_FIVE;
    let x = |values: &[f64]| Predictor {
        name: "x".into(),
        values: values.to_vec(),
    };
    refused(
        logistic(&[1.0, 1.0, 1.0, 1.0], &[x(&[1.0, 2.0, 3.0, 4.0])], level),
        "y",
    );
    refused(
        logistic(&[0.0, 2.0, 1.0, 1.0], &[x(&[1.0, 2.0, 3.0, 4.0])], level),
        "y",
    );
    refused(logistic(&[0.0, 1.0], &[x(&[1.0, 2.0])], level), "y");
    refused(
        logistic(&[0.0, 1.0, 0.0, 1.0], &[x(&[1.0, 2.0, 3.0])], level),
        "x",
    );
    refused(logistic(&[0.0, 1.0, 0.0, 1.0], &[x(&[5.0; 4])], level), "x");
    // Complete separation is reported, not hidden.
    let fit = logistic(
        &[0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        &[x(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])],
        level,
    )
    .expect("fits");
    assert!(fit.separation);
    assert!(fit.terms.iter().all(|t| !t.estimate.is_nan()));
}
