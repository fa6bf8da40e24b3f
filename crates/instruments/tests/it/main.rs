//! The one integration-test binary of `instruments`: every instrument, table-driven.

mod bsa;
mod cla_iga_r;
mod clasi;
mod ctcae;
mod dlqi;
mod nrs;
mod pga;
mod plausible;
mod properties;
mod renal;
mod skindex;
mod sledai;
mod subtype;
mod vocabulary;
