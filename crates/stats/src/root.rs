//! Brent's root finder (as R's `uniroot`/`zeroin`), run to machine precision.
//!
//! R stops `uniroot` at tol ~1e-4 by default; we go to full precision, and the golden files are
//! made with a tolerance tight enough that both agree with the true root.

/// A root of `f` in `[a, b]` where `f(a)` and `f(b)` differ in sign (or one is zero).
/// Returns `None` when the bracket does not hold a sign change.
pub(crate) fn brent(mut f: impl FnMut(f64) -> f64, a: f64, b: f64) -> Option<f64> {
    let (mut a, mut b) = (a, b);
    let (mut fa, mut fb) = (f(a), f(b));
    if fa == 0.0 {
        return Some(a);
    }
    if fb == 0.0 {
        return Some(b);
    }
    if fa.is_nan() || fb.is_nan() || fa.signum() == fb.signum() {
        return None;
    }
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..500 {
        if fb.signum() == fc.signum() {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 1e-300;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return Some(b);
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qa = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0));
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = f(b);
        if fb.is_nan() {
            return None;
        }
    }
    Some(b)
}

/// A root of an increasing-or-decreasing `f` on the whole real line, searched outward from 0
/// by doubling until the sign changes. Used for log odds ratios.
pub(crate) fn brent_unbounded(mut f: impl FnMut(f64) -> f64) -> Option<f64> {
    let f0 = f(0.0);
    if f0 == 0.0 {
        return Some(0.0);
    }
    let mut width = 1.0;
    for _ in 0..12 {
        for edge in [width, -width] {
            let value = f(edge);
            if value.is_finite() && value.signum() != f0.signum() {
                let (lo, hi) = if edge > 0.0 { (0.0, edge) } else { (edge, 0.0) };
                return brent(&mut f, lo, hi);
            }
        }
        width *= 2.0;
    }
    None
}
