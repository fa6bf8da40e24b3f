//! DLQI: Dermatology Life Quality Index (Finlay AY, Khan GK. Clin Exp Dermatol
//! 1994;19:210-216), scored as its authors publish it (sources by their `O#` ids in
//! `docs/OUTCOMES.md`).
//!
//! - Ten questions about the last week. Each is answered "very much" 3, "a lot" 2, "a little"
//!   1 or "not at all" 0 [O1, O5]; questions 3 to 10 also offer "not relevant", which scores 0
//!   like "not at all" [O4, O5]. Questions 1 and 2 have no "not relevant" box [O4], so their
//!   answers are a type without it ([`Impact`]).
//! - Question 7 (work or study) is a yes/no question ("prevented you from working or
//!   studying?") followed, after "no", by "a lot" / "a little" / "not at all" [O4]. It scores
//!   "yes" 3, "no" then "a lot" 2, "a little" 1, "not at all" 0 [UNVERIFIED: the instructions'
//!   text was not retrieved; the values are the brief's and agree with the work sub-scale's
//!   maximum of 3, O6]. "No" with the follow-up left blank is [`DlqiRules::work_no_without_degree`].
//! - Total 0-30, the sum of the ten [O1]. Meaning bands (Hongbo et al., J Invest Dermatol
//!   2005;125:659) 0-1 no effect, 2-5 small, 6-10 moderate, 11-20 very large, 21-30 extremely
//!   large effect on the patient's life [O3].
//! - Six sub-scales: symptoms and feelings (Q1-2), daily activities (Q3-4), leisure (Q5-6), work
//!   and school (Q7), personal relationships (Q8-9), treatment (Q10) [O6].
//! - Missing answers: the Cardiff instructions have a rule for them [O2], whose text was not
//!   retrieved [UNVERIFIED]: as the brief states it, one unanswered question scores 0 and with two
//!   or more the total is not calculated. The number scored 0 is
//!   [`DlqiRules::unanswered_scored_zero`]. A sub-scale all of whose questions are answered (or
//!   scored 0 by that rule) is given even when the total is not, so that it stays the sum of
//!   its questions [UNVERIFIED: the FAQ's sub-scale answer was not retrieved].
//!
//! The questions' texts are copyrighted (© A Y Finlay, G K Khan 1992) and are not here: only
//! the question ids (`DLQI01`..`DLQI10`) and the scoring.

use serde::{Deserialize, Deserializer, Serialize};

/// An answer to questions 1 and 2, which offer no "not relevant".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    NotAtAll,
    ALittle,
    ALot,
    VeryMuch,
}

impl Impact {
    /// 0 to 3 [O1].
    pub fn points(self) -> u8 {
        match self {
            Impact::NotAtAll => 0,
            Impact::ALittle => 1,
            Impact::ALot => 2,
            Impact::VeryMuch => 3,
        }
    }
}

/// An answer to questions 3-6 and 8-10: an impact, or "not relevant" (scored 0 [O5], kept apart
/// from "not at all" so that analyses of not-relevant answers remain possible).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    NotAtAll,
    ALittle,
    ALot,
    VeryMuch,
    NotRelevant,
}

impl Answer {
    /// 0 to 3; "not relevant" 0 [O5].
    pub fn points(self) -> u8 {
        match self {
            Answer::NotAtAll | Answer::NotRelevant => 0,
            Answer::ALittle => 1,
            Answer::ALot => 2,
            Answer::VeryMuch => 3,
        }
    }
}

impl From<Impact> for Answer {
    fn from(impact: Impact) -> Answer {
        match impact {
            Impact::NotAtAll => Answer::NotAtAll,
            Impact::ALittle => Answer::ALittle,
            Impact::ALot => Answer::ALot,
            Impact::VeryMuch => Answer::VeryMuch,
        }
    }
}

/// Question 7 as the form asks it: "yes", "no" with how much of a problem work or study was,
/// "no" with that left blank, or "not relevant" [O4]. Written as one code each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Work {
    /// "Yes": prevented from working or studying.
    #[serde(rename = "yes")]
    Prevented,
    #[serde(rename = "no_a_lot")]
    NoALot,
    #[serde(rename = "no_a_little")]
    NoALittle,
    #[serde(rename = "no_not_at_all")]
    NoNotAtAll,
    /// "No", and the follow-up left blank.
    #[serde(rename = "no")]
    NoWithoutDegree,
    #[serde(rename = "not_relevant")]
    NotRelevant,
}

/// What "no" without the follow-up scores [UNVERIFIED, see the module's notes].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NoWithoutDegree {
    /// Scored 0: "no" says work was not prevented, and a blank follow-up claims no problem.
    #[default]
    ScoresZero,
    /// Counted as an unanswered question 7.
    Unanswered,
}

/// The scoring choices the retrieved sources leave open, as settings. The defaults are the
/// brief's statement of the Cardiff instructions [UNVERIFIED, O2].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DlqiRules {
    /// How many unanswered questions are scored 0; with more, the total is not calculated.
    pub unanswered_scored_zero: u8,
    pub work_no_without_degree: NoWithoutDegree,
}

impl Default for DlqiRules {
    fn default() -> Self {
        DlqiRules {
            unanswered_scored_zero: 1,
            work_no_without_degree: NoWithoutDegree::ScoresZero,
        }
    }
}

/// The ten questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Question {
    Q1,
    Q2,
    Q3,
    Q4,
    Q5,
    Q6,
    Q7,
    Q8,
    Q9,
    Q10,
}

impl Question {
    pub const ALL: [Question; 10] = [
        Question::Q1,
        Question::Q2,
        Question::Q3,
        Question::Q4,
        Question::Q5,
        Question::Q6,
        Question::Q7,
        Question::Q8,
        Question::Q9,
        Question::Q10,
    ];

    /// The stable item id, `DLQI01` to `DLQI10`.
    pub fn id(self) -> &'static str {
        [
            "DLQI01", "DLQI02", "DLQI03", "DLQI04", "DLQI05", "DLQI06", "DLQI07", "DLQI08",
            "DLQI09", "DLQI10",
        ][self.index()]
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The six sub-scales [O6].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subscale {
    SymptomsAndFeelings,
    DailyActivities,
    Leisure,
    WorkAndSchool,
    PersonalRelationships,
    Treatment,
}

impl Subscale {
    pub const ALL: [Subscale; 6] = [
        Subscale::SymptomsAndFeelings,
        Subscale::DailyActivities,
        Subscale::Leisure,
        Subscale::WorkAndSchool,
        Subscale::PersonalRelationships,
        Subscale::Treatment,
    ];

    /// The questions the sub-scale sums.
    pub fn questions(self) -> &'static [Question] {
        use Question::*;
        match self {
            Subscale::SymptomsAndFeelings => &[Q1, Q2],
            Subscale::DailyActivities => &[Q3, Q4],
            Subscale::Leisure => &[Q5, Q6],
            Subscale::WorkAndSchool => &[Q7],
            Subscale::PersonalRelationships => &[Q8, Q9],
            Subscale::Treatment => &[Q10],
        }
    }
}

/// What a DLQI total means for the patient's life (Hongbo et al. 2005) [O3].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    NoEffect,
    SmallEffect,
    ModerateEffect,
    VeryLargeEffect,
    ExtremelyLargeEffect,
}

/// The band of a total [O3]: 0-1, 2-5, 6-10, 11-20, 21-30. A total cannot exceed 30; a larger
/// number is still "extremely large".
pub fn band(total: u8) -> Band {
    match total {
        0..=1 => Band::NoEffect,
        2..=5 => Band::SmallEffect,
        6..=10 => Band::ModerateEffect,
        11..=20 => Band::VeryLargeEffect,
        _ => Band::ExtremelyLargeEffect,
    }
}

/// One completed questionnaire. `None` is a question left unanswered: never 0 until the
/// missing-answer rule says so.
///
/// JSON input: every question's key is required (`null` = unanswered), unknown keys are errors:
///
/// ```json
/// {"q1": "a_lot", "q2": "a_little", "q3": "not_relevant", "q4": "not_at_all",
///  "q5": "very_much", "q6": null, "q7": "no_a_little", "q8": "not_at_all",
///  "q9": "not_relevant", "q10": "a_little"}
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dlqi {
    #[serde(deserialize_with = "required")]
    pub q1: Option<Impact>,
    #[serde(deserialize_with = "required")]
    pub q2: Option<Impact>,
    #[serde(deserialize_with = "required")]
    pub q3: Option<Answer>,
    #[serde(deserialize_with = "required")]
    pub q4: Option<Answer>,
    #[serde(deserialize_with = "required")]
    pub q5: Option<Answer>,
    #[serde(deserialize_with = "required")]
    pub q6: Option<Answer>,
    #[serde(deserialize_with = "required")]
    pub q7: Option<Work>,
    #[serde(deserialize_with = "required")]
    pub q8: Option<Answer>,
    #[serde(deserialize_with = "required")]
    pub q9: Option<Answer>,
    #[serde(deserialize_with = "required")]
    pub q10: Option<Answer>,
}

/// A nullable field that must be present (serde would otherwise default it to `None`).
fn required<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(deserializer)
}

/// A scored questionnaire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DlqiScore {
    /// Each question's points, in question order, after the missing-answer rule: `None` for an
    /// unanswered question the rule did not score.
    pub points: [Option<u8>; 10],
    /// The questions left unanswered (whether or not the rule scored them 0).
    pub unanswered: Vec<Question>,
    /// 0-30, or `None` when more questions were unanswered than the rule scores as 0.
    pub total: Option<u8>,
    pub band: Option<Band>,
    /// Each sub-scale's sum, `None` where one of its questions has no points.
    pub subscales: [(Subscale, Option<u8>); 6],
}

impl Dlqi {
    /// Each question's points as answered, in question order; `None` when unanswered.
    pub fn answered_points(&self, rules: &DlqiRules) -> [Option<u8>; 10] {
        let impact = |answer: Option<Impact>| answer.map(Impact::points);
        let answer = |answer: Option<Answer>| answer.map(Answer::points);
        [
            impact(self.q1),
            impact(self.q2),
            answer(self.q3),
            answer(self.q4),
            answer(self.q5),
            answer(self.q6),
            self.q7.and_then(|work| work_points(work, rules)),
            answer(self.q8),
            answer(self.q9),
            answer(self.q10),
        ]
    }

    /// Scores the questionnaire under `rules`.
    pub fn score(&self, rules: &DlqiRules) -> DlqiScore {
        let answered = self.answered_points(rules);
        let unanswered: Vec<Question> = Question::ALL
            .into_iter()
            .filter(|question| answered[question.index()].is_none())
            .collect();
        let scored_zero = unanswered.len() <= usize::from(rules.unanswered_scored_zero);
        let points = answered.map(|points| points.or(scored_zero.then_some(0)));
        let total: Option<u8> = points.iter().copied().sum();
        let subscales = Subscale::ALL.map(|subscale| {
            let sum = subscale
                .questions()
                .iter()
                .map(|question| points[question.index()])
                .sum();
            (subscale, sum)
        });
        DlqiScore {
            points,
            unanswered,
            total,
            band: total.map(band),
            subscales,
        }
    }
}

/// Question 7's points, `None` when the rules count the answer as unanswered.
fn work_points(work: Work, rules: &DlqiRules) -> Option<u8> {
    match work {
        Work::Prevented => Some(3),
        Work::NoALot => Some(2),
        Work::NoALittle => Some(1),
        Work::NoNotAtAll | Work::NotRelevant => Some(0),
        Work::NoWithoutDegree => match rules.work_no_without_degree {
            NoWithoutDegree::ScoresZero => Some(0),
            NoWithoutDegree::Unanswered => None,
        },
    }
}
