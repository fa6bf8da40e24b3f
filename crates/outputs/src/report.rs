//! The study report from the record: each subject read from the store into an
//! `analysis::snapshot::SubjectSnapshot` (`read_subject`, `snapshot_of`), streamed into an
//! `analysis::report::Builder`, and the files `analysis::render` produces written into a folder
//! (`write`). Every number is computed in `analysis`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use analysis::derive::Definitions;
use analysis::render::render;
use analysis::report::agreement::{Agreement, AreaPair};
use analysis::report::{Builder, Inputs, Report, ReportError, Settings};
use analysis::snapshot::{
    AdverseEventEntry, DecisionEntry, DispositionEntry, DoseSpan, LabGrade, Measure,
    MedicationSpan, Name, NerveStudy, Sex, Source, SubjectSnapshot, SubtypeGroup, VisitPoint,
};
use instruments::medication::Regimen;
use jiff::civil::Date;
use protocol::Protocol;
use protocol::history::NerveFinding;
use store::{
    AdverseEvent, BirthOrAge, ClasiAssessment, ConcomitantMedication, Decimal, Disposition,
    DosePeriod, LabResult, NerveConductionStudy, Photo, ProtocolDecision, Store, StoreError,
};

use crate::OutputError;

/// A result's input file, written as the subjects stream through.
pub fn open_input(out: &Path, path: &str) -> std::io::Result<BufWriter<File>> {
    File::create(out.join(path)).map(BufWriter::new)
}

/// Flushes the input files of the results.
pub fn flush(inputs: Inputs<BufWriter<File>>) -> Result<(), OutputError> {
    for (path, mut writer) in inputs {
        writer
            .flush()
            .map_err(|error| ReportError::Write { path, error })?;
    }
    Ok(())
}

/// The report of every subject added, its input files flushed.
pub fn finish(builder: Builder<BufWriter<File>>) -> Result<Report, OutputError> {
    let (report, inputs) = builder.finish()?;
    flush(inputs)?;
    Ok(report)
}

/// The response and relapse definitions of a protocol with a treatment algorithm.
pub fn definitions(protocol: &Protocol) -> Option<Definitions> {
    protocol.algorithm().map(Definitions::from_protocol)
}

/// A report builder whose input files go to `out/tables/`, with the CLASI responder section
/// for a study with `[outcomes]`.
pub fn builder(
    study: &str,
    title: &str,
    source: Source,
    protocol: &Protocol,
    settings: Settings,
    out: &Path,
) -> Result<Builder<BufWriter<File>>, OutputError> {
    create_dir(&out.join("tables"))?;
    let builder = Builder::new(
        study,
        title,
        source,
        protocol.analysis(),
        definitions(protocol).as_ref(),
        settings,
        |path| open_input(out, path),
    )?;
    // A study that declares `[outcomes]` measures today's trials' endpoints; the 2012 studies'
    // reports stay as they were.
    Ok(match protocol.file().outcomes {
        Some(_) => builder.with_responders(protocol.outcomes(), |path| open_input(out, path))?,
        None => builder,
    })
}

/// Writes the report's files into `out`: index.html (self-contained), report.md, results.json,
/// tables/*.csv and figures/*.svg. Returns how many files the folder holds.
pub fn write(report: &Report, out: &Path) -> Result<usize, OutputError> {
    let rendered = render(report);
    // A report is plain data: serialising it cannot fail.
    let results = serde_json::to_string_pretty(report).unwrap_or_default();
    let mut files = vec![
        ("index.html".to_owned(), rendered.html),
        ("report.md".to_owned(), rendered.markdown),
        ("results.json".to_owned(), results + "\n"),
    ];
    files.extend(rendered.tables);
    files.extend(rendered.figures);
    for sub in ["tables", "figures"] {
        create_dir(&out.join(sub))?;
    }
    for (name, text) in &files {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|error| OutputError::Folder {
            action: "write",
            path,
            error,
        })?;
    }
    Ok(files.len() + report.results.len() + 2)
}

/// Creates `dir` and its parents.
pub fn create_dir(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|error| OutputError::Folder {
        action: "create",
        path: dir.to_owned(),
        error,
    })
}

/// The report of the whole record, read a subject at a time, its input files written into
/// `out/tables/` (the caller writes the rest with [`write`]). The analysis is `protocol`'s, else
/// the study's own protocol's; `progress` hears (subjects read, subjects in all) after each.
///
/// A randomised study's report is blinded; with `secret`, the study's allocation secret, it is
/// the unblinded statistician's: every result is also computed within each arm (each arm's input
/// files in `out/arms/<code>/tables/`) and each proportion compared between two arms. A secret
/// is refused where the study does not randomise, or when it is not the study's.
pub async fn from_record(
    store: &Store,
    protocol: Option<Protocol>,
    settings: Settings,
    out: &Path,
    version: &str,
    secret: Option<&protocol::allocation::Secret>,
    mut progress: impl FnMut(u64, u64),
) -> Result<Report, OutputError> {
    let study = store.study().await?;
    let protocol = match protocol {
        Some(protocol) => protocol,
        None => Protocol::from_toml(&study.protocol_text)
            .map_err(|error| OutputError::OwnProtocol(error.to_string()))?,
    };
    let source = if study.code.ends_with(crate::export::DEMO_SUFFIX) {
        Source::Demo
    } else {
        Source::Record
    };
    let mut whole = builder(&study.code, &study.title, source, &protocol, settings, out)?;
    // The study's own design randomised the subjects, whatever protocol the analysis follows.
    let own = store.protocol().await?;
    let arms = arms_of(store, &own, secret).await?;
    let mut arm_builders = arms
        .as_ref()
        .map(|(arms, _)| {
            arms.iter()
                .map(|(code, _)| {
                    let folder = out.join("arms").join(code);
                    builder(
                        &study.code,
                        &study.title,
                        source,
                        &protocol,
                        settings,
                        &folder,
                    )
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let subjects = store.subjects().await?;
    let total = subjects.len() as u64;
    let mut photographed = Photographed::default();
    for (read, subject) in (1..).zip(&subjects) {
        // Screened and never enrolled: counted, in no analysis.
        match subject.data.enrolment_date {
            Some(_) => {
                let records = read_subject(store, subject).await?;
                let arm = arms.as_ref().and_then(|(_, of)| of.get(&subject.id));
                if let (Some(builders), Some(arm)) = (arm_builders.as_mut(), arm) {
                    builders[*arm].add(&records)?;
                }
                whole.add(&records)?;
            }
            None => whole.add_not_enrolled(),
        }
        photographed.add(store, subject).await?;
        progress(read, total);
    }
    let randomisation = match own.randomisation() {
        Some(design) => {
            let blinded = randomisation(store, design, &subjects).await?;
            Some(match (arms, arm_builders) {
                (Some((names, _)), Some(builders)) => {
                    let by_arm = names
                        .into_iter()
                        .zip(builders)
                        .map(|((code, label), builder)| {
                            let report = finish(builder)?;
                            Ok(analysis::report::ArmResults {
                                code,
                                label,
                                subjects: report.flow.enrolled,
                                results: report.results,
                            })
                        })
                        .collect::<Result<Vec<_>, OutputError>>()?;
                    blinded.with_arms(by_arm, protocol.analysis())?
                }
                _ => blinded,
            })
        }
        None => None,
    };
    // A record without photographs (the shipped studies) has no agreement section.
    let agreement = (photographed.photographs > 0).then(|| {
        Agreement::of(
            photographed.photographs,
            photographed.readings,
            photographed.unpaired,
            photographed.pairs,
            protocol.analysis().level,
        )
    });
    Ok(Report {
        written_by: crate::written_by(version),
        randomisation,
        agreement,
        ..finish(whole)?
    })
}

/// With `secret`: the design's arms (code, label) and each randomised subject's arm by subject
/// id, the secret checked against the study's first.
async fn arms_of(
    store: &Store,
    own: &Protocol,
    secret: Option<&protocol::allocation::Secret>,
) -> Result<Option<(Vec<export::arms::ArmName>, BTreeMap<i64, usize>)>, OutputError> {
    let Some(secret) = secret else {
        return Ok(None);
    };
    let design = crate::arms::design_of(own)?;
    store.check_allocation_secret(secret).await?;
    let randomised = store.randomisations().await?;
    crate::arms::replayed(design, secret, &randomised).map(Some)
}

/// The record's photographs and their central scores, each paired with the site's score of
/// the same area in the CLASI of the photograph's visit (`analysis::report::agreement`).
#[derive(Default)]
struct Photographed {
    photographs: usize,
    readings: usize,
    unpaired: usize,
    pairs: Vec<AreaPair>,
}

impl Photographed {
    async fn add(&mut self, store: &Store, subject: &store::Subject) -> Result<(), StoreError> {
        let photos: Vec<store::Stored<Photo>> = store.records_of(subject.id).await?;
        if photos.is_empty() {
            return Ok(());
        }
        self.photographs += photos.len();
        let scores = store.central_scores_of(subject.id).await?;
        if scores.is_empty() {
            return Ok(());
        }
        let clasi: Vec<ClasiAssessment> = data(store.records_of(subject.id).await?);
        let visits = store.visits_of(subject.id).await?;
        for score in scores {
            self.readings += 1;
            let Some(photo) = photos.iter().find(|p| p.id == score.photo_id) else {
                // A reading of a photograph since marked entered in error.
                self.unpaired += 1;
                continue;
            };
            let photo = &photo.data;
            let site = clasi
                .iter()
                .find(|c| c.visit_id == photo.visit_id)
                .and_then(|c| c.clasi.areas.row(photo.area).0);
            let visit = visits.iter().find(|v| v.id == photo.visit_id);
            match (site, visit) {
                (Some(site), Some(visit)) => self.pairs.push(AreaPair {
                    subject: subject.data.code.clone(),
                    visit: visit.data.name.clone(),
                    area: photo.area.id().to_owned(),
                    site,
                    central: score.activity,
                }),
                _ => self.unpaired += 1,
            }
        }
        Ok(())
    }
}

/// The record's randomisations counted by stratum (every stratum of the design, none left out
/// for having no subject) and its emergency unblindings, for the blinded report.
async fn randomisation(
    store: &Store,
    design: &protocol::allocation::Design,
    subjects: &[store::Subject],
) -> Result<analysis::report::Randomisation, OutputError> {
    let randomised = store.randomisations().await?;
    let strata = design
        .strata()
        .iter()
        .map(|profile| {
            let stratum = design.stratum(profile);
            let n = randomised.iter().filter(|r| r.stratum == stratum).count() as u64;
            (stratum, n)
        })
        .collect();
    let code = |id: i64| {
        subjects
            .iter()
            .find(|subject| subject.id == id)
            .map_or_else(|| id.to_string(), |subject| subject.data.code.clone())
    };
    let unblindings = store
        .unblindings()
        .await?
        .into_iter()
        .map(|u| analysis::report::Unblinding {
            subject: code(u.subject_id),
            on: u.unblinded_on.to_string(),
            reason: u.reason,
        })
        .collect();
    Ok(analysis::report::Randomisation {
        strata,
        unblindings,
        ..Default::default()
    })
}

fn data<T>(stored: Vec<store::Stored<T>>) -> Vec<T> {
    stored.into_iter().map(|s| s.data).collect()
}

/// One subject's records as the report reads them, from the store or from the tidy tables.
pub struct SubjectRecords {
    pub code: String,
    pub sex: Option<Sex>,
    /// The birth date, or the age in years at screening.
    pub birth: Option<BirthOrAge>,
    pub subtype: Option<SubtypeGroup>,
    pub screening_date: Date,
    pub enrolment_date: Option<Date>,
    /// Visits: name and actual date.
    pub visits: Vec<(Name, Option<Date>)>,
    pub clasi: Vec<ClasiTotals>,
    /// (start, end, regimen).
    pub doses: Vec<(Date, Option<Date>, Regimen)>,
    pub events: Vec<EventRecord>,
    /// (test, collected on, value, CTCAE grade).
    pub labs: Vec<(Name, Date, Option<f64>, Option<u8>)>,
    pub medications: Vec<MedicationRecord>,
    /// (tested on, finding).
    pub nerve_studies: Vec<(Date, NerveFinding)>,
    /// (decided on, phase).
    pub decisions: Vec<(Date, String)>,
    /// (date, status code), in record order.
    pub dispositions: Vec<(Date, String)>,
}

/// A concomitant medication: the drug's id, its dates and mg a day (`None`: not in mg, or as
/// needed).
pub struct MedicationRecord {
    pub drug: Name,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub mg_per_day: Option<f64>,
}

/// A CLASI assessment's totals (`None`: an item was not assessed).
pub struct ClasiTotals {
    /// The position of its visit in `SubjectRecords::visits`.
    pub visit: Option<usize>,
    pub assessed_on: Date,
    pub activity: Option<u8>,
    pub damage: Option<u8>,
}

pub struct EventRecord {
    pub term: String,
    pub start: Date,
    pub end: Option<Date>,
    pub grade: u8,
    pub serious: bool,
    pub causality: String,
}

/// One subject from the store.
pub async fn read_subject(
    store: &Store,
    subject: &store::Subject,
) -> Result<SubjectSnapshot, StoreError> {
    let id = subject.id;
    let visits = store.visits_of(id).await?;
    let clasi: Vec<ClasiAssessment> = data(store.records_of(id).await?);
    let doses: Vec<DosePeriod> = data(store.records_of(id).await?);
    let events: Vec<AdverseEvent> = data(store.records_of(id).await?);
    let labs: Vec<LabResult> = data(store.records_of(id).await?);
    let decisions: Vec<ProtocolDecision> = data(store.records_of(id).await?);
    let medications: Vec<ConcomitantMedication> = data(store.records_of(id).await?);
    let nerve_studies: Vec<NerveConductionStudy> = data(store.records_of(id).await?);
    let disposition: Vec<Disposition> = data(store.records_of(id).await?);
    Ok(snapshot_of(SubjectRecords {
        code: subject.data.code.clone(),
        sex: match subject.data.sex {
            store::Sex::Female => Some(Sex::F),
            store::Sex::Male => Some(Sex::M),
            store::Sex::Unknown => None,
        },
        birth: Some(subject.data.birth),
        subtype: subject.data.subtype.map(SubtypeGroup::of),
        screening_date: subject.data.screening_date,
        enrolment_date: subject.data.enrolment_date,
        clasi: clasi
            .iter()
            .map(|c| ClasiTotals {
                visit: visits.iter().position(|v| v.id == c.visit_id),
                assessed_on: c.assessed_on,
                activity: c.activity(),
                damage: c.damage(),
            })
            .collect(),
        visits: visits
            .into_iter()
            .map(|v| (Name::from(v.data.name), v.data.actual_date))
            .collect(),
        doses: doses
            .iter()
            .map(|d| (d.start_date, d.end_date, d.regimen))
            .collect(),
        events: events
            .into_iter()
            .map(|e| EventRecord {
                grade: e.grade.number(),
                causality: e.causality.code().to_owned(),
                term: e.term.term().to_owned(),
                start: e.start_date,
                end: e.end_date,
                serious: e.serious,
            })
            .collect(),
        labs: labs
            .iter()
            .map(|l| {
                let grade = l.ctcae_grade().ok().flatten().map(|g| g.number());
                let value = l.value.value().map(Decimal::as_f64);
                (Name::from(l.test.as_str()), l.collected_on, value, grade)
            })
            .collect(),
        medications: medications
            .iter()
            .map(|m| MedicationRecord {
                drug: Name::lasting(m.drug.id()),
                start: m.start_date,
                end: m.end_date,
                mg_per_day: m.mg_per_day(),
            })
            .collect(),
        nerve_studies: nerve_studies
            .iter()
            .map(|n| (n.tested_on, n.finding.engine()))
            .collect(),
        decisions: decisions
            .into_iter()
            .map(|d| (d.decided_on, d.phase))
            .collect(),
        dispositions: disposition
            .into_iter()
            .map(|d| (d.disposition_date, d.status.code().to_owned()))
            .collect(),
    }))
}

/// The subject in study days. Day 0 is the first dose (else enrolment, else screening); the
/// baseline CLASI is the last assessment on or before day 0.
pub fn snapshot_of(r: SubjectRecords) -> SubjectSnapshot {
    let first_dose = r.doses.iter().map(|d| d.0).min();
    let start = first_dose.or(r.enrolment_date).unwrap_or(r.screening_date);
    let day = |date: Date| (date - start).get_days() as i64;
    let total =
        |score: Option<u8>| score.map_or(Measure::Unknown, |s| Measure::Value(f64::from(s)));
    let baseline = r
        .clasi
        .iter()
        .filter(|c| c.assessed_on <= start)
        .max_by_key(|c| c.assessed_on);
    let dates = r
        .visits
        .iter()
        .filter_map(|v| v.1)
        .chain(r.doses.iter().map(|d| d.1.unwrap_or(d.0)))
        .chain(r.events.iter().map(|e| e.end.unwrap_or(e.start)))
        .chain(r.labs.iter().map(|l| l.1))
        .chain(r.nerve_studies.iter().map(|n| n.0))
        .chain(r.dispositions.iter().map(|d| d.0));
    let last_day = dates.max().map(day);
    // The visits' names are moved into the points, not copied.
    let mut points: Vec<VisitPoint> = r
        .visits
        .into_iter()
        .enumerate()
        .filter_map(|(index, (name, date))| {
            let date = date?;
            if date <= start {
                return None;
            }
            let assessed = r.clasi.iter().find(|c| c.visit == Some(index));
            Some(VisitPoint {
                name,
                day: day(date),
                activity: assessed.map_or(Measure::NotDone, |c| total(c.activity)),
                damage: assessed.map_or(Measure::NotDone, |c| total(c.damage)),
            })
        })
        .collect();
    points.sort_by_key(|p| p.day);
    let age_years = r.birth.map(|birth| match birth {
        BirthOrAge::BirthDate(born) => {
            f64::from(protocol::eligibility::whole_years(born, start) as i32)
        }
        BirthOrAge::AgeYears(years) => years as f64,
    });
    SubjectSnapshot {
        id: r.code,
        sex: r.sex,
        age_years,
        subtype: r.subtype,
        enrolment_date: r.enrolment_date.map(|d| d.to_string()),
        start_date: first_dose.map(|d| d.to_string()),
        baseline_activity: baseline.map_or(Measure::NotDone, |c| total(c.activity)),
        baseline_damage: baseline.map_or(Measure::NotDone, |c| total(c.damage)),
        visits: points,
        doses: r
            .doses
            .iter()
            .map(|(start, end, regimen)| DoseSpan {
                start_day: day(*start),
                end_day: end.map(day),
                mg: regimen.amount.mg(),
                per_week: regimen.frequency.per_week().unwrap_or(0.0),
                regimen: regimen.dose_words(),
            })
            .collect(),
        adverse_events: r
            .events
            .into_iter()
            .map(|e| AdverseEventEntry {
                start_day: Some(day(e.start)),
                term: e.term,
                grade: Some(e.grade),
                serious: Some(e.serious),
                causality: e.causality,
            })
            .collect(),
        labs: r
            .labs
            .into_iter()
            .map(|(test, date, value, grade)| LabGrade {
                test,
                day: day(date),
                value,
                grade,
            })
            .collect(),
        medications: r
            .medications
            .into_iter()
            .map(|m| MedicationSpan {
                drug: m.drug,
                start_day: m.start.map(day),
                end_day: m.end.map(day),
                mg_per_day: m.mg_per_day,
            })
            .collect(),
        nerve_studies: r
            .nerve_studies
            .into_iter()
            .map(|(date, finding)| NerveStudy {
                day: day(date),
                finding,
            })
            .collect(),
        decisions: r
            .decisions
            .into_iter()
            .map(|(date, phase)| DecisionEntry {
                day: day(date),
                phase,
            })
            .collect(),
        disposition: r
            .dispositions
            .last()
            .map(|(date, status)| DispositionEntry {
                day: day(*date),
                status: status.clone(),
            }),
        last_day,
        reported: None,
    }
}
