//! The one integration-test binary of `analysis`.

mod reproduce;
