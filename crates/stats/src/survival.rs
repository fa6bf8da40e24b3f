//! Kaplan-Meier curves and the log-rank test, as R `survival` 3.5 (`survfit`, `survdiff`).

use std::collections::HashSet;

use crate::dist::chi_square_sf;
use crate::linalg::solve;
use crate::{Level, Method, StatsError, check_finite, check_len};

/// How the pointwise interval of S(t) is built from Greenwood's variance of log S(t).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KmCi {
    /// exp(log S +- z se), upper bound capped at 1 (R's default, `conf.type = "log"`).
    #[default]
    Log,
    /// exp(-exp(log(-log S) -+ z se / log S)) (`conf.type = "log-log"`); undefined where S = 1.
    LogLog,
    /// S +- z se S, clipped to [0, 1] (`conf.type = "plain"`).
    Plain,
}

/// One follow-up record: time and whether the event was observed (false = censored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub time: f64,
    pub event: bool,
}

/// One step of the curve: at each distinct time (event or censoring), as R's `survfit` object.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub time: f64,
    pub n_risk: usize,
    pub n_event: usize,
    pub n_censor: usize,
    pub survival: f64,
    /// Greenwood standard error of log S(t) (R's `std.err`); infinite once S(t) = 0.
    pub std_err: f64,
    /// Interval bounds; `None` where R gives NA (S = 0, or S = 1 for log-log).
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// R has two median rules, which differ only when S(t) sits exactly on 0.5 (within 1.5e-8) and
/// never drops below it: `print(fit)` (and `summary(fit)$table`) then give the time 0.5 is
/// reached, `quantile(fit, 0.5)` the midpoint between it and the last follow-up time. Elsewhere
/// both give the first time S(t) <= 0.5, or the midpoint to the next step when S(t) sits on 0.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MedianRule {
    /// `print(survfit)` / `summary(survfit)$table` (survival's `survmean`): what reports quote.
    #[default]
    Print,
    /// `quantile(survfit, 0.5)` (survival's `quantile.survfit`).
    Quantile,
}

/// Median survival with its interval (the times the lower and upper curves reach 0.5);
/// `None` when not reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Median {
    pub median: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    pub steps: Vec<Step>,
    pub median: Median,
    pub median_rule: MedianRule,
    pub ci: KmCi,
    pub method: Method,
}

fn check_observations(observations: &[Observation]) -> Result<(), StatsError> {
    check_len("time", observations.len(), 1)?;
    let times: Vec<f64> = observations.iter().map(|o| o.time).collect();
    check_finite("time", &times)?;
    if times.iter().any(|&t| t < 0.0) {
        return Err(StatsError::OutOfRange {
            field: "time",
            allowed: "zero or more",
        });
    }
    Ok(())
}

/// The Kaplan-Meier estimate with Greenwood's variance and `ci` intervals at `level`.
/// All-censored data give a flat curve at 1 (not an error), with no median.
pub fn kaplan_meier(
    observations: &[Observation],
    ci: KmCi,
    level: Level,
    median_rule: MedianRule,
) -> Result<KaplanMeier, StatsError> {
    check_observations(observations)?;
    let mut sorted = observations.to_vec();
    sorted.sort_by(|a, b| a.time.total_cmp(&b.time));
    let z = level.z();
    let mut steps = Vec::new();
    let (mut survival, mut greenwood) = (1.0_f64, 0.0_f64);
    let mut at = 0;
    while at < sorted.len() {
        let time = sorted[at].time;
        let n_risk = sorted.len() - at;
        let same = sorted[at..].iter().take_while(|o| o.time == time).count();
        let n_event = sorted[at..at + same].iter().filter(|o| o.event).count();
        if n_event > 0 {
            survival *= 1.0 - n_event as f64 / n_risk as f64;
            greenwood += if n_event == n_risk {
                f64::INFINITY
            } else {
                n_event as f64 / (n_risk as f64 * (n_risk - n_event) as f64)
            };
        }
        let std_err = greenwood.sqrt();
        let (ci_low, ci_high) = interval(survival, std_err, z, ci);
        steps.push(Step {
            time,
            n_risk,
            n_event,
            n_censor: same - n_event,
            survival,
            std_err,
            ci_low,
            ci_high,
        });
        at += same;
    }
    let median = match median_rule {
        MedianRule::Print => Median {
            median: print_median(&steps, |s| Some(s.survival)),
            ci_low: print_median(&steps, |s| s.ci_low),
            ci_high: print_median(&steps, |s| s.ci_high),
        },
        MedianRule::Quantile => quantile_median(&steps),
    };
    Ok(KaplanMeier {
        steps,
        median,
        median_rule,
        ci,
        method: Method::KaplanMeier,
    })
}

/// R's `survfit_confint` for one point.
fn interval(s: f64, se: f64, z: f64, ci: KmCi) -> (Option<f64>, Option<f64>) {
    if s == 0.0 {
        return (None, None);
    }
    match ci {
        KmCi::Log => (
            Some((s.ln() - z * se).exp()),
            Some((s.ln() + z * se).exp().min(1.0)),
        ),
        KmCi::LogLog => {
            if s == 1.0 {
                return (None, None);
            }
            let spread = z * se / s.ln();
            let centre = (-s.ln()).ln();
            (
                Some((-(centre - spread).exp()).exp()),
                Some((-(centre + spread).exp()).exp()),
            )
        }
        KmCi::Plain => {
            let spread = z * se * s;
            (Some((s - spread).max(0.0)), Some((s + spread).min(1.0)))
        }
    }
}

/// R's `findq` tolerance, sqrt(machine epsilon).
const QUANTILE_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// A port of `minmin` in `survival:::survmean`: the first time the curve is below 0.5 (within
/// the tolerance), or the midpoint to the first lower step when it sits on 0.5.
fn print_median(steps: &[Step], curve: fn(&Step) -> Option<f64>) -> Option<f64> {
    let kept: Vec<(f64, f64)> = steps
        .iter()
        .filter_map(|s| curve(s).map(|y| (s.time, y)))
        .filter(|&(_, y)| y < 0.5 + QUANTILE_TOLERANCE)
        .collect();
    let &(first_time, first) = kept.first()?;
    if (first - 0.5).abs() < QUANTILE_TOLERANCE
        && let Some(&(below, _)) = kept.iter().find(|&&(_, y)| y < first)
    {
        return Some((first_time + below) / 2.0);
    }
    Some(first_time)
}

fn quantile_median(steps: &[Step]) -> Median {
    let times: Vec<f64> = std::iter::once(0.0)
        .chain(steps.iter().map(|s| s.time))
        .collect();
    let failure = |value: Option<f64>| value.map(|v| 1.0 - v);
    let curve = |pick: fn(&Step) -> Option<f64>| -> Vec<Option<f64>> {
        std::iter::once(Some(0.0))
            .chain(steps.iter().map(|s| failure(pick(s))))
            .collect()
    };
    Median {
        median: find_quantile(&times, &curve(|s| Some(s.survival)), 0.5),
        // The lower survival curve reaches 0.5 first: it gives the lower bound of the median.
        ci_low: find_quantile(&times, &curve(|s| s.ci_low), 0.5),
        ci_high: find_quantile(&times, &curve(|s| s.ci_high), 0.5),
    }
}

/// A port of `survival:::findq`: the time where the cumulative failure `y` (with missing points)
/// first reaches `p`, averaging the two candidate times when `y` sits on `p` within the tolerance.
fn find_quantile(x: &[f64], y: &[Option<f64>], p: f64) -> Option<f64> {
    let top = y
        .iter()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    if top < p {
        return None;
    }
    let x_max = *x.last()?;
    // Keep the first point of each distinct y (R's `duplicated`, which also merges missing).
    let mut kept: Vec<(f64, Option<f64>)> = Vec::new();
    let mut seen = HashSet::new();
    for (&xi, &yi) in x.iter().zip(y) {
        // Bit patterns as keys; + 0.0 folds -0 into 0, which R's `duplicated` also equates.
        if seen.insert(yi.map(|v| (v + 0.0).to_bits())) {
            kept.push((xi, yi));
        }
    }
    let index_at = |shift: f64| -> Option<usize> {
        // approx(y + shift, 1:n, p, method = "constant", f = 1), missing points dropped.
        let mut nodes: Vec<(f64, usize)> = kept
            .iter()
            .enumerate()
            .filter_map(|(i, &(_, yi))| yi.map(|v| (v + shift, i)))
            .collect();
        nodes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (first, last) = (nodes.first()?, nodes.last()?);
        if p < first.0 || p > last.0 {
            return None;
        }
        nodes.iter().find(|&&(v, _)| v >= p).map(|&(_, i)| i)
    };
    let first = index_at(QUANTILE_TOLERANCE);
    let second = index_at(-QUANTILE_TOLERANCE);
    if let Some(&(_, Some(last))) = kept.last()
        && (p - last).abs() < QUANTILE_TOLERANCE
    {
        return first.map(|i| (kept[i].0 + x_max) / 2.0);
    }
    Some((kept[first?].0 + kept[second?].0) / 2.0)
}

/// The log-rank test across two or more groups, as R `survdiff` (rho = 0).
#[derive(Debug, Clone, PartialEq)]
pub struct LogRank {
    /// Per group, in the order given: observed and expected events.
    pub observed: Vec<f64>,
    pub expected: Vec<f64>,
    pub chi_square: f64,
    pub df: usize,
    pub p_value: f64,
    pub method: Method,
}

/// Log-rank test; `groups[i]` is the group of each observation as an index into the groups
/// (0..number of groups), and every group must have at least one observation.
pub fn log_rank(observations: &[Observation], groups: &[usize]) -> Result<LogRank, StatsError> {
    check_observations(observations)?;
    if groups.len() != observations.len() {
        return Err(StatsError::LengthMismatch {
            field: "group",
            left: observations.len(),
            right: groups.len(),
        });
    }
    let k = groups.iter().max().map_or(0, |g| g + 1);
    if k < 2 || (0..k).any(|g| !groups.contains(&g)) {
        return Err(StatsError::Degenerate {
            field: "group",
            reason: "needs at least two non-empty groups",
        });
    }
    let mut order: Vec<usize> = (0..observations.len()).collect();
    order.sort_by(|&a, &b| observations[a].time.total_cmp(&observations[b].time));
    let mut at_risk = vec![0.0_f64; k];
    for &g in groups {
        at_risk[g] += 1.0;
    }
    let mut observed = vec![0.0; k];
    let mut expected = vec![0.0; k];
    let mut variance = vec![vec![0.0; k]; k];
    let mut at = 0;
    while at < order.len() {
        let time = observations[order[at]].time;
        let same: Vec<usize> = order[at..]
            .iter()
            .copied()
            .take_while(|&i| observations[i].time == time)
            .collect();
        let mut deaths = vec![0.0; k];
        for &i in &same {
            if observations[i].event {
                deaths[groups[i]] += 1.0;
            }
        }
        let d: f64 = deaths.iter().sum();
        let n: f64 = at_risk.iter().sum();
        if d > 0.0 {
            // Hypergeometric variance; zero when only one subject is at risk.
            let scale = if n > 1.0 {
                d * (n - d) / (n * n * (n - 1.0))
            } else {
                0.0
            };
            for g in 0..k {
                observed[g] += deaths[g];
                expected[g] += d * at_risk[g] / n;
                for h in 0..k {
                    let diagonal = if g == h { n * at_risk[g] } else { 0.0 };
                    variance[g][h] += scale * (diagonal - at_risk[g] * at_risk[h]);
                }
            }
        }
        for &i in &same {
            at_risk[groups[i]] -= 1.0;
        }
        at += same.len();
    }
    // As survdiff: only groups with expected events > 0 count, and the first of them is dropped.
    let used: Vec<usize> = (0..k).filter(|&g| expected[g] > 0.0).collect();
    if used.len() < 2 {
        return Err(StatsError::Degenerate {
            field: "event",
            reason: "fewer than two groups have anyone at risk at an event time, so the log-rank test is undefined",
        });
    }
    let rest = &used[1..];
    let difference: Vec<f64> = rest.iter().map(|&g| observed[g] - expected[g]).collect();
    let matrix: Vec<Vec<f64>> = rest
        .iter()
        .map(|&g| rest.iter().map(|&h| variance[g][h]).collect())
        .collect();
    let solved = solve(&matrix, &difference).ok_or(StatsError::Degenerate {
        field: "event",
        reason: "the log-rank variance matrix is singular",
    })?;
    let chi_square: f64 = solved.iter().zip(&difference).map(|(s, d)| s * d).sum();
    let df = used.len() - 1;
    Ok(LogRank {
        observed,
        expected,
        chi_square,
        df,
        p_value: chi_square_sf(chi_square, df as f64),
        method: Method::LogRank,
    })
}
