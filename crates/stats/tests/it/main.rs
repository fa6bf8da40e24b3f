//! Integration tests of `stats`: golden files from R and SciPy, degenerate inputs, and the
//! numbers the lenalidomide trial paper publishes.

mod degenerate;
mod golden;
mod golden_icc;
mod golden_rank;
mod golden_simple;
mod golden_survival;
mod golden_tables;
mod method_rule;
mod paper;
