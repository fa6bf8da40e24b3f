//! The one error type of the crate: always names the input field at fault.

/// Why a statistic could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatsError {
    #[error("{field}: needs at least {needed} values, got {got}")]
    TooFew {
        field: &'static str,
        needed: usize,
        got: usize,
    },
    #[error("{field}: value at index {index} is not a finite number")]
    NotFinite { field: &'static str, index: usize },
    #[error("{field}: must be {allowed}")]
    OutOfRange {
        field: &'static str,
        allowed: &'static str,
    },
    #[error("{field}: lengths differ ({left} and {right}); they must be equal")]
    LengthMismatch {
        field: &'static str,
        left: usize,
        right: usize,
    },
    /// The data leave the statistic undefined (for example, no variation at all).
    #[error("{field}: {reason}")]
    Degenerate {
        field: &'static str,
        reason: &'static str,
    },
}
