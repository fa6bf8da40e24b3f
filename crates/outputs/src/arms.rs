//! A randomised study's arms replayed with its allocation secret, for the outputs by arm (the
//! report and the SDTM and ADaM exports): the record holds no arm (`store::randomisation`).

use std::collections::BTreeMap;

use export::arms::ArmName;
use protocol::Protocol;
use protocol::allocation::{Design, Secret};
use store::Randomisation;

use crate::OutputError;

/// The study's randomised design, or the refusal of a secret given for a study without one.
pub(crate) fn design_of(protocol: &Protocol) -> Result<&Design, OutputError> {
    protocol.randomisation().ok_or_else(|| {
        OutputError::Allocation(
            "the study's protocol declares no [randomisation]: there are no arms to unblind"
                .to_owned(),
        )
    })
}

/// The design's arms (code, label) and each randomised subject's arm (an index into them) by
/// the subject's record id, replayed from `secret` (already checked to be the study's) over the
/// randomisations in number order.
pub(crate) fn replayed(
    design: &Design,
    secret: &Secret,
    randomised: &[Randomisation],
) -> Result<(Vec<ArmName>, BTreeMap<i64, usize>), OutputError> {
    let arms = store::arms(design, secret.clone(), randomised)?;
    Ok((
        design
            .arms()
            .iter()
            .map(|arm| (arm.code.clone(), arm.label.clone()))
            .collect(),
        randomised
            .iter()
            .map(|randomisation| randomisation.subject_id)
            .zip(arms)
            .collect(),
    ))
}
