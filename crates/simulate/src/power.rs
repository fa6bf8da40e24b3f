//! The power of a two-arm randomised trial's primary endpoint, a response rate, by simulation:
//! `trials` trials of `subjects` each, every subject allocated by the protocol's own method
//! (`protocol::allocation`, a fresh secret per trial), responding with its arm's probability,
//! and each trial's arms compared by Fisher's exact test, two-sided (`stats::fisher`, as R's
//! `fisher.test`). Power is the share of trials with p below `alpha`, with its Clopper-Pearson
//! interval, so the simulation's own uncertainty is stated beside it.
//!
//! Each subject's level of every factor is drawn with equal chances (the output says so); the
//! arms' sizes then vary from trial to trial as the method allows, which is what the simulation
//! shows against a fixed-size power formula.

use protocol::allocation::{Allocator, Design, Method, Profile, Secret};
use serde::Serialize;
use stats::table2x2::{Table2x2, fisher};
use stats::{Level, proportion};

use crate::rng::Rng;

/// What to simulate.
#[derive(Clone, Debug)]
pub struct PowerPlan<'d> {
    pub design: &'d Design,
    /// Subjects per trial.
    pub subjects: u64,
    /// The chance of response in each arm, in the design's arm order: the effect size as rates.
    pub response: Vec<f64>,
    /// Two-sided significance level.
    pub alpha: f64,
    pub trials: u64,
    pub seed: u64,
}

/// Why a plan cannot be simulated, naming the setting.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PowerError {
    #[error("{field}: {allowed}")]
    OutOfRange {
        field: &'static str,
        allowed: String,
    },
}

fn out_of_range(field: &'static str, allowed: impl Into<String>) -> PowerError {
    PowerError::OutOfRange {
        field,
        allowed: allowed.into(),
    }
}

/// The simulated power, with how it was found.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Power {
    pub trials: u64,
    /// Trials whose p was below alpha.
    pub significant: u64,
    pub power: f64,
    /// The 95% Clopper-Pearson interval of the power (the simulation's own uncertainty).
    pub power_low: f64,
    pub power_high: f64,
    pub alpha: f64,
    pub subjects: u64,
    /// The test each trial ran.
    pub test: &'static str,
    /// The allocation, as the protocol declares it.
    pub allocation: String,
    /// How each subject's factor levels were drawn.
    pub profiles: &'static str,
    /// The largest difference between the two arms' sizes any trial ended with.
    pub largest_imbalance: u64,
}

/// Simulates the plan. `progress` hears each finished trial.
pub fn power(plan: &PowerPlan<'_>, mut progress: impl FnMut()) -> Result<Power, PowerError> {
    check(plan)?;
    let level = Level::new(0.95).expect("0.95 is a level");
    let mut significant = 0;
    let mut largest_imbalance = 0;
    for trial in 0..plan.trials {
        // One stream per trial: its secret, then each subject's profile and outcome.
        let mut rng = Rng::for_patient(plan.seed, trial, u64::MAX);
        let secret = Secret::from_bytes(std::array::from_fn(|_| (rng.next_u64() >> 56) as u8));
        let mut allocator = Allocator::new(plan.design, secret);
        let mut cells = [[0u64; 2]; 2];
        for _ in 0..plan.subjects {
            let profile = profile(plan.design, &mut rng);
            let arm = allocator.assign(&profile).arm;
            let responded = rng.chance(plan.response[arm]);
            cells[arm][usize::from(!responded)] += 1;
        }
        let sizes = [cells[0][0] + cells[0][1], cells[1][0] + cells[1][1]];
        largest_imbalance = largest_imbalance.max(sizes[0].abs_diff(sizes[1]));
        // A trial with an empty arm or margin has no test: it counts as not significant.
        if let Ok(table) = Table2x2::new(cells) {
            significant += u64::from(fisher(table, level).p_value < plan.alpha);
        }
        progress();
    }
    let interval = proportion::proportion_ci(
        significant,
        plan.trials,
        proportion::ProportionMethod::ClopperPearson,
        level,
    )
    .map_err(|_| out_of_range("trials", "at most 49,999 (the power's exact interval)"))?;
    Ok(Power {
        trials: plan.trials,
        significant,
        power: interval.estimate,
        power_low: interval.low,
        power_high: interval.high,
        alpha: plan.alpha,
        subjects: plan.subjects,
        test: "Fisher's exact test, two-sided (as R fisher.test)",
        allocation: allocation(plan.design),
        profiles: "each factor's levels equally likely",
        largest_imbalance,
    })
}

fn check(plan: &PowerPlan<'_>) -> Result<(), PowerError> {
    let arms = plan.design.arms().len();
    if arms != 2 {
        return Err(out_of_range(
            "arms",
            format!("the power of a two-arm comparison needs two arms; the protocol has {arms}"),
        ));
    }
    if plan.response.len() != arms || plan.response.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return Err(out_of_range(
            "response",
            "one chance from 0 to 1 for each arm",
        ));
    }
    if !(plan.alpha > 0.0 && plan.alpha < 1.0) {
        return Err(out_of_range("alpha", "between 0 and 1"));
    }
    if plan.subjects < 2 {
        return Err(out_of_range("subjects", "at least 2"));
    }
    if !(1..50_000).contains(&plan.trials) {
        return Err(out_of_range("trials", "from 1 to 49,999"));
    }
    Ok(())
}

fn profile(design: &Design, rng: &mut Rng) -> Profile {
    let levels: Vec<(&str, &str)> = design
        .factors()
        .iter()
        .map(|factor| {
            let level = rng.pick(factor.levels.iter().map(|_| 1.0));
            (factor.name.as_str(), factor.levels[level].as_str())
        })
        .collect();
    design
        .profile(&levels)
        .expect("every factor with one of its own levels")
}

/// The allocation as a sentence.
fn allocation(design: &Design) -> String {
    let ratio: Vec<String> = design
        .arms()
        .iter()
        .map(|arm| arm.ratio.to_string())
        .collect();
    let factors: Vec<&str> = design.factors().iter().map(|f| f.name.as_str()).collect();
    let on = |words: &str| {
        if factors.is_empty() {
            String::new()
        } else {
            format!(", {words} {}", factors.join(", "))
        }
    };
    match design.method() {
        Method::PermutedBlocks { block_multiples } => {
            let sum = design.ratio_sum();
            let sizes: Vec<String> = block_multiples
                .iter()
                .map(|m| (m * sum).to_string())
                .collect();
            format!(
                "{} permuted blocks of {}{}",
                ratio.join(":"),
                sizes.join(", "),
                on("stratified by")
            )
        }
        Method::Minimisation { percent_best } => format!(
            "{} minimisation{}, best arm {percent_best}%",
            ratio.join(":"),
            on("on")
        ),
    }
}

#[cfg(test)]
mod tests {
    use protocol::allocation::{Arm, Factor};

    use super::*;

    fn design(factors: Vec<Factor>, method: Method) -> Design {
        let arm = |code: &str| Arm {
            code: code.to_owned(),
            label: code.to_owned(),
            ratio: 1,
        };
        Design::new(vec![arm("LEN"), arm("PBO")], factors, method).expect("design")
    }

    fn plan(design: &Design, subjects: u64, response: [f64; 2], trials: u64) -> PowerPlan<'_> {
        PowerPlan {
            design,
            subjects,
            response: response.to_vec(),
            alpha: 0.05,
            trials,
            seed: 11,
        }
    }

    /// The exact power of Fisher's test with `n` subjects in each arm: the chance of every pair of
    /// responder counts (binomial) summed over the pairs the test rejects.
    fn exact_power(n: u64, response: [f64; 2], alpha: f64) -> f64 {
        let binomial = |x: u64, p: f64| {
            let mut log_choose = 0.0;
            for i in 0..x {
                log_choose += ((n - i) as f64).ln() - ((i + 1) as f64).ln();
            }
            (log_choose + x as f64 * p.ln() + (n - x) as f64 * (1.0 - p).ln()).exp()
        };
        let level = Level::new(0.95).expect("level");
        let mut power = 0.0;
        for a in 0..=n {
            for b in 0..=n {
                let Ok(table) = Table2x2::new([[a, n - a], [b, n - b]]) else {
                    continue;
                };
                if fisher(table, level).p_value < alpha {
                    power += binomial(a, response[0]) * binomial(b, response[1]);
                }
            }
        }
        power
    }

    fn agrees(simulated: &Power, expected: f64) -> bool {
        let n = simulated.trials as f64;
        (simulated.significant as f64 - n * expected).abs()
            <= 4.0 * (n * expected * (1.0 - expected)).sqrt()
    }

    /// Blocks of 2 without strata keep the arms at 25 each, so the simulated power is the exact
    /// power of Fisher's test at 25 a side (0.6 against 0.2), within the simulation's error; and
    /// with equal rates the test rejects no more than alpha allows (Fisher's test is
    /// conservative).
    #[test]
    fn simulated_power_is_the_exact_power_of_the_test() {
        let blocks = design(
            vec![],
            Method::PermutedBlocks {
                block_multiples: vec![1],
            },
        );
        let found = power(&plan(&blocks, 50, [0.6, 0.2], 2000), || {}).expect("power");
        let exact = exact_power(25, [0.6, 0.2], 0.05);
        assert!(agrees(&found, exact), "{found:?} vs exact {exact}");
        assert_eq!(found.largest_imbalance, 0);
        assert_eq!(found.allocation, "1:1 permuted blocks of 2");
        let null = power(&plan(&blocks, 50, [0.3, 0.3], 2000), || {}).expect("power");
        let size = exact_power(25, [0.3, 0.3], 0.05);
        assert!(size < 0.05 && agrees(&null, size), "{null:?} vs {size}");
    }

    /// Stratified blocks and minimisation leave the arms a little unequal at the end of a trial;
    /// the power is then near, not at, the equal-arms figure.
    #[test]
    fn stratified_designs_report_their_imbalance() {
        let subtype = Factor {
            name: "subtype".to_owned(),
            levels: vec!["DLE".to_owned(), "SCLE".to_owned(), "ACLE".to_owned()],
            weight: 1,
        };
        for (method, said) in [
            (
                Method::PermutedBlocks {
                    block_multiples: vec![1, 2],
                },
                "1:1 permuted blocks of 2, 4, stratified by subtype",
            ),
            (
                Method::Minimisation { percent_best: 80 },
                "1:1 minimisation, on subtype, best arm 80%",
            ),
        ] {
            let design = design(vec![subtype.clone()], method);
            let found = power(&plan(&design, 50, [0.6, 0.2], 500), || {}).expect("power");
            assert_eq!(found.allocation, said);
            assert!(
                found.largest_imbalance > 0 && found.largest_imbalance <= 6,
                "{found:?}"
            );
            assert!(
                (found.power - exact_power(25, [0.6, 0.2], 0.05)).abs() < 0.1,
                "{found:?}"
            );
        }
    }

    #[test]
    fn a_plan_is_refused_naming_the_setting() {
        let blocks = design(
            vec![],
            Method::PermutedBlocks {
                block_multiples: vec![1],
            },
        );
        let refused = |plan: PowerPlan<'_>| power(&plan, || {}).unwrap_err().to_string();
        assert_eq!(
            refused(plan(&blocks, 50, [1.1, 0.2], 10)),
            "response: one chance from 0 to 1 for each arm"
        );
        assert_eq!(
            refused(plan(&blocks, 1, [0.5, 0.2], 10)),
            "subjects: at least 2"
        );
        assert_eq!(
            refused(plan(&blocks, 50, [0.5, 0.2], 0)),
            "trials: from 1 to 49,999"
        );
        assert_eq!(
            refused(plan(&blocks, 50, [0.5, 0.2], 50_000)),
            "trials: from 1 to 49,999"
        );
        let mut no_alpha = plan(&blocks, 50, [0.5, 0.2], 10);
        no_alpha.alpha = 1.0;
        assert_eq!(refused(no_alpha), "alpha: between 0 and 1");
        // Both sides of each bound are accepted.
        assert!(power(&plan(&blocks, 2, [0.0, 1.0], 1), || {}).is_ok());
        assert!(power(&plan(&blocks, 2, [1.0, 0.0], 49_999), || {}).is_ok());
    }
}
