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

/// One column: at most 8 characters of name, 40 of label (SAS XPORT version 5 limits), and
/// where its values come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub label: String,
    pub ty: VarType,
    pub origin: Origin,
}

impl Variable {
    /// A number entered on a form (`derived`, `assigned`, ... say otherwise).
    pub fn num(name: &str, label: &str) -> Variable {
        Variable {
            name: name.to_owned(),
            label: label.to_owned(),
            ty: VarType::Num,
            origin: Origin::Collected,
        }
    }

    /// Text entered on a form (`derived`, `assigned`, ... say otherwise).
    pub fn text(name: &str, label: &str, length: u16) -> Variable {
        Variable {
            name: name.to_owned(),
            label: label.to_owned(),
            ty: VarType::Char(length),
            origin: Origin::Collected,
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

/// A named, labelled list of variables (the rows are streamed to a writer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    pub name: String,
    pub label: String,
    pub variables: Vec<Variable>,
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
        })
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
