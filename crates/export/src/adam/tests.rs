//! Table tests of each derivation rule on both sides of its boundary, on SDTM rows written
//! here (so each case shows exactly what ADaM reads).

use jiff::ToSpan;
use jiff::civil::Date;
use protocol::endpoint::ResponseDefinitions;

use super::*;
use crate::dataset::{Missing, Origin};

/// The lenalidomide paper's definitions, as its shipped protocol states them.
fn paper() -> ResponseDefinitions {
    let protocol =
        protocol::Protocol::from_toml(include_str!("../../../../protocols/nct01408199.toml"))
            .expect("the shipped protocol");
    let algorithm = protocol.algorithm().expect("the trial's algorithm");
    ResponseDefinitions::of(&algorithm.settings.response)
}

const FIRST_DOSE: Date = Date::constant(2026, 1, 1);

/// Study day `day` (the first dose on day 0) as an ISO date.
fn on(day: i64) -> Cell {
    Cell::text((FIRST_DOSE + day.days()).to_string())
}

fn sas(day: i64) -> Cell {
    Cell::Num(sas_date(FIRST_DOSE + day.days()))
}

/// One subject's SDTM rows, written by hand.
struct Book {
    sdtm: Vec<Dataset>,
    rows: Vec<(usize, Vec<Cell>)>,
    visits: usize,
}

impl Book {
    /// A subject enrolled and dosed from day 0 to `last_dose` (`None`: never dosed).
    fn dosed(last_dose: Option<i64>) -> Book {
        let mut book = Book {
            sdtm: crate::sdtm::datasets().expect("SDTM datasets"),
            rows: Vec::new(),
            visits: 0,
        };
        let dose = |day: i64| last_dose.map_or(Cell::Missing(Missing::Blank), |_| on(day));
        book.add(
            "DM",
            &[
                ("USUBJID", Cell::text("S-001")),
                ("SUBJID", Cell::text("001")),
                ("ARMCD", Cell::text("TRT")),
                ("ARM", Cell::text("Study treatment")),
                ("ACTARM", Cell::text("Study treatment")),
                ("RFICDTC", on(-14)),
                ("RFXSTDTC", dose(0)),
                ("RFXENDTC", dose(last_dose.unwrap_or(0))),
            ],
        );
        if let Some(last) = last_dose {
            book.add(
                "EX",
                &[
                    ("EXSEQ", Cell::Num(1.0)),
                    ("EXSTDTC", on(0)),
                    ("EXENDTC", on(last)),
                ],
            );
        }
        book
    }

    fn add(&mut self, domain: &str, cells: &[(&str, Cell)]) -> &mut Book {
        let index = self
            .sdtm
            .iter()
            .position(|d| d.name == domain)
            .expect("domain");
        let dataset = &self.sdtm[index];
        let mut row = vec![Cell::Missing(Missing::Blank); dataset.variables.len()];
        for (name, cell) in cells {
            row[dataset.position(name).expect("variable")] = cell.clone();
        }
        self.rows.push((index, row));
        self
    }

    /// A CLASI assessment on study day `day` (a visit on that day when after day 0).
    fn clasi(&mut self, day: i64, activity: Cell) -> &mut Book {
        self.visits += 1;
        let number = Cell::Num(self.visits as f64);
        self.add("SV", &[("VISITNUM", number.clone()), ("SVSTDTC", on(day))]);
        let seq = Cell::Num(self.rows.len() as f64);
        self.add(
            "RS",
            &[
                ("RSSEQ", seq),
                ("RSTESTCD", Cell::text("CLAACT")),
                ("RSCAT", Cell::text("CLASI")),
                ("RSSTRESN", activity),
                ("VISITNUM", number),
                ("RSDTC", on(day)),
            ],
        )
    }

    fn disposition(&mut self, decod: &str, day: i64) -> &mut Book {
        self.add(
            "DS",
            &[
                ("DSSEQ", Cell::Num(1.0)),
                ("DSDECOD", Cell::text(decod)),
                ("DSCAT", Cell::text("DISPOSITION EVENT")),
                ("DSSTDTC", on(day)),
            ],
        )
    }

    /// The ADaM rows: (dataset, variable) -> cells of every row.
    fn adam(&self, definitions: Option<ResponseDefinitions>) -> Written {
        self.adam_with(definitions, None)
    }

    /// The ADaM rows of a study with the CLASI-50/70 responders of `[outcomes]`.
    fn adam_with(
        &self,
        definitions: Option<ResponseDefinitions>,
        responders: Option<adrs::Responders>,
    ) -> Written {
        let adam = Adam::new("LENA", "nct01408199", definitions, responders).expect("datasets");
        let mut rows = Vec::new();
        adam.subject(&self.sdtm, &self.rows, &mut |index, cells| {
            rows.push((adam.datasets()[index].clone(), cells.to_vec()));
            Ok(())
        })
        .expect("rows");
        Written(rows)
    }
}

struct Written(Vec<(Dataset, Vec<Cell>)>);

impl Written {
    /// `variable` of every row of `dataset` whose PARAMCD is `paramcd` (any for "").
    fn cells(&self, dataset: &str, paramcd: &str, variable: &str) -> Vec<Cell> {
        self.0
            .iter()
            .filter(|(d, cells)| {
                d.name == dataset
                    && (paramcd.is_empty()
                        || d.position("PARAMCD").map(|i| &cells[i]) == Some(&Cell::text(paramcd)))
            })
            .map(|(d, cells)| cells[d.position(variable).expect("variable")].clone())
            .collect()
    }

    fn adsl(&self, variable: &str) -> Cell {
        let cells = self.cells("ADSL", "", variable);
        assert_eq!(cells.len(), 1, "one ADSL row");
        cells[0].clone()
    }
}

fn text(t: &str) -> Cell {
    Cell::text(t)
}
fn num(x: f64) -> Cell {
    Cell::Num(x)
}
const BLANK: Cell = Cell::Missing(Missing::Blank);

#[track_caller]
fn check(book: &Book, expect: &[(&str, &str, &str, Vec<Cell>)]) {
    let written = book.adam(Some(paper()));
    for (dataset, paramcd, variable, want) in expect {
        let got = written.cells(dataset, paramcd, variable);
        assert_eq!(&got, want, "{dataset} {paramcd} {variable}");
    }
}

#[test]
fn complete_response_is_activity_at_most_the_threshold() {
    // CLASI-A 0 is complete response, 1 is not (partial: 90% better than 10).
    for (activity, best, crfl) in [(0.0, "CR", "Y"), (1.0, "PR", "N")] {
        let mut book = Book::dosed(Some(100));
        book.clasi(-3, num(10.0)).clasi(28, num(activity));
        check(
            &book,
            &[
                ("ADSL", "", "BESTRSP", vec![text(best)]),
                ("ADSL", "", "CRFL", vec![text(crfl)]),
                ("ADSL", "", "BCLASIA", vec![num(10.0)]),
                ("ADRS", "RESP", "AVALC", vec![text(best)]),
            ],
        );
    }
}

#[test]
fn partial_response_is_at_least_half_better_by_week_12() {
    // (baseline, activity, day, best response): 50% exactly is partial, 49.02% is not; day 84
    // (week 12) counts, day 85 does not, though the visit itself still shows PR.
    let cases = [
        (52.0, 26.0, 84, "PR", "PR"),
        (51.0, 26.0, 84, "NR", "NR"),
        (10.0, 5.0, 85, "NR", "PR"),
        (0.0, 0.0, 28, "CR", "CR"),
    ];
    for (baseline, activity, day, best, at_visit) in cases {
        let mut book = Book::dosed(Some(100));
        book.clasi(0, num(baseline)).clasi(day, num(activity));
        check(
            &book,
            &[
                ("ADSL", "", "BESTRSP", vec![text(best)]),
                ("ADRS", "BESTRESP", "AVALC", vec![text(best)]),
                ("ADRS", "RESP", "AVALC", vec![text(at_visit)]),
                ("ADRS", "CLASIA", "ABLFL", vec![text("Y"), BLANK]),
                (
                    "ADRS",
                    "CLASIA",
                    "ADY",
                    vec![num(1.0), num((day + 1) as f64)],
                ),
            ],
        );
    }
}

#[test]
fn relapse_is_a_later_activity_at_or_above_the_threshold() {
    for (later, relfl, relapse, paramcds) in [
        (4.0, "Y", sas(56), vec![num(0.0), num(0.0)]),
        (3.0, "N", BLANK, vec![num(0.0), num(1.0)]),
    ] {
        let mut book = Book::dosed(Some(100));
        book.clasi(0, num(10.0))
            .clasi(28, num(0.0))
            .clasi(56, num(later));
        check(
            &book,
            &[
                ("ADSL", "", "RELFL", vec![text(relfl)]),
                ("ADSL", "", "RELDT", vec![relapse]),
                ("ADSL", "", "CRDT", vec![sas(28)]),
                ("ADTTE", "", "CNSR", paramcds),
                // Relapse counted from the complete response, censoring at the last record
                // (the last dose, day 100).
                (
                    "ADTTE",
                    "TTRELAP",
                    "AVAL",
                    vec![num(if later >= 4.0 { 28.0 } else { 72.0 })],
                ),
                ("ADTTE", "TTCR", "AVAL", vec![num(28.0)]),
                ("ADTTE", "TTCR", "SRCDOM", vec![text("RS")]),
            ],
        );
    }
}

#[test]
fn without_complete_response_time_is_censored_at_the_last_record() {
    // The last record is the last visit (day 60) or an adverse event ending after it (day 70).
    for (ae_end, adt, srcdom, cnsdtdsc, srcseq) in [
        (50, 60, "SV", "SV.SVSTDTC", BLANK),
        (70, 70, "AE", "AE.AEENDTC", num(1.0)),
    ] {
        let mut book = Book::dosed(Some(30));
        book.clasi(0, num(10.0)).clasi(60, num(8.0)).add(
            "AE",
            &[
                ("AESEQ", num(1.0)),
                ("AETOXGR", text("2")),
                ("AESTDTC", on(40)),
                ("AEENDTC", on(ae_end)),
            ],
        );
        check(
            &book,
            &[
                ("ADTTE", "TTCR", "CNSR", vec![num(1.0)]),
                ("ADTTE", "TTCR", "ADT", vec![sas(adt)]),
                ("ADTTE", "TTCR", "AVAL", vec![num(adt as f64)]),
                ("ADTTE", "TTCR", "STARTDT", vec![sas(0)]),
                ("ADTTE", "TTCR", "EVNTDESC", vec![text("LAST RECORD")]),
                ("ADTTE", "TTCR", "CNSDTDSC", vec![text(cnsdtdsc)]),
                ("ADTTE", "TTCR", "SRCDOM", vec![text(srcdom)]),
                ("ADTTE", "TTCR", "SRCSEQ", vec![srcseq]),
                ("ADTTE", "TTRELAP", "CNSR", vec![]),
                ("ADSL", "", "LSTRECDT", vec![sas(adt)]),
                ("ADSL", "", "RELFL", vec![BLANK]),
                ("ADAE", "", "ATOXGRN", vec![num(2.0)]),
                ("ADAE", "", "ASTDY", vec![num(41.0)]),
            ],
        );
    }
}

#[test]
fn a_subject_never_dosed_is_outside_the_safety_population() {
    for (dosed, saffl, tte_rows, baseline) in [
        (Some(10), "Y", 1, Cell::Missing(Missing::NotDone)),
        (None, "N", 0, Cell::Missing(Missing::NotApplicable)),
    ] {
        let book = Book::dosed(dosed);
        let written = book.adam(Some(paper()));
        assert_eq!(written.adsl("SAFFL"), text(saffl));
        assert_eq!(written.adsl("ENRLFL"), text("Y"));
        assert_eq!(written.adsl("BCLASIA"), baseline, "{dosed:?}");
        assert_eq!(written.adsl("BESTRSP"), text("NE"));
        assert_eq!(written.adsl("EFFFL"), text("N"));
        assert_eq!(written.cells("ADTTE", "", "CNSR").len(), tte_rows);
    }
}

#[test]
fn a_missing_activity_is_not_zero() {
    // A visit whose CLASI activity was not done is not a complete response; with a recorded 0
    // it is.
    for (activity, best, resp) in [
        (Cell::Missing(Missing::NotDone), "NE", "NE"),
        (Cell::Missing(Missing::Unknown), "NE", "NE"),
        (num(0.0), "CR", "CR"),
    ] {
        let mut book = Book::dosed(Some(100));
        book.clasi(0, num(10.0)).clasi(28, activity.clone());
        check(
            &book,
            &[
                ("ADSL", "", "BESTRSP", vec![text(best)]),
                ("ADRS", "RESP", "AVALC", vec![text(resp)]),
                ("ADRS", "CLASIA", "AVAL", vec![num(10.0), activity.clone()]),
            ],
        );
    }
}

#[test]
fn withdrawal_before_any_response_leaves_the_evaluable_population() {
    for (decod, best, efffl, eosstt, dcsreas) in [
        (
            "ADVERSE EVENT",
            "WITHDRAWN",
            "N",
            "DISCONTINUED",
            text("ADVERSE EVENT"),
        ),
        ("COMPLETED", "NR", "Y", "COMPLETED", BLANK),
    ] {
        let mut book = Book::dosed(Some(20));
        book.clasi(0, num(10.0))
            .clasi(14, num(9.0))
            .disposition(decod, 21);
        check(
            &book,
            &[
                ("ADSL", "", "BESTRSP", vec![text(best)]),
                ("ADSL", "", "EFFFL", vec![text(efffl)]),
                ("ADSL", "", "EOSSTT", vec![text(eosstt)]),
                ("ADSL", "", "DCSREAS", vec![dcsreas]),
                ("ADSL", "", "EOSDT", vec![sas(21)]),
                ("ADSL", "", "TRTDURD", vec![num(21.0)]),
            ],
        );
    }
}

#[test]
fn an_adverse_event_is_treatment_emergent_from_the_first_dose() {
    for (start, flag, day) in [(-1, "N", -1.0), (0, "Y", 1.0)] {
        let mut book = Book::dosed(Some(20));
        book.add("AE", &[("AESEQ", num(1.0)), ("AESTDTC", on(start))]);
        check(
            &book,
            &[
                ("ADAE", "", "TRTEMFL", vec![text(flag)]),
                ("ADAE", "", "ASTDY", vec![num(day)]),
                ("ADAE", "", "ASTDT", vec![sas(start)]),
                ("ADAE", "", "AENDT", vec![BLANK]),
            ],
        );
    }
}

#[test]
fn without_response_definitions_only_adsl_and_adae_are_written_and_the_rest_said() {
    let adam = Adam::new("PED", "pediatric-review", None, None).expect("datasets");
    let names: Vec<&str> = adam.datasets().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["ADSL", "ADAE"]);
    let missing: Vec<&str> = adam
        .not_written()
        .iter()
        .map(|n| n.dataset.as_str())
        .collect();
    assert_eq!(missing, ["ADRS", "ADTTE"]);
    assert!(adam.not_written()[0].reason.contains("pediatric-review"));
    assert!(adam.datasets()[0].position("BESTRSP").is_none());
    let with = Adam::new("LENA", "nct01408199", Some(paper()), None).expect("datasets");
    assert!(with.not_written().is_empty());
    assert_eq!(with.datasets().len(), DATASETS.len());
}

#[test]
fn every_variable_says_where_it_comes_from() {
    let adam = Adam::new("LENA", "nct01408199", Some(paper()), None).expect("datasets");
    let sdtm = crate::sdtm::datasets().expect("SDTM");
    let known = |name: &str| {
        let (dataset, variable) = name.split_once('.').expect("DATASET.VARIABLE");
        sdtm.iter()
            .chain(adam.datasets())
            .any(|d| d.name == dataset && d.position(variable).is_some())
    };
    for dataset in adam.datasets() {
        for variable in &dataset.variables {
            let what = format!("{}.{}", dataset.name, variable.name);
            match &variable.origin {
                Origin::Predecessor(source) => assert!(known(source), "{what} <- {source}"),
                Origin::Derived(method) => assert!(
                    method.contains('.')
                        || sdtm
                            .iter()
                            .any(|d| method.contains(&format!("{} ", d.name))),
                    "{what}: {method}"
                ),
                Origin::Assigned => {}
                other => panic!("{what} has origin {other:?}"),
            }
        }
    }
}

#[test]
fn baseline_is_the_last_assessment_on_or_before_the_first_dose() {
    // (day of the second assessment, baseline, best response): on day 0 it is the baseline;
    // on day 1 it is the first post-baseline visit, improved by half on the day -10 baseline
    // (and ADRS has one more CLASIA record).
    for (day, baseline, best) in [(0, 10.0, "NR"), (1, 20.0, "PR")] {
        let mut book = Book::dosed(Some(100));
        book.clasi(-10, num(20.0))
            .clasi(day, num(10.0))
            .clasi(60, num(10.0));
        check(
            &book,
            &[
                ("ADSL", "", "BCLASIA", vec![num(baseline)]),
                ("ADSL", "", "BESTRSP", vec![text(best)]),
                (
                    "ADRS",
                    "CLASIA",
                    "BASE",
                    vec![num(baseline); 2 + day as usize],
                ),
            ],
        );
    }
}

#[test]
fn the_subtype_comes_from_suppdm_grouped_as_the_report_groups_it() {
    for (subtype, group) in [
        (Some("DLE, localized"), text("DLE")),
        (Some("DLE, hypertrophic"), text("DLE")),
        (Some("LE profundus"), text("Lupus profundus")),
        (Some("SCLE, annular"), text("SCLE")),
        (Some("LE tumidus"), text("LET")),
        (Some("Something else"), text("Other")),
        (None, BLANK),
    ] {
        let mut book = Book::dosed(Some(10));
        if let Some(subtype) = subtype {
            book.add(
                "SUPPDM",
                &[
                    ("QNAM", text(crate::sdtm::SUBTYPE_QNAM)),
                    ("QVAL", text(subtype)),
                ],
            );
        }
        let written = book.adam(Some(paper()));
        assert_eq!(written.adsl("CLESUBTY"), subtype.map_or(BLANK, text));
        assert_eq!(written.adsl("SUBTYPGR"), group, "{subtype:?}");
    }
}

/// CLASI50 and CLASI70 per post-baseline visit with a CLASI-A, for a baseline at the minimum
/// (10) or above; below it, or at a visit without CLASI-A, no record (not N).
#[test]
fn responders_are_flagged_per_visit_within_their_population() {
    use instruments::clasi::ClasiResponse;
    let responders = Some(adrs::Responders {
        clasi_50: ClasiResponse::CLASI_50,
        clasi_70: ClasiResponse::CLASI_70,
    });
    let check = |baseline: f64, expect50: &[Cell], expect70: &[Cell]| {
        let mut book = Book::dosed(Some(90));
        book.clasi(0, Cell::Num(baseline))
            .clasi(28, Cell::Num(5.0))
            .clasi(56, Cell::Missing(Missing::NotDone))
            .clasi(84, Cell::Num(3.0));
        let written = book.adam_with(Some(paper()), responders);
        assert_eq!(
            written.cells("ADRS", "CLASI50", "AVALC"),
            expect50,
            "{baseline}"
        );
        assert_eq!(
            written.cells("ADRS", "CLASI70", "AVALC"),
            expect70,
            "{baseline}"
        );
        // The percent change is PCHG on the CLASIA records (ADaMIG v1.3 section 3.3).
        if baseline == 10.0 {
            let pchg = written.cells("ADRS", "CLASIA", "PCHG");
            assert_eq!(pchg[1], Cell::Num(-50.0));
            assert_eq!(pchg[3], Cell::Num(-70.0));
        }
    };
    let (y, n) = (Cell::text("Y"), Cell::text("N"));
    check(10.0, &[y.clone(), y.clone()], &[n.clone(), y.clone()]);
    check(11.0, &[y.clone(), y.clone()], &[n.clone(), y.clone()]);
    check(9.0, &[], &[]);
    // Without [outcomes], no responder record at all.
    let mut book = Book::dosed(Some(90));
    book.clasi(0, Cell::Num(10.0)).clasi(28, Cell::Num(5.0));
    assert_eq!(
        book.adam(Some(paper())).cells("ADRS", "CLASI50", "AVALC"),
        []
    );
}
