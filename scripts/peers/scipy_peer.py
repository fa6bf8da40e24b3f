"""Adds SciPy / statsmodels / lifelines answers to the golden files written by golden.R.

Run by scripts/peers/generate after golden.R. For every case that R answered, the same input is
given to the Python peer and its answer stored under "scipy" (null where the peer has no such
method or refuses the input). The method choice (exact or normal) is R's: SciPy's own "auto"
rule differs from R's, so it is told which one R used, and only the numbers are compared.
"""

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import scipy.stats as st
import statsmodels
import statsmodels.api as sm
import lifelines
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from scipy.stats.contingency import odds_ratio as conditional_odds_ratio
from statsmodels.stats.contingency_tables import Table2x2

warnings.simplefilter("ignore")
GOLDEN = Path(sys.argv[1] if len(sys.argv) > 1 else "crates/stats/tests/golden")
VERSIONS = {
    "python_peers": f"scipy {scipy.__version__}, numpy {np.__version__}, "
    f"statsmodels {statsmodels.__version__}, lifelines {lifelines.__version__}",
}


def clean(value):
    """JSON-safe: NaN becomes None, infinities the strings R's side uses."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [clean(v) for v in value]
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return value


def describe(case):
    x = np.array(case["input"]["x"], dtype=float)
    q1, q3 = np.quantile(x, [0.25, 0.75], method="linear")
    return {"mean": clean(np.mean(x)), "sd": clean(np.std(x, ddof=1)) if len(x) > 1 else None,
            "q1": clean(q1), "q3": clean(q3)}


def proportion(case):
    i = case["input"]
    test = st.binomtest(int(i["successes"]), int(i["n"]))
    exact = test.proportion_ci(confidence_level=i["level"], method="exact")
    wilson = test.proportion_ci(confidence_level=i["level"], method="wilson")
    return {"clopper_pearson": clean([exact.low, exact.high]), "wilson": clean([wilson.low, wilson.high])}


def ttest(case):
    i = case["input"]
    x, y = np.array(i["x"], dtype=float), np.array(i["y"], dtype=float)
    if i["kind"] == "paired":
        result = st.ttest_rel(x, y)
    else:
        result = st.ttest_ind(x, y, equal_var=i["kind"] == "student")
    ci = result.confidence_interval(0.95)
    return {"statistic": clean(result.statistic), "p_value": clean(result.pvalue),
            "ci_low": clean(ci.low), "ci_high": clean(ci.high)}


def mann_whitney(case):
    method = "exact" if case["r"]["method"] == "exact" else "asymptotic"
    result = st.mannwhitneyu(case["input"]["x"], case["input"]["y"], use_continuity=True, method=method)
    return {"statistic": clean(result.statistic), "p_value": clean(result.pvalue)}


def wilcoxon(case):
    i = case["input"]
    x = np.array(i["x"], dtype=float)
    d = x - np.array(i["y"], dtype=float) if "y" in i else x - i["mu"]
    method = "exact" if case["r"]["method"] == "exact" else "asymptotic"
    # SciPy's two-sided statistic is min(V+, V-), not R's V: only the p-value is compared.
    result = st.wilcoxon(d, zero_method="wilcox", correction=True, method=method)
    return {"p_value": clean(result.pvalue)}


def fisher(case):
    table = case["input"]["table"]
    conditional = conditional_odds_ratio(table, kind="conditional")
    ci = conditional.confidence_interval(0.95)
    return {"p_value": clean(st.fisher_exact(table).pvalue), "odds_ratio": clean(conditional.statistic),
            "ci_low": clean(ci.low), "ci_high": clean(ci.high)}


def chisq(case):
    result = st.chi2_contingency(case["input"]["table"], correction=case["input"]["yates"])
    return {"statistic": clean(result.statistic), "p_value": clean(result.pvalue)}


def odds_ratio(case):
    shift = 0.5 if case["input"]["correction"] == "haldane" else 0.0
    table = Table2x2(np.array(case["input"]["table"], dtype=float) + shift, shift_zeros=False)
    low, high = table.oddsratio_confint(0.05)
    return {"odds_ratio": clean(table.oddsratio), "ci_low": clean(low), "ci_high": clean(high)}


def kaplan_meier(case):
    i = case["input"]
    if "group" not in i or "error" in case["r"].get("log_rank", {}):
        return None
    result = multivariate_logrank_test(np.array(i["time"]), np.array(i["group"]), np.array(i["event"]))
    curves = []
    for curve in case["r"]["log"]:
        mask = np.array(i["group"]) == curve["group"]
        kmf = KaplanMeierFitter().fit(np.array(i["time"])[mask], np.array(i["event"])[mask])
        curves.append(clean(kmf.survival_function_at_times(curve["time"]).to_numpy()))
    return {"chi_square": clean(result.test_statistic), "p_value": clean(result.p_value), "survival": curves}


def logistic(case):
    if case["r"]["fitted_boundary"]:
        return None
    i = case["input"]
    x = sm.add_constant(pd.DataFrame(i["x"]).astype(float))
    fit = sm.Logit(np.array(i["y"], dtype=float), x).fit(method="newton", maxiter=100, tol=1e-14, disp=0)
    order = ["const" if t == "(Intercept)" else t for t in case["r"]["terms"]]
    ci = fit.conf_int(0.05)
    return {"estimate": clean(fit.params[order].to_numpy()), "se": clean(fit.bse[order].to_numpy()),
            "p_value": clean(fit.pvalues[order].to_numpy()), "ci_low": clean(ci.loc[order, 0].to_numpy()),
            "ci_high": clean(ci.loc[order, 1].to_numpy())}


PEERS = {"describe": describe, "proportion": proportion, "ttest": ttest, "mann_whitney": mann_whitney,
         "wilcoxon": wilcoxon, "fisher": fisher, "chisq": chisq, "odds_ratio": odds_ratio,
         "kaplan_meier": kaplan_meier, "logistic": logistic}

for name, peer in PEERS.items():
    path = GOLDEN / f"{name}.json"
    golden = json.loads(path.read_text())
    answered = 0
    for case in golden["cases"]:
        case["scipy"] = None if "error" in case["r"] else peer(case)
        answered += case["scipy"] is not None
    golden.update(VERSIONS)
    path.write_text(json.dumps(golden, separators=(",", ":"), allow_nan=False) + "\n")
    print(f"{name}: SciPy-side answers for {answered} of {len(golden['cases'])} cases")
