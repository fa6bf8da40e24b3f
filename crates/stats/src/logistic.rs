//! Logistic regression (binomial, logit link) by iteratively reweighted least squares, as R
//! `glm(family = binomial)`, with Wald intervals and p-values (R's `confint.default`).
//!
//! R stops when the relative change in deviance is below 1e-8, which leaves the coefficients
//! about 1e-8 from the maximum-likelihood estimate. We stop at 1e-10 and take one more Newton step,
//! so the estimates are the MLE to about machine precision, and the standard errors are computed
//! at those estimates. Separation is reported, not hidden: see [`Logistic::separation`].

use crate::dist::normal_two_sided_p;
use crate::linalg::{inverse, solve};
use crate::{Level, Method, StatsError, check_finite};

/// Relative change in deviance below which the iterations stop.
const EPSILON: f64 = 1e-10;
/// Iteration limit (R's default is 25; separated data are flagged, not iterated forever).
const MAX_ITERATIONS: usize = 100;
/// A fitted probability this close to 0 or 1 marks (quasi-)complete separation.
const BOUNDARY: f64 = 1e-8;

/// One named predictor column.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictor {
    pub name: String,
    pub values: Vec<f64>,
}

/// One coefficient with its Wald inference. The first term is the intercept, `(Intercept)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub name: String,
    pub estimate: f64,
    pub se: f64,
    pub z: f64,
    pub p_value: f64,
    /// Wald interval of the coefficient (log odds scale).
    pub ci_low: f64,
    pub ci_high: f64,
    /// exp(estimate) and its interval: the odds ratio per unit of the predictor.
    pub odds_ratio: f64,
    pub or_ci_low: f64,
    pub or_ci_high: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    pub terms: Vec<Term>,
    pub deviance: f64,
    pub iterations: usize,
    /// Whether the deviance settled within the iteration limit.
    pub converged: bool,
    /// True when a fitted probability is within 1e-8 of 0 or 1: the data are (nearly) separated,
    /// the estimates run off towards infinity and their SEs and p-values mean nothing.
    pub separation: bool,
    pub method: Method,
}

/// Fits y (0 or 1) on an intercept and the predictors.
pub fn logistic(y: &[f64], predictors: &[Predictor], level: Level) -> Result<Logistic, StatsError> {
    let n = y.len();
    if y.iter().any(|&v| v != 0.0 && v != 1.0) {
        return Err(StatsError::OutOfRange {
            field: "y",
            allowed: "0 or 1",
        });
    }
    if !(y.contains(&0.0) && y.contains(&1.0)) {
        return Err(StatsError::Degenerate {
            field: "y",
            reason: "needs at least one 0 and one 1",
        });
    }
    for predictor in predictors {
        check_finite("x", &predictor.values)?;
        if predictor.values.len() != n {
            return Err(StatsError::LengthMismatch {
                field: "x",
                left: n,
                right: predictor.values.len(),
            });
        }
    }
    let p = predictors.len() + 1;
    if n <= p {
        return Err(StatsError::TooFew {
            field: "y",
            needed: p + 1,
            got: n,
        });
    }
    let rows: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            std::iter::once(1.0)
                .chain(predictors.iter().map(|c| c.values[i]))
                .collect()
        })
        .collect();

    // R's start: mu = (y + 1/2) / 2. Every weight is then 3/16, so a singular first step means the
    // predictors themselves are collinear; a later one means weights vanished under separation.
    let mut eta: Vec<f64> = y.iter().map(|&v| logit((v + 0.5) / 2.0)).collect();
    let mut beta = newton_step(&rows, y, &eta).ok_or(StatsError::Degenerate {
        field: "x",
        reason: "the predictors are collinear (or constant), so the coefficients are not identifiable",
    })?;
    let mut deviance_old = deviance(y, &eta);
    let mut iterations = 1;
    let mut converged;
    loop {
        eta = linear(&rows, &beta);
        let deviance_new = deviance(y, &eta);
        let change = (deviance_new - deviance_old).abs() / (deviance_new.abs() + 0.1);
        deviance_old = deviance_new;
        converged = change < EPSILON;
        if converged || iterations == MAX_ITERATIONS {
            break;
        }
        match newton_step(&rows, y, &eta) {
            Some(next) => beta = next,
            None => break,
        }
        iterations += 1;
    }
    if converged {
        // One more Newton step takes the estimate from ~1e-5-close to the MLE to machine precision.
        if let Some(next) = newton_step(&rows, y, &eta) {
            beta = next;
            eta = linear(&rows, &beta);
        }
    }
    let separation = eta
        .iter()
        .map(|&e| inverse_logit(e))
        .any(|mu| !(BOUNDARY..=1.0 - BOUNDARY).contains(&mu));
    // Under separation the information can be singular: the SEs are then infinite (p = 1).
    let covariance = inverse(&weighted_cross_product(&rows, &eta));
    let variance = |j: usize| covariance.as_ref().map_or(f64::INFINITY, |c| c[j][j]);
    let z = level.z();
    let names = std::iter::once("(Intercept)").chain(predictors.iter().map(|c| c.name.as_str()));
    let terms = names
        .zip(&beta)
        .enumerate()
        .map(|(j, (name, &estimate))| {
            let se = variance(j).sqrt();
            let (ci_low, ci_high) = (estimate - z * se, estimate + z * se);
            Term {
                name: name.to_owned(),
                estimate,
                se,
                z: estimate / se,
                p_value: normal_two_sided_p(estimate / se),
                ci_low,
                ci_high,
                odds_ratio: estimate.exp(),
                or_ci_low: ci_low.exp(),
                or_ci_high: ci_high.exp(),
            }
        })
        .collect();
    Ok(Logistic {
        terms,
        deviance: deviance(y, &eta),
        iterations,
        converged,
        separation,
        method: Method::LogisticIrls,
    })
}

fn logit(mu: f64) -> f64 {
    (mu / (1.0 - mu)).ln()
}

fn inverse_logit(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

fn linear(rows: &[Vec<f64>], beta: &[f64]) -> Vec<f64> {
    rows.iter()
        .map(|row| row.iter().zip(beta).map(|(x, b)| x * b).sum())
        .collect()
}

/// X' W X with the binomial weights mu (1 - mu) at `eta`.
fn weighted_cross_product(rows: &[Vec<f64>], eta: &[f64]) -> Vec<Vec<f64>> {
    let p = rows[0].len();
    let mut matrix = vec![vec![0.0; p]; p];
    for (row, &e) in rows.iter().zip(eta) {
        let mu = inverse_logit(e);
        let w = mu * (1.0 - mu);
        for j in 0..p {
            for k in 0..p {
                matrix[j][k] += w * row[j] * row[k];
            }
        }
    }
    matrix
}

/// One IRLS (Newton) step: the weighted least-squares fit of the working response at `eta`.
fn newton_step(rows: &[Vec<f64>], y: &[f64], eta: &[f64]) -> Option<Vec<f64>> {
    let p = rows[0].len();
    let mut rhs = vec![0.0; p];
    for ((row, &e), &yi) in rows.iter().zip(eta).zip(y) {
        let mu = inverse_logit(e);
        let w = mu * (1.0 - mu);
        // w * z with z = eta + (y - mu) / w, written so a zero weight cannot divide.
        let wz = w * e + (yi - mu);
        for j in 0..p {
            rhs[j] += row[j] * wz;
        }
    }
    solve(&weighted_cross_product(rows, eta), &rhs)
}

/// Binomial deviance -2 sum(y log mu + (1 - y) log(1 - mu)), from eta to keep tails accurate.
fn deviance(y: &[f64], eta: &[f64]) -> f64 {
    // log(mu) = -log(1 + exp(-eta)), log(1 - mu) = -log(1 + exp(eta)).
    let softplus = |t: f64| {
        if t > 0.0 {
            t + (-t).exp().ln_1p()
        } else {
            t.exp().ln_1p()
        }
    };
    2.0 * y
        .iter()
        .zip(eta)
        .map(|(&yi, &e)| if yi == 1.0 { softplus(-e) } else { softplus(e) })
        .sum::<f64>()
}
