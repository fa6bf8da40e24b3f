//! The simulator's random numbers: xoshiro256++ (Blackman and Vigna, 2018) seeded through
//! SplitMix64, written out here so that a seed gives the same cohort on every platform and with
//! every dependency version (rand's `StdRng` is documented as not portable across releases).
//!
//! Each patient gets its own stream derived from (master seed, trial, patient), so a cohort does
//! not depend on the order in which patients are run or on the number of threads.

/// A seeded generator. The only way to get one is from a seed, so every draw is reproducible.
#[derive(Clone, Debug)]
pub struct Rng {
    state: [u64; 4],
}

/// SplitMix64's output function: spreads one 64-bit value over all bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

impl Rng {
    pub fn from_seed(seed: u64) -> Rng {
        let mut z = seed;
        let mut next = || {
            z = z.wrapping_add(GOLDEN);
            mix(z)
        };
        Rng {
            state: [next(), next(), next(), next()],
        }
    }

    /// The independent stream of one patient of one trial.
    pub fn for_patient(seed: u64, trial: u64, patient: u64) -> Rng {
        Rng::from_seed(mix(mix(seed ^ mix(trial.wrapping_add(GOLDEN))) ^ patient))
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform on [0, 1), 53 bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on [low, high).
    pub fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.uniform()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Standard normal by the Box-Muller transform (one of the pair is used: simpler than
    /// caching, and the stream stays a pure function of the draw count).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform(); // (0, 1]: ln is finite
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// The index of a weighted choice; weights need not sum to 1.
    pub fn pick(&mut self, weights: impl Iterator<Item = f64> + Clone) -> usize {
        let total: f64 = weights.clone().sum();
        let mut target = self.uniform() * total;
        let mut last = 0;
        for (index, weight) in weights.enumerate() {
            if target < weight {
                return index;
            }
            target -= weight;
            last = index;
        }
        last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| Rng::for_patient(7, 0, 1).next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut first = Rng::for_patient(7, 0, 1);
        let mut second = Rng::for_patient(7, 0, 2);
        let mut other_trial = Rng::for_patient(7, 1, 1);
        let x = first.next_u64();
        assert_ne!(x, second.next_u64());
        assert_ne!(x, other_trial.next_u64());
    }

    #[test]
    fn uniform_and_normal_have_their_moments() {
        let mut rng = Rng::from_seed(42);
        let n = 200_000;
        let u: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
        assert!(u.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = u.iter().sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
        let z: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        let mean = z.iter().sum::<f64>() / n as f64;
        let var = z.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(
            mean.abs() < 0.01 && (var - 1.0).abs() < 0.02,
            "{mean} {var}"
        );
    }

    #[test]
    fn pick_follows_the_weights() {
        let mut rng = Rng::from_seed(3);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[rng.pick([1.0, 2.0, 0.0].into_iter())] += 1;
        }
        assert_eq!(counts[2], 0);
        let share = f64::from(counts[1]) / 30_000.0;
        assert!((share - 2.0 / 3.0).abs() < 0.02, "{share}");
    }
}
