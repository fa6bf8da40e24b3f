//! Clinical instruments used by cutaneous lupus erythematosus (CLE) studies, as pure functions
//! and types. Every threshold cites its source by the `S#` ids of `docs/INSTRUMENTS.md`, or, for
//! the outcomes of the 2020s trials, the `O#` ids of this repository's `docs/OUTCOMES.md`.
//!
//! - [`clasi`]: CLASI activity and damage, severity bands, response against a baseline, the
//!   CLASI-50/70 responder endpoints, percent change and the erythema + scale sum.
//! - [`cla_iga_r`]: CLA-IGA-R's three items on a study-set scale, and its erythema responder.
//! - [`pga`]: PGA-skin on a study-set scale (tenths), change from baseline.
//! - [`dlqi`]: DLQI total, meaning bands, sub-scales and the missing-answer rule.
//! - [`skindex`]: Skindex-29 domains and the +3 lupus sub-scale, with the domain map and the
//!   missing-item share as settings.
//! - [`nrs`]: worst itch and worst pain NRS 0-10, and the points-fall responder.
//! - [`questionnaire`]: the outcome instruments as one kind of form: items by id, the answers
//!   each allows, the scores derived from them (what the record keeps and the export writes).
//! - [`scale`]: the one refusal of a number outside its range, shared by the above.
//! - [`sledai`]: SLEDAI-2K score and flare rules.
//! - [`ctcae`]: NCI CTCAE v5.0 lab grading and the whole term catalogue (837 terms with MedDRA
//!   codes and grade texts, from NCI's spreadsheet, embedded).
//! - [`bsa`]: body surface involved by the rule of nines.
//! - [`subtype`]: CLE subtypes under the Gilliam and Duesseldorf classifications.
//! - [`medication`]: drugs (coded), amounts per administration with units, CDISC frequencies:
//!   a regimen as prescribed, matched to a protocol dose level exactly.
//! - [`renal`]: Cockcroft-Gault creatinine clearance.
//! - [`vocabulary`]: matching typed text against a coded vocabulary (CTCAE terms, lab tests): the
//!   id or the printed text in any case and spacing, anything else refused naming the nearest.
//! - [`input`]: the JSON readers shared by the command line and the fuzz targets.
//!
//! No I/O happens here: callers read and write; this crate computes.

pub mod bsa;
pub mod cla_iga_r;
pub mod clasi;
pub mod ctcae;
pub mod dlqi;
pub mod input;
pub mod medication;
pub mod nrs;
pub mod pga;
pub mod questionnaire;
pub mod renal;
pub mod scale;
pub mod skindex;
pub mod sledai;
pub mod subtype;
pub mod vocabulary;
