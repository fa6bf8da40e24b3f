//! Loading a protocol file: parse the TOML, then check everything and report every problem
//! found, each with its TOML path, before anything can use the protocol.

use std::collections::BTreeSet;

use instruments::ctcae::{CtcaeGrade, CtcaeTerm, LabTest, LabUnit};
use instruments::medication::{Amount, Drug, Regimen};
use instruments::sledai::Flare;
use instruments::vocabulary::{self, NEAREST, Unknown};

use crate::allocation::{self, InvalidDesign, Method};
use crate::analysis::Analysis;
use crate::eligibility::{
    Comparison, Condition, Criterion, Eligibility, Field, FieldKind, Op, Threshold, count_per_mm3,
};
use crate::extension::Extension;
use crate::history::{EventKind, NerveFinding};
use crate::model::{
    AllocationMethod, Choice, ConditionSpec, CriterionSpec, Design, DoseLevel, LabSpec,
    ProtocolFile, RandomisationSpec, ScheduleSpec, Segment, StopSpec, ThresholdSpec, TimeUnit,
    Treatment,
};
use crate::outcomes::Outcomes;
use crate::problem::{Problem, Problems};
use crate::schedule;

/// The only format version this crate reads.
pub const FORMAT_VERSION: u32 = 1;

/// Why a protocol file was rejected. A syntax or type error stops parsing, so it comes alone;
/// once parsed, every semantic problem is reported together.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("; "))]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

/// A stop rule with its trigger resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    pub id: String,
    pub text: String,
    pub trigger: StopTrigger,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StopTrigger {
    Event(EventKind),
    LabGrade {
        tests: Vec<LabTest>,
        min_grade: CtcaeGrade,
    },
    Flare(Flare),
    AdverseEvent {
        term: Option<CtcaeTerm>,
        min_grade: CtcaeGrade,
    },
    NerveConduction(NerveFinding),
}

/// The treatment algorithm with every dose level resolved to its place on the taper ladder
/// (index 0 is the highest; the last is off).
#[derive(Clone, Debug)]
pub struct Algorithm {
    pub settings: Treatment,
    /// The study drug, named when a dose level is said in a language other than the protocol's.
    pub drug: Option<Drug>,
    pub ladder: Vec<DoseLevel>,
    pub start: usize,
    pub escalation: Option<usize>,
    pub reintroduce: usize,
    pub stops: Vec<Stop>,
    pub toxicity_labs: Vec<LabTest>,
    pub toxicity_flag_grade: CtcaeGrade,
    pub deviation_events: Vec<EventKind>,
}

impl Algorithm {
    pub fn off(&self) -> usize {
        self.ladder.len() - 1
    }

    pub fn level_id(&self, index: usize) -> &str {
        &self.ladder[index].id
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.ladder.iter().position(|level| level.id == id)
    }
}

/// A checked protocol. The only way to get one is [`Protocol::from_toml`].
#[derive(Clone, Debug)]
pub struct Protocol {
    file: ProtocolFile,
    eligibility: Eligibility,
    algorithm: Option<Algorithm>,
    /// `[[labs]]` checked (graded labs' units written as CTCAE's symbols), or the default.
    labs: Vec<LabSpec>,
    analysis: Analysis,
    randomisation: Option<allocation::Design>,
    extension: Option<Extension>,
    outcomes: Outcomes,
}

impl Protocol {
    /// Parses and checks a protocol file.
    pub fn from_toml(text: &str) -> Result<Protocol, LoadError> {
        let file = parse(text)?;
        let mut problems = Problems::default();
        check_study(&file, &mut problems);
        check_dose_levels(&file.dose_levels, &mut problems);
        let eligibility = compile_eligibility(&file, &mut problems);
        let algorithm = file.treatment.as_ref().and_then(|treatment| {
            compile_treatment(treatment, file.study.drug, &file.dose_levels, &mut problems)
        });
        check_schedule(&file.schedule, &mut problems);
        let labs = compile_labs(file.labs.as_deref(), &mut problems);
        if let Some(treatment) = &file.treatment {
            check_lab_references(treatment, &labs, &mut problems);
        }
        let analysis = match &file.analysis {
            Some(spec) => {
                crate::analysis::compile(spec, file.treatment.is_some(), &labs, &mut problems)
            }
            None => Analysis::minimal(),
        };
        let randomisation = file
            .randomisation
            .as_ref()
            .and_then(|spec| compile_randomisation(spec, file.study.design, &mut problems));
        let extension = compile_extension(&file, randomisation.as_ref(), &mut problems);
        let outcomes = file.outcomes.as_ref().map_or_else(Outcomes::none, |spec| {
            crate::outcomes::compile(spec, &mut problems)
        });
        if problems.list.is_empty() {
            Ok(Protocol {
                file,
                eligibility,
                algorithm,
                labs,
                analysis,
                randomisation,
                extension,
                outcomes,
            })
        } else {
            Err(LoadError {
                problems: problems.list,
            })
        }
    }

    pub fn file(&self) -> &ProtocolFile {
        &self.file
    }

    pub fn id(&self) -> &str {
        &self.file.study.id
    }

    pub fn eligibility(&self) -> &Eligibility {
        &self.eligibility
    }

    /// The treatment algorithm; `None` for a study without one (a retrospective review).
    pub fn algorithm(&self) -> Option<&Algorithm> {
        self.algorithm.as_ref()
    }

    /// What the study report computes (`[analysis]`, or [`Analysis::minimal`] without one).
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// The arms and how subjects are allocated to them; `None` for a study that does not
    /// randomise.
    pub fn randomisation(&self) -> Option<&allocation::Design> {
        self.randomisation.as_ref()
    }

    /// The open-label extension after the blinded period (`[randomisation.extension]`), if the
    /// protocol has one: the only rule that reads a subject's arm.
    pub fn extension(&self) -> Option<&Extension> {
        self.extension.as_ref()
    }

    /// The outcome instruments the study collects (`[outcomes]`; none without it) and its
    /// CLASI-50/70 responder population.
    pub fn outcomes(&self) -> &Outcomes {
        &self.outcomes
    }

    pub fn schedule(&self) -> &ScheduleSpec {
        &self.file.schedule
    }

    /// The laboratory tests the study records (`[[labs]]`), in the file's order; without
    /// `[[labs]]`, the five CTCAE-graded haematology tests ([`LabSpec::ctcae_default`]).
    pub fn labs(&self) -> &[LabSpec] {
        &self.labs
    }

    /// The lab named by `text`: its id or its text in any case and spacing
    /// ([`vocabulary::normalise`]); otherwise an [`Unknown`] naming the ids of the nearest labs
    /// ("unknown lab test 'neutrofils'; nearest: neutrophils, ...").
    pub fn lab(&self, text: &str) -> Result<&LabSpec, Unknown> {
        let names = || {
            self.labs
                .iter()
                .enumerate()
                .flat_map(|(index, lab)| [(lab.id.as_str(), index), (lab.text.as_str(), index)])
        };
        match vocabulary::find("lab test", text, names()) {
            Ok(index) => Ok(&self.labs[index]),
            Err(mut unknown) => {
                // Each lab once, by its id, however many of its names are near.
                let mut nearest: Vec<usize> = Vec::with_capacity(NEAREST);
                for index in vocabulary::nearest(text, names(), 2 * self.labs.len()) {
                    if !nearest.contains(&index) && nearest.len() < NEAREST {
                        nearest.push(index);
                    }
                }
                unknown.nearest = nearest
                    .into_iter()
                    .map(|index| self.labs[index].id.clone())
                    .collect();
                Err(unknown)
            }
        }
    }

    pub fn dose_level(&self, id: &str) -> Option<&DoseLevel> {
        self.file.dose_levels.iter().find(|level| level.id == id)
    }

    /// The dose level a regimen of the study drug is: the level with the same amount (exact to
    /// the microgram) and frequency, never one with the same average. A regimen of another drug
    /// is no level of this protocol.
    pub fn level_of(&self, regimen: &Regimen) -> Result<&DoseLevel, NoLevel> {
        let study_drug = self.file.study.drug;
        if study_drug != Some(regimen.drug) {
            return Err(NoLevel::NotTheStudyDrug {
                drug: regimen.drug,
                study_drug,
            });
        }
        self.file
            .dose_levels
            .iter()
            .find(|level| level.amount_and_frequency() == Some((regimen.amount, regimen.frequency)))
            .ok_or_else(|| NoLevel::NotALevel {
                regimen: regimen.to_string(),
                levels: self
                    .file
                    .dose_levels
                    .iter()
                    .filter(|level| !level.is_off())
                    .map(|level| level.text.clone())
                    .collect(),
            })
    }

    pub fn dose_level_ids(&self) -> String {
        let ids: Vec<_> = self
            .file
            .dose_levels
            .iter()
            .map(|l| l.id.as_str())
            .collect();
        ids.join(", ")
    }
}

/// Why a regimen is no dose level of the protocol.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoLevel {
    #[error("{drug} is not this study's drug{}; record it as a concomitant medication", .study_drug.map(|drug| format!(" ({drug})")).unwrap_or_default())]
    NotTheStudyDrug {
        drug: Drug,
        study_drug: Option<Drug>,
    },
    #[error("{regimen} is no dose level of the protocol; its levels: {}", .levels.join("; "))]
    NotALevel {
        regimen: String,
        levels: Vec<String>,
    },
}

fn parse(text: &str) -> Result<ProtocolFile, LoadError> {
    let fail = |path: String, message: String| LoadError {
        problems: vec![Problem { path, message }],
    };
    let deserializer = toml::de::Deserializer::parse(text)
        .map_err(|error| fail("(file)".to_owned(), one_line(error.message())))?;
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let message = one_line(error.inner().message());
        fail(
            if path == "." {
                "(file)".to_owned()
            } else {
                path
            },
            message,
        )
    })
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `[randomisation]` checked: an interventional study only, the method's own setting given (and the other's not), then the
/// design as [`allocation::Design::new`] checks it, each problem at its path under `randomisation`.
fn compile_randomisation(
    spec: &RandomisationSpec,
    design: Design,
    problems: &mut Problems,
) -> Option<allocation::Design> {
    if design != Design::Interventional {
        // Allocation by chance is what makes a study an intervention study (ICH E9 2.3).
        problems.add(
            "randomisation",
            "only an interventional study randomises; remove [randomisation] or change study.design",
        );
    }
    let method = method_name(spec.method);
    let blocks = spec.method == AllocationMethod::PermutedBlocks;
    let mut missing = false;
    for (name, given, needed) in [
        ("block_multiples", spec.block_multiples.is_some(), blocks),
        ("percent_best", spec.percent_best.is_some(), !blocks),
    ] {
        if given != needed {
            missing |= needed;
            let problem = if needed {
                format!("method = \"{method}\" needs {name}")
            } else {
                format!("is not a setting of method = \"{method}\"")
            };
            problems.add(format!("randomisation.{name}"), problem);
        }
    }
    if missing {
        return None;
    }
    let method = match spec.method {
        AllocationMethod::PermutedBlocks => Method::PermutedBlocks {
            block_multiples: spec.block_multiples.clone().unwrap_or_default(),
        },
        AllocationMethod::Minimisation => Method::Minimisation {
            percent_best: spec.percent_best.unwrap_or_default(),
        },
    };
    match allocation::Design::new(spec.arms.clone(), spec.factors.clone(), method) {
        Ok(design) => Some(design),
        Err(InvalidDesign(list)) => {
            for problem in list {
                problems.add(format!("randomisation.{}", problem.path), problem.message);
            }
            None
        }
    }
}

/// `[randomisation.extension]` checked against the design's arms and the schedule, each problem
/// at its path. An extension changes how the treatment algorithm goes on, so a study without one
/// cannot have it.
fn compile_extension(
    file: &ProtocolFile,
    design: Option<&allocation::Design>,
    problems: &mut Problems,
) -> Option<Extension> {
    let spec = file.randomisation.as_ref()?.extension.as_ref()?;
    if file.treatment.is_none() {
        problems.add(
            "randomisation.extension",
            "an open-label extension changes how the treatment algorithm goes on; this protocol has no [treatment]",
        );
        return None;
    }
    let horizon = schedule::shortest_horizon_days(&file.schedule);
    match Extension::new(spec, design?, horizon) {
        Ok(extension) => Some(extension),
        Err(list) => {
            for (path, message) in list {
                problems.add(format!("randomisation.extension.{path}"), message);
            }
            None
        }
    }
}

fn method_name(method: AllocationMethod) -> &'static str {
    match method {
        AllocationMethod::PermutedBlocks => "permuted_blocks",
        AllocationMethod::Minimisation => "minimisation",
    }
}

fn check_study(file: &ProtocolFile, problems: &mut Problems) {
    if file.format != FORMAT_VERSION {
        problems.add(
            "format",
            format!(
                "unsupported format {}; allowed: {FORMAT_VERSION}",
                file.format
            ),
        );
    }
    if file.study.id.trim().is_empty() {
        problems.add("study.id", "must not be empty");
    }
    let has_algorithm = file.treatment.is_some();
    match (file.study.design, has_algorithm) {
        (Design::Retrospective, true) => problems.add(
            "treatment",
            "a retrospective study drives no doses; remove [treatment] or change study.design",
        ),
        (Design::Interventional, false) => problems.add(
            "treatment",
            "an interventional study needs a [treatment] algorithm",
        ),
        _ => {}
    }
}

fn check_dose_levels(levels: &[DoseLevel], problems: &mut Problems) {
    problems.unique("dose_levels", levels.iter().map(|level| level.id.as_str()));
    for (index, level) in levels.iter().enumerate() {
        let path = format!("dose_levels[{index}]");
        if !level
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            problems.add(
                format!("{path}.id"),
                format!("'{}' must use a-z, 0-9 and _ only", level.id),
            );
        }
        if !(level.mg.is_finite() && (0.0..=1000.0).contains(&level.mg)) {
            problems.add(
                format!("{path}.mg"),
                format!("must be 0 to 1000, got {}", level.mg),
            );
        }
        match (level.mg == 0.0, level.frequency) {
            (true, Some(_)) => problems.add(
                format!("{path}.frequency"),
                "off (mg = 0) has no frequency",
            ),
            (false, None) => problems.add(
                format!("{path}.frequency"),
                "a level with mg more than 0 needs a frequency (a CDISC term: QD, QOD, 3 TIMES PER WEEK, ...)",
            ),
            (false, Some(frequency)) if frequency.per_week().is_none() => problems.add(
                format!("{path}.frequency"),
                format!("'{}' has no fixed count a week; a dose level needs one", frequency.code()),
            ),
            _ => {}
        }
        if level.mg > 0.0 && Amount::from_mg(level.mg).is_none() {
            problems.add(
                format!("{path}.mg"),
                format!(
                    "must be exact to the microgram (3 decimals), got {}",
                    level.mg
                ),
            );
        }
    }
}

fn compile_eligibility(file: &ProtocolFile, problems: &mut Problems) -> Eligibility {
    let rules = &file.eligibility;
    let mut seen = BTreeSet::new();
    let listed = [
        ("inclusion", &rules.inclusion),
        ("exclusion", &rules.exclusion),
    ];
    for (name, list) in listed {
        for (index, criterion) in list.iter().enumerate() {
            if !seen.insert(criterion.id.as_str()) {
                problems.add(
                    format!("eligibility.{name}[{index}].id"),
                    format!("duplicate criterion id '{}'", criterion.id),
                );
            }
        }
    }
    let mut compile = |list: &[CriterionSpec], name: &str| -> Vec<Criterion> {
        list.iter()
            .enumerate()
            .filter_map(|(index, spec)| {
                let path = format!("eligibility.{name}[{index}]");
                if spec.id.trim().is_empty() {
                    problems.add(format!("{path}.id"), "must not be empty");
                }
                let condition = compile_condition(&spec.condition(), &path, problems)?;
                Some(Criterion {
                    id: spec.id.clone(),
                    text: spec.text.clone(),
                    condition,
                })
            })
            .collect()
    };
    Eligibility {
        inclusion: compile(&rules.inclusion, "inclusion"),
        exclusion: compile(&rules.exclusion, "exclusion"),
    }
}

fn compile_condition(
    spec: &ConditionSpec,
    path: &str,
    problems: &mut Problems,
) -> Option<Condition> {
    let forms = [spec.field.is_some(), spec.all.is_some(), spec.any.is_some()];
    if forms.iter().filter(|present| **present).count() != 1 {
        problems.add(
            path,
            "give exactly one of: field (with op and value), all, any",
        );
        return None;
    }
    let nested = |parts: &[ConditionSpec], key: &str, problems: &mut Problems| {
        if parts.is_empty() {
            problems.add(format!("{path}.{key}"), "must list at least one condition");
        }
        let compiled: Vec<_> = parts
            .iter()
            .enumerate()
            .map(|(index, part)| {
                compile_condition(part, &format!("{path}.{key}[{index}]"), problems)
            })
            .collect();
        compiled.into_iter().collect::<Option<Vec<_>>>()
    };
    if let Some(parts) = &spec.all {
        return nested(parts, "all", problems).map(Condition::All);
    }
    if let Some(parts) = &spec.any {
        return nested(parts, "any", problems).map(Condition::Any);
    }
    let name = spec.field.as_deref().unwrap_or_default();
    let Some(field) = Field::from_name(name) else {
        problems.add(
            format!("{path}.field"),
            format!("unknown field '{name}'; allowed: {}", Field::names()),
        );
        return None;
    };
    let op_text = spec.op.as_deref().unwrap_or_default();
    let Some(op) = Op::parse(op_text) else {
        problems.add(
            format!("{path}.op"),
            format!("unknown operator '{op_text}'; allowed: {}", Op::ALLOWED),
        );
        return None;
    };
    let Some(value) = spec.value else {
        problems.add(format!("{path}.value"), "missing threshold");
        return None;
    };
    let unit = spec.unit.as_deref();
    let threshold = compile_threshold(field, op, value, unit, path, problems)?;
    let written = match value {
        ThresholdSpec::Bool(answer) => format!("{field} {} {answer}", op.symbol()),
        ThresholdSpec::Number(number) => {
            format!(
                "{field} {} {number} {}",
                op.symbol(),
                unit.unwrap_or_default()
            )
        }
    };
    Some(Condition::Compare(Comparison {
        field,
        op,
        threshold,
        written: written.trim_end().to_owned(),
    }))
}

fn compile_threshold(
    field: Field,
    op: Op,
    value: ThresholdSpec,
    unit: Option<&str>,
    path: &str,
    problems: &mut Problems,
) -> Option<Threshold> {
    match (field.kind(), value) {
        (FieldKind::YesNo, ThresholdSpec::Bool(answer)) => {
            if unit.is_some() {
                problems.add(
                    format!("{path}.unit"),
                    format!("{field} is yes/no and takes no unit"),
                );
            }
            if !matches!(op, Op::Eq | Op::Ne) {
                problems.add(
                    format!("{path}.op"),
                    format!("{field} is yes/no; allowed: =, !="),
                );
            }
            Some(Threshold::YesNo(answer))
        }
        (
            FieldKind::Number {
                unit: expected,
                min,
                max,
            },
            ThresholdSpec::Number(number),
        ) => {
            if unit != Some(expected) {
                problems.add(
                    format!("{path}.unit"),
                    format!(
                        "{field} is in '{expected}', got '{}'",
                        unit.unwrap_or("(none)")
                    ),
                );
            }
            if !(min..=max).contains(&number) {
                problems.add(
                    format!("{path}.value"),
                    format!(
                        "threshold {number} out of range for {field}: {min} to {max} {expected}"
                    ),
                );
            }
            Some(Threshold::Number(number))
        }
        (FieldKind::Count, ThresholdSpec::Number(number)) => {
            let parsed = unit.and_then(|unit| unit.parse().ok());
            let Some(cells) = parsed.and_then(|unit| count_per_mm3(number, unit)) else {
                problems.add(
                    format!("{path}.unit"),
                    format!(
                        "{field} is a count; allowed: /mm3, /uL, 10^9/L, got '{}'",
                        unit.unwrap_or("(none)")
                    ),
                );
                return None;
            };
            if !(0.0..=2_000_000.0).contains(&cells) {
                problems.add(
                    format!("{path}.value"),
                    format!("threshold {number} out of range for {field}"),
                );
            }
            Some(Threshold::Number(cells))
        }
        (FieldKind::YesNo, ThresholdSpec::Number(_)) => {
            problems.add(
                format!("{path}.value"),
                format!("{field} is yes/no; use true or false"),
            );
            None
        }
        (_, ThresholdSpec::Bool(_)) => {
            problems.add(
                format!("{path}.value"),
                format!("{field} is a number; use a number"),
            );
            None
        }
    }
}

fn grade(number: u8, path: String, problems: &mut Problems) -> Option<CtcaeGrade> {
    match CtcaeGrade::from_number(number) {
        Some(grade) if number >= 1 => Some(grade),
        _ => {
            problems.add(path, format!("CTCAE grade must be 1 to 5, got {number}"));
            None
        }
    }
}

fn lab_tests(names: &[String], path: &str, problems: &mut Problems) -> Vec<LabTest> {
    names
        .iter()
        .enumerate()
        .filter_map(|(index, name)| match name.parse::<LabTest>() {
            Ok(test) => Some(test),
            Err(error) => {
                problems.add(format!("{path}[{index}]"), error.to_string());
                None
            }
        })
        .collect()
}

/// The longest lab id and unit a stored result can hold (`store::LabResult`'s checks).
const LAB_ID_MAX: usize = 40;
const LAB_UNIT_MAX: usize = 20;

/// `[[labs]]` checked, with each graded lab's units written as CTCAE's symbols; without it, the
/// CTCAE default.
fn compile_labs(specs: Option<&[LabSpec]>, problems: &mut Problems) -> Vec<LabSpec> {
    let Some(specs) = specs else {
        return LabSpec::ctcae_default();
    };
    if specs.is_empty() {
        problems.add(
            "labs",
            "must list at least one lab; leave [[labs]] out for the CTCAE haematology tests",
        );
    }
    // Every name (id or text) of every lab, normalised, with where it was first seen: a name
    // typed must find one lab only.
    let mut names: Vec<(String, usize)> = Vec::new();
    let mut labs = Vec::with_capacity(specs.len());
    for (index, spec) in specs.iter().enumerate() {
        let path = format!("labs[{index}]");
        if spec.id.is_empty() || spec.id.len() > LAB_ID_MAX {
            problems.add(
                format!("{path}.id"),
                format!("must be 1 to {LAB_ID_MAX} characters"),
            );
        } else if !spec
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || spec.id.starts_with('_')
        {
            problems.add(
                format!("{path}.id"),
                format!(
                    "'{}' must use a-z, 0-9 and _ only, starting with a letter or digit",
                    spec.id
                ),
            );
        }
        for (key, name) in [("id", &spec.id), ("text", &spec.text)] {
            let normal = vocabulary::normalise(name);
            if normal.is_empty() {
                if key == "text" {
                    problems.add(format!("{path}.text"), "must hold a letter or digit");
                }
                continue;
            }
            if let Some(test) = LabTest::ALL
                .into_iter()
                .find(|test| vocabulary::normalise(test.id()) == normal && test.id() != spec.id)
            {
                problems.add(
                    format!("{path}.{key}"),
                    format!(
                        "'{name}' names the CTCAE-graded test {test}: give the lab id = \"{test}\" so its results are graded"
                    ),
                );
            }
            match names.iter().find(|(seen, _)| *seen == normal) {
                Some((_, other)) if *other != index => problems.add(
                    format!("{path}.{key}"),
                    format!(
                        "duplicate lab '{name}': labs[{other}] has the same name in another case or spacing"
                    ),
                ),
                Some(_) => {}
                None => names.push((normal, index)),
            }
        }
        let units = compile_units(spec, &path, problems);
        labs.push(LabSpec {
            units,
            ..spec.clone()
        });
    }
    labs
}

/// A lab's units checked: listed, short, each once; a graded lab's are CTCAE's, written as its
/// symbols.
fn compile_units(spec: &LabSpec, path: &str, problems: &mut Problems) -> Vec<String> {
    if spec.units.is_empty() {
        problems.add(format!("{path}.units"), "must list at least one unit");
    }
    let graded = spec.graded();
    let mut units: Vec<String> = Vec::with_capacity(spec.units.len());
    for (index, unit) in spec.units.iter().enumerate() {
        let here = format!("{path}.units[{index}]");
        let symbol = unit.trim();
        if symbol.is_empty() || symbol.chars().count() > LAB_UNIT_MAX {
            problems.add(here, format!("must be 1 to {LAB_UNIT_MAX} characters"));
            continue;
        }
        if symbol.chars().any(char::is_control) {
            problems.add(here, "must not hold control characters");
            continue;
        }
        let symbol = match graded {
            None => symbol.to_owned(),
            Some(test) => match symbol.parse::<LabUnit>() {
                Ok(ctcae) if test.units().contains(&ctcae) => ctcae.symbol().to_owned(),
                _ => {
                    problems.add(
                        here,
                        format!(
                            "'{symbol}' does not fit {test}, which CTCAE v5.0 grades in {}",
                            test.units()
                                .iter()
                                .map(|unit| unit.symbol())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    continue;
                }
            },
        };
        if units.iter().any(|seen| seen.eq_ignore_ascii_case(&symbol)) {
            problems.add(
                here,
                format!("'{symbol}' is listed twice (units are compared in any case)"),
            );
            continue;
        }
        units.push(symbol);
    }
    units
}

/// The lab tests `[treatment]` grades (toxicity flag, lab-grade stops) must be among the
/// protocol's labs, so that a result of them can be recorded.
fn check_lab_references(treatment: &Treatment, labs: &[LabSpec], problems: &mut Problems) {
    let listed = || {
        labs.iter()
            .map(|lab| lab.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut check = |names: &[String], path: &str| {
        for (index, name) in names.iter().enumerate() {
            // An unknown test is reported where it is parsed (`lab_tests`).
            if let Ok(test) = name.parse::<LabTest>()
                && !labs.iter().any(|lab| lab.id == test.id())
            {
                problems.add(
                    format!("{path}[{index}]"),
                    format!(
                        "'{}' is not among the protocol's [[labs]]; listed: {}",
                        test.id(),
                        listed()
                    ),
                );
            }
        }
    };
    check(&treatment.toxicity.labs, "treatment.toxicity.labs");
    for (index, stop) in treatment.stops.iter().enumerate() {
        if let Some(lab) = &stop.lab_grade {
            check(
                &lab.tests,
                &format!("treatment.stops[{index}].lab_grade.tests"),
            );
        }
    }
}

fn event_kind(name: &str, path: String, problems: &mut Problems) -> Option<EventKind> {
    let kind = EventKind::from_name(name);
    if kind.is_none() {
        problems.add(
            path,
            format!("unknown event '{name}'; allowed: {}", EventKind::names()),
        );
    }
    kind
}

fn compile_treatment(
    treatment: &Treatment,
    drug: Option<Drug>,
    levels: &[DoseLevel],
    problems: &mut Problems,
) -> Option<Algorithm> {
    let before = problems.list.len();
    let ladder_path = "treatment.taper.ladder";
    let mut ladder = Vec::new();
    for (index, id) in treatment.taper.ladder.iter().enumerate() {
        match levels.iter().find(|level| &level.id == id) {
            Some(level) if ladder.iter().any(|seen: &DoseLevel| seen.id == *id) => problems.add(
                format!("{ladder_path}[{index}]"),
                format!("'{}' appears twice", level.id),
            ),
            Some(level) => ladder.push(level.clone()),
            None => problems.add(
                format!("{ladder_path}[{index}]"),
                format!("unknown dose level '{id}'; defined: {}", ids(levels)),
            ),
        }
    }
    match ladder.last() {
        None => problems.add(
            ladder_path,
            "must list the dose levels from the highest down to off",
        ),
        Some(last) if !last.is_off() => problems.add(
            ladder_path,
            format!(
                "must end with an off step (a level with mg = 0), ends with '{}'",
                last.id
            ),
        ),
        Some(_) => {}
    }
    for (index, pair) in ladder.windows(2).enumerate() {
        if pair[1].mg_per_week() >= pair[0].mg_per_week() {
            problems.add(
                format!("{ladder_path}[{}]", index + 1),
                format!(
                    "'{}' is not below '{}' in mg per week",
                    pair[1].id, pair[0].id
                ),
            );
        }
    }
    let on_ladder = |key: &str, id: &str, problems: &mut Problems| {
        let found = ladder.iter().position(|level| level.id == id);
        if found.is_none() {
            problems.add(
                format!("treatment.{key}"),
                format!(
                    "unknown dose level '{id}' (not on the taper ladder); allowed: {}",
                    ids(&ladder)
                ),
            );
        }
        found
    };
    let start = on_ladder("start_level", &treatment.start_level, problems);
    let reintroduce = on_ladder("reintroduce_level", &treatment.reintroduce_level, problems);
    let escalation = treatment
        .escalation_level
        .as_deref()
        .map(|id| on_ladder("escalation_level", id, problems));
    if let (Some(Some(up)), Some(start)) = (escalation, start)
        && up >= start
    {
        problems.add(
            "treatment.escalation_level",
            "must be above start_level on the taper ladder",
        );
    }
    let off = ladder.len().saturating_sub(1);
    for (key, index) in [("start_level", start), ("reintroduce_level", reintroduce)] {
        if index == Some(off) {
            problems.add(format!("treatment.{key}"), "must not be the off step");
        }
    }
    check_treatment_numbers(treatment, problems);
    let stops = compile_stops(&treatment.stops, problems);
    let toxicity_labs = lab_tests(
        &treatment.toxicity.labs,
        "treatment.toxicity.labs",
        problems,
    );
    let toxicity_flag_grade = grade(
        treatment.toxicity.flag_min_grade,
        "treatment.toxicity.flag_min_grade".to_owned(),
        problems,
    );
    let deviation_events: Vec<_> = treatment
        .deviation_events
        .iter()
        .enumerate()
        .filter_map(|(index, name)| {
            event_kind(
                name,
                format!("treatment.deviation_events[{index}]"),
                problems,
            )
        })
        .collect();
    if problems.list.len() > before {
        return None;
    }
    Some(Algorithm {
        settings: treatment.clone(),
        drug,
        ladder,
        start: start?,
        escalation: escalation.flatten(),
        reintroduce: reintroduce?,
        stops,
        toxicity_labs,
        toxicity_flag_grade: toxicity_flag_grade?,
        deviation_events,
    })
}

fn check_treatment_numbers(treatment: &Treatment, problems: &mut Problems) {
    let response = &treatment.response;
    // CLASI activity ranges 0 to 70 (INSTRUMENTS.md §0.1).
    if response.relapse_min_activity > 70 || response.relapse_min_activity == 0 {
        problems.add("treatment.response.relapse_min_activity", "must be 1 to 70");
    }
    if response.complete_max_activity >= response.relapse_min_activity {
        problems.add(
            "treatment.response.complete_max_activity",
            "must be below relapse_min_activity",
        );
    }
    let percent = response.partial_min_improvement_percent;
    if !(percent > 0.0 && percent <= 100.0) {
        problems.add(
            "treatment.response.partial_min_improvement_percent",
            format!("must be above 0 and at most 100, got {percent}"),
        );
    }
    if treatment.assessment_week == 0 || treatment.assessment_week > 52 {
        problems.add("treatment.assessment_week", "must be 1 to 52");
    }
    if response.partial_by_week < treatment.assessment_week || response.partial_by_week > 104 {
        problems.add(
            "treatment.response.partial_by_week",
            "must be from assessment_week to 104",
        );
    }
    if treatment.taper.interval_days == 0 || treatment.taper.interval_days > 365 {
        problems.add("treatment.taper.interval_days", "must be 1 to 365");
    }
    if treatment.window_days * 2
        >= treatment
            .taper
            .interval_days
            .min(treatment.assessment_week * 7)
    {
        problems.add(
            "treatment.window_days",
            "must be less than half the taper interval and half the assessment week, so windows do not overlap",
        );
    }
    for key in treatment.choices.keys() {
        if !Choice::ALL.iter().any(|choice| choice.key() == key) {
            problems.add(
                format!("treatment.choices.{key}"),
                format!(
                    "not a setting the sources leave open; allowed: {}",
                    Choice::ALL.map(Choice::key).join(", ")
                ),
            );
        }
    }
    if treatment.maintenance.from_cycle == 0 {
        problems.add("treatment.maintenance.from_cycle", "cycles count from 1");
    }
    if treatment.toxicity.lookback_days > 365 {
        problems.add("treatment.toxicity.lookback_days", "must be 0 to 365");
    }
}

fn compile_stops(specs: &[StopSpec], problems: &mut Problems) -> Vec<Stop> {
    problems.unique("treatment.stops", specs.iter().map(|stop| stop.id.as_str()));
    let mut stops = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        let path = format!("treatment.stops[{index}]");
        let present = [
            spec.event.is_some(),
            spec.lab_grade.is_some(),
            spec.flare.is_some(),
            spec.adverse_event.is_some(),
            spec.nerve_conduction.is_some(),
        ];
        if present.iter().filter(|p| **p).count() != 1 {
            problems.add(
                &path,
                "give exactly one trigger: event, lab_grade, flare, adverse_event or nerve_conduction",
            );
            continue;
        }
        let trigger = if let Some(name) = &spec.event {
            event_kind(name, format!("{path}.event"), problems).map(StopTrigger::Event)
        } else if let Some(lab) = &spec.lab_grade {
            let tests = lab_tests(&lab.tests, &format!("{path}.lab_grade.tests"), problems);
            if lab.tests.is_empty() {
                problems.add(
                    format!("{path}.lab_grade.tests"),
                    "must list at least one lab test",
                );
            }
            grade(
                lab.min_grade,
                format!("{path}.lab_grade.min_grade"),
                problems,
            )
            .map(|min_grade| StopTrigger::LabGrade { tests, min_grade })
        } else if let Some(flare) = &spec.flare {
            match flare.as_str() {
                "mild" => Some(StopTrigger::Flare(Flare::Mild)),
                "severe" => Some(StopTrigger::Flare(Flare::Severe)),
                other => {
                    problems.add(
                        format!("{path}.flare"),
                        format!("unknown flare '{other}'; allowed: mild, severe"),
                    );
                    None
                }
            }
        } else if let Some(finding) = &spec.nerve_conduction {
            match finding.as_str() {
                "sensory_polyneuropathy" => Some(StopTrigger::NerveConduction(
                    NerveFinding::SensoryPolyneuropathy,
                )),
                "other" => Some(StopTrigger::NerveConduction(NerveFinding::Other)),
                other => {
                    problems.add(
                        format!("{path}.nerve_conduction"),
                        format!(
                            "unknown finding '{other}'; allowed: sensory_polyneuropathy, other"
                        ),
                    );
                    None
                }
            }
        } else {
            spec.adverse_event.as_ref().and_then(|ae| {
                let term = match ae.term.as_deref().map(CtcaeTerm::lookup).transpose() {
                    Ok(term) => Some(term),
                    Err(unknown) => {
                        problems.add(format!("{path}.adverse_event.term"), unknown.to_string());
                        None
                    }
                };
                let min_grade = grade(
                    ae.min_grade,
                    format!("{path}.adverse_event.min_grade"),
                    problems,
                );
                let (term, min_grade) = (term?, min_grade?);
                if let Some(term) = term
                    && min_grade > term.max_grade()
                {
                    problems.add(
                        format!("{path}.adverse_event.min_grade"),
                        format!(
                            "would never fire: {term} goes up to grade {} in CTCAE v5.0",
                            term.max_grade().number()
                        ),
                    );
                    return None;
                }
                Some(StopTrigger::AdverseEvent { term, min_grade })
            })
        };
        if let Some(trigger) = trigger {
            stops.push(Stop {
                id: spec.id.clone(),
                text: spec.text.clone(),
                trigger,
            });
        }
    }
    stops
}

fn check_schedule(schedule: &ScheduleSpec, problems: &mut Problems) {
    if schedule.horizon_months == 0 || schedule.horizon_months > 240 {
        problems.add("schedule.horizon_months", "must be 1 to 240");
    }
    if schedule.visits.is_empty() {
        problems.add("schedule.visits", "must list at least one segment");
    }
    check_segments(&schedule.visits, "schedule.visits", problems);
    check_segments(&schedule.labs, "schedule.labs", problems);
    problems.unique(
        "schedule.monitoring",
        schedule.monitoring.iter().map(|m| m.id.as_str()),
    );
    for (index, monitoring) in schedule.monitoring.iter().enumerate() {
        let path = format!("schedule.monitoring[{index}].segments");
        if monitoring.segments.is_empty() {
            problems.add(&path, "must list at least one segment");
        }
        check_segments(&monitoring.segments, &path, problems);
    }
    problems.unique(
        "schedule.pregnancy_tests",
        schedule
            .pregnancy_tests
            .iter()
            .map(|policy| policy.id.as_str()),
    );
    for (index, policy) in schedule.pregnancy_tests.iter().enumerate() {
        let path = format!("schedule.pregnancy_tests[{index}]");
        if policy.regular.is_empty() {
            problems.add(format!("{path}.regular"), "must list at least one segment");
        }
        check_segments(&policy.regular, &format!("{path}.regular"), problems);
        check_segments(&policy.irregular, &format!("{path}.irregular"), problems);
        for (test, before) in policy.before_start.iter().enumerate() {
            if before.earliest_days < before.latest_days || before.earliest_days > 60 {
                problems.add(
                    format!("{path}.before_start[{test}]"),
                    "earliest_days must be at least latest_days and at most 60",
                );
            }
        }
    }
}

/// The shortest length of one step of a segment, in days (a month is at least 28).
pub fn min_step_days(segment: &Segment) -> u32 {
    let days = match segment.unit {
        TimeUnit::Days => 1,
        TimeUnit::Weeks => 7,
        TimeUnit::Months => 28,
    };
    segment.every.saturating_mul(days)
}

fn check_segments(segments: &[Segment], path: &str, problems: &mut Problems) {
    for (index, segment) in segments.iter().enumerate() {
        let here = format!("{path}[{index}]");
        if segment.every == 0 || min_step_days(segment) > 3660 {
            problems.add(
                format!("{here}.every"),
                "must be at least 1 and at most 10 years",
            );
        }
        match segment.times {
            Some(0) => problems.add(
                format!("{here}.times"),
                "must be at least 1 (or absent: repeat to the horizon)",
            ),
            Some(times) if times > 520 => {
                problems.add(format!("{here}.times"), "must be at most 520")
            }
            None if index + 1 != segments.len() => problems.add(
                format!("{here}.times"),
                "only the last segment may repeat to the horizon",
            ),
            _ => {}
        }
        if segment.every > 0 && segment.window_days * 2 >= min_step_days(segment) {
            problems.add(
                format!("{here}.window_days"),
                format!(
                    "must be less than half the interval ({} days) so windows do not overlap",
                    min_step_days(segment)
                ),
            );
        }
    }
}

fn ids(levels: &[DoseLevel]) -> String {
    levels
        .iter()
        .map(|level| level.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
