//! The one refusal of a number outside an item's or a setting's range, shared by the outcome
//! instruments (NRS, CLA-IGA-R, PGA-skin, CLASI responder settings), so every such message
//! reads the same: what was given, the name of the item, and the range it allows.

/// A value outside the range of `item`. `min` and `max` are both allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{item} must be {min} to {max}, got {value}")]
pub struct OutOfRange {
    pub item: String,
    pub value: u16,
    pub min: u16,
    pub max: u16,
}

/// `value` if it lies in `min..=max`, else the refusal naming `item`.
pub fn within(item: &str, value: u16, min: u16, max: u16) -> Result<u16, OutOfRange> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(OutOfRange {
            item: item.to_owned(),
            value,
            min,
            max,
        })
    }
}
