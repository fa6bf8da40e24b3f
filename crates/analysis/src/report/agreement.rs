//! Central and site CLASI scores compared (issue 19): for each photographed area that a blinded
//! central reader scored and the site scored in its CLASI of the same visit, the pair of that
//! area's activity, erythema + scale/hypertrophy (the CLASI's per-area activity row,
//! INSTRUMENTS.md §1.3; mucous membranes and hair loss are scored for the whole body, not per
//! area, so no photograph of one area shows them), and over all pairs the intraclass
//! correlation ICC(2,1) (`stats::icc`: two-way random effects, absolute agreement, single
//! rater; Shrout & Fleiss 1979, McGraw & Wong 1996) with its interval. A pair needs both
//! scores; an area the site did not assess, or a photograph not yet read, is counted apart and
//! not paired. Fewer than 2 pairs, or every score equal, give no ICC and say why.

use serde::Serialize;
use stats::Level;
use stats::icc::icc_agreement_pairs;

use super::method_name;

/// One photographed area of one visit, scored by the site and by a central reader.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AreaPair {
    pub subject: String,
    pub visit: String,
    /// The CLASI area's id (`nose_malar`).
    pub area: String,
    /// The site's erythema + scale of the area in its CLASI of the visit.
    pub site: u8,
    /// The central reader's erythema + scale of the photograph.
    pub central: u8,
}

/// The ICC with its interval.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct IccOut {
    pub icc: f64,
    /// `None` under perfect agreement, where the interval is undefined.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub method: &'static str,
}

/// The agreement section of the report (for a record with photographs).
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Agreement {
    /// Live photographs in the record.
    pub photographs: usize,
    /// Central scores recorded.
    pub readings: usize,
    /// Central scores without a site score of the same area and visit (no CLASI at that
    /// visit, or the area's erythema or scale not assessed).
    pub unpaired: usize,
    pub pairs: Vec<AreaPair>,
    /// `None` with `not_computed` saying why.
    pub icc: Option<IccOut>,
    pub not_computed: Option<String>,
}

impl Agreement {
    /// The agreement of `pairs` at `level`.
    pub fn of(
        photographs: usize,
        readings: usize,
        unpaired: usize,
        pairs: Vec<AreaPair>,
        level: f64,
    ) -> Agreement {
        let (icc, not_computed) = if readings == 0 {
            (None, Some("no central reading is recorded yet".to_owned()))
        } else {
            let values: Vec<(f64, f64)> = pairs
                .iter()
                .map(|p| (f64::from(p.site), f64::from(p.central)))
                .collect();
            match Level::new(level).and_then(|level| icc_agreement_pairs(&values, level)) {
                Ok(icc) => (
                    Some(IccOut {
                        icc: icc.icc,
                        ci_low: icc.ci.map(|ci| ci.0),
                        ci_high: icc.ci.map(|ci| ci.1),
                        method: method_name(icc.method),
                    }),
                    None,
                ),
                Err(stats::StatsError::TooFew { got, .. }) => (
                    None,
                    Some(format!(
                        "{got} pair{} of site and central scores: an ICC needs at least 2",
                        if got == 1 { "" } else { "s" }
                    )),
                ),
                Err(error) => (None, Some(error.to_string())),
            }
        };
        Agreement {
            photographs,
            readings,
            unpaired,
            pairs,
            icc,
            not_computed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(values: &[(u8, u8)]) -> Vec<AreaPair> {
        values
            .iter()
            .map(|&(site, central)| AreaPair {
                subject: "S01-001".into(),
                visit: "Week 4".into(),
                area: "legs".into(),
                site,
                central,
            })
            .collect()
    }

    fn check(readings: usize, values: &[(u8, u8)], expect: Result<f64, &str>) {
        let agreement = Agreement::of(3, readings, 0, pairs(values), 0.95);
        match (&agreement.icc, &agreement.not_computed, expect) {
            (Some(icc), None, Ok(value)) => {
                assert!((icc.icc - value).abs() < 1e-12, "{values:?}: {icc:?}");
                assert!(icc.method.starts_with("ICC(2,1)"), "{}", icc.method);
            }
            (None, Some(why), Err(expect)) => assert_eq!(why, expect, "{values:?}"),
            (icc, why, expect) => panic!("{values:?}: {icc:?} {why:?}, expected {expect:?}"),
        }
    }

    /// Both sides of each degenerate case: no reading, 1 and 2 pairs, equal and unequal scores.
    #[test]
    fn the_icc_is_computed_or_says_why_not() {
        check(0, &[], Err("no central reading is recorded yet"));
        check(
            1,
            &[],
            Err("0 pairs of site and central scores: an ICC needs at least 2"),
        );
        check(
            1,
            &[(3, 2)],
            Err("1 pair of site and central scores: an ICC needs at least 2"),
        );
        // R: 0.8 (golden.R case two-pairs).
        check(2, &[(1, 2), (3, 3)], Ok(0.8));
        check(
            2,
            &[(2, 2), (2, 2)],
            Err("ratings: all ratings are equal: the ICC is 0/0"),
        );
        check(2, &[(2, 2), (3, 3)], Ok(1.0));
    }
}
