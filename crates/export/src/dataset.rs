//! A rectangular dataset as the SAS transport format can hold it: named, labelled variables that
//! are numbers or fixed-length text, and cells that are a value or one of four kinds of missing.
//! The SDTM domains are built as these, then written as XPT or CSV.

use crate::ExportError;

/// Why a cell holds no value. The four stay distinct in every format (see each writer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Missing {
    /// Nothing was recorded.
    Blank,
    /// The assessment or test was not done.
    NotDone,
    /// The item does not apply to this subject or visit.
    NotApplicable,
    /// Asked, and the answer is not known.
    Unknown,
}

impl Missing {
    pub const ALL: [Missing; 4] = [
        Missing::Blank,
        Missing::NotDone,
        Missing::NotApplicable,
        Missing::Unknown,
    ];

    /// The code written into tidy CSV cells: never a number, so it cannot be read as 0, and none
    /// of the texts pandas (`read_csv` `na_values`) or R (`read.csv` `na.strings`) turn into a
    /// missing value by default ("NA", "N/A", "NULL" ...), so the code survives loading.
    pub fn csv_code(self) -> &'static str {
        match self {
            Missing::Blank => "",
            Missing::NotDone => "NOT DONE",
            Missing::NotApplicable => "NOT APPLICABLE",
            Missing::Unknown => "UNKNOWN",
        }
    }

    /// The SAS missing value of a numeric XPT cell: `.` for blank, special missing values `.D`,
    /// `.N` and `.U` for the other three (SAS Language Concepts, "Creating Special Missing
    /// Values").
    pub fn sas_letter(self) -> u8 {
        match self {
            Missing::Blank => b'.',
            Missing::NotDone => b'D',
            Missing::NotApplicable => b'N',
            Missing::Unknown => b'U',
        }
    }

    /// The SDTM result text (`--ORRES`/`--STRESC`), or `None` where SDTM leaves the result blank
    /// and says why in `--STAT` (SDTMIG 3.4, section 4.5.1.2: `--STAT = "NOT DONE"`).
    pub fn sdtm_result(self) -> Option<&'static str> {
        match self {
            Missing::Blank | Missing::NotDone => None,
            Missing::NotApplicable => Some("NOT APPLICABLE"),
            Missing::Unknown => Some("UNKNOWN"),
        }
    }

    /// A sentence for data dictionaries.
    pub fn meaning(self) -> &'static str {
        match self {
            Missing::Blank => "blank: nothing recorded",
            Missing::NotDone => "not done",
            Missing::NotApplicable => "not applicable",
            Missing::Unknown => "unknown",
        }
    }
}

/// The type of a variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarType {
    /// An 8-byte floating point number (IBM format in XPT).
    Num,
    /// Text of at most this many bytes (1 to 200 in XPT version 5).
    Char(u16),
}

/// Where a variable's values come from: the `Type` of Define-XML 2.1's `def:Origin` (section
/// 5.3.11), with the method of a derived variable, so the metadata traces every value to its
/// source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Entered on a case report form.
    Collected,
    /// Computed from other values; the text says how and from which variables (a `MethodDef`).
    Derived(String),
    /// Set by the sponsor, the same for every record of its kind (STUDYID, DOMAIN, RSCAT).
    Assigned,
    /// Copied unchanged from the variable named (`DM.AGE` for ADSL's AGE).
    Predecessor(String),
    /// Given by the protocol (a planned visit's name).
    Protocol,
}

impl Origin {
    /// The Define-XML 2.1 origin type (section 5.3.11) and the method of a derived variable or
    /// the variable a predecessor copies ("" for the others), for metadata tables.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            Origin::Collected => ("Collected", ""),
            Origin::Derived(method) => ("Derived", method),
            Origin::Assigned => ("Assigned", ""),
            Origin::Predecessor(source) => ("Predecessor", source),
            Origin::Protocol => ("Protocol", ""),
        }
    }
}

/// How a number is shown, where it is more than a quantity: the SAS format every writer states
/// (the XPT NAMESTR's format, Define-XML's `def:DisplayFormat`, Dataset-JSON's `displayFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisplayFormat {
    /// A SAS date, days since 1960-01-01, shown as `04MAR2012`: the ADaM numeric dates (`*DT`,
    /// ADaMIG v1.3 section 3.1.6, "Date and time variables": numeric, with a date format).
    Date9,
}

impl DisplayFormat {
    /// The SAS format name and width (`DATE`, 9), as a transport file's NAMESTR holds them.
    pub fn sas(self) -> (&'static str, u16) {
        match self {
            DisplayFormat::Date9 => ("DATE", 9),
        }
    }

    /// The format as SAS writes it (`DATE9.`).
    pub fn text(self) -> &'static str {
        match self {
            DisplayFormat::Date9 => "DATE9.",
        }
    }
}

/// One column: at most 8 characters of name, 40 of label (SAS XPORT version 5 limits), where
/// its values come from, and for a number its display format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub label: String,
    pub ty: VarType,
    pub origin: Origin,
    pub display_format: Option<DisplayFormat>,
}

impl Variable {
    /// A number entered on a form (`derived`, `assigned`, ... say otherwise).
    pub fn num(name: &str, label: &str) -> Variable {
        Variable {
            name: name.to_owned(),
            label: label.to_owned(),
            ty: VarType::Num,
            origin: Origin::Collected,
            display_format: None,
        }
    }

    /// A SAS date (days since 1960-01-01) shown as DATE9.: an ADaM numeric date (ADaMIG v1.3
    /// section 3.1.6).
    pub fn date(name: &str, label: &str) -> Variable {
        Variable {
            display_format: Some(DisplayFormat::Date9),
            ..Variable::num(name, label)
        }
    }

    /// Whether the variable is a SAS date.
    pub fn is_date(&self) -> bool {
        self.display_format == Some(DisplayFormat::Date9)
    }

    /// Text entered on a form (`derived`, `assigned`, ... say otherwise).
    pub fn text(name: &str, label: &str, length: u16) -> Variable {
        Variable {
            name: name.to_owned(),
            label: label.to_owned(),
            ty: VarType::Char(length),
            origin: Origin::Collected,
            display_format: None,
        }
    }

    /// The same variable, computed as `method` says.
    pub fn derived(self, method: impl Into<String>) -> Variable {
        self.with_origin(Origin::Derived(method.into()))
    }

    /// The same variable, copied from `source` (`DM.AGE`).
    pub fn predecessor(self, source: impl Into<String>) -> Variable {
        self.with_origin(Origin::Predecessor(source.into()))
    }

    /// The same variable, set by the sponsor.
    pub fn assigned(self) -> Variable {
        self.with_origin(Origin::Assigned)
    }

    /// The same variable, given by the protocol.
    pub fn protocol(self) -> Variable {
        self.with_origin(Origin::Protocol)
    }

    fn with_origin(self, origin: Origin) -> Variable {
        Variable { origin, ..self }
    }

    /// Bytes the variable takes in one XPT observation.
    pub fn width(&self) -> usize {
        match self.ty {
            VarType::Num => 8,
            VarType::Char(length) => usize::from(length),
        }
    }
}

/// One cell of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Num(f64),
    Text(String),
    Missing(Missing),
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// Text, or blank when there is none.
    pub fn opt_text(text: Option<impl Into<String>>) -> Cell {
        text.map_or(Cell::Missing(Missing::Blank), Cell::text)
    }

    pub fn opt_num(number: Option<f64>) -> Cell {
        number.map_or(Cell::Missing(Missing::Blank), Cell::Num)
    }
}

/// A named, labelled list of variables (the rows are streamed to a writer), with the variables
/// that identify a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    pub name: String,
    pub label: String,
    pub variables: Vec<Variable>,
    /// The key variables, in sort order: the one statement of a dataset's keys, which
    /// Define-XML (`ItemRef/@KeySequence`) and Dataset-JSON (`keySequence`) both write. Empty
    /// until [`Dataset::keyed`] sets them.
    pub keys: Vec<String>,
}

const MAX_NAME: usize = 8;
const MAX_LABEL: usize = 40;
const MAX_TEXT: u16 = 200;

impl Dataset {
    /// Checks the XPORT version 5 limits: names of 1 to 8 letters, digits or underscores not
    /// starting with a digit, unique; labels of at most 40 ASCII characters; text lengths 1-200.
    pub fn new(name: &str, label: &str, variables: Vec<Variable>) -> Result<Dataset, ExportError> {
        check_name(name, "dataset name")?;
        check_label(label, &format!("label of dataset {name}"))?;
        if variables.is_empty() || variables.len() > 9999 {
            return Err(ExportError::invalid(
                format!("dataset {name}"),
                "must have 1 to 9999 variables",
            ));
        }
        for (i, variable) in variables.iter().enumerate() {
            let what = format!("variable {} of {name}", variable.name);
            check_name(&variable.name, &what)?;
            check_label(&variable.label, &format!("label of {what}"))?;
            if let VarType::Char(length) = variable.ty
                && !(1..=MAX_TEXT).contains(&length)
            {
                return Err(ExportError::invalid(
                    what,
                    format!("text length {length} is not between 1 and {MAX_TEXT}"),
                ));
            }
            if variable.display_format.is_some() && variable.ty != VarType::Num {
                return Err(ExportError::invalid(
                    what,
                    "has a numeric display format but holds text",
                ));
            }
            if variables[..i]
                .iter()
                .any(|other| other.name == variable.name)
            {
                return Err(ExportError::invalid(what, "appears twice"));
            }
        }
        Ok(Dataset {
            name: name.to_owned(),
            label: label.to_owned(),
            variables,
            keys: Vec::new(),
        })
    }

    /// The same dataset with `keys` as its key variables, in sort order; each must be a
    /// variable of the dataset, once.
    pub fn keyed(self, keys: &[&str]) -> Result<Dataset, ExportError> {
        for (i, key) in keys.iter().enumerate() {
            if self.position(key).is_none() {
                return Err(ExportError::invalid(
                    format!("key {key} of {}", self.name),
                    "is no variable of the dataset",
                ));
            }
            if keys[..i].contains(key) {
                return Err(ExportError::invalid(
                    format!("key {key} of {}", self.name),
                    "appears twice",
                ));
            }
        }
        Ok(Dataset {
            keys: keys.iter().map(|key| (*key).to_owned()).collect(),
            ..self
        })
    }

    /// The position (from 1) of a variable among the keys, if it is one.
    pub fn key_sequence(&self, name: &str) -> Option<usize> {
        self.keys.iter().position(|key| key == name).map(|i| i + 1)
    }

    /// Bytes of one XPT observation.
    pub fn row_width(&self) -> usize {
        self.variables.iter().map(Variable::width).sum()
    }

    /// The dataset's OID (`IG.DM`): Define-XML's `ItemGroupDef` and Dataset-JSON's
    /// `itemGroupOID` name it alike, so a reader joins the data to its metadata.
    pub fn oid(&self) -> String {
        format!("IG.{}", self.name)
    }

    /// A variable's OID (`IT.DM.AGE`), as `oid`.
    pub fn item_oid(&self, variable: &Variable) -> String {
        format!("IT.{}.{}", self.name, variable.name)
    }

    /// Refuses row `number` (from 1) unless it has one cell per variable: every writer's first
    /// check of a row.
    pub fn check_row(&self, number: u64, cells: &[Cell]) -> Result<(), ExportError> {
        if cells.len() == self.variables.len() {
            return Ok(());
        }
        Err(ExportError::invalid(
            format!("{} row {number}", self.name),
            format!(
                "has {} cells for {} variables",
                cells.len(),
                self.variables.len()
            ),
        ))
    }

    /// The index of a variable by name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.variables
            .iter()
            .position(|variable| variable.name == name)
    }
}

fn check_name(name: &str, what: &str) -> Result<(), ExportError> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if name.len() > MAX_NAME || !first_ok || !rest_ok {
        return Err(ExportError::invalid(
            what,
            format!(
                "'{name}' is not 1 to {MAX_NAME} upper-case letters, digits or underscores starting with a letter or underscore"
            ),
        ));
    }
    Ok(())
}

fn check_label(label: &str, what: &str) -> Result<(), ExportError> {
    if label.len() > MAX_LABEL || !label.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        return Err(ExportError::invalid(
            what,
            format!("'{label}' is not at most {MAX_LABEL} printable ASCII characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(variables: Vec<Variable>, expect: Result<(), &str>) {
        let result = Dataset::new("DM", "Demographics", variables).map(|_| ());
        match (result, expect) {
            (Ok(()), Ok(())) => {}
            (Err(error), Err(needle)) => assert!(
                error.to_string().contains(needle),
                "{error} lacks {needle:?}"
            ),
            (result, expect) => panic!("got {result:?}, expected {expect:?}"),
        }
    }

    #[test]
    fn xport_v5_limits_on_both_sides() {
        let long_label = "L".repeat(40);
        check(vec![Variable::num("AGE", "Age")], Ok(()));
        check(vec![Variable::num("ABCDEFGH", &long_label)], Ok(()));
        check(vec![Variable::num("_X1", "")], Ok(()));
        check(vec![Variable::num("ABCDEFGHI", "")], Err("ABCDEFGHI"));
        check(vec![Variable::num("age", "")], Err("'age'"));
        check(vec![Variable::num("1AGE", "")], Err("'1AGE'"));
        check(vec![Variable::num("", "")], Err("''"));
        check(
            vec![Variable::num("AGE", &format!("{long_label}X"))],
            Err("label of variable AGE"),
        );
        check(vec![Variable::num("AGE", "Âge")], Err("printable ASCII"));
        check(vec![Variable::text("SEX", "Sex", 200)], Ok(()));
        check(vec![Variable::text("SEX", "Sex", 1)], Ok(()));
        check(vec![Variable::text("SEX", "Sex", 201)], Err("201"));
        check(vec![Variable::text("SEX", "Sex", 0)], Err("length 0"));
        check(
            vec![Variable::num("AGE", ""), Variable::num("AGE", "")],
            Err("twice"),
        );
        check(vec![], Err("1 to 9999"));
    }

    #[test]
    fn keys_are_variables_of_the_dataset_once_each() {
        #[track_caller]
        fn check(keys: &[&str], expect: Result<&[usize], &str>) {
            let dataset = Dataset::new(
                "ADSL",
                "Subject-Level",
                vec![
                    Variable::text("STUDYID", "Study", 8),
                    Variable::text("USUBJID", "Subject", 8),
                    Variable::date("TRTSDT", "First dose"),
                ],
            )
            .expect("dataset");
            match (dataset.keyed(keys), expect) {
                (Ok(keyed), Ok(sequences)) => {
                    assert_eq!(keyed.keys, keys);
                    let found: Vec<usize> =
                        keys.iter().filter_map(|k| keyed.key_sequence(k)).collect();
                    assert_eq!(found, sequences);
                    assert_eq!(keyed.key_sequence("TRTSDT"), None);
                }
                (Err(error), Err(needle)) => assert!(
                    error.to_string().contains(needle),
                    "{error} lacks {needle:?}"
                ),
                (found, expect) => panic!("got {found:?}, expected {expect:?}"),
            }
        }
        check(&["STUDYID", "USUBJID"], Ok(&[1, 2]));
        check(&["USUBJID"], Ok(&[1]));
        check(&[], Ok(&[]));
        check(
            &["STUDYID", "SUBJID"],
            Err("key SUBJID of ADSL: is no variable"),
        );
        check(
            &["USUBJID", "USUBJID"],
            Err("key USUBJID of ADSL: appears twice"),
        );
    }

    #[test]
    fn only_a_number_has_a_display_format() {
        let date = Variable::date("TRTSDT", "First dose");
        assert!(date.is_date() && date.ty == VarType::Num);
        assert_eq!(date.display_format.map(DisplayFormat::text), Some("DATE9."));
        assert_eq!(DisplayFormat::Date9.sas(), ("DATE", 9));
        assert!(!Variable::num("TRTSDT", "First dose").is_date());
        let text = Variable {
            display_format: Some(DisplayFormat::Date9),
            ..Variable::text("RFSTDTC", "Start", 10)
        };
        let error = Dataset::new("DM", "Demographics", vec![text]).expect_err("refused");
        assert!(error.to_string().contains("holds text"), "{error}");
        assert!(Dataset::new("ADSL", "Subject-Level", vec![date]).is_ok());
    }

    #[test]
    fn a_row_has_one_cell_per_variable() {
        let dataset = Dataset::new(
            "LB",
            "Laboratory",
            vec![
                Variable::text("LBTESTCD", "Test", 8),
                Variable::num("LBSTRESN", "Result"),
            ],
        )
        .expect("dataset");
        let cells = [
            Cell::text("NEUT"),
            Cell::Num(1.5),
            Cell::Missing(Missing::Blank),
        ];
        for (count, expect) in [
            (1, Err("LB row 7: has 1 cells for 2 variables")),
            (2, Ok(())),
            (3, Err("LB row 7: has 3 cells for 2 variables")),
        ] {
            let found = dataset
                .check_row(7, &cells[..count])
                .map_err(|error| error.to_string());
            assert_eq!(found, expect.map_err(str::to_owned), "{count} cells");
        }
    }

    #[test]
    fn missing_codes_are_distinct_and_never_numbers() {
        let codes: std::collections::BTreeSet<_> =
            Missing::ALL.iter().map(|m| m.csv_code()).collect();
        assert_eq!(codes.len(), 4);
        assert!(codes.iter().all(|code| code.parse::<f64>().is_err()));
        let letters: std::collections::BTreeSet<_> =
            Missing::ALL.iter().map(|m| m.sas_letter()).collect();
        assert_eq!(letters.len(), 4);
    }
}
