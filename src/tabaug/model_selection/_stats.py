"""Paired tests over cross-validation folds: Nadeau and Bengio's corrected t-test, Holm, TOST.

Scores from repeated k-fold cross-validation are not independent: any two
training sets share most of their rows, so the fold scores of one model are
positively correlated. The textbook paired t-test divides the variance of the
differences by the number of folds ``J`` as if they were independent and
reports far too many significant differences (Dietterich 1998; Bouckaert and
Frank 2004). Nadeau and Bengio (2003) replace ``1 / J`` with
``1 / J + n_test / n_train``, a correction that accounts for the overlap of the
training sets; it is the test recommended for repeated k-fold by Bouckaert and
Frank. A Wilcoxon signed-rank test over the same folds (:func:`wilcoxon_test`)
makes the same independence assumption as the textbook t-test, so it
overstates significance too; it is offered only to compare with published
work that used it.

References
----------
.. [1] C. Nadeau, Y. Bengio, "Inference for the Generalization Error",
   Machine Learning 52, 239-281, 2003.
.. [2] R. R. Bouckaert, E. Frank, "Evaluating the Replicability of
   Significance Tests for Comparing Learning Algorithms", PAKDD 2004.
.. [3] S. Holm, "A Simple Sequentially Rejective Multiple Test Procedure",
   Scandinavian Journal of Statistics 6, 65-70, 1979.
.. [4] F. Wilcoxon, "Individual Comparisons by Ranking Methods",
   Biometrics Bulletin 1, 80-83, 1945.
.. [5] D. J. Schuirmann, "A comparison of the two one-sided tests procedure
   and the power approach for assessing the equivalence of average
   bioavailability", J. Pharmacokinetics and Biopharmaceutics 15, 657-680, 1987.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "PairedTest",
    "corrected_resampled_ttest",
    "corrected_variance_factor",
    "equivalence_test",
    "holm",
    "paired_tests",
    "wilcoxon_test",
    "winners",
]

# Spread below this (relative to the mean difference) is rounding error, not variance:
# fold scores that differ by a constant give differences equal up to the last bits.
_TINY = 1e-12


@dataclass(frozen=True)
class PairedTest:
    """Outcome of :func:`corrected_resampled_ttest`."""

    mean_difference: float
    t_statistic: float
    p_value: float
    degrees_of_freedom: int


def corrected_variance_factor(n_splits: int, n_train: float, n_test: float) -> float:
    """Nadeau and Bengio's ``1 / J + n_test / n_train`` (in place of ``1 / J``)."""
    return 1.0 / n_splits + n_test / n_train


def corrected_resampled_ttest(
    differences: np.ndarray, n_train: float, n_test: float
) -> PairedTest:
    """Two-sided corrected resampled t-test of ``mean(differences) == 0``.

    ``differences`` holds one paired difference per split (same train/test
    rows for both models); ``n_train`` and ``n_test`` are the (mean) sizes of
    the training and test sets. Identical scores on every split give a
    difference of 0 and a p-value of 1, never NaN; a constant non-zero
    difference gives a p-value of 0.

    Examples
    --------
    >>> import numpy as np
    >>> corrected_resampled_ttest(np.zeros(15), 80, 20).p_value
    1.0
    """
    d = np.asarray(differences, dtype=np.float64)
    n_splits = d.size
    mean = float(d.mean())
    dof = n_splits - 1
    variance = float(d.var(ddof=1)) if n_splits > 1 else 0.0
    scale = np.sqrt(corrected_variance_factor(n_splits, n_train, n_test) * variance)
    if scale <= _TINY * max(1.0, abs(mean)) or not np.isfinite(scale):
        if mean == 0.0:
            return PairedTest(0.0, 0.0, 1.0, dof)
        return PairedTest(mean, float(np.copysign(np.inf, mean)), 0.0, dof)
    t = mean / scale
    p = float(2.0 * stats.t.sf(abs(t), dof)) if dof > 0 else 1.0
    return PairedTest(mean, float(t), min(p, 1.0), dof)


def wilcoxon_test(differences: np.ndarray) -> PairedTest:
    """Two-sided Wilcoxon signed-rank test of the paired differences (zeros dropped).

    It treats the splits as independent, which repeated k-fold splits are
    not (their training sets overlap): it overstates significance, like the
    uncorrected t-test. ``t_statistic`` holds Wilcoxon's W. Differences that
    are all 0 give a p-value of 1.

    Examples
    --------
    >>> import numpy as np
    >>> wilcoxon_test(np.zeros(15)).p_value
    1.0
    """
    d = np.asarray(differences, dtype=np.float64)
    mean = float(d.mean())
    dof = d.size - 1
    if not np.any(d != 0):
        return PairedTest(mean, 0.0, 1.0, dof)
    result = stats.wilcoxon(d, zero_method="wilcox", alternative="two-sided")
    return PairedTest(mean, float(result.statistic), float(result.pvalue), dof)


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error rate).

    Examples
    --------
    >>> holm(np.array([0.01, 0.04, 0.03])).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    adjusted_sorted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return adjusted


def equivalence_test(
    differences: np.ndarray, n_train: float, n_test: float, margin: float
) -> float:
    """Two one-sided tests (TOST) that ``|mean(differences)| < margin``.

    Each one-sided test uses the corrected resampled t statistic; the
    returned p-value is the larger of the two. A p-value below ``alpha``
    supports equivalence within ``margin``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> bool(equivalence_test(rng.normal(0, 0.002, 15), 80, 20, margin=0.01) < 0.05)
    True
    """
    d = np.asarray(differences, dtype=np.float64)
    n_splits = d.size
    mean = float(d.mean())
    variance = float(d.var(ddof=1)) if n_splits > 1 else 0.0
    scale = np.sqrt(corrected_variance_factor(n_splits, n_train, n_test) * variance)
    if scale <= _TINY * max(1.0, abs(mean)):
        return 0.0 if abs(mean) < margin else 1.0
    dof = n_splits - 1
    p_lower = stats.t.sf((mean + margin) / scale, dof)
    p_upper = stats.t.cdf((mean - margin) / scale, dof)
    return float(max(p_lower, p_upper))


def paired_tests(
    fold_scores: pd.DataFrame,
    names: list[str],
    score_names: list[str],
    greater: dict[str, bool],
    baseline: str,
    min_effect: float,
    alpha: float,
    test: str = "corrected_t",
) -> pd.DataFrame:
    """One row per strategy and score: each strategy against ``baseline``, Holm within a score.

    ``test`` is ``"corrected_t"`` (:func:`corrected_resampled_ttest`) or
    ``"wilcoxon"`` (:func:`wilcoxon_test`). Columns: ``strategy``,
    ``score``, ``diff_vs_none``, ``t_statistic`` (Wilcoxon's W with
    ``"wilcoxon"``), ``p_value_uncorrected``, ``p_value`` (Holm-adjusted over
    the strategies of that score), ``significant`` (adjusted p below
    ``alpha`` and a difference of at least ``min_effect``) and ``better``.
    """
    n_train = float(fold_scores["n_train"].mean())
    n_test = float(fold_scores["n_test"].mean())
    reference = fold_scores[fold_scores["strategy"] == baseline].set_index("split")
    rows = []
    for score in score_names:
        family = []
        for name in names:
            if name == baseline:
                rows.append(
                    {"strategy": name, "score": score, "diff_vs_none": 0.0, "t_statistic": 0.0,
                     "p_value_uncorrected": 1.0, "p_value": 1.0, "significant": False,
                     "better": False}
                )
                continue
            own = fold_scores[fold_scores["strategy"] == name].set_index("split")[score]
            differences = (own - reference[score].reindex(own.index)).to_numpy()
            if test == "wilcoxon":
                outcome = wilcoxon_test(differences)
            else:
                outcome = corrected_resampled_ttest(differences, n_train, n_test)
            row = {
                "strategy": name, "score": score, "diff_vs_none": outcome.mean_difference,
                "t_statistic": outcome.t_statistic, "p_value_uncorrected": outcome.p_value,
            }
            rows.append(row)
            family.append(row)
        adjusted = holm(np.array([row["p_value_uncorrected"] for row in family]))
        for row, p in zip(family, adjusted, strict=True):
            diff = row["diff_vs_none"]
            row["p_value"] = float(p)
            row["significant"] = bool(p < alpha and abs(diff) >= min_effect)
            row["better"] = bool(row["significant"] and (diff > 0) == greater[score])
    order = {name: i for i, name in enumerate(names)}
    frame = pd.DataFrame(rows)
    frame["_order"] = frame["strategy"].map(order)
    frame["_score"] = frame["score"].map({s: i for i, s in enumerate(score_names)})
    return (
        frame.sort_values(["_order", "_score"], kind="stable")
        .drop(columns=["_order", "_score"])
        .reset_index(drop=True)
    )


def winners(tests: pd.DataFrame, primary: str, greater_is_better: bool) -> list[str]:
    """Strategies significantly better than the baseline on ``primary``, best first."""
    rows = tests[(tests["score"] == primary) & tests["better"]]
    return rows.sort_values("diff_vs_none", ascending=not greater_is_better)["strategy"].tolist()
