"""The accuracy-paradox demo behind ``tabaug demo`` and ``examples/accuracy_paradox.py``.

Part 1 is the textbook case: 100 rows of class 0, 10 of class 1, a model
that always predicts 0. Part 2 runs on a shipped real dataset: the same
classifier with and without SMOTE inside a Pipeline (resampling the training
split only), evaluated on an untouched stratified test split. Every number is
computed when the demo runs, and the sentences describing the change are
chosen from the numbers, so the text stays true whatever they turn out to be.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tabaug.metrics import EvaluationReport, evaluate, side_by_side
from tabaug.utils import format_number, new_figure

DATASET = "yeast_me2"
TEST_SIZE = 0.3
SEED = 0


def run_demo(plot: Any = None) -> str:
    """Run both parts of the demo and return its text.

    Parameters
    ----------
    plot : str or path-like, optional
        Also save a figure (confusion matrices and per-class bars of the three
        models) there. Needs matplotlib.

    Returns
    -------
    str
        The demo's report, ready to print.

    Examples
    --------
    >>> from tabaug._demo import run_demo
    >>> "Part 2" in run_demo()
    True
    """
    seed_text, seed_report = _part_one()
    real_text, reports = _part_two()
    if plot is not None:
        _save_figure(plot, {"always 0 (part 1)": seed_report, **reports})
    return f"{seed_text}\n\n{real_text}\n"


def _part_one() -> tuple[str, EvaluationReport]:
    from sklearn.metrics import precision_score

    y_true = np.array([0] * 100 + [1] * 10)
    y_pred = np.zeros_like(y_true)
    report = evaluate(y_true, y_pred)
    minority = report.per_class[1]
    convention = precision_score(y_true, y_pred, zero_division=1)
    lines = [
        "tabaug demo: the accuracy paradox",
        "=================================",
        "",
        "Part 1. 100 rows of class 0, 10 rows of class 1, and a model that always predicts 0.",
        "",
        f"  accuracy            {report.accuracy:.2f}",
        f"  recall of class 1   {minority['recall']:.2f}",
        f"  F1 of class 1       {minority['f1']:.2f}",
        f"  precision of 1      {format_number(minority['precision'])}"
        "  (the model never predicts 1: 0 correct out of 0 predictions)",
        "",
        _wrap(f"Verdict: {report.verdict}"),
        "",
        "Some tutorials print precision 1.00 for class 1 here. That number is scikit-learn's",
        f"zero_division convention: precision_score(y_true, y_pred, zero_division=1) = "
        f"{convention:.2f}.",
        "It fills in 0/0; it measures nothing. tabaug reports the value as undefined.",
    ]
    return "\n".join(lines), report


def _part_two() -> tuple[str, dict[str, EvaluationReport]]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from tabaug import SMOTE, datasets, make_pipeline

    X, y = datasets.load(DATASET)
    counts = y.value_counts()
    rare, common = counts.idxmin(), counts.idxmax()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, stratify=y, random_state=SEED
    )
    plain = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    resampled = make_pipeline(
        StandardScaler(), SMOTE(random_state=SEED), LogisticRegression(max_iter=1000)
    )
    plain.fit(X_train, y_train)
    resampled.fit(X_train, y_train)
    smote = resampled.named_steps["smote"]
    added = int(sum(smote.sampling_strategy_.values()))
    reports = {
        "plain": EvaluationReport.from_estimator(plain, X_test, y_test),
        "with SMOTE": EvaluationReport.from_estimator(resampled, X_test, y_test),
    }
    before, after = reports["plain"], reports["with SMOTE"]
    n_rare_test = int((y_test == rare).sum())

    intro = (
        f"Part 2. A real dataset: {DATASET} ({len(y)} yeast proteins, {counts[rare]} of them "
        f"in class {rare}, {100 * counts[rare] / len(y):.1f}%). Stratified split: "
        f"{len(y_train)} training rows ({int((y_train == rare).sum())} {rare}), {len(y_test)} "
        f"test rows ({n_rare_test} {rare}). The same classifier twice, LogisticRegression on "
        "standardised features: plain, and with tabaug.SMOTE inside tabaug.make_pipeline. "
        f"SMOTE ran in fit only, adding {added} synthetic {rare} rows to the training split; "
        "the test rows were never resampled."
    )
    lines = [
        _wrap(intro),
        "",
        side_by_side(reports),
        "",
        "Verdicts:",
        _wrap(f"  plain:      {before.verdict}", indent=14),
        _wrap(f"  with SMOTE: {after.verdict}", indent=14),
        "",
        "What changed, on these test rows:",
        "  " + _change("accuracy", before.accuracy, after.accuracy),
        "  " + _change(f"recall of {rare}", _recall(before, rare), _recall(after, rare)),
        "  " + _change("balanced accuracy", before.balanced_accuracy, after.balanced_accuracy),
        "  " + _change(f"precision of {rare}", _precision(before, rare), _precision(after, rare)),
        "  " + _change(f"recall of {common}", _recall(before, common), _recall(after, common)),
        "",
        _reading(before, after, rare, n_rare_test),
    ]
    return "\n".join(lines), reports


def _recall(report: EvaluationReport, label: Any) -> float | None:
    return report.per_class[label]["recall"]


def _precision(report: EvaluationReport, label: Any) -> float | None:
    return report.per_class[label]["precision"]


def _change(name: str, before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return f"{name}: {format_number(before)} -> {format_number(after)}"
    if round(after, 2) == round(before, 2):
        return f"{name} stayed at {after:.2f}"
    verb = "rose" if after > before else "fell"
    return f"{name} {verb} from {before:.2f} to {after:.2f}"


def _reading(before: EvaluationReport, after: EvaluationReport, rare: Any, n_rare_test: int) -> str:
    recall_before, recall_after = _recall(before, rare), _recall(after, rare)
    parts = []
    if after.accuracy < before.accuracy:
        parts.append("Accuracy alone would have kept the plain model.")
    if recall_after > recall_before and after.balanced_accuracy > before.balanced_accuracy:
        parts.append(
            f"With SMOTE the model finds {round(recall_after * n_rare_test)} of the "
            f"{n_rare_test} {rare} test rows instead of {round(recall_before * n_rare_test)}, "
            "and balanced accuracy rose."
        )
        if (_precision(after, rare) or 0.0) < (_precision(before, rare) or 0.0):
            parts.append(
                f"The price is precision: more of its {rare} predictions are wrong; whether "
                "that is worth it depends on what a missed case costs."
            )
    else:
        parts.append(
            f"On this split SMOTE did not raise both the recall of {rare} and balanced "
            "accuracy: resampling is not a free win."
        )
    if before.roc_auc is not None and after.roc_auc is not None:
        if after.roc_auc <= before.roc_auc + 0.01:
            parts.append(
                f"ROC-AUC, which does not depend on the decision threshold, did not rise "
                f"({before.roc_auc:.2f} -> {after.roc_auc:.2f}): the gain comes from moving "
                "the threshold, which class weights or threshold tuning can also do."
            )
        else:
            parts.append(
                f"ROC-AUC rose too ({before.roc_auc:.2f} -> {after.roc_auc:.2f}), so the "
                "ranking improved, not only the threshold."
            )
    parts.append(
        f"With {n_rare_test} {rare} rows in the test split these numbers move by several "
        "points from one split to another: compare strategies over repeated cross-validation "
        "before choosing."
    )
    return _wrap(" ".join(parts))


def _wrap(text: str, width: int = 88, indent: int = 0) -> str:
    import textwrap

    return textwrap.fill(text, width=width, subsequent_indent=" " * indent, break_on_hyphens=False)


def _save_figure(path: Any, reports: dict[str, EvaluationReport]) -> None:
    figure = new_figure(figsize=(10, 3.6 * len(reports)), layout="constrained")
    axes = figure.subplots(len(reports), 2, width_ratios=[1, 1.4])
    for row, (name, report) in zip(axes, reports.items(), strict=True):
        report.plot(axes=row, title=f"{name}: accuracy {report.accuracy:.2f}")
    figure.savefig(path, dpi=100)
