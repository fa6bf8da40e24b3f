//! Kaplan-Meier, log-rank and logistic regression against R (and lifelines/statsmodels).

use serde_json::Value;
use stats::Level;
use stats::logistic::{Predictor, logistic};
use stats::survival::{KmCi, MedianRule, Observation, kaplan_meier, log_rank};

use crate::golden::{Mismatches, cases, floats, numbers};

fn observations(input: &Value) -> Vec<Observation> {
    let time = floats(&input["time"]);
    let event = floats(&input["event"]);
    time.iter()
        .zip(event)
        .map(|(&time, e)| Observation {
            time,
            event: e == 1.0,
        })
        .collect()
}

/// Group labels of each observation and the sorted distinct labels (R's factor levels).
fn groups(input: &Value) -> Option<(Vec<usize>, Vec<String>)> {
    let labels: Vec<String> = input
        .get("group")?
        .as_array()?
        .iter()
        .map(|v| v.as_str().expect("label").to_owned())
        .collect();
    let mut levels = labels.clone();
    levels.sort();
    levels.dedup();
    let index = labels
        .iter()
        .map(|l| levels.iter().position(|x| x == l).expect("level"))
        .collect();
    Some((index, levels))
}

#[test]
fn kaplan_meier_matches_r() {
    let mut check = Mismatches::default();
    for case in cases("kaplan_meier") {
        let all = observations(&case.input);
        let (membership, levels) =
            groups(&case.input).unwrap_or((vec![0; all.len()], vec!["all".to_owned()]));
        for (ci, key) in [
            (KmCi::Log, "log"),
            (KmCi::LogLog, "log-log"),
            (KmCi::Plain, "plain"),
        ] {
            for (g, expected) in case.r[key].as_array().expect("curves").iter().enumerate() {
                let id = format!("{}/{key}/{}", case.id, levels[g]);
                check.same(
                    &id,
                    "group",
                    levels[g].as_str(),
                    expected["group"].as_str().unwrap_or("?"),
                );
                let mine: Vec<Observation> = all
                    .iter()
                    .zip(&membership)
                    .filter(|(_, m)| **m == g)
                    .map(|(o, _)| *o)
                    .collect();
                let km = kaplan_meier(&mine, ci, Level::NINETY_FIVE, MedianRule::Quantile)
                    .expect("valid survival data");
                let printed = kaplan_meier(&mine, ci, Level::NINETY_FIVE, MedianRule::Print)
                    .expect("valid survival data");
                for (what, actual) in [
                    ("print_median", printed.median.median),
                    ("print_median_ci_low", printed.median.ci_low),
                    ("print_median_ci_high", printed.median.ci_high),
                ] {
                    check.value(&id, what, actual, numbers(&expected[what])[0]);
                }
                let column = |name: &str| numbers(&expected[name]);
                check.same(&id, "steps", km.steps.len(), column("time").len());
                let pairs = km
                    .steps
                    .iter()
                    .zip(column("time"))
                    .zip(column("n_risk"))
                    .zip(column("n_event"));
                for (i, (((step, time), n_risk), n_event)) in pairs.enumerate() {
                    let at = format!("step {i}");
                    check.value(&id, &format!("{at} time"), Some(step.time), time);
                    check.value(
                        &id,
                        &format!("{at} n_risk"),
                        Some(step.n_risk as f64),
                        n_risk,
                    );
                    check.value(
                        &id,
                        &format!("{at} n_event"),
                        Some(step.n_event as f64),
                        n_event,
                    );
                    check.value(
                        &id,
                        &format!("{at} n_censor"),
                        Some(step.n_censor as f64),
                        column("n_censor")[i],
                    );
                    check.value(
                        &id,
                        &format!("{at} survival"),
                        Some(step.survival),
                        column("survival")[i],
                    );
                    if step.survival > 0.0 {
                        check.value(
                            &id,
                            &format!("{at} std_err"),
                            Some(step.std_err),
                            column("std_err")[i],
                        );
                    }
                    check.value(
                        &id,
                        &format!("{at} ci_low"),
                        step.ci_low,
                        column("ci_low")[i],
                    );
                    check.value(
                        &id,
                        &format!("{at} ci_high"),
                        step.ci_high,
                        column("ci_high")[i],
                    );
                }
                check.value(
                    &id,
                    "median",
                    km.median.median,
                    numbers(&expected["median"])[0],
                );
                check.value(
                    &id,
                    "median_ci_low",
                    km.median.ci_low,
                    numbers(&expected["median_ci_low"])[0],
                );
                check.value(
                    &id,
                    "median_ci_high",
                    km.median.ci_high,
                    numbers(&expected["median_ci_high"])[0],
                );
            }
        }
        if let Some(expected) = case.r.get("log_rank") {
            let id = case.id.as_str();
            match (log_rank(&all, &membership), expected.get("error").is_some()) {
                (Err(_), true) => check.same(id, "refused", true, true),
                (Ok(test), false) => {
                    check.num(id, "chi_square", test.chi_square, &expected["chi_square"]);
                    check.num(id, "df", test.df as f64, &expected["df"]);
                    check.num(id, "p_value", test.p_value, &expected["p_value"]);
                    for (g, (o, e)) in floats(&expected["observed"])
                        .iter()
                        .zip(floats(&expected["expected"]))
                        .enumerate()
                    {
                        check.value(
                            id,
                            &format!("observed {g}"),
                            Some(test.observed[g]),
                            Some(*o),
                        );
                        check.value(
                            id,
                            &format!("expected {g}"),
                            Some(test.expected[g]),
                            Some(e),
                        );
                    }
                    if let Some(scipy) = &case.scipy {
                        check.num(
                            id,
                            "lifelines chi_square",
                            test.chi_square,
                            &scipy["chi_square"],
                        );
                        check.num(id, "lifelines p_value", test.p_value, &scipy["p_value"]);
                    }
                }
                (result, _) => check.fail(
                    id,
                    format!("R error {:?} but we gave {result:?}", expected.get("error")),
                ),
            }
        }
    }
    check.finish("kaplan_meier");
}

#[test]
fn logistic_matches_r() {
    let mut check = Mismatches::default();
    for case in cases("logistic") {
        let id = case.id.as_str();
        let y = floats(&case.input["y"]);
        let predictors: Vec<Predictor> = case.input["x"]
            .as_object()
            .expect("x")
            .iter()
            .map(|(name, values)| Predictor {
                name: name.clone(),
                values: floats(values),
            })
            .collect();
        match (
            logistic(&y, &predictors, Level::NINETY_FIVE),
            case.r_error(),
        ) {
            (Err(_), true) => check.same(id, "refused", true, true),
            (Ok(fit), false) => {
                let boundary = case.r["fitted_boundary"]
                    .as_bool()
                    .expect("fitted_boundary");
                check.same(id, "separation", fit.separation, boundary);
                if boundary {
                    // R warned that the fit ran to the boundary: its estimates are arbitrary.
                    continue;
                }
                check.same(id, "converged", fit.converged, true);
                check.num(id, "deviance", fit.deviance, &case.r["deviance"]);
                let names = case.r["terms"].as_array().expect("terms");
                for (i, name) in names.iter().enumerate() {
                    let name = name.as_str().expect("term name");
                    let Some(term) = fit.terms.iter().find(|t| t.name == name) else {
                        check.fail(id, format!("no term {name}"));
                        continue;
                    };
                    for (what, actual) in [
                        ("estimate", term.estimate),
                        ("se", term.se),
                        ("p_value", term.p_value),
                        ("ci_low", term.ci_low),
                        ("ci_high", term.ci_high),
                    ] {
                        check.num(id, &format!("{name} {what}"), actual, &case.r[what][i]);
                        if let Some(scipy) = &case.scipy {
                            check.num(
                                id,
                                &format!("statsmodels {name} {what}"),
                                actual,
                                &scipy[what][i],
                            );
                        }
                    }
                }
            }
            (result, _) => check.fail(
                id,
                format!("R error {:?} but we gave {result:?}", case.r.get("error")),
            ),
        }
    }
    check.finish("logistic");
}
