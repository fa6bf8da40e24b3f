//! Fisher's exact test, chi-square and odds ratios on 2x2 tables against R (and SciPy).

use serde_json::Value;
use stats::Level;
use stats::table2x2::{Table2x2, ZeroCellCorrection, chi_square, fisher, odds_ratio};

use crate::golden::{Mismatches, cases};

fn table(input: &Value) -> [[u64; 2]; 2] {
    let cell = |r: usize, c: usize| input["table"][r][c].as_u64().expect("count");
    [[cell(0, 0), cell(0, 1)], [cell(1, 0), cell(1, 1)]]
}

#[test]
fn fisher_matches_r() {
    let mut check = Mismatches::default();
    for case in cases("fisher") {
        let id = case.id.as_str();
        match (Table2x2::new(table(&case.input)), case.r_error()) {
            (Err(_), true) => check.same(id, "refused", true, true),
            (Ok(t), false) => {
                let f = fisher(t, Level::NINETY_FIVE);
                for (what, actual) in [
                    ("p_value", f.p_value),
                    ("odds_ratio", f.odds_ratio),
                    ("ci_low", f.ci_low),
                    ("ci_high", f.ci_high),
                ] {
                    check.num(id, what, actual, &case.r[what]);
                }
                if let Some(scipy) = &case.scipy {
                    for (what, actual) in [
                        ("p_value", f.p_value),
                        ("odds_ratio", f.odds_ratio),
                        ("ci_low", f.ci_low),
                        ("ci_high", f.ci_high),
                    ] {
                        check.num(id, &format!("scipy {what}"), actual, &scipy[what]);
                    }
                }
            }
            (result, _) => check.fail(
                id,
                format!("R error {:?} but we gave {result:?}", case.r.get("error")),
            ),
        }
    }
    check.finish("fisher");
}

#[test]
fn chi_square_matches_r() {
    let mut check = Mismatches::default();
    for case in cases("chisq") {
        let id = case.id.as_str();
        let yates = case.input["yates"].as_bool().expect("yates");
        match (Table2x2::new(table(&case.input)), case.r_error()) {
            (Err(_), true) => check.same(id, "refused", true, true),
            (Ok(t), false) => {
                let c = chi_square(t, yates);
                check.num(id, "statistic", c.statistic, &case.r["statistic"]);
                check.num(id, "p_value", c.p_value, &case.r["p_value"]);
                if let Some(scipy) = &case.scipy {
                    check.num(id, "scipy statistic", c.statistic, &scipy["statistic"]);
                    check.num(id, "scipy p_value", c.p_value, &scipy["p_value"]);
                }
            }
            (result, _) => check.fail(
                id,
                format!("R error {:?} but we gave {result:?}", case.r.get("error")),
            ),
        }
    }
    check.finish("chisq");
}

#[test]
fn odds_ratio_matches_r() {
    let mut check = Mismatches::default();
    for case in cases("odds_ratio") {
        let id = case.id.as_str();
        let correction = match case.input["correction"].as_str() {
            Some("haldane") => ZeroCellCorrection::Haldane,
            _ => ZeroCellCorrection::None,
        };
        let result = Table2x2::new(table(&case.input))
            .and_then(|t| odds_ratio(t, correction, Level::NINETY_FIVE));
        match (result, case.r_error()) {
            (Err(_), true) => check.same(id, "refused", true, true),
            (Ok(o), false) => {
                for (what, actual) in [
                    ("odds_ratio", o.odds_ratio),
                    ("ci_low", o.ci_low),
                    ("ci_high", o.ci_high),
                ] {
                    check.num(id, what, actual, &case.r[what]);
                    if let Some(scipy) = &case.scipy {
                        check.num(id, &format!("scipy {what}"), actual, &scipy[what]);
                    }
                }
            }
            (result, _) => check.fail(
                id,
                format!("R error {:?} but we gave {result:?}", case.r.get("error")),
            ),
        }
    }
    check.finish("odds_ratio");
}
