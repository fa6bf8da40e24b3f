//! Mid-ranks with ties, as R's `rank` (ties.method = "average"), with exact comparison.

/// Ranks of `values` (1-based, ties get the mean rank) and the sizes of the tied groups
/// (groups of one included; they add nothing to sum(t^3 - t)).
pub(crate) fn mid_ranks(values: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut groups = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end (0-based) share ranks start+1..=end.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &index in &order[start..end] {
            ranks[index] = rank;
        }
        groups.push(end - start);
        start = end;
    }
    (ranks, groups)
}

/// sum(t^3 - t) over tie groups: the tie correction of rank-test variances.
pub(crate) fn tie_sum(groups: &[usize]) -> f64 {
    groups.iter().map(|&t| (t as f64).powi(3) - t as f64).sum()
}
