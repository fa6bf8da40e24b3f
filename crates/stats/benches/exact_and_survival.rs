//! Exact tests and Kaplan-Meier at n = 50, 500, 5,000 and 50,000 (BENCHMARKS.md has the results).
//! Rank tests use R's rule, so only the smallest size runs their exact distribution.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use stats::Level;
use stats::survival::{KmCi, MedianRule, Observation, kaplan_meier, log_rank};
use stats::table2x2::{Table2x2, fisher};
use stats::wilcoxon::{mann_whitney, signed_rank};

const SIZES: [usize; 4] = [50, 500, 5_000, 50_000];

/// Deterministic uniform numbers in (0, 1) (a 64-bit LCG; no dependency needed).
fn uniform(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("stats");
    for n in SIZES {
        let q = (n / 4) as u64;
        let table = Table2x2::new([
            [q + q / 5, q - q / 5],
            [q - q / 10, n as u64 - 3 * q + q / 10],
        ])
        .expect("table");
        group.bench_with_input(BenchmarkId::new("fisher_2x2_total", n), &table, |b, t| {
            b.iter(|| fisher(black_box(*t), Level::NINETY_FIVE))
        });
        let x = uniform(n / 2, 1);
        let y: Vec<f64> = uniform(n / 2, 2).iter().map(|v| v + 0.1).collect();
        group.bench_with_input(
            BenchmarkId::new("mann_whitney_total", n),
            &(x, y),
            |b, (x, y)| b.iter(|| mann_whitney(black_box(x), black_box(y))),
        );
        let d: Vec<f64> = uniform(n, 3).iter().map(|v| v - 0.4).collect();
        group.bench_with_input(BenchmarkId::new("signed_rank", n), &d, |b, d| {
            b.iter(|| signed_rank(black_box(d)))
        });
        let times = uniform(n, 4);
        let events = uniform(n, 5);
        let observations: Vec<Observation> = times
            .iter()
            .zip(&events)
            .map(|(t, e)| Observation {
                time: (-t.ln() * 100.0).round(),
                event: *e > 0.3,
            })
            .collect();
        group.bench_with_input(
            BenchmarkId::new("kaplan_meier", n),
            &observations,
            |b, o| {
                b.iter(|| {
                    kaplan_meier(
                        black_box(o),
                        KmCi::Log,
                        Level::NINETY_FIVE,
                        MedianRule::Print,
                    )
                })
            },
        );
        let groups: Vec<usize> = (0..n).map(|i| i % 2).collect();
        group.bench_with_input(
            BenchmarkId::new("log_rank_2_groups", n),
            &observations,
            |b, o| b.iter(|| log_rank(black_box(o), &groups)),
        );
    }
    // The largest samples R's rule sends to the exact distributions (both n < 50, no ties).
    let x = uniform(49, 6);
    let y: Vec<f64> = uniform(49, 7).iter().map(|v| v + 0.1).collect();
    group.bench_function("mann_whitney_exact_49x49", |b| {
        b.iter(|| mann_whitney(black_box(&x), black_box(&y)))
    });
    let d: Vec<f64> = uniform(49, 8).iter().map(|v| v - 0.4).collect();
    group.bench_function("signed_rank_exact_49", |b| {
        b.iter(|| signed_rank(black_box(&d)))
    });
    group.finish();
}

criterion_group! {
    name = exact_and_survival;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(exact_and_survival);
