//! One subject's SDTM rows, read by domain and variable name: the only input of the ADaM
//! datasets (ADaMIG v1.3 section 1.2, "traceability": every analysis value from the SDTM
//! values it was derived from).

use jiff::civil::Date;

use crate::dataset::{Cell, Dataset, Missing};

/// The rows the SDTM builder emitted for one subject, with the index of each row's domain in
/// `datasets`.
pub struct SubjectRows<'a> {
    datasets: &'a [Dataset],
    rows: &'a [(usize, Vec<Cell>)],
}

/// One SDTM row.
#[derive(Clone, Copy)]
pub struct SdtmRow<'a> {
    dataset: &'a Dataset,
    cells: &'a [Cell],
}

static BLANK: Cell = Cell::Missing(Missing::Blank);

impl<'a> SubjectRows<'a> {
    pub fn new(datasets: &'a [Dataset], rows: &'a [(usize, Vec<Cell>)]) -> SubjectRows<'a> {
        SubjectRows { datasets, rows }
    }

    /// The rows of `domain` (`"RS"`), in the order written (their --SEQ order).
    pub fn domain(&self, domain: &str) -> impl Iterator<Item = SdtmRow<'a>> + use<'a> {
        let index = self.datasets.iter().position(|d| d.name == domain);
        let datasets = self.datasets;
        self.rows
            .iter()
            .filter(move |(i, _)| Some(*i) == index)
            .map(move |(i, cells)| SdtmRow {
                dataset: &datasets[*i],
                cells,
            })
    }
}

impl<'a> SdtmRow<'a> {
    /// The cell of `variable`; blank when the domain has no such variable.
    pub fn cell(&self, variable: &str) -> &'a Cell {
        self.dataset
            .position(variable)
            .map_or(&BLANK, |i| &self.cells[i])
    }

    pub fn text(&self, variable: &str) -> Option<&'a str> {
        match self.cell(variable) {
            Cell::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn num(&self, variable: &str) -> Option<f64> {
        match self.cell(variable) {
            Cell::Num(x) => Some(*x),
            _ => None,
        }
    }

    /// An ISO 8601 date variable (`--DTC`), as written by the SDTM builder (complete dates).
    pub fn date(&self, variable: &str) -> Option<Date> {
        self.text(variable)?.parse().ok()
    }
}
