//! SAS XPORT (transport) version 5 files, the format FDA takes SDTM datasets in.
//!
//! Layout (SAS Technical Support document TS-140, "The record layout of a data set in SAS
//! transport (XPORT) format"): everything is in 80-byte records. A library header (three
//! records), then per dataset (member) a member header, a descriptor header, two member records,
//! a NAMESTR header, one 140-byte NAMESTR per variable (padded to a record boundary), an OBS
//! header, and the observations back to back, padded with blanks to a record boundary. Numbers
//! are 8-byte IBM System/370 floating point; text is fixed-width, blank-padded.
//!
//! Rows are written as they come, so a dataset of any size streams through a fixed buffer.

use std::io::Write;

use jiff::civil::DateTime;

use crate::ExportError;
use crate::dataset::{Cell, Dataset, Missing, VarType};

const RECORD: usize = 80;
const NAMESTR: usize = 140;

/// The 8-byte IBM System/370 double of `x` (sign bit, 7-bit base-16 exponent biased by 64,
/// 56-bit fraction in [1/16, 1)); TS-140 section "Numeric data fields".
///
/// IEEE doubles have 53 significant bits, which fit in the 56-bit fraction after at most three
/// bits of shift, so every double in IBM range converts exactly. NaN, infinities and magnitudes
/// outside the IBM range (about 5.4e-79 to 7.2e75) are refused rather than changed.
pub fn ibm_double(x: f64) -> Result<[u8; 8], ExportError> {
    if !x.is_finite() {
        return Err(ExportError::invalid("number", format!("{x} is not finite")));
    }
    if x == 0.0 {
        return Ok([0; 8]);
    }
    let bits = x.to_bits();
    let sign = (bits >> 63) as u8;
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let stored = bits & ((1u64 << 52) - 1);
    // x = mantissa * 2^(exponent - 52), mantissa with its leading 1 at bit 52.
    let (mut mantissa, mut exponent) = if biased == 0 {
        (stored, -1022)
    } else {
        (stored | (1u64 << 52), biased - 1023)
    };
    while mantissa & (1u64 << 52) == 0 {
        mantissa <<= 1;
        exponent -= 1;
    }
    // As a fraction with its leading 1 at bit 55 of 56: x = (f / 2^56) * 2^(exponent + 1).
    let mut fraction = mantissa << 3;
    let power = exponent + 1;
    // Round the binary exponent up to a multiple of 4 (a power of 16), shifting the fraction right
    // by the difference (0-3 bits, all of them zero).
    let hex_exponent = power.div_euclid(4) + i32::from(power.rem_euclid(4) != 0);
    fraction >>= 4 * hex_exponent - power;
    let biased_hex = hex_exponent + 64;
    if !(0..=127).contains(&biased_hex) {
        return Err(ExportError::invalid(
            "number",
            format!("{x} is outside the range of IBM floating point"),
        ));
    }
    let mut bytes = [0u8; 8];
    bytes[0] = (sign << 7) | biased_hex as u8;
    bytes[1..].copy_from_slice(&fraction.to_be_bytes()[1..]);
    Ok(bytes)
}

/// The 8 bytes of a missing numeric value: the missing letter, then zeros (TS-140).
pub fn missing_double(missing: Missing) -> [u8; 8] {
    let mut bytes = [0u8; 8];
    bytes[0] = missing.sas_letter();
    bytes
}

/// `ddMMMyy:hh:mm:ss`, the header date format (TS-140).
fn header_time(time: DateTime) -> String {
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    format!(
        "{:02}{}{:02}:{:02}:{:02}:{:02}",
        time.day(),
        MONTHS[usize::from(time.month().unsigned_abs()) - 1],
        time.year().rem_euclid(100),
        time.hour(),
        time.minute(),
        time.second()
    )
}

/// `text` left-aligned and blank-padded to `width` bytes (the caller checked it fits).
fn padded(text: &str, width: usize) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    bytes.resize(width, b' ');
    bytes
}

fn header_record(kind: &str, numbers: &str) -> Vec<u8> {
    // "HEADER RECORD*******" + 8-char kind + " HEADER RECORD!!!!!!!" + 30 digits + 2 blanks.
    let record = format!("HEADER RECORD*******{kind:<8}HEADER RECORD!!!!!!!{numbers:0>30}  ");
    debug_assert_eq!(record.len(), RECORD);
    record.into_bytes()
}

/// Which SAS version and operating system the headers name.
const SAS_VERSION: &str = "9.4";
const SAS_OS: &str = "X64_LIN";

/// Writes one transport file holding one or more datasets.
pub struct XptWriter<W: Write> {
    out: W,
    created: String,
    /// Bytes written since the start of the file (for padding to records).
    position: usize,
    current: Option<Dataset>,
    rows: u64,
    row: Vec<u8>,
}

impl<W: Write> XptWriter<W> {
    /// Starts the file with its library header; `created` is stamped into every header.
    pub fn new(out: W, created: DateTime) -> Result<XptWriter<W>, ExportError> {
        let mut writer = XptWriter {
            out,
            created: header_time(created),
            position: 0,
            current: None,
            rows: 0,
            row: Vec::new(),
        };
        writer.put(&header_record("LIBRARY", ""))?;
        let mut first = Vec::with_capacity(RECORD);
        for field in ["SAS", "SAS", "SASLIB", SAS_VERSION, SAS_OS] {
            first.extend(padded(field, 8));
        }
        first.extend(padded("", 24));
        first.extend(writer.created.as_bytes());
        writer.put(&first)?;
        let second = padded(&writer.created, RECORD);
        writer.put(&second)?;
        Ok(writer)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        self.out.write_all(bytes)?;
        self.position += bytes.len();
        Ok(())
    }

    /// Pads with `fill` to the next 80-byte boundary.
    fn pad(&mut self, fill: u8) -> Result<(), ExportError> {
        let rest = (RECORD - self.position % RECORD) % RECORD;
        self.put(&vec![fill; rest])
    }

    /// Ends the dataset being written (if any) and starts `dataset`.
    pub fn begin(&mut self, dataset: &Dataset) -> Result<(), ExportError> {
        self.pad(b' ')?;
        self.put(&header_record("MEMBER", "000000000000000001600000000140"))?;
        self.put(&header_record("DSCRPTR", ""))?;
        let mut first = Vec::with_capacity(RECORD);
        for field in ["SAS", &dataset.name, "SASDATA", SAS_VERSION, SAS_OS] {
            first.extend(padded(field, 8));
        }
        first.extend(padded("", 24));
        first.extend(self.created.as_bytes());
        self.put(&first)?;
        let mut second = padded(&self.created, 32);
        second.extend(padded(&dataset.label, 40));
        second.extend(padded("", 8));
        self.put(&second)?;
        let count = dataset.variables.len();
        self.put(&header_record(
            "NAMESTR",
            &format!("{count:04}{}", "0".repeat(20)),
        ))?;
        let mut offset = 0usize;
        for (i, variable) in dataset.variables.iter().enumerate() {
            let mut namestr = Vec::with_capacity(NAMESTR);
            let (ntype, length): (u16, u16) = match variable.ty {
                VarType::Num => (1, 8),
                VarType::Char(length) => (2, length),
            };
            namestr.extend(ntype.to_be_bytes());
            namestr.extend(0u16.to_be_bytes()); // nhfun: hash of name, always 0
            namestr.extend(length.to_be_bytes());
            namestr.extend(u16::try_from(i + 1).unwrap_or(u16::MAX).to_be_bytes());
            namestr.extend(padded(&variable.name, 8));
            namestr.extend(padded(&variable.label, 40));
            // nform, nfl, nfd, nfj: the display format (a SAS date's DATE9.), its width, no
            // decimals, left-justified (0).
            let (format, width) = variable.display_format.map_or(("", 0), |f| f.sas());
            namestr.extend(padded(format, 8));
            namestr.extend(width.to_be_bytes());
            namestr.extend([0u8; 4]);
            namestr.extend([0u8; 2]); // fill
            namestr.extend(padded("", 8)); // informat name
            namestr.extend([0u8; 4]); // informat length and decimals
            namestr.extend(u32::try_from(offset).unwrap_or(u32::MAX).to_be_bytes());
            namestr.extend([0u8; 52]);
            debug_assert_eq!(namestr.len(), NAMESTR);
            self.put(&namestr)?;
            offset += variable.width();
        }
        self.pad(b' ')?;
        self.put(&header_record("OBS", ""))?;
        self.current = Some(dataset.clone());
        self.rows = 0;
        Ok(())
    }

    /// Appends one observation of the current dataset; `cells` follow its variables.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        let Some(dataset) = &self.current else {
            return Err(ExportError::invalid(
                "row",
                "written before any dataset began",
            ));
        };
        self.rows += 1;
        let at = |name: &str| format!("{}.{name} (row {})", dataset.name, self.rows);
        dataset.check_row(self.rows, cells)?;
        let mut row = std::mem::take(&mut self.row);
        row.clear();
        for (variable, cell) in dataset.variables.iter().zip(cells) {
            match (variable.ty, cell) {
                (VarType::Num, Cell::Num(x)) => {
                    row.extend(ibm_double(*x).map_err(|error| error.at(at(&variable.name)))?)
                }
                (VarType::Num, Cell::Missing(missing)) => row.extend(missing_double(*missing)),
                (VarType::Char(length), Cell::Text(text)) => {
                    if !text.is_ascii() || text.len() > usize::from(length) {
                        return Err(ExportError::invalid(
                            at(&variable.name),
                            format!("'{text}' is not ASCII text of at most {length} bytes"),
                        ));
                    }
                    row.extend(padded(text, usize::from(length)));
                }
                // Text has a single missing value in SAS: blanks.
                (VarType::Char(length), Cell::Missing(_)) => {
                    row.extend(padded("", usize::from(length)));
                }
                (VarType::Num, Cell::Text(text)) => {
                    return Err(ExportError::invalid(
                        at(&variable.name),
                        format!("'{text}' given for a numeric variable"),
                    ));
                }
                (VarType::Char(_), Cell::Num(x)) => {
                    return Err(ExportError::invalid(
                        at(&variable.name),
                        format!("{x} given for a text variable"),
                    ));
                }
            }
        }
        let result = self.put(&row);
        self.row = row;
        result
    }

    /// Pads the last record and hands back the output.
    pub fn finish(mut self) -> Result<W, ExportError> {
        self.pad(b' ')?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Variable;

    #[track_caller]
    fn check(x: f64, expect: [u8; 8]) {
        assert_eq!(ibm_double(x).expect("in range"), expect, "IBM bytes of {x}");
    }

    /// Known patterns: 1 = 0x41 10..., since 1 = 0x0.1 * 16^1 (exponent 64 + 1).
    #[test]
    fn ibm_doubles_of_known_values() {
        check(0.0, [0; 8]);
        check(-0.0, [0; 8]);
        check(1.0, [0x41, 0x10, 0, 0, 0, 0, 0, 0]);
        check(-1.0, [0xC1, 0x10, 0, 0, 0, 0, 0, 0]);
        check(0.5, [0x40, 0x80, 0, 0, 0, 0, 0, 0]);
        check(100.0, [0x42, 0x64, 0, 0, 0, 0, 0, 0]);
        check(-118.625, [0xC2, 0x76, 0xA0, 0, 0, 0, 0, 0]);
        check(16.0, [0x42, 0x10, 0, 0, 0, 0, 0, 0]);
        check(15.0, [0x41, 0xF0, 0, 0, 0, 0, 0, 0]);
        check(1.0 / 16.0, [0x40, 0x10, 0, 0, 0, 0, 0, 0]);
        // 0.1 keeps all 53 bits: 0x0.1999999999999A * 16^0.
        check(0.1, [0x40, 0x19, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A]);
        // The largest IBM magnitude is (1 - 16^-14) * 16^63; 2^251 = 0x0.8 * 16^63.
        check(2f64.powi(251), [0x7F, 0x80, 0, 0, 0, 0, 0, 0]);
        // The smallest normalised one is 16^-65 = 0x0.1 * 16^-64 (exponent byte 0).
        check(16f64.powi(-65), [0x00, 0x10, 0, 0, 0, 0, 0, 0]);
        check(-(16f64.powi(-65)), [0x80, 0x10, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn ibm_range_and_non_finite_are_refused() {
        for x in [
            2f64.powi(252),
            -(2f64.powi(252)),
            1e76,
            16f64.powi(-66),
            1e-80,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let error = ibm_double(x).expect_err("refused");
            assert!(error.to_string().contains("number"), "{error}");
        }
    }

    #[test]
    fn ibm_round_trips_through_a_reference_decoder() {
        // Decodes the IBM bytes back with the TS-140 formula, independently of the encoder.
        fn decode(bytes: [u8; 8]) -> f64 {
            let sign = if bytes[0] & 0x80 != 0 { -1.0 } else { 1.0 };
            let exponent = i32::from(bytes[0] & 0x7F) - 64;
            let mut fraction = [0u8; 8];
            fraction[1..].copy_from_slice(&bytes[1..]);
            let fraction = u64::from_be_bytes(fraction) as f64 / 2f64.powi(56);
            sign * fraction * 16f64.powi(exponent)
        }
        for x in [
            3.0,
            -2.5,
            12.345,
            1e-10,
            6.02214076e23,
            -7.1e75,
            1e-78,
            0.3333333333333333,
            70.0,
            56.0,
        ] {
            assert_eq!(decode(ibm_double(x).expect("in range")), x, "{x}");
        }
    }

    #[test]
    fn missing_values_are_the_letter_then_zeros() {
        assert_eq!(missing_double(Missing::Blank), [0x2E, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            missing_double(Missing::NotDone),
            [b'D', 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(
            missing_double(Missing::NotApplicable),
            [b'N', 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(
            missing_double(Missing::Unknown),
            [b'U', 0, 0, 0, 0, 0, 0, 0]
        );
    }

    fn created() -> DateTime {
        DateTime::constant(2026, 11, 22, 3, 4, 5, 0)
    }

    fn sample() -> Dataset {
        Dataset::new(
            "DM",
            "Demographics",
            vec![
                Variable::text("USUBJID", "Unique Subject Identifier", 10),
                Variable::num("AGE", "Age"),
            ],
        )
        .expect("valid")
    }

    fn record(bytes: &[u8], n: usize) -> &[u8] {
        &bytes[n * RECORD..(n + 1) * RECORD]
    }

    #[test]
    fn header_records_follow_ts140() {
        let mut writer = XptWriter::new(Vec::new(), created()).expect("header");
        writer.begin(&sample()).expect("member");
        writer
            .row(&[Cell::text("LENA-001"), Cell::Num(42.0)])
            .expect("row");
        writer
            .row(&[Cell::text("LENA-002"), Cell::Missing(Missing::NotDone)])
            .expect("row");
        let bytes = writer.finish().expect("finish");
        assert_eq!(bytes.len() % RECORD, 0);
        assert_eq!(
            record(&bytes, 0),
            b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000000000000000000000000000000  "
        );
        assert_eq!(
            record(&bytes, 1),
            b"SAS     SAS     SASLIB  9.4     X64_LIN                         22NOV26:03:04:05"
        );
        assert_eq!(&record(&bytes, 2)[..16], b"22NOV26:03:04:05");
        assert_eq!(
            record(&bytes, 3),
            b"HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!000000000000000001600000000140  "
        );
        assert_eq!(
            record(&bytes, 4),
            b"HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!000000000000000000000000000000  "
        );
        assert_eq!(
            record(&bytes, 5),
            b"SAS     DM      SASDATA 9.4     X64_LIN                         22NOV26:03:04:05"
        );
        assert_eq!(
            &record(&bytes, 6)[32..72],
            b"Demographics                            "
        );
        assert_eq!(
            record(&bytes, 7),
            b"HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!000000000200000000000000000000  "
        );
        // Two NAMESTRs (280 bytes) fill records 8-11, padded to 320.
        let first = &bytes[8 * RECORD..8 * RECORD + NAMESTR];
        assert_eq!(&first[..8], &[0, 2, 0, 0, 0, 10, 0, 1]);
        assert_eq!(&first[8..16], b"USUBJID ");
        assert_eq!(&first[16..41], b"Unique Subject Identifier");
        assert_eq!(&first[84..88], &[0, 0, 0, 0]);
        let second = &bytes[8 * RECORD + NAMESTR..8 * RECORD + 2 * NAMESTR];
        assert_eq!(&second[..8], &[0, 1, 0, 0, 0, 8, 0, 2]);
        assert_eq!(&second[84..88], &[0, 0, 0, 10]);
        assert_eq!(
            record(&bytes, 12),
            b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!000000000000000000000000000000  "
        );
        let observations = &bytes[13 * RECORD..];
        assert_eq!(&observations[..10], b"LENA-001  ");
        assert_eq!(&observations[10..18], &[0x42, 0x2A, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&observations[18..28], b"LENA-002  ");
        assert_eq!(&observations[28..36], &[b'D', 0, 0, 0, 0, 0, 0, 0]);
        assert!(observations[36..].iter().all(|&b| b == b' '));
    }

    /// TS-140 NAMESTR: `nform` (bytes 56-63) and `nfl` (64-65) carry a SAS date's DATE9.; a
    /// plain number and a text have none, and `nfd`, `nfj` stay 0.
    #[test]
    fn a_date_carries_its_display_format_in_the_namestr() {
        #[track_caller]
        fn check(variable: Variable, format: &[u8; 8], width: u16) {
            let dataset = Dataset::new("ADSL", "Subject-Level", vec![variable]).expect("valid");
            let mut writer = XptWriter::new(Vec::new(), created()).expect("header");
            writer.begin(&dataset).expect("member");
            let bytes = writer.finish().expect("finish");
            let namestr = &bytes[8 * RECORD..8 * RECORD + NAMESTR];
            assert_eq!(&namestr[56..64], format);
            assert_eq!(&namestr[64..66], &width.to_be_bytes());
            assert_eq!(&namestr[66..72], &[0; 6]);
        }
        check(Variable::date("TRTSDT", "First Dose"), b"DATE    ", 9);
        check(Variable::num("TRTDURD", "Duration"), b"        ", 0);
        check(Variable::text("SAFFL", "Safety", 1), b"        ", 0);
    }

    #[test]
    fn rows_that_do_not_fit_are_refused_with_the_variable() {
        let mut writer = XptWriter::new(Vec::new(), created()).expect("header");
        let cases: &[(&[Cell], &str)] = &[
            (
                &[Cell::text("LENA-001-LONG"), Cell::Num(1.0)],
                "DM.USUBJID (row 1)",
            ),
            (&[Cell::text("LÉNA"), Cell::Num(1.0)], "DM.USUBJID (row 2)"),
            (&[Cell::text("A"), Cell::text("1")], "DM.AGE (row 3)"),
            (&[Cell::Num(1.0), Cell::Num(1.0)], "DM.USUBJID (row 4)"),
            (&[Cell::text("A"), Cell::Num(f64::NAN)], "DM.AGE (row 5)"),
            (&[Cell::text("A")], "DM row 6"),
        ];
        assert!(writer.row(&[Cell::text("A"), Cell::Num(1.0)]).is_err());
        writer.begin(&sample()).expect("member");
        for (cells, needle) in cases {
            let error = writer.row(cells).expect_err("refused");
            assert!(error.to_string().contains(needle), "{error} lacks {needle}");
        }
    }

    #[test]
    fn two_members_each_start_on_a_record_boundary() {
        let mut writer = XptWriter::new(Vec::new(), created()).expect("header");
        writer.begin(&sample()).expect("first");
        writer.row(&[Cell::text("A"), Cell::Num(1.0)]).expect("row");
        writer.begin(&sample()).expect("second");
        let bytes = writer.finish().expect("finish");
        // 3 library + 10 member/namestr records + 1 obs record for the first, 10 for the second.
        assert_eq!(bytes.len(), 24 * RECORD);
        assert!(record(&bytes, 14).starts_with(b"HEADER RECORD*******MEMBER"));
    }
}
