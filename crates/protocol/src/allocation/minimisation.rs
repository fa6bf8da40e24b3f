//! Minimisation with a random element (Pocock and Simon, Biometrics 1975;31:103-115). For each arm
//! the new subject could join, the imbalance is the sum over factors of the factor's weight times
//! the range (largest minus smallest) of the arms' counts at the subject's level, counting the
//! subject in that arm. The arms of least imbalance are chosen with probability `p`
//! (`percent_best`), the others with `1 - p`; within either group each arm is equally likely.
//! When every arm has the same imbalance, each is equally likely. Equal ratios only (see
//! [`super::Design::new`]).
//!
//! The random numbers of the `k`-th subject of the study come from the stream
//! `("minimisation", k)` of the secret, so a replay of the same subjects gives the same arms.

use super::draws::Draws;
use super::{Design, Profile, Secret};

/// Subjects per factor, level and arm: `counts[factor][level][arm]`, with each factor's weight.
#[derive(Clone, Debug)]
pub(crate) struct Counts {
    pub(super) counts: Vec<Vec<Vec<u64>>>,
    weights: Vec<u64>,
}

impl Counts {
    pub(crate) fn new(design: &Design) -> Counts {
        Counts {
            counts: design
                .factors()
                .iter()
                .map(|factor| vec![vec![0; design.arms().len()]; factor.levels.len()])
                .collect(),
            weights: design
                .factors()
                .iter()
                .map(|factor| u64::from(factor.weight))
                .collect(),
        }
    }

    pub(crate) fn add(&mut self, profile: &Profile, arm: usize) {
        for (factor, level) in profile.levels().iter().enumerate() {
            self.counts[factor][*level][arm] += 1;
        }
    }

    fn arms(&self) -> usize {
        self.counts
            .first()
            .and_then(|levels| levels.first())
            .map_or(0, Vec::len)
    }

    /// The imbalance if the subject of `profile` joined `arm`.
    pub(crate) fn imbalance(&self, profile: &Profile, arm: usize) -> u64 {
        profile
            .levels()
            .iter()
            .enumerate()
            .map(|(factor, level)| {
                let row = &self.counts[factor][*level];
                let with = |j: usize| row[j] + u64::from(j == arm);
                let counts = (0..row.len()).map(with);
                let (low, high) =
                    counts.fold((u64::MAX, 0), |(low, high), c| (low.min(c), high.max(c)));
                self.weights[factor] * (high - low)
            })
            .sum()
    }
}

/// The arm of the `sequence`-th subject of the study.
pub(crate) fn choose(
    counts: &Counts,
    profile: &Profile,
    percent_best: u8,
    secret: &Secret,
    sequence: u64,
) -> usize {
    let arms = counts.arms();
    let imbalance: Vec<u64> = (0..arms)
        .map(|arm| counts.imbalance(profile, arm))
        .collect();
    let least = imbalance.iter().copied().min().unwrap_or(0);
    let (best, rest): (Vec<usize>, Vec<usize>) =
        (0..arms).partition(|arm| imbalance[*arm] == least);
    let mut draws = Draws::new(secret, &["minimisation", &sequence.to_string()]);
    let group = if rest.is_empty() || draws.chance(percent_best) {
        best
    } else {
        rest
    };
    group[draws.below(group.len() as u64) as usize]
}
