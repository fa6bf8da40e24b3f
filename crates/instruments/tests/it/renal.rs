//! Cockcroft-Gault creatinine clearance.

use instruments::renal::{Creatinine, Sex, cockcroft_gault};

#[track_caller]
fn check(age: f64, weight: f64, sex: Sex, creatinine: Creatinine, expect: f64) {
    let got = cockcroft_gault(age, weight, sex, creatinine).unwrap();
    assert!(
        (got - expect).abs() < 1e-9,
        "{age} {weight} {sex:?} {creatinine:?}: {got} != {expect}"
    );
}

#[test]
fn formula_in_both_units_and_both_sexes() {
    // (140 - 40) x 72 / (72 x 1.0) = 100
    check(40.0, 72.0, Sex::Male, Creatinine::MgPerDl(1.0), 100.0);
    check(40.0, 72.0, Sex::Female, Creatinine::MgPerDl(1.0), 85.0);
    check(40.0, 72.0, Sex::Male, Creatinine::UmolPerL(88.4), 100.0);
    check(40.0, 72.0, Sex::Female, Creatinine::UmolPerL(176.8), 42.5);
    // (140 - 80) x 50 / (72 x 2.0) = 20.833...
    check(
        80.0,
        50.0,
        Sex::Male,
        Creatinine::MgPerDl(2.0),
        3000.0 / 144.0,
    );
    check(
        18.0,
        60.0,
        Sex::Male,
        Creatinine::MgPerDl(0.8),
        122.0 * 60.0 / 57.6,
    );
}

#[test]
fn inputs_outside_the_formula_are_refused() {
    let ok = (40.0, 72.0, Creatinine::MgPerDl(1.0));
    for (age, weight, creatinine, field) in [
        (17.9, ok.1, ok.2, "age"),
        (140.0, ok.1, ok.2, "age"),
        (f64::NAN, ok.1, ok.2, "age"),
        (ok.0, 0.0, ok.2, "weight"),
        (ok.0, -70.0, ok.2, "weight"),
        (ok.0, f64::INFINITY, ok.2, "weight"),
        (ok.0, ok.1, Creatinine::MgPerDl(0.0), "creatinine"),
        (ok.0, ok.1, Creatinine::UmolPerL(-5.0), "creatinine"),
    ] {
        let error = cockcroft_gault(age, weight, Sex::Female, creatinine).unwrap_err();
        assert!(error.to_string().contains(field), "{error}");
    }
}
