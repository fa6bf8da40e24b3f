use std::collections::BTreeMap;

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::*;
use crate::define::ct::CodeList;
use crate::sdtm::{CLASI_AREAS, CLASI_ITEMS, CLASI_OTHER, SLEDAI_TESTS};
use crate::source::{FieldDef, FieldType, FormDef, Forms};

/// One element of the written file: its name, attributes, text, and the `name[OID]` of each
/// ancestor.
#[derive(Debug)]
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
    text: String,
    path: Vec<String>,
}

impl Element {
    fn get(&self, attribute: &str) -> Option<&str> {
        self.attributes.get(attribute).map(String::as_str)
    }

    fn within(&self, ancestor: &str) -> bool {
        self.path.iter().any(|p| p == ancestor)
    }
}

/// The file read back with an XML parser (so the checks see values after unescaping).
fn elements(xml: &str) -> Vec<Element> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut all: Vec<Element> = Vec::new();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (start, empty) = match &event {
            Event::Start(start) => (Some(start.clone()), false),
            Event::Empty(start) => (Some(start.clone()), true),
            _ => (None, false),
        };
        if let Some(start) = start {
            let name = start.name().0.to_owned();
            let attributes: BTreeMap<String, String> = start
                .attributes()
                .map(|a| {
                    let a = a.expect("attribute");
                    (
                        a.key.0.to_owned(),
                        a.normalized_value(XmlVersion::Explicit1_0)
                            .expect("value")
                            .into_owned(),
                    )
                })
                .collect();
            let path = stack.iter().map(|(p, _)| p.clone()).collect();
            let label = match attributes.get("OID").or(attributes.get("ID")) {
                Some(oid) => format!("{name}[{oid}]"),
                None => name.clone(),
            };
            all.push(Element {
                name,
                attributes,
                text: String::new(),
                path,
            });
            if !empty {
                stack.push((label, all.len() - 1));
            }
            continue;
        }
        match event {
            Event::Text(text) => {
                if let Some((_, index)) = stack.last() {
                    all[*index].text.push_str(&text.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                if let Some((_, index)) = stack.last() {
                    let character = match reference.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    };
                    all[*index].text.push_str(character);
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => return all,
            _ => {}
        }
    }
}

fn field(name: &str, ty: FieldType) -> FieldDef {
    FieldDef {
        name: name.to_owned(),
        ty,
        required: false,
        refers_to: None,
        missing: false,
    }
}

/// The CLASI and SLEDAI-2K forms with every item the RS mapping knows (scalp scarring is
/// scored as scarring alopecia, so the scalp has no scarring item), the other fields too.
pub(super) fn assessment_forms() -> Forms {
    let mut clasi = vec![
        field("subject_id", FieldType::Integer),
        field("visit_id", FieldType::Integer),
        field("assessed_on", FieldType::Date),
    ];
    for (area, ..) in CLASI_AREAS {
        for (item, ..) in CLASI_ITEMS {
            if !(area == "scalp" && item == "scarring") {
                clasi.push(field(&format!("{area}_{item}"), FieldType::Integer));
            }
        }
    }
    for (name, ..) in CLASI_OTHER {
        let ty = if name == "dyspigmentation_lasts_12_months" {
            FieldType::Boolean
        } else {
            FieldType::Integer
        };
        clasi.push(field(name, ty));
    }
    let mut sledai = vec![
        field("subject_id", FieldType::Integer),
        field("assessed_on", FieldType::Date),
        field("recall_window", FieldType::Text),
    ];
    for (name, _, _, method) in SLEDAI_TESTS {
        let ty = if method.is_some() {
            FieldType::Integer
        } else {
            FieldType::Boolean
        };
        sledai.push(field(name, ty));
    }
    Forms(vec![
        FormDef {
            name: "clasi".into(),
            fields: clasi,
        },
        FormDef {
            name: "sledai".into(),
            fields: sledai,
        },
    ])
}

fn study() -> StudyInfo {
    StudyInfo {
        code: "LENA".into(),
        title: "Lenalidomide in CLE & <friends>".into(),
        protocol_version: 2,
        users: vec![],
        sites: vec![],
        signature_meanings: vec![],
    }
}

fn sdtm_standard() -> Standard {
    let domains = crate::sdtm::Sdtm::new("T", &assessment_forms()).expect("sdtm");
    Standard {
        model: Model::Sdtmig,
        tables: sdtm::tables(&domains, "xpt").expect("tables"),
    }
}

fn written(standards: &[Standard]) -> String {
    let mut out = Vec::new();
    write(
        &mut out,
        &study(),
        standards,
        "2026-12-07T04:00:00Z",
        "0.9.0 (abc1234 2026-12-06)",
    )
    .expect("define.xml");
    String::from_utf8(out).expect("utf-8")
}

/// A small ADaM-like list: a subject-level dataset and a time-to-event BDS, as the ADaM
/// writer will hand them over.
fn adam_standard() -> Standard {
    let adsl = Dataset::new(
        "ADSL",
        "Subject-Level Analysis Dataset",
        vec![
            Variable::text("STUDYID", "Study Identifier", 32).predecessor("DM.STUDYID"),
            Variable::text("USUBJID", "Unique Subject Identifier", 40).predecessor("DM.USUBJID"),
            Variable::num("AGE", "Age").predecessor("DM.AGE"),
            Variable::text("SEX", "Sex", 1).predecessor("DM.SEX"),
            Variable::text("SAFFL", "Safety Population Flag", 1)
                .derived("Y when the subject took a dose, else N"),
        ],
    )
    .expect("ADSL");
    let adtte = Dataset::new(
        "ADTTE",
        "Time to Event & <Flare> Analysis",
        vec![
            Variable::text("STUDYID", "Study Identifier", 32).predecessor("ADSL.STUDYID"),
            Variable::text("USUBJID", "Unique Subject Identifier", 40).predecessor("ADSL.USUBJID"),
            Variable::text("PARAMCD", "Parameter Code", 8).assigned(),
            Variable::num("AVAL", "Analysis Value").derived("Weeks from first dose to the event"),
            Variable::num("CNSR", "Censor").derived("0 for an event, 1 when censored"),
        ],
    )
    .expect("ADTTE");
    let table = |dataset: Dataset, class, subclass, structure: &str, keys: &[&str]| Table {
        file: format!("{}.xpt", dataset.name.to_lowercase()),
        dataset: dataset.keyed(keys).expect("keys"),
        class,
        subclass,
        structure: structure.to_owned(),
        mandatory: vec!["STUDYID".into(), "USUBJID".into()],
        codelists: [("SEX".to_owned(), ct::sex())].into_iter().collect(),
        value_lists: vec![],
        roles: BTreeMap::new(),
    };
    let mut adtte = table(
        adtte,
        Class::BasicDataStructure,
        Some(SubClass::TimeToEvent),
        "One record per subject per parameter",
        &["STUDYID", "USUBJID", "PARAMCD"],
    );
    adtte.codelists = [(
        "PARAMCD".to_owned(),
        CodeList::sponsor(
            "PARAMCD.ADTTE",
            "ADTTE Parameter Code",
            vec![("TTFLARE".into(), Some("Time to first flare".into()))],
        ),
    )]
    .into_iter()
    .collect();
    Standard {
        model: Model::Adamig,
        tables: vec![
            table(
                adsl,
                Class::SubjectLevelAnalysis,
                None,
                "One record per subject",
                &["STUDYID", "USUBJID"],
            ),
            adtte,
        ],
    }
}

fn find<'a>(all: &'a [Element], name: &str, oid: &str) -> &'a Element {
    all.iter()
        .find(|e| e.name == name && (e.get("OID") == Some(oid) || e.get("ID") == Some(oid)))
        .unwrap_or_else(|| panic!("no {name} {oid}"))
}

#[test]
fn the_root_says_define_xml_2_1_for_a_submission() {
    let all = elements(&written(&[sdtm_standard()]));
    let odm = &all[0];
    assert_eq!(odm.name, "ODM");
    for (attribute, value) in [
        ("xmlns:def", "http://www.cdisc.org/ns/def/v2.1"),
        ("def:Context", "Submission"),
        ("FileType", "Snapshot"),
        ("ODMVersion", "1.3.2"),
        ("SourceSystemVersion", "0.9.0 (abc1234 2026-12-06)"),
    ] {
        assert_eq!(odm.get(attribute), Some(value), "{attribute}");
    }
    let mdv = all
        .iter()
        .find(|e| e.name == "MetaDataVersion")
        .expect("MetaDataVersion");
    assert_eq!(mdv.get("def:DefineVersion"), Some(DEFINE_VERSION));
    let standards: Vec<_> = all
        .iter()
        .filter(|e| e.name == "def:Standard")
        .map(|e| (e.get("Name"), e.get("Type"), e.get("Version")))
        .collect();
    assert_eq!(
        standards,
        [
            (Some("SDTMIG"), Some("IG"), Some("3.4")),
            (Some("CDISC/NCI"), Some("CT"), Some(CT_VERSION)),
        ]
    );
}

#[test]
fn origins_of_the_sdtm_variables() {
    let all = elements(&written(&[sdtm_standard()]));
    #[track_caller]
    fn check(all: &[Element], item: &str, expect: &str) {
        let origin = all
            .iter()
            .find(|e| e.name == "def:Origin" && e.within(&format!("ItemDef[{item}]")))
            .unwrap_or_else(|| panic!("{item} has no origin"));
        assert_eq!(origin.get("Type"), Some(expect), "{item}");
    }
    for (item, expect) in [
        ("IT.DM.STUDYID", "Assigned"),
        ("IT.DM.DOMAIN", "Assigned"),
        ("IT.DM.USUBJID", "Derived"),
        ("IT.DM.SEX", "Collected"),
        ("IT.DM.AGE", "Derived"),
        ("IT.DM.BRTHDTC", "Collected"),
        ("IT.AE.AESEQ", "Derived"),
        ("IT.AE.AESTDY", "Derived"),
        ("IT.AE.AETERM", "Collected"),
        ("IT.RS.RSDRVFL", "Derived"),
        ("IT.RS.RSCAT", "Assigned"),
        ("IT.RS.RSORRES", "Collected"),
        ("IT.RS.VISIT", "Protocol"),
        ("IT.EX.EXROUTE", "Protocol"),
        ("IT.IE.IETEST", "Protocol"),
        ("IT.LB.LBTOXGR", "Derived"),
        ("IT.SUPPAE.QVAL", "Derived"),
        // Value level: an item as collected, a total derived.
        ("IT.RS.RSORRES.CLA01E", "Collected"),
        ("IT.RS.RSORRES.CLAACT", "Derived"),
        ("IT.RS.RSORRES.SLTOTAL", "Derived"),
        ("IT.RS.RSSTRESN.CLA01E", "Derived"),
    ] {
        check(&all, item, expect);
    }
    let collected = all
        .iter()
        .find(|e| e.name == "def:Origin" && e.within("ItemDef[IT.DM.SEX]"))
        .expect("origin");
    assert_eq!(collected.get("Source"), Some("Investigator"));
}

#[test]
fn every_derived_variable_has_its_method() {
    let standard = sdtm_standard();
    let all = elements(&written(std::slice::from_ref(&standard)));
    let mut derived = 0;
    for table in &standard.tables {
        let dataset = &table.dataset;
        for variable in &dataset.variables {
            let oid = dataset.item_oid(variable);
            let item_ref = all
                .iter()
                .find(|e| {
                    e.name == "ItemRef"
                        && e.get("ItemOID") == Some(oid.as_str())
                        && e.within(&format!("ItemGroupDef[{}]", dataset.oid()))
                })
                .unwrap_or_else(|| panic!("no ItemRef {oid}"));
            match &variable.origin {
                Origin::Derived(how) => {
                    derived += 1;
                    let method = item_ref.get("MethodOID").expect("MethodOID");
                    let def = find(&all, "MethodDef", method);
                    assert_eq!(def.get("Type"), Some("Computation"));
                    let text = all
                        .iter()
                        .find(|e| {
                            e.name == "TranslatedText" && e.within(&format!("MethodDef[{method}]"))
                        })
                        .expect("description");
                    assert_eq!(&text.text, how, "{oid}");
                }
                _ => assert_eq!(item_ref.get("MethodOID"), None, "{oid}"),
            }
        }
    }
    assert!(derived > 30, "{derived} derived variables");
    let methods = all.iter().filter(|e| e.name == "MethodDef").count();
    // Every derived variable, plus RSSTRESN of every scored test and the three RSORRES totals.
    let scored = crate::sdtm::rs_tests(&assessment_forms())
        .expect("tests")
        .iter()
        .filter(|t| t.result == crate::sdtm::RsResult::Score)
        .count();
    assert_eq!(methods, derived + scored + 3);
}

#[test]
fn codelists_carry_cdisc_terms_with_nci_codes() {
    let all = elements(&written(&[sdtm_standard()]));
    #[track_caller]
    fn check(
        all: &[Element],
        item: &str,
        list: &str,
        nci: Option<&str>,
        terms: &[(&str, Option<&str>)],
    ) {
        let reference = all
            .iter()
            .find(|e| e.name == "CodeListRef" && e.within(&format!("ItemDef[{item}]")))
            .unwrap_or_else(|| panic!("{item} has no codelist"));
        assert_eq!(reference.get("CodeListOID"), Some(list), "{item}");
        let path = format!("CodeList[{list}]");
        let own_alias = all
            .iter()
            .find(|e| e.name == "Alias" && e.path.last() == Some(&path))
            .and_then(|e| e.get("Name"));
        assert_eq!(own_alias, nci, "{list}");
        let standard = find(all, "CodeList", list).get("def:StandardOID");
        assert_eq!(standard.is_some(), nci.is_some(), "{list}");
        for (value, code) in terms {
            let item = all
                .iter()
                .find(|e| {
                    matches!(e.name.as_str(), "EnumeratedItem" | "CodeListItem")
                        && e.get("CodedValue") == Some(value)
                        && e.within(&path)
                })
                .unwrap_or_else(|| panic!("{list} lacks {value}"));
            let alias = all.iter().find(|e| {
                e.name == "Alias"
                    && e.path.last().is_some_and(|p| p.starts_with(&item.name))
                    && e.within(&path)
                    && e.get("Name") == *code
            });
            assert_eq!(alias.is_some(), code.is_some(), "{list} {value}");
        }
    }
    check(
        &all,
        "IT.DM.SEX",
        "CL.SEX",
        Some("C66731"),
        &[
            ("F", Some("C16576")),
            ("M", Some("C20197")),
            ("U", Some("C17998")),
        ],
    );
    check(
        &all,
        "IT.AE.AESER",
        "CL.NY",
        Some("C66742"),
        &[("Y", Some("C49488")), ("N", Some("C49487"))],
    );
    check(
        &all,
        "IT.IE.IEORRES",
        "CL.NY",
        Some("C66742"),
        &[("U", Some("C17998"))],
    );
    check(
        &all,
        "IT.AE.AEOUT",
        "CL.OUT",
        Some("C66768"),
        &[("RECOVERED/RESOLVED", Some("C49498"))],
    );
    check(
        &all,
        "IT.AE.AEACN",
        "CL.ACN",
        Some("C66767"),
        &[("DOSE NOT CHANGED", Some("C49504"))],
    );
    check(
        &all,
        "IT.EX.EXDOSFRQ",
        "CL.FREQ",
        Some("C71113"),
        &[("3 TIMES PER WEEK", Some("C64528"))],
    );
    check(
        &all,
        "IT.CM.CMROUTE",
        "CL.ROUTE",
        Some("C66729"),
        &[("ORAL", Some("C38288"))],
    );
    check(
        &all,
        "IT.DM.AGEU",
        "CL.AGEU",
        Some("C66781"),
        &[("YEARS", Some("C29848"))],
    );
    check(
        &all,
        "IT.DS.DSCAT",
        "CL.DSCAT",
        Some("C74558"),
        &[("OTHER EVENT", Some("C150824"))],
    );
    check(
        &all,
        "IT.LB.LBSTAT",
        "CL.ND",
        Some("C66789"),
        &[("NOT DONE", Some("C49484"))],
    );
    check(
        &all,
        "IT.SUPPAE.RDOMAIN",
        "CL.DOMAIN",
        Some("C66734"),
        &[("AE", Some("C49562"))],
    );
    // Sponsor-defined: no NCI codes, decodes where the code alone does not say.
    check(
        &all,
        "IT.RS.RSCAT",
        "CL.RSCAT",
        None,
        &[("CLASI", None), ("SLEDAI-2K", None)],
    );
    check(
        &all,
        "IT.RS.RSTESTCD",
        "CL.RSTESTCD",
        None,
        &[("CLA01E", None), ("SLTOTAL", None)],
    );
    check(
        &all,
        "IT.AE.AEREL",
        "CL.AEREL",
        None,
        &[("POSSIBLY RELATED", None)],
    );
    let decode = all
        .iter()
        .find(|e| {
            e.name == "TranslatedText"
                && e.within("CodeList[CL.RSTESTCD]")
                && e.text == "CLASI-Scalp Erythema"
        })
        .is_some();
    assert!(decode, "RSTESTCD decodes to RSTEST");
    // A variable without CDISC terminology or a closed set of values has no codelist.
    for item in ["IT.AE.AETERM", "IT.RS.RSORRES", "IT.DS.DSDECOD"] {
        assert!(
            !all.iter()
                .any(|e| e.name == "CodeListRef" && e.within(&format!("ItemDef[{item}]"))),
            "{item}"
        );
    }
}

/// LB's tests of each shipped protocol in LBTESTCD (decoded as LBTEST) and LBTEST: CDISC's
/// tests with their NCI codes, the sponsor's as extensions (`def:ExtendedValue`), both lists
/// CDISC's (C65047, C67154) and referenced from LB's ItemDefs.
#[test]
fn lab_tests_are_cdisc_terms_or_the_sponsors_extensions() {
    /// (LBTESTCD, LBTEST, NCI code) of each lab, in the protocol's order.
    type Expect = &'static [(&'static str, &'static str, Option<&'static str>)];
    const CTCAE: Expect = &[
        ("NEUT", "Neutrophils", Some("C63321")),
        ("WBC", "Leukocytes", Some("C51948")),
        ("PLAT", "Platelets", Some("C51951")),
        ("LYM", "Lymphocytes", Some("C51949")),
        ("HGB", "Hemoglobin", Some("C64848")),
    ];
    let [trial, cohort, review] = super::published::shipped_protocols();
    let trial_labs: Vec<_> = CTCAE
        .iter()
        .copied()
        .chain([
            ("ANTIDSDN", "Anti-dsDNA antibodies", None),
            ("C3", "Complement C3", Some("C80174")),
            ("C4", "Complement C4", Some("C80177")),
        ])
        .collect();
    #[derive(Debug, PartialEq)]
    struct Term {
        value: String,
        decode: Option<String>,
        nci: Option<String>,
        extended: Option<String>,
    }
    #[track_caller]
    fn check(protocol: &protocol::Protocol, expect: &[(&str, &str, Option<&str>)]) {
        let sdtm = crate::sdtm::Sdtm::new("T", &assessment_forms())
            .expect("sdtm")
            .with_labs(protocol.labs())
            .expect("labs");
        let standard = Standard {
            model: Model::Sdtmig,
            tables: sdtm::tables(&sdtm, "xpt").expect("tables"),
        };
        let all = elements(&written(&[standard]));
        for (item, list, nci) in [
            ("IT.LB.LBTESTCD", "CL.LBTESTCD", "C65047"),
            ("IT.LB.LBTEST", "CL.LBTEST", "C67154"),
        ] {
            let reference = all
                .iter()
                .find(|e| e.name == "CodeListRef" && e.within(&format!("ItemDef[{item}]")))
                .unwrap_or_else(|| panic!("{item} has no codelist"));
            assert_eq!(reference.get("CodeListOID"), Some(list));
            let path = format!("CodeList[{list}]");
            // Each item with its decode and NCI code, read in document order: an item's
            // Decode and Alias follow it.
            let mut terms: Vec<Term> = Vec::new();
            for e in all.iter().filter(|e| e.within(&path)) {
                let in_item = e
                    .path
                    .iter()
                    .any(|p| matches!(p.as_str(), "EnumeratedItem" | "CodeListItem"));
                match (e.name.as_str(), terms.last_mut()) {
                    ("EnumeratedItem" | "CodeListItem", _) => terms.push(Term {
                        value: e.get("CodedValue").expect("coded").to_owned(),
                        decode: None,
                        nci: None,
                        extended: e.get("def:ExtendedValue").map(str::to_owned),
                    }),
                    ("TranslatedText", Some(term)) if in_item => term.decode = Some(e.text.clone()),
                    ("Alias", Some(term)) if in_item => term.nci = e.get("Name").map(str::to_owned),
                    _ => {}
                }
            }
            let want: Vec<Term> = expect
                .iter()
                .map(|(code, name, nci)| Term {
                    value: (if list == "CL.LBTESTCD" { *code } else { *name }).to_owned(),
                    // LBTESTCD decodes to LBTEST.
                    decode: (list == "CL.LBTESTCD").then(|| (*name).to_owned()),
                    nci: nci.map(str::to_owned),
                    extended: nci.is_none().then(|| "Yes".to_owned()),
                })
                .collect();
            assert_eq!(terms, want, "{list}");
            let own = all
                .iter()
                .find(|e| e.name == "Alias" && e.path.last() == Some(&path))
                .and_then(|e| e.get("Name"));
            assert_eq!(own, Some(nci), "{list}");
        }
    }
    check(&trial, &trial_labs);
    check(&cohort, CTCAE);
    check(
        &review,
        &[("ESR", "Erythrocyte Sedimentation Rate", Some("C74611"))],
    );
}

/// QS's QSTESTCD in define.xml: a study collecting DLQI alone references CDISC's DLQI1TC
/// (C119070), each test with its NCI code; a study collecting other instruments too references
/// the sponsor's list (no code of its own), in which the DLQI tests keep theirs.
#[test]
fn qs_test_codes_reference_cdiscs_dlqi_list_or_the_sponsors() {
    #[track_caller]
    fn check(outcomes: &str, list: &str, own: Option<&str>, coded: usize, terms: usize) {
        let text = format!(
            "{}\n{outcomes}",
            include_str!("../../../../protocols/nct01408199.toml")
        );
        let protocol = protocol::Protocol::from_toml(&text).expect("the study loads");
        let sdtm = crate::sdtm::Sdtm::new("T", &assessment_forms())
            .expect("sdtm")
            .with_outcomes(protocol.outcomes());
        let standard = Standard {
            model: Model::Sdtmig,
            tables: sdtm::tables(&sdtm, "xpt").expect("tables"),
        };
        let all = elements(&written(&[standard]));
        let reference = all
            .iter()
            .find(|e| e.name == "CodeListRef" && e.within("ItemDef[IT.QS.QSTESTCD]"))
            .expect("QSTESTCD has a codelist");
        assert_eq!(reference.get("CodeListOID"), Some(list));
        let path = format!("CodeList[{list}]");
        let alias = all
            .iter()
            .find(|e| e.name == "Alias" && e.path.last() == Some(&path))
            .and_then(|e| e.get("Name"));
        assert_eq!(alias, own, "{list}");
        let items = all
            .iter()
            .filter(|e| e.within(&path) && e.name == "CodeListItem")
            .count();
        let aliases = all
            .iter()
            .filter(|e| e.within(&path) && e.name == "Alias" && e.path.last() != Some(&path))
            .count();
        assert_eq!((items, aliases), (terms, coded), "{list}");
    }
    // 11 questions (7 and its follow-up), the score and six sub-scores.
    check("[outcomes.dlqi]", "CL.DLQI1TC", Some("C119070"), 18, 18);
    // The example's instruments: 18 DLQI, 33 + 4 Skindex-29+3, 2 NRS, 3 CLA-IGA-R, 1 PGA-skin.
    check(
        include_str!("../../../../examples/protocol/outcomes.toml"),
        "CL.QSTESTCD",
        None,
        18,
        18 + 37 + 2 + 3 + 1,
    );
}

/// The store writes each SDTM term through the sdtm module's mappings: every term they can
/// produce is in the codelist the define file gives the variable.
#[test]
fn every_mapped_store_code_is_a_term_of_its_codelist() {
    let check = |list: CodeList, produced: Vec<String>| {
        for value in produced {
            assert!(
                list.values().any(|v| v == value),
                "{} lacks {value}",
                list.oid
            );
        }
    };
    let action = [
        "dose_not_changed",
        "dose_reduced",
        "dose_increased",
        "drug_interrupted",
        "drug_withdrawn",
        "not_applicable",
        "unknown",
    ];
    check(
        ct::action_taken(),
        action
            .iter()
            .map(|c| crate::sdtm::upper_words(Some(c)))
            .collect(),
    );
    let outcome = [
        "recovered",
        "recovering",
        "not_recovered",
        "recovered_with_sequelae",
        "fatal",
        "unknown",
    ];
    check(
        ct::outcome(),
        outcome
            .iter()
            .map(|c| crate::sdtm::outcome(Some(c)))
            .collect(),
    );
    let status = [
        "completed",
        "screen_failure",
        "adverse_event",
        "lack_of_efficacy",
        "withdrawal_by_subject",
        "physician_decision",
        "protocol_deviation",
        "pregnancy",
        "lost_to_follow_up",
        "death",
        "other",
    ];
    check(
        ct::completion(),
        status
            .iter()
            .map(|c| crate::sdtm::disposition_term(Some(c)))
            .collect(),
    );
    let events = [
        "pregnancy",
        "consent_withdrawn",
        "physician_decision",
        "life_threatening",
        "concomitant_change",
    ];
    let ds = sdtm_standard()
        .tables
        .into_iter()
        .find(|t| t.dataset.name == "DS")
        .expect("DS");
    let other = ds.value_lists[0].values[2].codelist.clone().expect("list");
    check(
        other,
        events
            .iter()
            .map(|c| crate::sdtm::upper_words(Some(c)))
            .collect(),
    );
    let causality = ["unrelated", "unlikely", "possible", "probable", "definite"];
    let standard = sdtm_standard();
    let ae = standard
        .tables
        .iter()
        .find(|t| t.dataset.name == "AE")
        .expect("AE");
    check(
        ae.codelists["AEREL"].clone(),
        causality
            .iter()
            .map(|c| crate::sdtm::causality(Some(c)))
            .collect(),
    );
}

#[test]
fn value_level_metadata_for_every_clasi_and_sledai_test() {
    let forms = assessment_forms();
    let tests = crate::sdtm::rs_tests(&forms).expect("tests");
    // 13 areas x 4 items, less scalp scarring; 7 other CLASI fields; 25 SLEDAI-2K fields.
    assert_eq!(tests.len(), 13 * 4 - 1 + 7 + 25);
    let all = elements(&written(&[sdtm_standard()]));
    let parent = all
        .iter()
        .find(|e| e.name == "def:ValueListRef" && e.within("ItemDef[IT.RS.RSORRES]"))
        .expect("RSORRES has value-level metadata");
    assert_eq!(parent.get("ValueListOID"), Some("VL.RS.RSORRES"));
    for test in &tests {
        let clause = format!("WC.RS.RSTESTCD.{}", test.code);
        let range = all
            .iter()
            .find(|e| e.name == "RangeCheck" && e.within(&format!("def:WhereClauseDef[{clause}]")))
            .unwrap_or_else(|| panic!("no where clause {clause}"));
        assert_eq!(range.get("def:ItemOID"), Some("IT.RS.RSTESTCD"));
        assert_eq!(range.get("Comparator"), Some("EQ"));
        let value = all
            .iter()
            .find(|e| e.name == "CheckValue" && e.within(&format!("def:WhereClauseDef[{clause}]")))
            .expect("CheckValue");
        assert_eq!(value.text, test.code);
        for (list, expected) in [
            ("RSORRES", true),
            ("RSSTRESN", test.result == crate::sdtm::RsResult::Score),
        ] {
            let item = format!("IT.RS.{list}.{}", test.code);
            let reference = all.iter().find(|e| {
                e.name == "ItemRef"
                    && e.get("ItemOID") == Some(item.as_str())
                    && e.within(&format!("def:ValueListDef[VL.RS.{list}]"))
            });
            assert_eq!(reference.is_some(), expected, "{item}");
            if expected {
                let where_ref = all.iter().find(|e| {
                    e.name == "def:WhereClauseRef"
                        && e.path.iter().any(|p| p.starts_with("ItemRef"))
                        && e.within(&format!("def:ValueListDef[VL.RS.{list}]"))
                        && e.get("WhereClauseOID") == Some(clause.as_str())
                });
                assert!(where_ref.is_some(), "{item} selects {clause}");
                let def = find(&all, "ItemDef", &item);
                let expect_type = match (list, test.result) {
                    ("RSORRES", crate::sdtm::RsResult::YesNo) => "text",
                    _ => "integer",
                };
                assert_eq!(def.get("DataType"), Some(expect_type), "{item}");
            }
        }
    }
    // A yes/no answer's values are the NY codelist.
    let answer = all
        .iter()
        .find(|e| e.name == "CodeListRef" && e.within("ItemDef[IT.RS.RSORRES.SLRASH]"))
        .expect("codelist");
    assert_eq!(answer.get("CodeListOID"), Some("CL.NY"));
}

#[test]
fn a_result_that_may_hold_a_missing_code_is_text() {
    let mut forms = assessment_forms();
    let clasi = &mut forms.0[0];
    let i = clasi.position("ears_erythema").expect("field");
    clasi.fields[i].missing = true;
    let tests = crate::sdtm::rs_tests(&forms).expect("tests");
    let domains = crate::sdtm::Sdtm::new("T", &forms).expect("sdtm");
    let standard = Standard {
        model: Model::Sdtmig,
        tables: sdtm::tables(&domains, "xpt").expect("tables"),
    };
    assert!(tests.iter().any(|t| t.code == "CLA02E" && t.missing));
    let all = elements(&written(&[standard]));
    assert_eq!(
        find(&all, "ItemDef", "IT.RS.RSORRES.CLA02E").get("DataType"),
        Some("text")
    );
    assert_eq!(
        find(&all, "ItemDef", "IT.RS.RSORRES.CLA01E").get("DataType"),
        Some("integer")
    );
}

#[test]
fn each_dataset_links_its_file_and_names_its_keys() {
    let standard = sdtm_standard();
    let all = elements(&written(std::slice::from_ref(&standard)));
    assert_eq!(standard.tables.len(), crate::sdtm::DOMAINS.len());
    for table in &standard.tables {
        let name = &table.dataset.name;
        let group = find(&all, "ItemGroupDef", &table.dataset.oid());
        let leaf_id = format!("LF.{name}");
        assert_eq!(group.get("def:ArchiveLocationID"), Some(leaf_id.as_str()));
        assert_eq!(group.get("Purpose"), Some("Tabulation"));
        assert_eq!(group.get("def:StandardOID"), Some("STD.SDTMIG.3.4"));
        assert_eq!(group.get("Domain"), Some(name.as_str()));
        let leaf = find(&all, "def:leaf", &leaf_id);
        let file = format!("{}.xpt", name.to_lowercase());
        assert_eq!(leaf.get("xlink:href"), Some(file.as_str()), "{name}");
        assert!(leaf.within(&format!("ItemGroupDef[IG.{name}]")));
        let keyed: Vec<_> = all
            .iter()
            .filter(|e| e.name == "ItemRef" && e.within(&format!("ItemGroupDef[IG.{name}]")))
            .filter_map(|e| {
                Some((
                    e.get("KeySequence")?.to_owned(),
                    e.get("ItemOID")?.to_owned(),
                ))
            })
            .collect();
        let mut keyed = keyed;
        keyed.sort();
        let expect: Vec<_> = table
            .dataset
            .keys
            .iter()
            .enumerate()
            .map(|(i, key)| ((i + 1).to_string(), format!("IT.{name}.{key}")))
            .collect();
        assert_eq!(keyed, expect, "{name}");
    }
    #[track_caller]
    fn check(all: &[Element], dataset: &str, class: &str, repeating: &str) {
        let group = find(all, "ItemGroupDef", &format!("IG.{dataset}"));
        assert_eq!(group.get("Repeating"), Some(repeating), "{dataset}");
        let element = all
            .iter()
            .find(|e| e.name == "def:Class" && e.within(&format!("ItemGroupDef[IG.{dataset}]")))
            .expect("class");
        assert_eq!(element.get("Name"), Some(class), "{dataset}");
    }
    check(&all, "DM", "SPECIAL PURPOSE", "No");
    check(&all, "SV", "SPECIAL PURPOSE", "Yes");
    check(&all, "EX", "INTERVENTIONS", "Yes");
    check(&all, "AE", "EVENTS", "Yes");
    check(&all, "RS", "FINDINGS", "Yes");
    check(&all, "SUPPAE", "RELATIONSHIP", "Yes");
    let mandatory = |item: &str| {
        all.iter()
            .find(|e| e.name == "ItemRef" && e.get("ItemOID") == Some(item))
            .and_then(|e| e.get("Mandatory"))
    };
    assert_eq!(mandatory("IT.DM.USUBJID"), Some("Yes"));
    assert_eq!(mandatory("IT.AE.AEDECOD"), Some("Yes"));
    assert_eq!(mandatory("IT.AE.AESTDTC"), Some("No"));
    let files: Vec<_> = sdtm::tables(
        &crate::sdtm::Sdtm::new("T", &assessment_forms()).expect("sdtm"),
        "csv",
    )
    .expect("tables")
    .into_iter()
    .map(|t| t.file)
    .collect();
    assert_eq!(files[0], "dm.csv");
}

#[test]
fn an_adam_list_is_written_beside_sdtm() {
    let xml = written(&[sdtm_standard(), adam_standard()]);
    let all = elements(&xml);
    let adtte = find(&all, "ItemGroupDef", "IG.ADTTE");
    assert_eq!(adtte.get("Purpose"), Some("Analysis"));
    assert_eq!(adtte.get("def:StandardOID"), Some("STD.ADaMIG.1.3"));
    assert_eq!(adtte.get("Domain"), None);
    let subclass = all
        .iter()
        .find(|e| e.name == "def:SubClass" && e.within("ItemGroupDef[IG.ADTTE]"))
        .expect("sub-class");
    assert_eq!(subclass.get("Name"), Some("TIME-TO-EVENT"));
    assert_eq!(
        find(&all, "ItemGroupDef", "IG.ADSL").get("Repeating"),
        Some("No")
    );
    let adamig = all
        .iter()
        .filter(|e| e.name == "def:Standard" && e.get("Name") == Some("ADaMIG"))
        .count();
    assert_eq!(adamig, 1);
    // A predecessor names its source; the sex codelist is shared with DM, written once.
    let source = all
        .iter()
        .find(|e| {
            e.name == "TranslatedText"
                && e.within("ItemDef[IT.ADSL.AGE]")
                && e.path.iter().any(|p| p == "def:Origin")
        })
        .expect("predecessor");
    assert_eq!(source.text, "DM.AGE");
    assert_eq!(
        all.iter()
            .filter(|e| e.name == "CodeList" && e.get("OID") == Some("CL.SEX"))
            .count(),
        1
    );
    // Integers and floats by what the number is.
    assert_eq!(
        find(&all, "ItemDef", "IT.ADTTE.CNSR").get("DataType"),
        Some("integer")
    );
    assert_eq!(
        find(&all, "ItemDef", "IT.ADTTE.AVAL").get("DataType"),
        Some("float")
    );
    assert_eq!(
        find(&all, "ItemDef", "IT.ADSL.AGE").get("DataType"),
        Some("integer")
    );
    assert_eq!(
        find(&all, "ItemDef", "IT.DM.RFSTDTC").get("DataType"),
        Some("date")
    );
    assert_eq!(find(&all, "ItemDef", "IT.DM.RFSTDTC").get("Length"), None);
    assert_eq!(find(&all, "ItemDef", "IT.DM.SEX").get("Length"), Some("1"));
}

#[test]
fn markup_in_labels_and_titles_is_escaped() {
    let xml = written(&[adam_standard()]);
    assert!(
        xml.contains("Time to Event &amp; &lt;Flare&gt; Analysis"),
        "{xml}"
    );
    assert!(xml.contains("Lenalidomide in CLE &amp; &lt;friends&gt;"));
    let all = elements(&xml);
    let label = all
        .iter()
        .find(|e| e.name == "TranslatedText" && e.within("ItemGroupDef[IG.ADTTE]"))
        .expect("label");
    assert_eq!(label.text, "Time to Event & <Flare> Analysis");
    let mut title = study();
    title.title = "bell\u{7}".into();
    let mut out = Vec::new();
    write(
        &mut out,
        &title,
        &[adam_standard()],
        "2026-12-07T04:00:00Z",
        "v",
    )
    .expect("written");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.contains("bell\u{FFFD}"),
        "a control character is replaced"
    );
}

#[test]
fn metadata_naming_no_variable_or_conflicting_lists_are_refused() {
    #[track_caller]
    fn check(change: impl FnOnce(&mut Standard), needle: &str) {
        let mut standard = adam_standard();
        change(&mut standard);
        let error = write(Vec::new(), &study(), &[standard], "t", "v").expect_err("refused");
        assert!(
            error.to_string().contains(needle),
            "{error} lacks {needle:?}"
        );
    }
    check(
        |s| s.tables[0].dataset.keys.clear(),
        "states no key variables",
    );
    check(
        |s| s.tables[1].mandatory.push("AVALC".into()),
        "names AVALC",
    );
    check(
        |s| {
            s.tables[1].codelists.insert("SEX".into(), ct::no_yes());
        },
        "names SEX",
    );
    check(
        |s| {
            let mut other = ct::sex();
            other.terms.pop();
            s.tables[1]
                .dataset
                .variables
                .push(Variable::text("SEX", "Sex", 1));
            s.tables[1].codelists.insert("SEX".into(), other);
        },
        "has two different definitions",
    );
    check(
        |s| {
            let again = s.tables[0].clone();
            s.tables.push(again);
        },
        "is described twice",
    );
    check(
        |s| {
            s.tables[1].value_lists.push(ValueList {
                variable: "AVAL".into(),
                by: "PARAM".into(),
                values: vec![],
            })
        },
        "names PARAM",
    );
    // The unchanged list is accepted.
    assert!(write(Vec::new(), &study(), &[adam_standard()], "t", "v").is_ok());
}

#[test]
fn numeric_data_types_on_both_sides() {
    #[track_caller]
    fn check(variable: Variable, expect: DataType) {
        assert_eq!(data_type(&variable), expect, "{}", variable.name);
    }
    check(Variable::num("AESEQ", ""), DataType::Integer);
    check(Variable::num("AESTDY", ""), DataType::Integer);
    check(Variable::num("VISITNUM", ""), DataType::Integer);
    check(Variable::num("AGE", ""), DataType::Integer);
    check(Variable::num("AELLTCD", ""), DataType::Integer);
    check(Variable::num("AGEGR", ""), DataType::Float);
    check(Variable::num("LBSTRESN", ""), DataType::Float);
    check(Variable::num("EXDOSE", ""), DataType::Float);
    check(Variable::text("AESTDTC", "", 10), DataType::Date);
    check(Variable::text("AESTDTC", "", 19), DataType::Text(19));
    check(Variable::text("DTCX", "", 10), DataType::Text(10));
    // A SAS date counts days; the same name without the date format is a plain number.
    check(Variable::date("TRTSDT", ""), DataType::Integer);
    check(Variable::num("TRTSDT", ""), DataType::Float);
}

/// ADaM's numeric dates are integers with `def:DisplayFormat="DATE9."`; other numbers carry no
/// display format; every key has its sequence from `Dataset::keys`.
#[test]
fn adam_dates_carry_their_display_format_and_keys_their_sequence() {
    let adam = crate::adam::Adam::new("LENA-CLE", "nct01408199", None, None).expect("ADaM");
    let standard = Standard {
        model: Model::Adamig,
        tables: adam::tables(adam.datasets(), "xpt", false).expect("tables"),
    };
    let all = elements(&written(&[standard]));
    #[track_caller]
    fn check(all: &[Element], oid: &str, data_type: &str, format: Option<&str>) {
        let item = find(all, "ItemDef", oid);
        assert_eq!(item.get("DataType"), Some(data_type), "{oid}");
        assert_eq!(item.get("def:DisplayFormat"), format, "{oid}");
    }
    check(&all, "IT.ADSL.TRTSDT", "integer", Some("DATE9."));
    check(&all, "IT.ADAE.ASTDT", "integer", Some("DATE9."));
    check(&all, "IT.ADSL.TRTDURD", "float", None);
    check(&all, "IT.ADAE.ASTDY", "integer", None);
    check(&all, "IT.ADSL.SEX", "text", None);
    let keys: Vec<(&str, &str)> = all
        .iter()
        .filter(|e| e.name == "ItemRef" && e.within("ItemGroupDef[IG.ADAE]"))
        .filter_map(|e| Some((e.get("KeySequence")?, e.get("ItemOID")?)))
        .collect();
    assert_eq!(
        keys,
        [
            ("1", "IT.ADAE.STUDYID"),
            ("2", "IT.ADAE.USUBJID"),
            ("3", "IT.ADAE.AESEQ")
        ]
    );
    let adsl = find(&all, "ItemGroupDef", "IG.ADSL");
    assert_eq!(adsl.get("Repeating"), Some("No"));
    assert_eq!(adsl.get("Purpose"), Some("Analysis"));
    assert_eq!(
        find(&all, "ItemGroupDef", "IG.ADAE").get("Repeating"),
        Some("Yes")
    );
}

#[test]
fn dsdecod_terms_by_category() {
    let all = elements(&written(&[sdtm_standard()]));
    for (category, list) in [
        ("DISPOSITION_EVENT", "CL.NCOMPLT"),
        ("PROTOCOL_MILESTONE", "CL.PROTMLST"),
        ("OTHER_EVENT", "CL.DSDECOD.OTHER"),
    ] {
        let item = format!("ItemDef[IT.DS.DSDECOD.{category}]");
        let reference = all
            .iter()
            .find(|e| e.name == "CodeListRef" && e.within(&item))
            .unwrap_or_else(|| panic!("{item} has no codelist"));
        assert_eq!(reference.get("CodeListOID"), Some(list));
        let value = all
            .iter()
            .find(|e| {
                e.name == "CheckValue"
                    && e.within(&format!("def:WhereClauseDef[WC.DS.DSCAT.{category}]"))
            })
            .expect("where clause");
        assert_eq!(value.text, category.replace('_', " "));
    }
    // OTHER extends NCOMPLT: no NCI code, flagged as the sponsor's.
    let other = all
        .iter()
        .find(|e| e.get("CodedValue") == Some("OTHER") && e.within("CodeList[CL.NCOMPLT]"))
        .expect("OTHER");
    assert_eq!(other.get("def:ExtendedValue"), Some("Yes"));
    let lost = all
        .iter()
        .find(|e| {
            e.get("CodedValue") == Some("LOST TO FOLLOW-UP") && e.within("CodeList[CL.NCOMPLT]")
        })
        .expect("LOST TO FOLLOW-UP");
    assert_eq!(lost.get("def:ExtendedValue"), None);
}

/// The RS tests come from the forms; a field the mapping does not know, or of a type that is
/// no result, stops the metadata with its name rather than leaving it undescribed.
#[test]
fn rs_tests_refuse_unknown_fields_and_types() {
    #[track_caller]
    fn check(form: &str, extra: FieldDef, expect: Result<usize, &str>) {
        let mut forms = assessment_forms();
        let index = forms.index(form).expect("form");
        forms.0[index].fields.push(extra);
        match (crate::sdtm::rs_tests(&forms), expect) {
            (Ok(tests), Ok(count)) => assert_eq!(tests.len(), count),
            (Err(error), Err(needle)) => {
                assert!(
                    error.to_string().contains(needle),
                    "{error} lacks {needle:?}"
                )
            }
            (result, expect) => panic!("got {result:?}, expected {expect:?}"),
        }
    }
    let all = 13 * 4 - 1 + 7 + 25;
    // Fields that are no test are skipped; a test field adds one test.
    check("sledai", field("visit_id", FieldType::Integer), Ok(all));
    check(
        "clasi",
        field("scalp_scarring", FieldType::Integer),
        Ok(all + 1),
    );
    check(
        "clasi",
        field("elbow_erythema", FieldType::Integer),
        Err("clasi.elbow_erythema: has no SDTM RS test code"),
    );
    check(
        "sledai",
        field("rash", FieldType::Date),
        Err("sledai.rash: a date field is no RS result"),
    );
    check(
        "sledai",
        field("fever", FieldType::Text),
        Err("sledai.fever: a text field is no RS result"),
    );
}

/// Every SDTM variable has its SDTMIG 3.4 role on its ItemRef; ADaM's have none.
#[test]
fn sdtm_variables_carry_their_sdtmig_roles() {
    let standard = sdtm_standard();
    let all = elements(&written(std::slice::from_ref(&standard)));
    #[track_caller]
    fn check(all: &[Element], domain: &str, variable: &str, role: &str) {
        let oid = format!("IT.{domain}.{variable}");
        let item = all
            .iter()
            .find(|e| e.name == "ItemRef" && e.get("ItemOID") == Some(oid.as_str()))
            .unwrap_or_else(|| panic!("no ItemRef of {oid}"));
        assert_eq!(item.get("Role"), Some(role), "{oid}");
    }
    for (domain, variable, role) in [
        ("DM", "USUBJID", "Identifier"),
        ("DM", "SUBJID", "Topic"),
        ("DM", "SEX", "Record Qualifier"),
        ("DM", "AGEU", "Variable Qualifier"),
        ("DM", "ARM", "Synonym Qualifier"),
        ("SV", "VISITNUM", "Topic"),
        ("SV", "VISIT", "Synonym Qualifier"),
        ("LB", "VISITNUM", "Timing"),
        ("AE", "AESEQ", "Identifier"),
        ("AE", "AETERM", "Topic"),
        ("AE", "AEDECOD", "Synonym Qualifier"),
        ("AE", "AELLTCD", "Variable Qualifier"),
        ("AE", "AESER", "Record Qualifier"),
        ("AE", "AESTDTC", "Timing"),
        ("LB", "LBTESTCD", "Topic"),
        ("LB", "LBORRES", "Result Qualifier"),
        ("LB", "LBORRESU", "Variable Qualifier"),
        ("RS", "RSCAT", "Grouping Qualifier"),
        ("EX", "EXTRT", "Topic"),
        ("EX", "EXDOSE", "Record Qualifier"),
        ("CM", "CMENRTPT", "Timing"),
        ("SUPPAE", "QNAM", "Topic"),
        ("SUPPAE", "QVAL", "Result Qualifier"),
        ("SUPPAE", "IDVARVAL", "Identifier"),
    ] {
        check(&all, domain, variable, role);
    }
    let refs = all.iter().filter(|e| {
        e.name == "ItemRef" && e.path.last().is_some_and(|p| p.starts_with("ItemGroupDef"))
    });
    assert!(refs.clone().count() > 100);
    assert!(refs.clone().all(|e| e.get("Role").is_some()));
    // Both sides: a variable no role is known for is refused; ADaM has none.
    assert_eq!(sdtm::role("AE", "AEFOO"), None);
    assert_eq!(sdtm::role("DM", "RACE"), None);
    assert_eq!(sdtm::role("SUPPAE", "AETERM"), None);
    let adam = elements(&written(&[adam_standard()]));
    assert!(
        adam.iter()
            .filter(|e| e.name == "ItemRef")
            .all(|e| e.get("Role").is_none())
    );
}
