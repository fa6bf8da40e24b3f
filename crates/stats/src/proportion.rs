//! Confidence intervals for a single proportion (the trial's primary endpoint: complete response).

use crate::dist::{MAX_BETA_SHAPE, beta_quantile};
use crate::{Level, Method, StatsError};

/// Which interval to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProportionMethod {
    /// Clopper-Pearson exact interval, as R `binom.test(x, n)$conf.int`.
    ClopperPearson,
    /// Wilson score interval without continuity correction, as R
    /// `prop.test(x, n, correct = FALSE)$conf.int` (bounds clamped to 0 and 1 at x = 0 and x = n,
    /// as R does).
    Wilson,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProportionCi {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    pub method: Method,
}

/// Interval for `successes` out of `n` trials.
pub fn proportion_ci(
    successes: u64,
    n: u64,
    method: ProportionMethod,
    level: Level,
) -> Result<ProportionCi, StatsError> {
    if n == 0 {
        return Err(StatsError::OutOfRange {
            field: "n",
            allowed: "at least 1",
        });
    }
    if successes > n {
        return Err(StatsError::OutOfRange {
            field: "successes",
            allowed: "between 0 and n",
        });
    }
    let (x, nf) = (successes as f64, n as f64);
    let estimate = x / nf;
    match method {
        ProportionMethod::ClopperPearson => {
            if nf + 1.0 > MAX_BETA_SHAPE {
                return Err(StatsError::OutOfRange {
                    field: "n",
                    allowed: "at most 49,999 for the Clopper-Pearson interval (use Wilson above)",
                });
            }
            let alpha = 1.0 - level.get();
            let low = if successes == 0 {
                0.0
            } else {
                beta_quantile(alpha / 2.0, x, nf - x + 1.0)
            };
            let high = if successes == n {
                1.0
            } else {
                beta_quantile(1.0 - alpha / 2.0, x + 1.0, nf - x)
            };
            Ok(ProportionCi {
                estimate,
                low,
                high,
                method: Method::ClopperPearson,
            })
        }
        ProportionMethod::Wilson => {
            let z = level.z();
            let z22n = z * z / (2.0 * nf);
            let spread = z * (estimate * (1.0 - estimate) / nf + z22n / (2.0 * nf)).sqrt();
            let low = if successes == 0 {
                0.0
            } else {
                (estimate + z22n - spread) / (1.0 + 2.0 * z22n)
            };
            let high = if successes == n {
                1.0
            } else {
                (estimate + z22n + spread) / (1.0 + 2.0 * z22n)
            };
            Ok(ProportionCi {
                estimate,
                low,
                high,
                method: Method::Wilson,
            })
        }
    }
}
