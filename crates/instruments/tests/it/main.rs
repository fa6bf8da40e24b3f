//! The one integration-test binary of `instruments`: every instrument, table-driven.

mod ctcae;
mod sledai;
mod subtype;
