//! Descriptive statistics, proportion intervals and t tests against R (and SciPy).

use stats::describe::summarize;
use stats::proportion::{ProportionMethod, proportion_ci};
use stats::ttest::{TTestKind, t_test};
use stats::{Level, Method};

use crate::golden::{Mismatches, cases, floats, number};

#[test]
fn describe_matches_r() {
    let mut check = Mismatches::default();
    for case in cases("describe") {
        let x = floats(&case.input["x"]);
        let s = summarize(&x).expect("every describe case is valid");
        let id = case.id.as_str();
        check.num(id, "n", s.n as f64, &case.r["n"]);
        for (what, actual) in [
            ("mean", s.mean),
            ("median", s.median),
            ("q1", s.q1),
            ("q3", s.q3),
            ("min", s.min),
            ("max", s.max),
        ] {
            check.num(id, what, actual, &case.r[what]);
        }
        check.value(id, "sd", s.sd, number(&case.r["sd"]));
        check.value(id, "sem", s.sem, number(&case.r["sem"]));
        check.same(id, "method", s.method, Method::Descriptive);
        if let Some(scipy) = &case.scipy {
            check.num(id, "scipy mean", s.mean, &scipy["mean"]);
            check.value(id, "scipy sd", s.sd, number(&scipy["sd"]));
            check.num(id, "scipy q1", s.q1, &scipy["q1"]);
            check.num(id, "scipy q3", s.q3, &scipy["q3"]);
        }
    }
    check.finish("describe");
}

#[test]
fn proportion_intervals_match_r() {
    let mut check = Mismatches::default();
    for case in cases("proportion") {
        let k = case.input["successes"].as_u64().expect("successes");
        let n = case.input["n"].as_u64().expect("n");
        let level = Level::new(case.input["level"].as_f64().expect("level")).expect("valid level");
        for (method, key, name) in [
            (
                ProportionMethod::ClopperPearson,
                "clopper_pearson",
                Method::ClopperPearson,
            ),
            (ProportionMethod::Wilson, "wilson", Method::Wilson),
        ] {
            let ci = proportion_ci(k, n, method, level).expect("valid proportion");
            let id = format!("{}/{key}", case.id);
            check.num(&id, "estimate", ci.estimate, &case.r["estimate"]);
            let bounds = floats(&case.r[key]);
            check.value(&id, "low", Some(ci.low), Some(bounds[0]));
            check.value(&id, "high", Some(ci.high), Some(bounds[1]));
            check.same(&id, "method", ci.method, name);
            if let Some(scipy) = &case.scipy {
                // SciPy's beta quantile (Boost's inverse incomplete beta) meets R's qbeta to
                // about 2e-9 relative in the far tail (1 of 5000); R, checked above at 1e-9, is
                // the reference, SciPy the second opinion at 1e-8.
                let bounds = floats(&scipy[key]);
                check.within(&id, "scipy low", ci.low, bounds[0], 1e-8);
                check.within(&id, "scipy high", ci.high, bounds[1], 1e-8);
            }
        }
    }
    check.finish("proportion");
}

#[test]
fn t_tests_match_r() {
    let mut check = Mismatches::default();
    for case in cases("ttest") {
        let x = floats(&case.input["x"]);
        let y = floats(&case.input["y"]);
        let kind = match case.input["kind"].as_str() {
            Some("paired") => TTestKind::Paired,
            Some("student") => TTestKind::Student,
            Some("welch") => TTestKind::Welch,
            other => panic!("{}: unknown kind {other:?}", case.id),
        };
        let id = case.id.as_str();
        match (t_test(&x, &y, kind, Level::NINETY_FIVE), case.r_error()) {
            (Err(_), true) => check.same(id, "refused", true, true),
            (Ok(t), false) => {
                for (what, actual) in [
                    ("statistic", t.statistic),
                    ("df", t.df),
                    ("p_value", t.p_value),
                    ("estimate", t.estimate),
                    ("ci_low", t.ci_low),
                    ("ci_high", t.ci_high),
                ] {
                    check.num(id, what, actual, &case.r[what]);
                }
                if let Some(scipy) = &case.scipy {
                    for (what, actual) in [
                        ("statistic", t.statistic),
                        ("p_value", t.p_value),
                        ("ci_low", t.ci_low),
                        ("ci_high", t.ci_high),
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
    check.finish("ttest");
}
