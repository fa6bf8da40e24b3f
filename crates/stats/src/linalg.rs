//! Small dense linear algebra for the log-rank variance and logistic regression (a handful of
//! parameters, so Gaussian elimination with partial pivoting is enough).

/// Solves `a x = b`; `None` when `a` is singular (a pivot below 1e-12 of the largest entry).
pub(crate) fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .zip(b)
        .map(|(row, &bi)| row.iter().copied().chain([bi]).collect())
        .collect();
    let scale = a.iter().flatten().fold(0.0_f64, |acc, v| acc.max(v.abs()));
    if scale.is_nan() || scale <= 0.0 {
        return None;
    }
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        let size = m[pivot][col].abs();
        if size.is_nan() || size <= 1e-12 * scale {
            return None;
        }
        m.swap(col, pivot);
        for row in col + 1..n {
            let (upper, lower) = m.split_at_mut(row);
            let (source, target) = (&upper[col], &mut lower[0]);
            let factor = target[col] / source[col];
            for (t, s) in target[col..].iter_mut().zip(&source[col..]) {
                *t -= factor * s;
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|j| m[row][j] * x[j]).sum();
        x[row] = (m[row][n] - tail) / m[row][row];
    }
    Some(x)
}

/// The inverse of a symmetric positive-definite matrix, column by column; `None` when singular.
pub(crate) fn inverse(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let columns: Option<Vec<Vec<f64>>> = (0..n)
        .map(|j| {
            let unit: Vec<f64> = (0..n).map(|i| if i == j { 1.0 } else { 0.0 }).collect();
            solve(a, &unit)
        })
        .collect();
    let columns = columns?;
    Some(
        (0..n)
            .map(|i| (0..n).map(|j| columns[j][i]).collect())
            .collect(),
    )
}
