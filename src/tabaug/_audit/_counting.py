"""Counting classes per split: shares, imbalance, entropy, minority classes and drift.

:func:`count_classes` turns the raw label counts of each split into one
:class:`Counting`, with the warnings the counts alone justify (rows left
out, classes missing from a split, singletons, extreme imbalance, drift).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tabaug.exceptions import InvalidTargetError
from tabaug.utils import format_p_value, label_text, plain_value

#: Drift is reported as a warning when the chi-square p-value is below this...
DRIFT_ALPHA = 0.05
#: ...and some class's share differs by at least this much (on millions of
#: rows, differences far too small to matter are still "significant").
DRIFT_MIN_DIFFERENCE = 0.01
#: Conventional split names, in the order they are shown; others follow, sorted.
SPLIT_ORDER = ["train", "training", "val", "valid", "validation", "dev", "test", "holdout"]
TOTAL = "total"


@dataclass(frozen=True)
class Counting:
    """Everything the audit learns from class counts alone."""

    labels: list[Any]
    splits: list[str]
    counts: pd.DataFrame
    shares: pd.DataFrame
    imbalance: dict[str, float | None]
    entropy: dict[str, float]
    minority: list[Any]
    reference: str
    drift: list[dict[str, Any]]
    warnings: list[str]
    n_rows: int
    missing_target: int
    missing_split: int

    @property
    def overall(self) -> str:
        """The column of the whole dataset: ``"total"`` with several splits, else the one."""
        return self.counts.columns[-1]


def is_missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _split_order(names: list[Any]) -> list[Any]:
    known = {name: i for i, name in enumerate(SPLIT_ORDER)}
    return sorted(names, key=lambda n: (known.get(str(n).lower(), len(known)), str(n)))


def _sorted_labels(labels: set[Any]) -> list[Any]:
    try:
        return sorted(labels)
    except TypeError:
        return sorted(labels, key=str)


def _label(label: Any) -> str:
    return label_text(label, prefix=True)


def count_classes(
    raw_counts: dict[Any, pd.Series],
    target: str | None,
    minority_threshold: float,
    extreme_ratio: float,
) -> Counting:
    """Counts, shares and the count-based warnings, from each split's label counts."""
    missing_target = missing_split = 0
    clean: dict[Any, dict[Any, int]] = {}
    for name, series in raw_counts.items():
        if is_missing(name):
            missing_split += int(series.sum())
            continue
        part = clean.setdefault(name, {})
        for label, n in series.items():
            if is_missing(label):
                missing_target += int(n)
            elif n > 0:  # unused categories of a categorical target are not classes
                label = plain_value(label)
                part[label] = part.get(label, 0) + int(n)
    labels = _sorted_labels({label for part in clean.values() for label in part})
    column = f"'{target}'" if target else "the target"
    if not labels:
        raise InvalidTargetError(f"{column} has no values; nothing to audit")
    if len(labels) == 1:
        raise InvalidTargetError(
            f"{column} has a single class ({labels[0]!r}); a balance audit needs at least two "
            "classes. Check that this is the right column."
        )
    splits = [str(name) for name in _split_order(list(clean))]
    by_name = {str(name): part for name, part in clean.items()}
    counts = pd.DataFrame(
        {s: [by_name[s].get(label, 0) for label in labels] for s in splits},
        index=pd.Index(labels, dtype=object),
        dtype="int64",
    )
    if len(splits) > 1:
        counts[TOTAL] = counts.sum(axis=1)
    shares = counts / counts.sum(axis=0).replace(0, 1)
    k = len(labels)
    imbalance, entropy = {}, {}
    for c in counts.columns:
        present = counts[c][counts[c] > 0]
        imbalance[c] = float(present.max() / present.min()) if len(present) > 1 else None
        p = shares[c][shares[c] > 0].to_numpy()
        entropy[c] = float(-(p * np.log(p)).sum() / math.log(k))
    overall = counts.columns[-1]
    minority = [label for label in labels if shares.loc[label, overall] < minority_threshold / k]

    warnings: list[str] = []
    if missing_target:
        warnings.append(f"{missing_target:,} rows have no target value and are left out.")
    if missing_split:
        warnings.append(f"{missing_split:,} rows have no split value and are left out.")
    reference = splits[0]
    for s in splits[1:]:
        if s.lower() in ("train", "training"):
            reference = s
    warnings += _coverage_warnings(counts, splits)
    ratio = imbalance[overall]
    if ratio is not None and ratio >= extreme_ratio:
        big, small = counts[overall].idxmax(), counts[overall][counts[overall] > 0].idxmin()
        warnings.append(
            f"Extreme imbalance: {ratio:,.0f} rows of {_label(big)} for each row of "
            f"{_label(small)}. "
            "Accuracy will mostly measure the majority class; judge models with evaluate() "
            "(balanced accuracy, per-class recall)."
        )
    drift = _drift(counts, splits, reference)
    for entry in drift:
        if entry["p_value"] < DRIFT_ALPHA and entry["largest_difference"] >= DRIFT_MIN_DIFFERENCE:
            warnings.append(
                f"Class shares differ between '{entry['split']}' and '{entry['reference']}' "
                f"(chi-square {format_p_value(entry['p_value'])}; "
                f"{_label(entry['label'])} differs by {100 * entry['largest_difference']:.1f} "
                "points). Expected if one split was resampled on purpose; otherwise a "
                "stratified split keeps class shares equal."
            )
    return Counting(
        labels=labels,
        splits=splits,
        counts=counts,
        shares=shares,
        imbalance=imbalance,
        entropy=entropy,
        minority=minority,
        reference=reference,
        drift=drift,
        warnings=warnings,
        n_rows=int(counts[overall].sum()),
        missing_target=missing_target,
        missing_split=missing_split,
    )


def _coverage_warnings(counts: pd.DataFrame, splits: list[str]) -> list[str]:
    warnings = []
    overall = counts.columns[-1]
    for label in counts.index:
        total = counts.loc[label, overall]
        if total == 1:
            warnings.append(
                f"{_label(label)} has a single row: it cannot be both learned and evaluated, "
                "stratified splitting fails on it, and SMOTE cannot interpolate it."
            )
        if len(splits) == 1:
            continue
        for s in splits:
            n = counts.loc[label, s]
            if n == 0:
                others = [f"{counts.loc[label, o]:,} in '{o}'" for o in splits if o != s]
                warnings.append(
                    f"{_label(label)} has no rows in split '{s}' ({', '.join(others)})."
                )
            elif n == 1 and total > 1:
                warnings.append(
                    f"{_label(label)} has a single row in split '{s}': any per-class metric "
                    "on it there is 0 or 1."
                )
    return warnings


def _drift(counts: pd.DataFrame, splits: list[str], reference: str) -> list[dict[str, Any]]:
    from scipy.stats import chi2_contingency  # 0.5 s to import: only when there are splits

    entries = []
    for s in splits:
        if s == reference:
            continue
        table = counts[[reference, s]].to_numpy().T
        table = table[:, table.sum(axis=0) > 0]
        if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
            continue
        chi2, p_value, dof, _ = chi2_contingency(table)
        shares = table / table.sum(axis=1, keepdims=True)
        difference = np.abs(shares[0] - shares[1])
        present = counts.index[(counts[[reference, s]].to_numpy().sum(axis=1) > 0)]
        entries.append(
            {
                "split": s,
                "reference": reference,
                "chi2": float(chi2),
                "p_value": float(p_value),
                "dof": int(dof),
                "largest_difference": float(difference.max()),
                "label": present[int(difference.argmax())],
            }
        )
    return entries
