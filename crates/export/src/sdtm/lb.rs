//! LB's test codes and names: LBTESTCD and LBTEST of each lab the protocol declares
//! (`[[labs]]`, `protocol::model::LabSpec`), from CDISC controlled terminology where CDISC
//! has the test, else the sponsor's.

use protocol::model::LabSpec;

use crate::ExportError;

/// The longest LBTESTCD (SDTMIG 3.4 section 4.5.3.1: a `--TESTCD` is at most 8 characters).
const CODE_LENGTH: usize = 8;

/// The longest LBTEST (SDTMIG 3.4 section 4.5.3.1: a `--TEST` is at most 40 characters).
const NAME_LENGTH: usize = 40;

/// The labs CDISC codes, by the lab id the protocols and the store use: (id, LBTESTCD, LBTEST,
/// NCI code), from codelists LBTESTCD (C65047) and LBTEST (C67154) of CDISC SDTM CT release
/// `define::CT_VERSION`, where one concept has the same NCI code in both lists. The counts are the
/// cells of that name (NEUT: "Neutrophils", the absolute count; LYM likewise).
/// "Anti-dsDNA antibodies" is left to the sponsor: CDISC's only anti-dsDNA test, DDNAIGAB, is the
/// IgG class, which the protocol does not name.
const CDISC_TESTS: [(&str, &str, &str, &str); 8] = [
    ("neutrophils", "NEUT", "Neutrophils", "C63321"),
    ("leukocytes", "WBC", "Leukocytes", "C51948"),
    ("platelets", "PLAT", "Platelets", "C51951"),
    ("lymphocytes", "LYM", "Lymphocytes", "C51949"),
    ("hemoglobin", "HGB", "Hemoglobin", "C64848"),
    ("c3", "C3", "Complement C3", "C80174"),
    ("c4", "C4", "Complement C4", "C80177"),
    ("esr", "ESR", "Erythrocyte Sedimentation Rate", "C74611"),
];

/// A lab test as LB writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LbTest {
    /// The lab's id, as the store keeps a result's test: `neutrophils`.
    pub id: String,
    /// LBTESTCD: `NEUT`.
    pub code: String,
    /// LBTEST: `Neutrophils`.
    pub name: String,
    /// The NCI code of CDISC's term; `None` for the sponsor's test.
    pub nci: Option<&'static str>,
}

impl LbTest {
    /// CDISC's test for the lab when CDISC has one, else the sponsor's: the id's first 8 letters
    /// and digits in upper case as the code, the protocol's name of the lab as the name.
    fn of(lab: &LabSpec) -> Result<LbTest, ExportError> {
        if let Some((_, code, name, nci)) = CDISC_TESTS.iter().find(|(id, ..)| *id == lab.id) {
            return Ok(LbTest {
                id: lab.id.clone(),
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                nci: Some(nci),
            });
        }
        let code: String = lab
            .id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .take(CODE_LENGTH)
            .collect();
        let name = lab.text.trim();
        if code.is_empty() || name.chars().count() > NAME_LENGTH {
            return Err(ExportError::invalid(
                format!("lab test '{}'", lab.id),
                format!(
                    "needs an id with a letter or digit and a name of at most {NAME_LENGTH} \
                     characters for LBTESTCD and LBTEST"
                ),
            ));
        }
        Ok(LbTest {
            id: lab.id.clone(),
            code,
            name: name.to_owned(),
            nci: None,
        })
    }
}

/// The tests of `labs`, in their order; an error when two share a code or a name (LBTESTCD and
/// LBTEST map one to one, SDTMIG 3.4 section 4.5.3.1) or one cannot be named.
pub fn tests(labs: &[LabSpec]) -> Result<Vec<LbTest>, ExportError> {
    let mut tests: Vec<LbTest> = Vec::with_capacity(labs.len());
    for lab in labs {
        let test = LbTest::of(lab)?;
        if let Some(known) = tests
            .iter()
            .find(|known| known.code == test.code || known.name == test.name)
        {
            return Err(ExportError::invalid(
                format!("lab test '{}'", lab.id),
                format!(
                    "its LBTESTCD {} or LBTEST '{}' already names '{}'",
                    test.code, test.name, known.id
                ),
            ));
        }
        tests.push(test);
    }
    Ok(tests)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(id: &str, text: &str) -> LabSpec {
        LabSpec {
            id: id.to_owned(),
            text: text.to_owned(),
            units: vec!["g/L".to_owned()],
        }
    }

    #[test]
    fn a_lab_takes_cdiscs_test_where_cdisc_has_one_else_the_sponsors() {
        #[track_caller]
        fn check(id: &str, text: &str, expect: Result<(&str, &str, Option<&str>), &str>) {
            let got = LbTest::of(&lab(id, text));
            match (got, expect) {
                (Ok(test), Ok((code, name, nci))) => {
                    assert_eq!(
                        (test.code.as_str(), test.name.as_str(), test.nci),
                        (code, name, nci),
                        "{id}"
                    );
                    assert_eq!(test.id, id);
                }
                (Err(error), Err(problem)) => {
                    assert!(error.to_string().contains(problem), "{error}")
                }
                (got, expect) => panic!("{id}: {got:?}, expected {expect:?}"),
            }
        }
        // CDISC's code and name, whatever the protocol calls the lab.
        check(
            "neutrophils",
            "Neutrophils (absolute count)",
            Ok(("NEUT", "Neutrophils", Some("C63321"))),
        );
        check(
            "hemoglobin",
            "Hb",
            Ok(("HGB", "Hemoglobin", Some("C64848"))),
        );
        check(
            "esr",
            "Erythrocyte sedimentation rate (ESR)",
            Ok(("ESR", "Erythrocyte Sedimentation Rate", Some("C74611"))),
        );
        check(
            "c4",
            "Complement C4",
            Ok(("C4", "Complement C4", Some("C80177"))),
        );
        // The sponsor's: at most 8 letters and digits of the id; the protocol's name.
        check(
            "anti_dsdna",
            "Anti-dsDNA antibodies",
            Ok(("ANTIDSDN", "Anti-dsDNA antibodies", None)),
        );
        check(
            "crp",
            " C-reactive protein ",
            Ok(("CRP", "C-reactive protein", None)),
        );
        check("abcdefgh", "Eight", Ok(("ABCDEFGH", "Eight", None)));
        check("abcdefghi", "Nine", Ok(("ABCDEFGH", "Nine", None)));
        // A name of 40 characters is kept, of 41 refused.
        let forty = "x".repeat(40);
        check("long", &forty, Ok(("LONG", &forty, None)));
        check("longer", &"x".repeat(41), Err("at most 40 characters"));
        check(
            "__",
            "Nothing to code",
            Err("needs an id with a letter or digit"),
        );
        // An id CDISC's table does not hold is the sponsor's, even one close to it.
        check(
            "neutrophil",
            "Neutrophils",
            Ok(("NEUTROPH", "Neutrophils", None)),
        );
    }

    #[test]
    fn two_labs_never_share_a_code_or_a_name() {
        let ok = tests(&[lab("neutrophils", "N"), lab("esr", "E"), lab("crp", "CRP")])
            .expect("distinct");
        let codes: Vec<&str> = ok.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes, ["NEUT", "ESR", "CRP"]);
        for (labs, problem) in [
            (
                [lab("antidsdna1", "First"), lab("antidsdna2", "Second")],
                "its LBTESTCD ANTIDSDN or LBTEST 'Second' already names 'antidsdna1'",
            ),
            (
                [lab("neutrophils", "N"), lab("neutro", "Neutrophils")],
                "its LBTESTCD NEUTRO or LBTEST 'Neutrophils' already names 'neutrophils'",
            ),
        ] {
            let error = tests(&labs).expect_err(problem);
            assert!(error.to_string().contains(problem), "{error}");
        }
    }
}
