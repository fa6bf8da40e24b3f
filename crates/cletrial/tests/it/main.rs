//! The one integration-test binary of `cletrial`: runs the real binary as a user would.

mod allocation;
mod architecture;
mod calc;
mod channels;
mod demo;
mod docs;
mod export;
mod import;
mod photos;
mod protocol;
mod read_only;
mod report;
mod reproduce;
mod schemas;
mod serve;
mod simulate;
mod stats;
mod store;
mod study_reports;
mod support;
mod token;
mod usage;
mod words;
