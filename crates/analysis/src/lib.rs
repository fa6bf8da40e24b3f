//! Analysis of a study: derived datasets, tables and figures as data, and the published cohort of the
//! lenalidomide trial recomputed from its own tables.
//!
//! Pure: no I/O. Inputs arrive as text or values; outputs are values for the shell to render or write.

pub mod axis;
pub mod derive;
pub mod published;
pub mod render;
pub mod report;
pub mod reproduce;
pub mod snapshot;
pub mod tally;
