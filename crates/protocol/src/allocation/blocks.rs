//! Stratified permuted blocks with random block sizes (Matts and Lachin, Control Clin Trials
//! 1988;9:327-344; ICH E9 section 2.3.1 on blocks whose length is concealed). Within a stratum,
//! block `b` holds each arm `ratio x m` times in an order drawn at random, its multiple `m`
//! drawn uniformly from the design's multiples; both come from the stream
//! `("blocks", stratum, b)` of the secret, so each block is recomputed from the secret alone.
//!
//! Balance: within a stratum, after any number of subjects `n`, arm `a`'s count `c_a` differs from
//! its share `n r_a / R` by at most `m_max r_a (R - r_a) / R` (R the ratio sum), and exactly
//! matches it at each block's end.

use super::draws::Draws;
use super::{AllocationError, Design, Method, Secret};

/// One block of a stratum's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Its number in the stratum, from 0.
    pub number: u64,
    /// The arms in order, by index into [`Design::arms`].
    pub arms: Vec<usize>,
}

/// Block `number` of `stratum`, its size a multiple from `block_multiples`.
fn block(
    design: &Design,
    block_multiples: &[u32],
    secret: &Secret,
    stratum: &str,
    number: u64,
) -> Block {
    let mut draws = Draws::new(secret, &["blocks", stratum, &number.to_string()]);
    let multiple = block_multiples[draws.below(block_multiples.len() as u64) as usize];
    let mut arms: Vec<usize> = design
        .arms()
        .iter()
        .enumerate()
        .flat_map(|(index, arm)| std::iter::repeat_n(index, (arm.ratio * multiple) as usize))
        .collect();
    // Fisher-Yates (Knuth, TAOCP vol. 2, algorithm P): every order equally likely.
    for i in (1..arms.len()).rev() {
        let j = draws.below(i as u64 + 1) as usize;
        arms.swap(i, j);
    }
    Block { number, arms }
}

/// The first `blocks` blocks of `stratum` (as [`super::Design::stratum`] names it): the
/// statistician's list. Minimisation has no list made in advance (each arm depends on the
/// subjects before), so a minimisation design is refused.
pub fn schedule(
    design: &Design,
    secret: &Secret,
    stratum: &str,
    blocks: u64,
) -> Result<Vec<Block>, AllocationError> {
    let Method::PermutedBlocks { block_multiples } = design.method() else {
        return Err(AllocationError::Design {
            field: "method".to_owned(),
            problem: "minimisation has no list made in advance: replay the enrolments instead"
                .to_owned(),
        });
    };
    Ok((0..blocks)
        .map(|number| block(design, block_multiples, secret, stratum, number))
        .collect())
}

/// Where a stratum is in its list.
#[derive(Clone, Debug, Default)]
pub(crate) struct Position {
    /// The number of the block after the current one.
    next_block: u64,
    /// The current block's arms, and how many of them are assigned.
    arms: Vec<usize>,
    used: usize,
}

impl Position {
    /// The stratum's next arm, moving on to the next block at a block's end.
    pub(crate) fn next(
        &mut self,
        design: &Design,
        block_multiples: &[u32],
        secret: &Secret,
        stratum: &str,
    ) -> usize {
        if self.used == self.arms.len() {
            self.arms = block(design, block_multiples, secret, stratum, self.next_block).arms;
            self.next_block += 1;
            self.used = 0;
        }
        self.used += 1;
        self.arms[self.used - 1]
    }
}
