//! Distribution functions, accurate to about 1e-15 relative where R's are.
//!
//! statrs is used for the special functions, not for its normal tail: statrs' `erfc` (and so
//! `Normal::sf`) is only good to ~1e-11 relative in the far tail (RUST-STACK.md §2), whereas the
//! regularised upper gamma function is good to ~1e-16. Since P(|Z| >= z) = P(chi-square(1) >= z^2)
//! = Q(1/2, z^2/2), every two-sided normal p-value here goes through `gamma_ur`.
//! Student's t tails go through the regularised incomplete beta function, as R's `pt` does.
//! statrs' beta function is wrong for shape parameters of 1e5 and more (statrs #434), so the
//! callers refuse inputs that would need them.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use statrs::function::beta::{beta_reg, inv_beta_reg, ln_beta};
use statrs::function::gamma::{gamma_ur, ln_gamma};

/// The largest shape parameter passed to statrs' incomplete beta function (statrs #434).
pub(crate) const MAX_BETA_SHAPE: f64 = 5.0e4;

/// Two-sided standard normal p-value P(|Z| >= |z|), via the chi-square(1) upper tail.
pub fn normal_two_sided_p(z: f64) -> f64 {
    let half_square = 0.5 * z * z;
    if half_square == 0.0 {
        1.0
    } else if half_square.is_infinite() {
        0.0
    } else {
        gamma_ur(0.5, half_square)
    }
}

/// Upper tail of the chi-square distribution with `df` degrees of freedom at `x`.
pub fn chi_square_sf(x: f64, df: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x.is_infinite() {
        0.0
    } else {
        gamma_ur(0.5 * df, 0.5 * x)
    }
}

/// The standard normal quantile (statrs' inverse is good to ~1e-16).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    // Mean 0 and SD 1 are valid parameters, so construction cannot fail.
    Normal::standard().inverse_cdf(p)
}

/// Two-sided p-value P(|T| >= |t|) of Student's t with `df` degrees of freedom:
/// I_{df/(df+t^2)}(df/2, 1/2), the regularised incomplete beta function (as R's `pt`).
pub(crate) fn t_two_sided_p(t: f64, df: f64) -> f64 {
    let t2 = t * t;
    if t2 == 0.0 {
        return 1.0;
    }
    if t2.is_infinite() {
        return 0.0;
    }
    beta_reg(0.5 * df, 0.5, df / (df + t2))
}

/// The Student's t quantile at `p` (> 0.5 expected), from statrs then polished by Newton steps
/// on the accurate tail above.
pub(crate) fn t_quantile(p: f64, df: f64) -> f64 {
    let Ok(dist) = StudentsT::new(0.0, 1.0, df) else {
        return f64::NAN;
    };
    let mut t = dist.inverse_cdf(p);
    let log_norm =
        ln_gamma(0.5 * (df + 1.0)) - ln_gamma(0.5 * df) - 0.5 * (df * std::f64::consts::PI).ln();
    for _ in 0..3 {
        // Upper tail of t (t > 0): half the two-sided p.
        let upper = 0.5 * t_two_sided_p(t, df);
        let density = (log_norm - 0.5 * (df + 1.0) * (1.0 + t * t / df).ln()).exp();
        if density <= 0.0 || !density.is_finite() {
            break;
        }
        let step = (upper - (1.0 - p)) / density;
        t += step;
        if step.abs() <= 1e-16 * t.abs() {
            break;
        }
    }
    t
}

/// The quantile of Beta(a, b) at `p`, from statrs then polished by Newton steps.
pub(crate) fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    let mut x = inv_beta_reg(a, b, p);
    let log_norm = -ln_beta(a, b);
    for _ in 0..4 {
        if x <= 0.0 || x >= 1.0 {
            break;
        }
        let density = (log_norm + (a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p()).exp();
        if density <= 0.0 || !density.is_finite() {
            break;
        }
        let step = (beta_reg(a, b, x) - p) / density;
        let next = x - step;
        if !(next > 0.0 && next < 1.0) {
            break;
        }
        x = next;
        if step.abs() <= 1e-16 * x {
            break;
        }
    }
    x
}

/// Natural log of the binomial coefficient C(n, k), for k <= n.
pub(crate) fn ln_choose(n: u64, k: u64) -> f64 {
    statrs::function::factorial::ln_binomial(n, k)
}
