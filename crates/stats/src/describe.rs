//! Descriptive statistics: what the paper reports as mean +- SD, and frequencies with percentages.

use crate::{Method, StatsError, check_finite, check_len};

/// Summary of one continuous variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    /// Sample SD with divisor n - 1; `None` when n = 1.
    pub sd: Option<f64>,
    /// Standard error of the mean, sd / sqrt(n); `None` when n = 1.
    pub sem: Option<f64>,
    pub median: f64,
    /// First and third quartiles by R's default quantile definition (type 7).
    pub q1: f64,
    pub q3: f64,
    pub min: f64,
    pub max: f64,
    pub method: Method,
}

/// The message for sums that overflow a double.
pub(crate) const TOO_LARGE: &str = "values small enough that their sums of squares fit in a double";

/// Describes `x` (at least one finite value).
pub fn summarize(x: &[f64]) -> Result<Summary, StatsError> {
    check_len("x", x.len(), 1)?;
    check_finite("x", x)?;
    let n = x.len();
    let mean = mean(x);
    let sd = (n >= 2).then(|| variance(x, mean).sqrt());
    if !mean.is_finite() || sd.is_some_and(|sd| !sd.is_finite()) {
        return Err(StatsError::OutOfRange {
            field: "x",
            allowed: TOO_LARGE,
        });
    }
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    Ok(Summary {
        n,
        mean,
        sd,
        sem: sd.map(|sd| sd / (n as f64).sqrt()),
        median: quantile_sorted(&sorted, 0.5),
        q1: quantile_sorted(&sorted, 0.25),
        q3: quantile_sorted(&sorted, 0.75),
        min: sorted[0],
        max: sorted[n - 1],
        method: Method::Descriptive,
    })
}

/// Mean with R's second-pass refinement (`mean.default` adds the mean residual), non-empty `x`.
pub(crate) fn mean(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let first = x.iter().sum::<f64>() / n;
    first + x.iter().map(|v| v - first).sum::<f64>() / n
}

/// Sample variance (divisor n - 1) by the two-pass formula; needs n >= 2.
pub(crate) fn variance(x: &[f64], mean: f64) -> f64 {
    x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (x.len() as f64 - 1.0)
}

/// Quantile of R's type 7 (its default) on sorted, non-empty data: linear interpolation
/// between order statistics at h = (n - 1) p.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let index = (sorted.len() - 1) as f64 * p;
    let lo = index.floor();
    let low = sorted[lo as usize];
    let h = index - lo;
    if h == 0.0 {
        return low;
    }
    let high = sorted[index.ceil() as usize];
    if high == low {
        low
    } else {
        (1.0 - h) * low + h * high
    }
}

/// One category's count and percentage of the non-missing total.
#[derive(Debug, Clone, PartialEq)]
pub struct Frequency<T> {
    pub value: T,
    pub count: usize,
    /// 100 * count / total non-missing.
    pub percent: f64,
}

/// Frequencies of each distinct value, in order of first appearance; `None` entries are missing
/// and left out of the denominator (missing is not a category).
pub fn frequencies<T: PartialEq + Clone>(
    values: &[Option<T>],
) -> Result<Vec<Frequency<T>>, StatsError> {
    let present: Vec<&T> = values.iter().flatten().collect();
    check_len("values", present.len(), 1)?;
    let mut table: Vec<Frequency<T>> = Vec::new();
    for value in &present {
        match table.iter_mut().find(|row| row.value == **value) {
            Some(row) => row.count += 1,
            None => table.push(Frequency {
                value: (*value).clone(),
                count: 1,
                percent: 0.0,
            }),
        }
    }
    let total = present.len() as f64;
    for row in &mut table {
        row.percent = 100.0 * row.count as f64 / total;
    }
    Ok(table)
}
