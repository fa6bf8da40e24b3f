//! `cletrial stats <method>`: one statistical method on a JSON input, JSON out.
//!
//! The statistics live in the `stats` crate (checked against R and SciPy golden files); this
//! module reads the input, maps errors to exit 2 with the field named, and prints the result with
//! the method used. Infinite values (an odds ratio or a bound) print as the string "Infinity";
//! values that are undefined (R's NA) print as null.
//!
//! Each method prints one output type (`DescribeOutput`, ...), whose schema is
//! `docs/schemas/stats-<method>.json`. Their fields are in alphabetical order: that is the order
//! the output always had (it was built as a `serde_json` map, which sorts its keys).

use std::fmt;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use stats::describe::summarize;
use stats::logistic::{Predictor, logistic};
use stats::proportion::{ProportionMethod, proportion_ci};
use stats::survival::{KaplanMeier, KmCi, MedianRule, Observation, kaplan_meier, log_rank};
use stats::table2x2::{Table2x2, ZeroCellCorrection, fisher, odds_ratio};
use stats::ttest::{TTestKind, t_test};
use stats::wilcoxon::{RankTest, mann_whitney, signed_rank};
use stats::{Level, Method, StatsError};

use crate::help::examples;
use crate::io::{CliError, CmdResult, print_json, read_json};

/// The path of a JSON input (`-` reads standard input).
#[derive(Debug, Args)]
pub struct InputArgs {
    /// JSON input file, or `-` for standard input.
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
}

#[derive(Debug, Subcommand)]
#[command(after_help = examples!(
    "cletrial stats fisher --input examples/stats/fisher.json",
    "cletrial stats kaplan-meier --input examples/stats/kaplan-meier.json"
))]
pub enum StatsCommand {
    /// n, mean, SD (n - 1), SEM, median, quartiles (R type 7), min, max.
    #[command(after_help = DESCRIBE_HELP)]
    Describe(InputArgs),
    /// Confidence interval of a proportion: Clopper-Pearson (exact) or Wilson.
    #[command(after_help = PROPORTION_HELP)]
    ProportionCi(InputArgs),
    /// Paired, Student (pooled) or Welch t test, two-sided, with the CI of the mean difference.
    #[command(after_help = TTEST_HELP)]
    Ttest(InputArgs),
    /// Mann-Whitney U (Wilcoxon rank-sum) test, exact or normal by R's rule.
    #[command(after_help = MANN_WHITNEY_HELP)]
    MannWhitney(InputArgs),
    /// Wilcoxon signed-rank test (paired or against mu), exact or normal by R's rule.
    #[command(after_help = WILCOXON_HELP)]
    Wilcoxon(InputArgs),
    /// Fisher's exact test on a 2x2 table, with the conditional MLE odds ratio and its CI.
    #[command(after_help = FISHER_HELP)]
    Fisher(InputArgs),
    /// Sample odds ratio of a 2x2 table with Woolf's CI (optionally Haldane-corrected).
    #[command(after_help = ODDS_RATIO_HELP)]
    OddsRatio(InputArgs),
    /// Kaplan-Meier curves (Greenwood), medians, and the log-rank test across groups.
    #[command(after_help = KAPLAN_MEIER_HELP)]
    KaplanMeier(InputArgs),
    /// Logistic regression (IRLS) with Wald CIs, odds ratios and p-values.
    #[command(after_help = LOGISTIC_HELP)]
    Logistic(InputArgs),
}

const DESCRIBE_HELP: &str = concat!(
    r#"Input (JSON): {"x": [numbers]}
The example's file, examples/stats/describe.json (CLASI activity at baseline, paper Table 1):
  {"x": [6, 7, 3, 6, 19, 19, 20, 9, 13, 6, 15, 17, 3, 11, 10]}
Output: {"n": 15, "mean": 10.93.., "sd": 5.91.., "sem", "median", "q1", "q3", "min", "max",
"method": "descriptive"}. With one value, sd and sem are null. R: summary(x), sd(x).

"#,
    examples!("cletrial stats describe --input examples/stats/describe.json")
);

const PROPORTION_HELP: &str = concat!(
    r#"Input (JSON): {"successes": k, "n": n,
  "method": "clopper-pearson"|"wilson" (default clopper-pearson), "level": 0.95 (default)}
The example's file, examples/stats/proportion-ci.json (complete response in 12 of 14):
  {"successes": 12, "n": 14, "method": "clopper-pearson", "level": 0.95}
Output: {"estimate": 0.857.., "low": 0.5719.., "high": 0.9822.., "method": "clopper-pearson"}.
R: binom.test(12, 14)$conf.int; Wilson is prop.test(k, n, correct = FALSE)$conf.int.

"#,
    examples!("cletrial stats proportion-ci --input examples/stats/proportion-ci.json")
);

const TTEST_HELP: &str = concat!(
    r#"Input (JSON): {"x": [numbers], "y": [numbers],
  "kind": "paired"|"student"|"welch", "level": 0.95 (default)}
The example's file, examples/stats/ttest.json (CLASI activity at baseline and week 2, paired):
  {"x": [6, 7, 19, 19, 20], "y": [2, 3, 9, 4, 8], "kind": "paired"}
Output: {"statistic", "df", "p_value", "estimate", "ci_low", "ci_high", "method"}.
R: t.test(x, y, paired = TRUE) (var.equal = TRUE for student).

"#,
    examples!("cletrial stats ttest --input examples/stats/ttest.json")
);

const MANN_WHITNEY_HELP: &str = concat!(
    r#"Input (JSON): {"x": [numbers], "y": [numbers]}
The example's file, examples/stats/mann-whitney.json:
  {"x": [3, 6, 7, 9, 19], "y": [11, 13, 15, 17, 20, 21]}
Output: {"statistic": U of x (R's W), "p_value", "method": "exact"|"normal", "ties",
"continuity"}. Exact when there are no ties and both samples are under 50, else the normal
approximation with tie and continuity corrections (R's rule). R: wilcox.test(x, y).

"#,
    examples!("cletrial stats mann-whitney --input examples/stats/mann-whitney.json")
);

const WILCOXON_HELP: &str = concat!(
    r#"Input (JSON): {"x": [numbers], "y": [numbers]} (paired) or
  {"x": [numbers], "mu": m} (one sample; mu defaults to 0)
The example's file, examples/stats/wilcoxon.json (prednisone mg before and after, paired):
  {"x": [30, 20, 15, 40, 10, 25], "y": [15, 10, 10, 20, 10, 12.5]}
Output: {"statistic": R's V, "p_value", "method": "exact"|"normal", "ties", "continuity",
"zeros_dropped"}. Zero differences are dropped (R's default); exact when n < 50 with no ties and
no zeros. R: wilcox.test(x, y, paired = TRUE).

"#,
    examples!("cletrial stats wilcoxon --input examples/stats/wilcoxon.json")
);

const FISHER_HELP: &str = concat!(
    r#"Input (JSON): {"table": [[a, b], [c, d]], "level": 0.95 (default)}
Rows are groups, columns outcomes; no row or column may be all zero; total at most 1,000,000.
The example's file, examples/stats/fisher.json:
  {"table": [[12, 2], [5, 9]]}
Output: {"p_value", "odds_ratio" (conditional MLE), "ci_low", "ci_high", "sample_odds_ratio",
"method": "exact"}. R: fisher.test(matrix(c(12, 5, 2, 9), 2)).

"#,
    examples!("cletrial stats fisher --input examples/stats/fisher.json")
);

const ODDS_RATIO_HELP: &str = concat!(
    r#"Input (JSON): {"table": [[a, b], [c, d]],
  "correction": "none"|"haldane" (default none), "level": 0.95 (default)}
"haldane" adds 0.5 to every cell; without it a zero cell is an error.
The example's file, examples/stats/odds-ratio.json:
  {"table": [[7, 0], [3, 2]], "correction": "haldane"}
Output: {"odds_ratio", "ci_low", "ci_high", "log_se", "method": "woolf"|"woolf-haldane"}.

"#,
    examples!("cletrial stats odds-ratio --input examples/stats/odds-ratio.json")
);

const KAPLAN_MEIER_HELP: &str = concat!(
    r#"Input (JSON): {"time": [numbers >= 0], "event": [0|1 ...],
  "group": [labels] (optional), "conf_type": "log"|"log-log"|"plain" (default log),
  "median_rule": "print"|"quantile" (default print), "level": 0.95 (default)}
The median is the first time S(t) <= 0.5 (midpoint to the next step when S sits on 0.5). When
S stays on 0.5 to the end, "print" gives that time (R's print(fit)) and "quantile" the midpoint to
the last follow-up (R's quantile(fit, 0.5)).
The example's file, examples/stats/kaplan-meier.json (weeks to relapse by subtype):
  {"time": [2, 4, 4, 6, 8, 10, 12, 3, 5, 9, 30],
   "event": [1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0],
   "group": ["DLE", "DLE", "DLE", "DLE", "DLE", "DLE", "DLE", "SCLE", "SCLE", "SCLE", "SCLE"]}
Output: {"groups": [{"group", "steps": [{"time", "n_risk", "n_event", "n_censor", "survival",
"ci_low", "ci_high"}], "median", "median_ci_low", "median_ci_high"}], "log_rank": {"chi_square",
"df", "p_value"} (with groups), "method"}. Groups are in sorted order (R's factor levels).
R: survfit(Surv(time, event) ~ group); survdiff(Surv(time, event) ~ group).

"#,
    examples!("cletrial stats kaplan-meier --input examples/stats/kaplan-meier.json")
);

const LOGISTIC_HELP: &str = concat!(
    r#"Input (JSON): {"y": [0|1 ...], "x": {"name": [numbers], ...},
  "level": 0.95 (default)}
The example's file, examples/stats/logistic.json:
  {"y": [1, 1, 0, 1, 0, 0, 1, 0, 1, 0], "x": {"scle": [1, 1, 1, 1, 0, 0, 0, 0, 1, 0]}}
Output: {"terms": [{"term", "estimate", "se", "z", "p_value", "ci_low", "ci_high", "odds_ratio",
"or_ci_low", "or_ci_high"}], "deviance", "iterations", "converged", "separation", "method"}.
"separation": true means a fitted probability reached 0 or 1: the estimates are not usable.
R: glm(y ~ scle, binomial); confint.default(fit).

"#,
    examples!("cletrial stats logistic --input examples/stats/logistic.json")
);

pub fn run(command: StatsCommand) -> CmdResult {
    match command {
        StatsCommand::Describe(args) => print_json(&describe(read_json("--input", &args.input)?)?),
        StatsCommand::ProportionCi(args) => {
            print_json(&proportion(read_json("--input", &args.input)?)?)
        }
        StatsCommand::Ttest(args) => print_json(&ttest(read_json("--input", &args.input)?)?),
        StatsCommand::MannWhitney(args) => {
            let input: TwoSamples = read_json("--input", &args.input)?;
            print_json(&rank_output(mann_whitney(&input.x, &input.y))?)
        }
        StatsCommand::Wilcoxon(args) => print_json(&wilcoxon(read_json("--input", &args.input)?)?),
        StatsCommand::Fisher(args) => print_json(&fisher_test(read_json("--input", &args.input)?)?),
        StatsCommand::OddsRatio(args) => {
            print_json(&sample_odds_ratio(read_json("--input", &args.input)?)?)
        }
        StatsCommand::KaplanMeier(args) => {
            print_json(&survival(read_json("--input", &args.input)?)?)
        }
        StatsCommand::Logistic(args) => {
            print_json(&regression(read_json("--input", &args.input)?)?)
        }
    }
}

type Output<T> = Result<T, CliError>;

/// Every stats error names its field first, so it is the user's to fix (exit 2).
fn input_error(error: StatsError) -> CliError {
    CliError::input(error.to_string())
}

fn level(level: Option<f64>) -> Result<Level, CliError> {
    level.map_or(Ok(Level::NINETY_FIVE), |l| {
        Level::new(l).map_err(input_error)
    })
}

/// A number that can be infinite (an odds ratio, a bound): infinities print as the strings
/// "Infinity"/"-Infinity" (JSON has none), an undefined value (NaN) as null, as serde_json
/// prints any f64 that is not finite.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Num(f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            f64::INFINITY => serializer.serialize_str("Infinity"),
            f64::NEG_INFINITY => serializer.serialize_str("-Infinity"),
            value => serializer.serialize_f64(value),
        }
    }
}

impl JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Num".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number; an infinite one as the string \"Infinity\" or \"-Infinity\", an undefined one (NaN, R's NA) as null.",
            "anyOf": [
                {"type": "number"},
                {"type": "string", "enum": ["Infinity", "-Infinity"]},
                {"type": "null"},
            ],
        })
    }
}

/// A value that can be missing (R's NA), printed as null.
fn maybe(value: Option<f64>) -> Option<Num> {
    value.map(Num)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OneSample {
    x: Vec<f64>,
}

/// `stats describe`: sd and sem are null with one value.
#[derive(Serialize, JsonSchema)]
pub(crate) struct DescribeOutput {
    max: f64,
    mean: f64,
    median: f64,
    method: &'static str,
    min: f64,
    n: usize,
    q1: f64,
    q3: f64,
    sd: Option<Num>,
    sem: Option<Num>,
}

fn describe(input: OneSample) -> Output<DescribeOutput> {
    let s = summarize(&input.x).map_err(input_error)?;
    Ok(DescribeOutput {
        max: s.max,
        mean: s.mean,
        median: s.median,
        method: s.method.name(),
        min: s.min,
        n: s.n,
        q1: s.q1,
        q3: s.q3,
        sd: maybe(s.sd),
        sem: maybe(s.sem),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum ProportionChoice {
    ClopperPearson,
    Wilson,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProportionInput {
    successes: u64,
    n: u64,
    method: Option<ProportionChoice>,
    level: Option<f64>,
}

/// `stats proportion-ci`.
#[derive(Serialize, JsonSchema)]
pub(crate) struct ProportionOutput {
    estimate: f64,
    high: f64,
    low: f64,
    method: &'static str,
}

fn proportion(input: ProportionInput) -> Output<ProportionOutput> {
    let method = match input.method {
        Some(ProportionChoice::Wilson) => ProportionMethod::Wilson,
        Some(ProportionChoice::ClopperPearson) | None => ProportionMethod::ClopperPearson,
    };
    let ci = proportion_ci(input.successes, input.n, method, level(input.level)?)
        .map_err(input_error)?;
    Ok(ProportionOutput {
        estimate: ci.estimate,
        high: ci.high,
        low: ci.low,
        method: ci.method.name(),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum TTestChoice {
    Paired,
    Student,
    Welch,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TTestInput {
    x: Vec<f64>,
    y: Vec<f64>,
    kind: TTestChoice,
    level: Option<f64>,
}

/// `stats ttest`.
#[derive(Serialize, JsonSchema)]
pub(crate) struct TTestOutput {
    ci_high: f64,
    ci_low: f64,
    df: f64,
    estimate: f64,
    method: &'static str,
    p_value: f64,
    statistic: f64,
}

fn ttest(input: TTestInput) -> Output<TTestOutput> {
    let kind = match input.kind {
        TTestChoice::Paired => TTestKind::Paired,
        TTestChoice::Student => TTestKind::Student,
        TTestChoice::Welch => TTestKind::Welch,
    };
    let t = t_test(&input.x, &input.y, kind, level(input.level)?).map_err(input_error)?;
    Ok(TTestOutput {
        ci_high: t.ci_high,
        ci_low: t.ci_low,
        df: t.df,
        estimate: t.estimate,
        method: t.method.name(),
        p_value: t.p_value,
        statistic: t.statistic,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TwoSamples {
    x: Vec<f64>,
    y: Vec<f64>,
}

/// `stats mann-whitney` and `stats wilcoxon` (zeros_dropped is 0 for Mann-Whitney).
#[derive(Serialize, JsonSchema)]
pub(crate) struct RankOutput {
    continuity: bool,
    method: &'static str,
    p_value: f64,
    statistic: f64,
    ties: bool,
    zeros_dropped: usize,
}

fn rank_output(result: Result<RankTest, StatsError>) -> Output<RankOutput> {
    let test = result.map_err(input_error)?;
    let (continuity, ties) = match test.method {
        Method::NormalApprox { continuity, ties } => (continuity, ties),
        _ => (false, false),
    };
    Ok(RankOutput {
        continuity,
        method: test.method.name(),
        p_value: test.p_value,
        statistic: test.statistic,
        ties,
        zeros_dropped: test.zeros_dropped,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WilcoxonInput {
    x: Vec<f64>,
    y: Option<Vec<f64>>,
    mu: Option<f64>,
}

fn wilcoxon(input: WilcoxonInput) -> Output<RankOutput> {
    let differences: Vec<f64> = match (&input.y, input.mu) {
        (Some(_), Some(_)) => {
            return Err(CliError::input(
                "mu: give either y (paired) or mu (one sample), not both",
            ));
        }
        (Some(y), None) => {
            if y.len() != input.x.len() {
                return Err(input_error(StatsError::LengthMismatch {
                    field: "y",
                    left: input.x.len(),
                    right: y.len(),
                }));
            }
            input.x.iter().zip(y).map(|(a, b)| a - b).collect()
        }
        (None, mu) => input.x.iter().map(|a| a - mu.unwrap_or(0.0)).collect(),
    };
    rank_output(signed_rank(&differences))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableInput {
    #[serde(deserialize_with = "table_2x2")]
    table: [[u64; 2]; 2],
    correction: Option<CorrectionChoice>,
    level: Option<f64>,
}

/// A 2x2 table of counts. Anything else is refused saying what a table is, where serde would
/// say "trailing characters" for a row of three cells or "expected u64" for a negative count.
fn table_2x2<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[[u64; 2]; 2], D::Error> {
    let refuse = |what: String| {
        de::Error::custom(format!(
            "must be a 2x2 table, two rows of two counts (whole numbers, 0 or more), e.g. [[12, 2], [5, 9]]; {what}"
        ))
    };
    let value = Value::deserialize(deserializer)?;
    let pair = |value: &Value| value.as_array().filter(|items| items.len() == 2).cloned();
    let rows = pair(&value).ok_or_else(|| refuse(format!("got {value}")))?;
    let mut table = [[0; 2]; 2];
    for ((row, cells), counts) in rows.iter().enumerate().zip(&mut table) {
        let cells = pair(cells).ok_or_else(|| refuse(format!("row {} is {cells}", row + 1)))?;
        for ((column, cell), count) in cells.iter().enumerate().zip(counts) {
            *count = cell.as_u64().ok_or_else(|| {
                refuse(format!("row {} column {} is {cell}", row + 1, column + 1))
            })?;
        }
    }
    Ok(table)
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum CorrectionChoice {
    None,
    Haldane,
}

/// `stats fisher`: the conditional MLE and its bounds can be infinite; the sample odds ratio is
/// null when undefined (0/0).
#[derive(Serialize, JsonSchema)]
pub(crate) struct FisherOutput {
    ci_high: Num,
    ci_low: Num,
    method: &'static str,
    odds_ratio: Num,
    p_value: f64,
    sample_odds_ratio: Option<Num>,
}

fn fisher_test(input: TableInput) -> Output<FisherOutput> {
    if input.correction.is_some() {
        return Err(CliError::input(
            "correction: not used by the exact test (it is an odds-ratio option)",
        ));
    }
    let table = Table2x2::new(input.table).map_err(input_error)?;
    let f = fisher(table, level(input.level)?);
    let [[a, b], [c, d]] = input.table;
    let sample = (a as f64 * d as f64) / (b as f64 * c as f64);
    Ok(FisherOutput {
        ci_high: Num(f.ci_high),
        ci_low: Num(f.ci_low),
        method: f.method.name(),
        odds_ratio: Num(f.odds_ratio),
        p_value: f.p_value,
        sample_odds_ratio: (!sample.is_nan()).then_some(Num(sample)),
    })
}

/// `stats odds-ratio` (a zero cell is refused without a correction, so every value is finite).
#[derive(Serialize, JsonSchema)]
pub(crate) struct OddsRatioOutput {
    ci_high: f64,
    ci_low: f64,
    log_se: f64,
    method: &'static str,
    odds_ratio: f64,
}

fn sample_odds_ratio(input: TableInput) -> Output<OddsRatioOutput> {
    let correction = match input.correction {
        Some(CorrectionChoice::Haldane) => ZeroCellCorrection::Haldane,
        Some(CorrectionChoice::None) | None => ZeroCellCorrection::None,
    };
    let table = Table2x2::new(input.table).map_err(input_error)?;
    let o = odds_ratio(table, correction, level(input.level)?).map_err(input_error)?;
    Ok(OddsRatioOutput {
        ci_high: o.ci_high,
        ci_low: o.ci_low,
        log_se: o.log_se,
        method: o.method.name(),
        odds_ratio: o.odds_ratio,
    })
}

/// A group label: text or a number, printed as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum Label {
    Text(String),
    Number(serde_json::Number),
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum ConfType {
    Log,
    LogLog,
    Plain,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurvivalInput {
    time: Vec<f64>,
    event: Vec<u8>,
    group: Option<Vec<Label>>,
    conf_type: Option<ConfType>,
    median_rule: Option<MedianChoice>,
    level: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum MedianChoice {
    Print,
    Quantile,
}

/// `stats kaplan-meier`: a curve per group, and the log-rank test when groups are given.
#[derive(Serialize, JsonSchema)]
pub(crate) struct SurvivalOutput {
    conf_type: &'static str,
    groups: Vec<CurveOutput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_rank: Option<LogRankOutput>,
    median_rule: &'static str,
    method: &'static str,
}

#[derive(Serialize, JsonSchema)]
struct CurveOutput {
    group: String,
    median: Option<Num>,
    median_ci_high: Option<Num>,
    median_ci_low: Option<Num>,
    steps: Vec<StepOutput>,
}

#[derive(Serialize, JsonSchema)]
struct StepOutput {
    ci_high: Option<Num>,
    ci_low: Option<Num>,
    n_censor: usize,
    n_event: usize,
    n_risk: usize,
    std_err: Num,
    survival: f64,
    time: f64,
}

#[derive(Serialize, JsonSchema)]
struct LogRankOutput {
    chi_square: f64,
    df: usize,
    expected: Vec<f64>,
    method: &'static str,
    observed: Vec<f64>,
    p_value: f64,
}

fn survival(input: SurvivalInput) -> Output<SurvivalOutput> {
    let level = level(input.level)?;
    let ci = match input.conf_type {
        Some(ConfType::LogLog) => KmCi::LogLog,
        Some(ConfType::Plain) => KmCi::Plain,
        Some(ConfType::Log) | None => KmCi::Log,
    };
    let (median_rule, median_name) = match input.median_rule {
        Some(MedianChoice::Quantile) => (MedianRule::Quantile, "quantile"),
        Some(MedianChoice::Print) | None => (MedianRule::Print, "print"),
    };
    if input.event.len() != input.time.len() {
        return Err(input_error(StatsError::LengthMismatch {
            field: "event",
            left: input.time.len(),
            right: input.event.len(),
        }));
    }
    if let Some(index) = input.event.iter().position(|&e| e > 1) {
        return Err(CliError::input(format!(
            "event[{index}]: must be 0 (censored) or 1 (event)"
        )));
    }
    let observations: Vec<Observation> = input
        .time
        .iter()
        .zip(&input.event)
        .map(|(&time, &e)| Observation {
            time,
            event: e == 1,
        })
        .collect();
    let labels: Vec<String> = match &input.group {
        Some(group) => group
            .iter()
            .map(|l| match l {
                Label::Text(text) => text.clone(),
                Label::Number(number) => number.to_string(),
            })
            .collect(),
        None => vec!["all".to_owned(); observations.len()],
    };
    if labels.len() != observations.len() {
        return Err(input_error(StatsError::LengthMismatch {
            field: "group",
            left: observations.len(),
            right: labels.len(),
        }));
    }
    let mut levels = labels.clone();
    levels.sort();
    levels.dedup();
    let membership: Vec<usize> = labels
        .iter()
        .map(|l| {
            levels
                .iter()
                .position(|level| level == l)
                .unwrap_or_default()
        })
        .collect();
    let mut groups = Vec::new();
    for (g, name) in levels.iter().enumerate() {
        let mine: Vec<Observation> = observations
            .iter()
            .zip(&membership)
            .filter(|(_, m)| **m == g)
            .map(|(o, _)| *o)
            .collect();
        let km = kaplan_meier(&mine, ci, level, median_rule).map_err(input_error)?;
        groups.push(curve_output(name, &km));
    }
    let log_rank = match input.group {
        Some(_) => {
            let test = log_rank(&observations, &membership).map_err(input_error)?;
            Some(LogRankOutput {
                chi_square: test.chi_square,
                df: test.df,
                expected: test.expected,
                method: test.method.name(),
                observed: test.observed,
                p_value: test.p_value,
            })
        }
        None => None,
    };
    Ok(SurvivalOutput {
        conf_type: conf_name(ci),
        groups,
        log_rank,
        median_rule: median_name,
        method: Method::KaplanMeier.name(),
    })
}

fn conf_name(ci: KmCi) -> &'static str {
    match ci {
        KmCi::Log => "log",
        KmCi::LogLog => "log-log",
        KmCi::Plain => "plain",
    }
}

fn curve_output(name: &str, km: &KaplanMeier) -> CurveOutput {
    let steps = km
        .steps
        .iter()
        .map(|s| StepOutput {
            ci_high: maybe(s.ci_high),
            ci_low: maybe(s.ci_low),
            n_censor: s.n_censor,
            n_event: s.n_event,
            n_risk: s.n_risk,
            std_err: Num(s.std_err),
            survival: s.survival,
            time: s.time,
        })
        .collect();
    CurveOutput {
        group: name.to_owned(),
        median: maybe(km.median.median),
        median_ci_high: maybe(km.median.ci_high),
        median_ci_low: maybe(km.median.ci_low),
        steps,
    }
}

/// Predictor columns in the order the input gives them (a JSON object, read in order).
struct Predictors(Vec<Predictor>);

impl<'de> Deserialize<'de> for Predictors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Predictors, D::Error> {
        struct Columns;
        impl<'de> Visitor<'de> for Columns {
            type Value = Predictors;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of named number arrays, e.g. {\"age\": [40, 52]}")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Predictors, M::Error> {
                let mut columns: Vec<Predictor> = Vec::new();
                while let Some((name, values)) = map.next_entry::<String, Vec<f64>>()? {
                    if columns.iter().any(|c| c.name == name) {
                        return Err(de::Error::custom(format!("predictor {name:?} given twice")));
                    }
                    columns.push(Predictor { name, values });
                }
                Ok(Predictors(columns))
            }
        }
        deserializer.deserialize_map(Columns)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogisticInput {
    y: Vec<f64>,
    x: Predictors,
    level: Option<f64>,
}

/// `stats logistic`: under separation the estimates run off to infinity.
#[derive(Serialize, JsonSchema)]
pub(crate) struct LogisticOutput {
    converged: bool,
    deviance: f64,
    iterations: usize,
    method: &'static str,
    separation: bool,
    terms: Vec<TermOutput>,
}

#[derive(Serialize, JsonSchema)]
struct TermOutput {
    ci_high: Num,
    ci_low: Num,
    estimate: Num,
    odds_ratio: Num,
    or_ci_high: Num,
    or_ci_low: Num,
    p_value: f64,
    se: Num,
    term: String,
    z: Num,
}

fn regression(input: LogisticInput) -> Output<LogisticOutput> {
    let fit = logistic(&input.y, &input.x.0, level(input.level)?).map_err(input_error)?;
    let terms = fit
        .terms
        .iter()
        .map(|t| TermOutput {
            ci_high: Num(t.ci_high),
            ci_low: Num(t.ci_low),
            estimate: Num(t.estimate),
            odds_ratio: Num(t.odds_ratio),
            or_ci_high: Num(t.or_ci_high),
            or_ci_low: Num(t.or_ci_low),
            p_value: t.p_value,
            se: Num(t.se),
            term: t.name.clone(),
            z: Num(t.z),
        })
        .collect();
    Ok(LogisticOutput {
        converged: fit.converged,
        deviance: fit.deviance,
        iterations: fit.iterations,
        method: fit.method.name(),
        separation: fit.separation,
        terms,
    })
}
