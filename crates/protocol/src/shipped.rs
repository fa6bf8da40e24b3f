//! The protocols shipped in `protocols/`, built into every binary: a study can start from one by
//! name, and every change is tested on all three.

/// Each shipped protocol's name, as `--protocol` takes it, with its TOML text: the lenalidomide
/// trial first (NCT01408199, the paper's study), then its two sister studies.
pub const SHIPPED: [(&str, &str); 3] = [
    (
        "nct01408199",
        include_str!("../../../protocols/nct01408199.toml"),
    ),
    (
        "thalidomide-cohort",
        include_str!("../../../protocols/thalidomide-cohort.toml"),
    ),
    (
        "pediatric-review",
        include_str!("../../../protocols/pediatric-review.toml"),
    ),
];

/// The text of the shipped protocol `name`, in any case (`NCT01408199`); `None` for any other
/// name.
pub fn text(name: &str) -> Option<&'static str> {
    SHIPPED
        .iter()
        .find(|(shipped, _)| shipped.eq_ignore_ascii_case(name.trim()))
        .map(|(_, text)| *text)
}

/// The shipped protocols' names, in `SHIPPED`'s order.
pub fn names() -> impl Iterator<Item = &'static str> {
    SHIPPED.iter().map(|(name, _)| *name)
}
