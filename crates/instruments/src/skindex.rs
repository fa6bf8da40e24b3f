//! Skindex-29 (Chren MM et al., Arch Dermatol 1997;133:1433-1440) and the three lupus items of
//! Skindex-29+3, scored (sources by their `O#` ids in `docs/OUTCOMES.md`).
//!
//! - 30 questions (`S01`..`S30`), each answered never, rarely, sometimes, often or all the
//!   time [O7]; 29 of them form three domains: Symptoms (7 items), Emotions (10) and Functioning
//!   (12) [O7]. Which question is the 30th, unscored one, and which questions belong to which
//!   domain, was not retrieved [UNVERIFIED]: the assignment is a setting ([`DomainMap`]), checked
//!   for the published domain sizes; [`DomainMap::as_recalled`] is the one recalled from the
//!   instrument (question 18, on treatment side effects, unscored), to be checked against the
//!   scoring manual the study licenses.
//! - Each answer is transformed to 0, 25, 50, 75 or 100 (never .. all the time) and a domain's
//!   score is the mean of its answered items, 0 (no effect) to 100 [O7 (Chren 2012 review);
//!   UNVERIFIED: the 0-100 transformation's text was not retrieved].
//! - A domain is not scored when too many of its items are unanswered. The published threshold
//!   was not retrieved [UNVERIFIED]: it is a setting ([`SkindexRules::max_missing_percent`]);
//!   the brief's "more than 25% missing" is what [`SkindexRules::as_recalled`] uses. A domain
//!   with no answered item is never scored.
//! - Skindex-29+3 adds three cutaneous-lupus questions (`L1`..`L3`) on hair loss and
//!   photosensitivity, which form their own sub-scale [O8]. Which of the three asks what, and
//!   their response scale, were not retrieved [UNVERIFIED]: they are scored like the other
//!   items, in the [`Domain::Lupus`] sub-scale. A questionnaire without the +3 items has no such
//!   sub-scale (not administered), which is not the same as the items left unanswered.
//!
//! The questions' texts are copyrighted and are not here: only the item ids and the scoring.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::scale::{OutOfRange, within};

/// How often the patient experienced what the question asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Never,
    Rarely,
    Sometimes,
    Often,
    AllTheTime,
}

impl Frequency {
    /// The transformed value: 0, 25, 50, 75, 100 [O7].
    pub fn points(self) -> u8 {
        match self {
            Frequency::Never => 0,
            Frequency::Rarely => 25,
            Frequency::Sometimes => 50,
            Frequency::Often => 75,
            Frequency::AllTheTime => 100,
        }
    }
}

/// The number of Skindex-29 questions, the unscored one included [O7].
pub const SKINDEX_QUESTIONS: u8 = 30;
/// The lupus questions of Skindex-29+3 [O8].
pub const LUPUS_QUESTIONS: u8 = 3;

/// A question's stable id: `S01`..`S30` (Skindex-29) or `L1`..`L3` (the +3 lupus items).
/// Construction refuses any other number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemId {
    lupus: bool,
    number: u8,
}

impl ItemId {
    /// Skindex-29 question `number`, 1 to 30.
    pub fn skindex(number: u8) -> Result<ItemId, OutOfRange> {
        within(
            "Skindex-29 question",
            number.into(),
            1,
            SKINDEX_QUESTIONS.into(),
        )?;
        Ok(ItemId {
            lupus: false,
            number,
        })
    }

    /// Lupus question `number` of Skindex-29+3, 1 to 3.
    pub fn lupus(number: u8) -> Result<ItemId, OutOfRange> {
        within(
            "Skindex-29+3 lupus question",
            number.into(),
            1,
            LUPUS_QUESTIONS.into(),
        )?;
        Ok(ItemId {
            lupus: true,
            number,
        })
    }

    /// Reads `S01`..`S30` or `L1`..`L3` (the id as printed, exactly).
    pub fn parse(text: &str) -> Result<ItemId, SkindexError> {
        let unknown = || SkindexError::UnknownItem {
            id: text.to_owned(),
        };
        let item = match text.split_at_checked(1) {
            Some(("S", digits)) if digits.len() == 2 => digits
                .parse()
                .ok()
                .and_then(|number| ItemId::skindex(number).ok()),
            Some(("L", digits)) if digits.len() == 1 => digits
                .parse()
                .ok()
                .and_then(|number| ItemId::lupus(number).ok()),
            _ => None,
        };
        item.ok_or_else(unknown)
    }

    pub fn is_lupus(self) -> bool {
        self.lupus
    }

    /// Every item, the 30 Skindex-29 questions then the three lupus questions.
    pub fn all() -> impl Iterator<Item = ItemId> {
        let skindex = (1..=SKINDEX_QUESTIONS).map(|number| ItemId {
            lupus: false,
            number,
        });
        let lupus = (1..=LUPUS_QUESTIONS).map(|number| ItemId {
            lupus: true,
            number,
        });
        skindex.chain(lupus)
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lupus {
            write!(f, "L{}", self.number)
        } else {
            write!(f, "S{:02}", self.number)
        }
    }
}

/// A sub-scale: the three Skindex-29 domains [O7] and the +3 lupus sub-scale, called the
/// photosensitivity sub-scale by O8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    Symptoms,
    Emotions,
    Functioning,
    Lupus,
}

impl Domain {
    pub const ALL: [Domain; 4] = [
        Domain::Symptoms,
        Domain::Emotions,
        Domain::Functioning,
        Domain::Lupus,
    ];

    /// How many items the domain has [O7, O8].
    pub fn size(self) -> usize {
        match self {
            Domain::Symptoms => 7,
            Domain::Emotions => 10,
            Domain::Functioning => 12,
            Domain::Lupus => LUPUS_QUESTIONS.into(),
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Domain::Symptoms => "symptoms",
            Domain::Emotions => "emotions",
            Domain::Functioning => "functioning",
            Domain::Lupus => "lupus",
        })
    }
}

/// Why answers or a setting were refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SkindexError {
    #[error("{id} is not a Skindex-29+3 item; the items are S01 to S30 and L1 to L3")]
    UnknownItem { id: String },
    #[error("{id} is given twice")]
    Twice { id: ItemId },
    #[error("{id} is a lupus item, but the +3 lupus items were not administered")]
    LupusNotAdministered { id: ItemId },
    #[error("{id} cannot be in the {domain} domain: lupus items form the lupus domain alone")]
    WrongDomain { id: ItemId, domain: Domain },
    #[error("the {domain} domain has {got} items; it has {expected}")]
    DomainSize {
        domain: Domain,
        got: usize,
        expected: usize,
    },
}

/// Which item belongs to which domain. An item not listed is not scored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainMap {
    of: BTreeMap<ItemId, Domain>,
}

impl DomainMap {
    /// A map, refused unless each item is listed once, the lupus items form the lupus domain
    /// alone, and each domain has its published size [O7, O8].
    pub fn new(
        assignments: impl IntoIterator<Item = (ItemId, Domain)>,
    ) -> Result<DomainMap, SkindexError> {
        let mut of = BTreeMap::new();
        for (id, domain) in assignments {
            if id.is_lupus() != (domain == Domain::Lupus) {
                return Err(SkindexError::WrongDomain { id, domain });
            }
            if of.insert(id, domain).is_some() {
                return Err(SkindexError::Twice { id });
            }
        }
        let map = DomainMap { of };
        for domain in Domain::ALL {
            let got = map.items(domain).len();
            if got != domain.size() {
                return Err(SkindexError::DomainSize {
                    domain,
                    got,
                    expected: domain.size(),
                });
            }
        }
        Ok(map)
    }

    /// The assignment recalled from the Skindex-29 form [UNVERIFIED]: Symptoms 1, 7, 10, 16,
    /// 19, 23, 27; Emotions 3, 6, 9, 12, 13, 15, 21, 26, 28, 30; Functioning 2, 4, 5, 8, 11,
    /// 14, 17, 20, 22, 24, 25, 29; question 18 not scored; L1-L3 the lupus sub-scale.
    pub fn as_recalled() -> DomainMap {
        const SYMPTOMS: [u8; 7] = [1, 7, 10, 16, 19, 23, 27];
        const EMOTIONS: [u8; 10] = [3, 6, 9, 12, 13, 15, 21, 26, 28, 30];
        const FUNCTIONING: [u8; 12] = [2, 4, 5, 8, 11, 14, 17, 20, 22, 24, 25, 29];
        let skindex = |numbers: &'static [u8], domain| {
            numbers.iter().map(move |&number| {
                let id = ItemId {
                    lupus: false,
                    number,
                };
                (id, domain)
            })
        };
        let lupus = (1..=LUPUS_QUESTIONS).map(|number| {
            let id = ItemId {
                lupus: true,
                number,
            };
            (id, Domain::Lupus)
        });
        let all = skindex(&SYMPTOMS, Domain::Symptoms)
            .chain(skindex(&EMOTIONS, Domain::Emotions))
            .chain(skindex(&FUNCTIONING, Domain::Functioning))
            .chain(lupus);
        DomainMap::new(all).expect("the recalled assignment has the published domain sizes")
    }

    /// The items of `domain`, in id order.
    pub fn items(&self, domain: Domain) -> Vec<ItemId> {
        self.of
            .iter()
            .filter(|(_, each)| **each == domain)
            .map(|(id, _)| *id)
            .collect()
    }

    /// The domain of `id`, `None` for an unscored item.
    pub fn domain(&self, id: ItemId) -> Option<Domain> {
        self.of.get(&id).copied()
    }
}

/// The scoring settings the retrieved sources leave open [UNVERIFIED].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkindexRules {
    domains: DomainMap,
    max_missing_percent: u8,
}

impl SkindexRules {
    /// `max_missing_percent`: a domain is scored when at most this share of its items (0 to
    /// 100) is unanswered.
    pub fn new(domains: DomainMap, max_missing_percent: u8) -> Result<SkindexRules, OutOfRange> {
        within(
            "the share of a domain's items that may be missing (%)",
            max_missing_percent.into(),
            0,
            100,
        )?;
        Ok(SkindexRules {
            domains,
            max_missing_percent,
        })
    }

    /// The recalled domain assignment and the brief's 25% [UNVERIFIED, see the module notes].
    pub fn as_recalled() -> SkindexRules {
        SkindexRules {
            domains: DomainMap::as_recalled(),
            max_missing_percent: 25,
        }
    }

    pub fn domains(&self) -> &DomainMap {
        &self.domains
    }

    pub fn max_missing_percent(&self) -> u8 {
        self.max_missing_percent
    }
}

/// One completed questionnaire: an answer or nothing (unanswered) per item, and whether the +3
/// lupus items were administered at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skindex {
    answers: BTreeMap<ItemId, Frequency>,
    lupus_administered: bool,
}

impl Skindex {
    /// The answers given; any item not given is unanswered. Refuses an item given twice, and
    /// a lupus item when the +3 items were not administered.
    pub fn new(
        answers: impl IntoIterator<Item = (ItemId, Frequency)>,
        lupus_administered: bool,
    ) -> Result<Skindex, SkindexError> {
        let mut given = BTreeMap::new();
        for (id, answer) in answers {
            if id.is_lupus() && !lupus_administered {
                return Err(SkindexError::LupusNotAdministered { id });
            }
            if given.insert(id, answer).is_some() {
                return Err(SkindexError::Twice { id });
            }
        }
        Ok(Skindex {
            answers: given,
            lupus_administered,
        })
    }

    /// Reads answers keyed by item id as printed (`S01`, `L2`).
    pub fn from_ids<'a>(
        answers: impl IntoIterator<Item = (&'a str, Frequency)>,
        lupus_administered: bool,
    ) -> Result<Skindex, SkindexError> {
        let answers = answers
            .into_iter()
            .map(|(id, answer)| Ok((ItemId::parse(id)?, answer)))
            .collect::<Result<Vec<_>, SkindexError>>()?;
        Skindex::new(answers, lupus_administered)
    }

    pub fn answer(&self, id: ItemId) -> Option<Frequency> {
        self.answers.get(&id).copied()
    }

    pub fn lupus_administered(&self) -> bool {
        self.lupus_administered
    }

    /// Every domain's score; the lupus sub-scale only when its items were administered.
    pub fn score(&self, rules: &SkindexRules) -> Vec<DomainScore> {
        Domain::ALL
            .into_iter()
            .filter(|domain| *domain != Domain::Lupus || self.lupus_administered)
            .map(|domain| self.domain_score(domain, rules))
            .collect()
    }

    fn domain_score(&self, domain: Domain, rules: &SkindexRules) -> DomainScore {
        let items = rules.domains.items(domain);
        let answered: Vec<u8> = items
            .iter()
            .filter_map(|id| self.answer(*id))
            .map(Frequency::points)
            .collect();
        let missing = items.len() - answered.len();
        // Integer test, so that exactly the allowed share (e.g. 3 of 12 at 25%) is scored.
        let few_missing = missing * 100 <= usize::from(rules.max_missing_percent) * items.len();
        let score = (few_missing && !answered.is_empty()).then(|| {
            let sum: u32 = answered.iter().map(|&points| u32::from(points)).sum();
            f64::from(sum) / answered.len() as f64
        });
        DomainScore {
            domain,
            items: items.len(),
            missing,
            score,
        }
    }
}

/// A domain's score: the mean of its answered items (0-100), or `None` when too many of its
/// items are unanswered.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DomainScore {
    pub domain: Domain,
    pub items: usize,
    pub missing: usize,
    pub score: Option<f64>,
}
