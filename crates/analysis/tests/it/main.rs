//! The one integration-test binary of `analysis`.

mod report;
mod reproduce;
mod responders;
