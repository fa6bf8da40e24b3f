//! One module per page, and the layout they share.

pub(crate) mod dashboard;
pub(crate) mod layout;
pub(crate) mod login;
pub(crate) mod subjects;
