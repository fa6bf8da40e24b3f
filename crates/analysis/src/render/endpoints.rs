//! The tables of the report's sections that follow the protocol's displays: the CLASI responder
//! endpoints of a study with `[outcomes]` ([`crate::report::responders`]) and the central and
//! site scores of the photographed areas ([`crate::report::agreement`]).

use super::tables::{
    Cell, Column, DESCRIBED, Table, described_cells, int, rate_cells, table, text, with,
};
use crate::report::agreement::Agreement;
use crate::report::responders::Responders;

/// The responder table (one row per analysis visit and endpoint) and the subjects outside the
/// responder population.
pub(crate) fn responder_tables(responders: &Responders, level: f64) -> Vec<Table> {
    let level = format!("{:.0}%", 100.0 * level);
    let mut rates = Vec::new();
    for visit in &responders.visits {
        for (endpoint, rate) in [
            ("CLASI-50", visit.clasi_50.as_ref()),
            ("CLASI-70", visit.clasi_70.as_ref()),
        ] {
            let mut row = vec![
                text(visit.text.as_str()),
                text(endpoint),
                int(visit.missing),
            ];
            row.extend(rate_cells(rate));
            rates.push(row);
        }
    }
    let mut rates = table(
        "responders".to_owned(),
        format!(
            "CLASI-50 and CLASI-70 responders (baseline CLASI-A ≥ {}), with {level} intervals",
            responders.min_baseline
        ),
        vec![
            ("visit", "Visit"),
            ("endpoint", "Endpoint"),
            ("missing", "Missing"),
            ("n", "Responders"),
            ("of", "Assessed"),
            ("percent", "%"),
            ("ci_low_percent", "CI low %"),
            ("ci_high_percent", "CI high %"),
            ("method", "Method"),
        ],
        rates,
    );
    rates.notes.push(responders.missing_rule.to_owned());
    let change_columns: Vec<Column> = with(vec![("visit", "Visit")], &DESCRIBED);
    let changes = table(
        "responders_percent_change".to_owned(),
        format!(
            "Percent change of CLASI-A from baseline (baseline CLASI-A ≥ {}; negative is improvement)",
            responders.min_baseline
        ),
        change_columns,
        responders
            .visits
            .iter()
            .map(|visit| {
                let mut row = vec![text(visit.text.as_str())];
                row.extend(described_cells(visit.percent_change.as_ref(), 1));
                row
            })
            .collect(),
    );
    let mut outside = table(
        "responders_outside".to_owned(),
        "Subjects outside the responder population".to_owned(),
        vec![
            ("subject", "Subject"),
            ("baseline", "Baseline CLASI-A"),
            ("why", "Why"),
        ],
        responders
            .outside
            .iter()
            .map(|o| {
                vec![
                    text(o.subject.as_str()),
                    text(o.baseline.as_str()),
                    text(o.why.as_str()),
                ]
            })
            .collect::<Vec<Vec<Cell>>>(),
    );
    if responders.outside.len() < responders.outside_total {
        outside.notes.push(format!(
            "The first {} of {} subjects outside the population are listed.",
            responders.outside.len(),
            responders.outside_total
        ));
    }
    vec![rates, changes, outside]
}

/// The pairs of site and central scores, a row each, which R's `irr::icc` can recompute the
/// ICC from (`tables/agreement_pairs.csv`).
pub(crate) fn agreement_tables(agreement: &Agreement) -> Vec<Table> {
    vec![table(
        "agreement_pairs".to_owned(),
        "Site and central CLASI activity of each photographed area".to_owned(),
        vec![
            ("subject", "Subject"),
            ("visit", "Visit"),
            ("area", "Area"),
            ("site", "Site"),
            ("central", "Central"),
        ],
        agreement
            .pairs
            .iter()
            .map(|p| {
                vec![
                    text(p.subject.as_str()),
                    text(p.visit.as_str()),
                    text(p.area.as_str()),
                    int(usize::from(p.site)),
                    int(usize::from(p.central)),
                ]
            })
            .collect(),
    )]
}
