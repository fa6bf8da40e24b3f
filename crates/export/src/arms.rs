//! The arm SDTM DM gives each subject (SDTMIG 3.4 section 5.2, DM: ARMCD and ARM, the planned
//! arm; ACTARMCD and ACTARM, the actual one), and so ADSL's TRT01P and TRT01A.
//!
//! A randomised study's record holds no arm (`store::randomisation`), so an export is written in
//! one of two ways, and says which in `export.json`:
//! - **blinded** (anyone who may export): every randomised subject's arm is `BLINDED`, a
//!   sponsor-defined code defined in define.xml, so blinded data can be reviewed and the
//!   programs written before unblinding (ICH E9 section 2.3.2: the blind kept by all others);
//! - **unblinded** (with the study's allocation secret): each randomised subject's arm as the
//!   protocol names it.
//!
//! Subjects outside any arm take the codes SDTMIG 3.2 section 5.3 (DM assumption 5) gives them,
//! which no protocol arm may take (`protocol::allocation::RESERVED_ARM_CODES`): `SCRNFAIL` for a
//! subject never enrolled, `NOTASSGN` for one enrolled in a randomised study without being
//! randomised (enrolled before an amendment made the study randomised). The actual arm is the
//! planned one once a dose is taken: the record keeps no dispensing, so nothing tells otherwise;
//! `NOTTRT` when enrolled and never dosed; `UNPLAN` (unplanned treatment) when a subject outside
//! every arm of a randomised study was dosed.

use std::collections::BTreeMap;

/// A code and its label, as DM writes them (`("PBO", "Placebo")`).
pub type ArmName = (String, String);

/// How this export names the arms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Allocation {
    /// The study is not randomised: one arm, the study treatment (the 2012 studies).
    #[default]
    SingleArm,
    /// Randomised, written without the allocation secret: the arm is concealed.
    Blinded,
    /// Randomised, written with the allocation secret: `arms` are the protocol's, and `of` gives
    /// each randomised subject (by the subject record's id) an index into them.
    Unblinded {
        arms: Vec<ArmName>,
        of: BTreeMap<i64, usize>,
    },
}

const TREATED: (&str, &str) = ("TRT", "Study treatment");
const BLINDED: (&str, &str) = ("BLINDED", "Blinded");
const SCREEN_FAILURE: (&str, &str) = ("SCRNFAIL", "Screen Failure");
const NOT_ASSIGNED: (&str, &str) = ("NOTASSGN", "Not Assigned");
const NOT_TREATED: (&str, &str) = ("NOTTRT", "Not Treated");
const UNPLANNED: (&str, &str) = ("UNPLAN", "Unplanned Treatment");

/// What DM needs to know of one subject.
#[derive(Clone, Copy, Debug)]
pub struct Subject {
    /// The subject record's id.
    pub id: i64,
    pub enrolled: bool,
    /// Whether the record holds the subject's randomisation.
    pub randomised: bool,
    /// Whether any dose was taken.
    pub dosed: bool,
}

fn owned((code, label): (&str, &str)) -> ArmName {
    (code.to_owned(), label.to_owned())
}

impl Allocation {
    /// `export.json`'s word for it: none for a study that does not randomise.
    pub fn said(&self) -> Option<&'static str> {
        match self {
            Allocation::SingleArm => None,
            Allocation::Blinded => Some("blinded"),
            Allocation::Unblinded { .. } => Some("unblinded"),
        }
    }

    /// The planned arm (ARMCD, ARM) of `subject`.
    pub fn planned(&self, subject: &Subject) -> ArmName {
        if !subject.enrolled {
            return owned(SCREEN_FAILURE);
        }
        match self {
            Allocation::SingleArm => owned(TREATED),
            _ if !subject.randomised => owned(NOT_ASSIGNED),
            Allocation::Blinded => owned(BLINDED),
            Allocation::Unblinded { arms, of } => of
                .get(&subject.id)
                .and_then(|arm| arms.get(*arm))
                .cloned()
                .unwrap_or_else(|| owned(NOT_ASSIGNED)),
        }
    }

    /// The actual arm (ACTARMCD, ACTARM) of `subject`.
    pub fn actual(&self, subject: &Subject) -> ArmName {
        let planned = self.planned(subject);
        let outside = [SCREEN_FAILURE.0, NOT_ASSIGNED.0].contains(&planned.0.as_str());
        match (subject.dosed, outside) {
            (true, false) => planned,
            // A single-arm study has one treatment to have taken.
            (true, true) if *self == Allocation::SingleArm => owned(TREATED),
            (true, true) => owned(UNPLANNED),
            (false, _) if subject.enrolled => owned(NOT_TREATED),
            (false, _) => owned(SCREEN_FAILURE),
        }
    }

    /// Every (code, label) DM may write under this allocation: define.xml's ARMCD codelist.
    pub fn codes(&self) -> Vec<ArmName> {
        let arms: Vec<ArmName> = match self {
            Allocation::SingleArm => vec![owned(TREATED)],
            Allocation::Blinded => vec![owned(BLINDED)],
            Allocation::Unblinded { arms, .. } => arms.clone(),
        };
        let outside: &[(&str, &str)] = match self {
            Allocation::SingleArm => &[NOT_TREATED, SCREEN_FAILURE],
            _ => &[NOT_ASSIGNED, UNPLANNED, NOT_TREATED, SCREEN_FAILURE],
        };
        arms.into_iter()
            .chain(outside.iter().copied().map(owned))
            .collect()
    }

    /// What define.xml says of how ARMCD and ARM were derived.
    pub fn planned_method(&self) -> &'static str {
        match self {
            Allocation::SingleArm => {
                "TRT (Study treatment) when enrolled, else SCRNFAIL (Screen Failure)"
            }
            Allocation::Blinded => {
                "BLINDED (Blinded: this export was written without the allocation secret) when enrolled and randomised; NOTASSGN (Not Assigned) when enrolled without a randomisation; else SCRNFAIL (Screen Failure)"
            }
            Allocation::Unblinded { .. } => {
                "The arm of the subject's randomisation, replayed from the allocation secret, when enrolled and randomised; NOTASSGN (Not Assigned) when enrolled without a randomisation; else SCRNFAIL (Screen Failure)"
            }
        }
    }

    /// What define.xml says of how ACTARMCD and ACTARM were derived.
    pub fn actual_method(&self) -> &'static str {
        match self {
            Allocation::SingleArm => {
                "TRT when a dose was taken; NOTTRT (Not Treated) when enrolled without a dose; else SCRNFAIL"
            }
            _ => {
                "The planned arm when a dose was taken (the record holds no dispensing to tell otherwise); UNPLAN (Unplanned Treatment) when dosed outside any arm; NOTTRT (Not Treated) when enrolled without a dose; else SCRNFAIL (Screen Failure)"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(enrolled: bool, randomised: bool, dosed: bool) -> Subject {
        Subject {
            id: 7,
            enrolled,
            randomised,
            dosed,
        }
    }

    fn unblinded() -> Allocation {
        Allocation::Unblinded {
            arms: vec![owned(("LEN", "Lenalidomide")), owned(("PBO", "Placebo"))],
            of: [(7, 1)].into_iter().collect(),
        }
    }

    /// (allocation, enrolled, randomised, dosed) -> (ARMCD, ACTARMCD).
    fn check(allocation: &Allocation, (e, r, d): (bool, bool, bool), expect: (&str, &str)) {
        let subject = subject(e, r, d);
        let got = (
            allocation.planned(&subject).0,
            allocation.actual(&subject).0,
        );
        assert_eq!(
            (got.0.as_str(), got.1.as_str()),
            expect,
            "{allocation:?} {subject:?}"
        );
        for code in [got.0, got.1] {
            assert!(
                allocation.codes().iter().any(|(listed, _)| *listed == code),
                "{code} is in the codelist"
            );
        }
    }

    #[test]
    fn each_subject_gets_the_arm_its_enrolment_randomisation_and_doses_say() {
        let single = Allocation::SingleArm;
        check(&single, (false, false, false), ("SCRNFAIL", "SCRNFAIL"));
        check(&single, (false, false, true), ("SCRNFAIL", "TRT"));
        check(&single, (true, false, false), ("TRT", "NOTTRT"));
        check(&single, (true, false, true), ("TRT", "TRT"));
        let blinded = Allocation::Blinded;
        check(&blinded, (false, false, false), ("SCRNFAIL", "SCRNFAIL"));
        check(&blinded, (true, false, false), ("NOTASSGN", "NOTTRT"));
        check(&blinded, (true, false, true), ("NOTASSGN", "UNPLAN"));
        check(&blinded, (true, true, false), ("BLINDED", "NOTTRT"));
        check(&blinded, (true, true, true), ("BLINDED", "BLINDED"));
        check(&blinded, (false, false, true), ("SCRNFAIL", "UNPLAN"));
        let unblinded = unblinded();
        check(&unblinded, (true, true, true), ("PBO", "PBO"));
        check(&unblinded, (true, true, false), ("PBO", "NOTTRT"));
        check(&unblinded, (true, false, true), ("NOTASSGN", "UNPLAN"));
        check(&unblinded, (false, false, false), ("SCRNFAIL", "SCRNFAIL"));
        // A randomised subject the replay does not know is not given an arm.
        let other = Subject {
            id: 8,
            ..subject(true, true, true)
        };
        assert_eq!(unblinded.planned(&other).0, "NOTASSGN");
    }

    #[test]
    fn the_codelist_says_which_way_the_export_was_written() {
        let codes = |allocation: &Allocation| -> Vec<String> {
            allocation
                .codes()
                .into_iter()
                .map(|(code, _)| code)
                .collect()
        };
        assert_eq!(codes(&Allocation::SingleArm), ["TRT", "NOTTRT", "SCRNFAIL"]);
        assert_eq!(
            codes(&Allocation::Blinded),
            ["BLINDED", "NOTASSGN", "UNPLAN", "NOTTRT", "SCRNFAIL"]
        );
        assert_eq!(
            codes(&unblinded()),
            ["LEN", "PBO", "NOTASSGN", "UNPLAN", "NOTTRT", "SCRNFAIL"]
        );
        assert_eq!(Allocation::SingleArm.said(), None);
        assert_eq!(Allocation::Blinded.said(), Some("blinded"));
        assert_eq!(unblinded().said(), Some("unblinded"));
        // The codes outside the arms are the ones no protocol arm may take.
        for allocation in [Allocation::SingleArm, Allocation::Blinded] {
            for (code, _) in allocation
                .codes()
                .into_iter()
                .filter(|(code, _)| code != "TRT")
            {
                assert!(
                    protocol::allocation::RESERVED_ARM_CODES.contains(&code.as_str()),
                    "{code}"
                );
            }
        }
    }
}
