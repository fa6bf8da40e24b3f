//! The one integration-test binary of `instruments`: every instrument, table-driven.

mod bsa;
mod clasi;
mod ctcae;
mod dlqi;
mod nrs;
mod plausible;
mod properties;
mod renal;
mod skindex;
mod sledai;
mod subtype;
mod vocabulary;
