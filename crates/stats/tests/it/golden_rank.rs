//! Mann-Whitney and Wilcoxon signed-rank tests against R (and SciPy), including R's choice
//! between the exact and the normal method.

use stats::Method;
use stats::wilcoxon::{RankTest, mann_whitney, signed_rank};

use crate::golden::{Case, Mismatches, cases, floats};

fn compare(check: &mut Mismatches, case: &Case, result: Result<RankTest, stats::StatsError>) {
    let id = case.id.as_str();
    match (result, case.r_error()) {
        (Err(_), true) => check.same(id, "refused", true, true),
        (Ok(test), false) => {
            check.num(id, "statistic", test.statistic, &case.r["statistic"]);
            check.num(id, "p_value", test.p_value, &case.r["p_value"]);
            let method = match test.method {
                Method::Exact => "exact",
                Method::NormalApprox {
                    continuity: true, ..
                } => "normal",
                other => panic!("{id}: unexpected method {other:?}"),
            };
            check.same(
                id,
                "method",
                method,
                case.r["method"].as_str().unwrap_or("?"),
            );
            if let Some(scipy) = &case.scipy {
                check.num(id, "scipy p_value", test.p_value, &scipy["p_value"]);
            }
        }
        (result, _) => check.fail(
            id,
            format!("R error {:?} but we gave {result:?}", case.r.get("error")),
        ),
    }
}

#[test]
fn mann_whitney_matches_r() {
    let mut check = Mismatches::default();
    for case in cases("mann_whitney") {
        let result = mann_whitney(&floats(&case.input["x"]), &floats(&case.input["y"]));
        compare(&mut check, &case, result);
    }
    check.finish("mann_whitney");
}

#[test]
fn signed_rank_matches_r() {
    let mut check = Mismatches::default();
    for case in cases("wilcoxon") {
        let x = floats(&case.input["x"]);
        let differences: Vec<f64> = match case.input.get("y") {
            Some(y) => x.iter().zip(floats(y)).map(|(a, b)| a - b).collect(),
            None => {
                let mu = case.input["mu"].as_f64().expect("mu");
                x.iter().map(|a| a - mu).collect()
            }
        };
        compare(&mut check, &case, signed_rank(&differences));
    }
    check.finish("wilcoxon");
}
