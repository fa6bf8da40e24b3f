//! Counts of equal values: a study of a million patients keeps, per visit, one count per distinct
//! CLASI score (at most 71) instead of a million numbers. Descriptive statistics and the paired tests
//! read the values back in ascending order, one visit at a time, so they are exact.

/// A value ordered by `f64::total_cmp` (scores and differences are finite).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Key(f64);

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// How many times each value was seen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    /// Ascending by value. A sorted vector, not a tree: a visit has tens to hundreds of distinct
    /// values and a study millions of additions, found by binary search in one contiguous block.
    counts: Vec<(Key, usize)>,
    n: usize,
}

impl Tally {
    pub fn add(&mut self, value: f64) {
        let key = Key(value);
        match self.counts.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => self.counts[at].1 += 1,
            Err(at) => self.counts.insert(at, (key, 1)),
        }
        self.n += 1;
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Every value seen, ascending.
    pub fn values(&self) -> Vec<f64> {
        let mut values = Vec::with_capacity(self.n);
        for (key, count) in &self.counts {
            values.extend(std::iter::repeat_n(key.0, *count));
        }
        values
    }

    /// The value at `index` of the ascending values (`None` past the end).
    pub fn nth(&self, index: usize) -> Option<f64> {
        let mut seen = 0;
        for (key, count) in &self.counts {
            seen += count;
            if index < seen {
                return Some(key.0);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Tally;

    #[track_caller]
    fn check(input: &[f64], values: &[f64], middle: Option<f64>) {
        let mut tally = Tally::default();
        for &v in input {
            tally.add(v);
        }
        assert_eq!(tally.len(), input.len());
        assert_eq!(tally.values(), values);
        assert_eq!(tally.nth(input.len() / 2), middle);
    }

    #[test]
    fn values_come_back_ascending_with_their_repeats() {
        check(&[], &[], None);
        check(&[3.0], &[3.0], Some(3.0));
        check(&[2.0, -1.0, 2.0, 0.5], &[-1.0, 0.5, 2.0, 2.0], Some(2.0));
        check(&[0.0, -0.0, 1.0], &[-0.0, 0.0, 1.0], Some(0.0));
        check(&[7.0, 7.0, 7.0, 1.0], &[1.0, 7.0, 7.0, 7.0], Some(7.0));
    }
}
