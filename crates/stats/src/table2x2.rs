//! 2x2 tables: Fisher's exact test, the chi-square test, and odds ratios.
//!
//! The layout is R's: `[[a, b], [c, d]]`, rows are groups (exposed first), columns outcomes
//! (event first), so the sample odds ratio is a d / (b c).

use crate::dist::{chi_square_sf, ln_choose};
use crate::root::brent_unbounded;
use crate::{Level, Method, StatsError};

/// A 2x2 table of counts with no empty row or column (every statistic here needs both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table2x2 {
    cells: [[u64; 2]; 2],
}

impl Table2x2 {
    /// The largest table total accepted (the exact test takes ~0.3 s there).
    pub const MAX_TOTAL: u64 = 1_000_000;

    /// Checks that no row and no column sums to zero, and that the total is at most
    /// [`Table2x2::MAX_TOTAL`] (the exact test walks the whole conditional support).
    pub fn new(cells: [[u64; 2]; 2]) -> Result<Table2x2, StatsError> {
        if cells
            .iter()
            .flatten()
            .try_fold(0u64, |sum, &cell| sum.checked_add(cell))
            .is_none_or(|total| total > Self::MAX_TOTAL)
        {
            return Err(StatsError::OutOfRange {
                field: "table",
                allowed: "counts totalling at most 1,000,000",
            });
        }
        let [[a, b], [c, d]] = cells;
        if a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0 {
            return Err(StatsError::Degenerate {
                field: "table",
                reason: "a row or a column sums to zero, so there is nothing to compare",
            });
        }
        Ok(Table2x2 { cells })
    }

    pub fn cells(self) -> [[u64; 2]; 2] {
        self.cells
    }

    fn float_cells(self) -> [f64; 4] {
        let [[a, b], [c, d]] = self.cells;
        [a as f64, b as f64, c as f64, d as f64]
    }
}

/// Fisher's exact test, as R `fisher.test` on a 2x2 table (two-sided).
#[derive(Debug, Clone, PartialEq)]
pub struct Fisher {
    /// Sum of the probabilities of tables no more likely than the observed one (with R's
    /// relative tolerance of 1e-7).
    pub p_value: f64,
    /// Conditional maximum-likelihood odds ratio; 0 or infinity when a is at the edge of its range.
    pub odds_ratio: f64,
    /// Conditional exact interval (R's `ncp.L` and `ncp.U`); the upper bound may be infinite.
    pub ci_low: f64,
    pub ci_high: f64,
    pub method: Method,
}

/// The distribution of cell a given the margins, tilted by an odds ratio exp(log_or).
struct Conditional {
    low: u64,
    support_len: usize,
    /// log of C(m, x) C(n, k - x) over the support, up to a constant.
    log_weights: Vec<f64>,
}

impl Conditional {
    fn new(table: Table2x2) -> Conditional {
        let [[a, b], [c, d]] = table.cells;
        let (m, n, k) = (a + c, b + d, a + b);
        let low = k.saturating_sub(n);
        let high = k.min(m);
        let log_weights = (low..=high)
            .map(|x| ln_choose(m, x) + ln_choose(n, k - x))
            .collect();
        Conditional {
            low,
            support_len: (high - low + 1) as usize,
            log_weights,
        }
    }

    /// Probabilities of each support point under odds ratio exp(log_or) (R's `dnhyper`).
    fn density(&self, log_or: f64) -> Vec<f64> {
        let tilted: Vec<f64> = self
            .log_weights
            .iter()
            .enumerate()
            .map(|(i, w)| w + log_or * (self.low as f64 + i as f64))
            .collect();
        let top = tilted.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = tilted.iter().map(|t| (t - top).exp()).collect();
        let total: f64 = weights.iter().sum();
        weights.into_iter().map(|w| w / total).collect()
    }

    fn mean(&self, log_or: f64) -> f64 {
        self.density(log_or)
            .iter()
            .enumerate()
            .map(|(i, p)| (self.low as f64 + i as f64) * p)
            .sum()
    }

    /// P(X <= x) (or P(X >= x) when `upper`) under exp(log_or).
    fn tail(&self, x: u64, log_or: f64, upper: bool) -> f64 {
        let at = (x - self.low) as usize;
        let density = self.density(log_or);
        if upper {
            density[at..].iter().sum()
        } else {
            density[..=at].iter().sum()
        }
    }
}

/// Fisher's exact test with a `level` interval for the conditional odds ratio.
pub fn fisher(table: Table2x2, level: Level) -> Fisher {
    let conditional = Conditional::new(table);
    let x = table.cells[0][0];
    let at = (x - conditional.low) as usize;
    let high = conditional.low + conditional.support_len as u64 - 1;
    let null = conditional.density(0.0);
    let cutoff = null[at] * (1.0 + 1e-7);
    let p_value = null.iter().filter(|&&p| p <= cutoff).sum::<f64>().min(1.0);

    // Every root is found on the log odds-ratio scale, where the functions are monotone.
    let xf = x as f64;
    let odds_ratio = if x == conditional.low {
        0.0
    } else if x == high {
        f64::INFINITY
    } else {
        solve_log_or(|u| conditional.mean(u) - xf)
    };
    let alpha = (1.0 - level.get()) / 2.0;
    let ci_low = if x == conditional.low {
        0.0
    } else {
        solve_log_or(|u| conditional.tail(x, u, true) - alpha)
    };
    let ci_high = if x == high {
        f64::INFINITY
    } else {
        solve_log_or(|u| conditional.tail(x, u, false) - alpha)
    };
    Fisher {
        p_value,
        odds_ratio,
        ci_low,
        ci_high,
        method: Method::Exact,
    }
}

/// exp of the root of `f` over log odds ratios. The support has at least two points and x is
/// strictly inside it for every caller, so `f` changes sign on the real line; the fallback
/// guards against a pathological table only.
fn solve_log_or(f: impl FnMut(f64) -> f64) -> f64 {
    brent_unbounded(f).map_or(f64::NAN, f64::exp)
}

/// Pearson's chi-square test of independence, as R `chisq.test` on a 2x2 table.
#[derive(Debug, Clone, PartialEq)]
pub struct ChiSquare {
    pub statistic: f64,
    pub df: f64,
    pub p_value: f64,
    /// The smallest expected count (below 5 the approximation is doubtful).
    pub min_expected: f64,
    pub method: Method,
}

/// Chi-square test; `yates` applies Yates' continuity correction (R's default for 2x2).
pub fn chi_square(table: Table2x2, yates: bool) -> ChiSquare {
    let cells = table.float_cells();
    let [a, b, c, d] = cells;
    let total = a + b + c + d;
    let expected = [
        (a + b) * (a + c) / total,
        (a + b) * (b + d) / total,
        (c + d) * (a + c) / total,
        (c + d) * (b + d) / total,
    ];
    let deviations: Vec<f64> = cells
        .iter()
        .zip(&expected)
        .map(|(o, e)| (o - e).abs())
        .collect();
    // R takes min(0.5, |O - E|) over the table (the same for all four cells in a 2x2 table).
    let correction = if yates {
        deviations.iter().copied().fold(0.5, f64::min)
    } else {
        0.0
    };
    let statistic: f64 = deviations
        .iter()
        .zip(&expected)
        .map(|(dev, e)| (dev - correction).powi(2) / e)
        .sum();
    ChiSquare {
        statistic,
        df: 1.0,
        p_value: chi_square_sf(statistic, 1.0),
        min_expected: expected.iter().copied().fold(f64::INFINITY, f64::min),
        method: Method::ChiSquare { yates },
    }
}

/// What to do about zero cells in the sample odds ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZeroCellCorrection {
    /// No correction: a zero cell is an error (the odds ratio or its variance is infinite).
    None,
    /// Haldane-Anscombe: add 0.5 to every cell (always, not only when one is zero, so the
    /// estimate does not jump when a count changes from 0 to 1).
    Haldane,
}

/// Sample odds ratio a d / (b c) with Woolf's interval exp(log OR +- z sqrt(1/a + 1/b + 1/c + 1/d)).
#[derive(Debug, Clone, PartialEq)]
pub struct OddsRatio {
    pub odds_ratio: f64,
    pub log_se: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub method: Method,
}

pub fn odds_ratio(
    table: Table2x2,
    correction: ZeroCellCorrection,
    level: Level,
) -> Result<OddsRatio, StatsError> {
    let shift = match correction {
        ZeroCellCorrection::None => 0.0,
        ZeroCellCorrection::Haldane => 0.5,
    };
    let [a, b, c, d] = table.float_cells().map(|cell| cell + shift);
    if a * b * c * d == 0.0 {
        return Err(StatsError::Degenerate {
            field: "table",
            reason: "a cell is zero, so the odds ratio is 0 or infinite: use the Haldane correction",
        });
    }
    let log_or = (a * d / (b * c)).ln();
    let log_se = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
    let z = level.z();
    Ok(OddsRatio {
        odds_ratio: a * d / (b * c),
        log_se,
        ci_low: (log_or - z * log_se).exp(),
        ci_high: (log_or + z * log_se).exp(),
        method: Method::Woolf {
            haldane: correction == ZeroCellCorrection::Haldane,
        },
    })
}
