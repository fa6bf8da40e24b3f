//! Where an axis's ticks fall. The figures draw them, and the report counts the subjects at
//! risk at the same times (`results.json`), so the risk table sits under the Kaplan-Meier axis:
//! one rule for both, owned by neither.

/// Round tick values from `low` up to the first at or above `high`, about five of them.
pub fn ticks(low: f64, high: f64) -> Vec<f64> {
    let span = (high - low).max(1e-9);
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * magnitude);
    let mut out = Vec::new();
    let mut at = (low / step).floor() * step;
    loop {
        out.push(at);
        if at >= high - step * 1e-9 {
            return out;
        }
        at += step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(low: f64, high: f64, expect: &[f64]) {
        assert_eq!(ticks(low, high), expect);
    }

    #[test]
    fn about_five_round_ticks_up_to_the_first_at_or_above_the_end() {
        check(0.0, 10.0, &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        check(0.0, 11.0, &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
        check(0.0, 13.0, &[0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0]);
        check(0.0, 100.0, &[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        check(0.0, 52.0, &[0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0]);
        check(-3.0, 3.0, &[-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]);
    }
}
