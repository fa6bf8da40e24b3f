//! t tests as R `t.test`: paired, Student (pooled variance) and Welch, two-sided.

use crate::describe::{TOO_LARGE, mean, variance};
use crate::dist::{MAX_BETA_SHAPE, t_quantile, t_two_sided_p};
use crate::{Level, Method, StatsError, check_finite, check_len};

/// Which t test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TTestKind {
    /// Paired: the one-sample test on x - y.
    Paired,
    /// Two independent samples, pooled variance.
    Student,
    /// Two independent samples, Welch-Satterthwaite degrees of freedom (R's default).
    Welch,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TTest {
    pub statistic: f64,
    pub df: f64,
    pub p_value: f64,
    /// Mean difference (x - y; for paired, the mean of the differences).
    pub estimate: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub method: Method,
}

/// Two-sided t test of x against y, with a `level` interval for the mean difference.
pub fn t_test(x: &[f64], y: &[f64], kind: TTestKind, level: Level) -> Result<TTest, StatsError> {
    check_finite("x", x)?;
    check_finite("y", y)?;
    match kind {
        TTestKind::Paired => {
            if x.len() != y.len() {
                return Err(StatsError::LengthMismatch {
                    field: "y",
                    left: x.len(),
                    right: y.len(),
                });
            }
            let d: Vec<f64> = x.iter().zip(y).map(|(a, b)| a - b).collect();
            check_len("x", d.len(), 2)?;
            let m = mean(&d);
            let se = (variance(&d, m) / d.len() as f64).sqrt();
            finish(m, se, (d.len() - 1) as f64, level, Method::PairedT, m.abs())
        }
        TTestKind::Student => {
            check_len("x", x.len(), 1)?;
            check_len("y", y.len(), 1)?;
            if x.len() + y.len() < 3 {
                return Err(StatsError::TooFew {
                    field: "x",
                    needed: 3 - y.len(),
                    got: x.len(),
                });
            }
            let (nx, ny) = (x.len() as f64, y.len() as f64);
            let (mx, my) = (mean(x), mean(y));
            let df = nx + ny - 2.0;
            let mut pooled = 0.0;
            if x.len() > 1 {
                pooled += (nx - 1.0) * variance(x, mx);
            }
            if y.len() > 1 {
                pooled += (ny - 1.0) * variance(y, my);
            }
            let se = (pooled / df * (1.0 / nx + 1.0 / ny)).sqrt();
            finish(
                mx - my,
                se,
                df,
                level,
                Method::StudentT,
                mx.abs().max(my.abs()),
            )
        }
        TTestKind::Welch => {
            check_len("x", x.len(), 2)?;
            check_len("y", y.len(), 2)?;
            let (nx, ny) = (x.len() as f64, y.len() as f64);
            let (mx, my) = (mean(x), mean(y));
            let sx2 = variance(x, mx) / nx;
            let sy2 = variance(y, my) / ny;
            let se = (sx2 + sy2).sqrt();
            let df = se.powi(4) / (sx2 * sx2 / (nx - 1.0) + sy2 * sy2 / (ny - 1.0));
            finish(
                mx - my,
                se,
                df,
                level,
                Method::WelchT,
                mx.abs().max(my.abs()),
            )
        }
    }
}

/// The shared tail of every t test. `scale` is the size of the means, for R's "data are
/// essentially constant" rule (standard error below 10 machine epsilons of it).
fn finish(
    estimate: f64,
    se: f64,
    df: f64,
    level: Level,
    method: Method,
    scale: f64,
) -> Result<TTest, StatsError> {
    if !estimate.is_finite() || se.is_infinite() {
        return Err(StatsError::OutOfRange {
            field: "x",
            allowed: TOO_LARGE,
        });
    }
    if se.is_nan() || se == 0.0 || se < 10.0 * f64::EPSILON * scale {
        return Err(StatsError::Degenerate {
            field: "x",
            reason: "the data are essentially constant (zero standard error), so t is undefined",
        });
    }
    if df / 2.0 >= MAX_BETA_SHAPE {
        return Err(StatsError::OutOfRange {
            field: "x",
            allowed: "fewer than 100,000 degrees of freedom (statrs' beta function is wrong beyond)",
        });
    }
    let statistic = estimate / se;
    let q = t_quantile(1.0 - (1.0 - level.get()) / 2.0, df);
    Ok(TTest {
        statistic,
        df,
        p_value: t_two_sided_p(statistic, df),
        estimate,
        ci_low: (statistic - q) * se,
        ci_high: (statistic + q) * se,
        method,
    })
}
