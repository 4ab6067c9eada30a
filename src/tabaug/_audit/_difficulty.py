"""How hard each class is: example types, N3 and the Fisher ratio.

* Example types (Napierala & Stefanowski 2016, "Types of minority class
  examples and their influence on learning classifiers from imbalanced
  data", J. Intell. Inf. Syst. 46): among an example's 5 nearest neighbours
  (HEOM distance), 4-5 of its own class make it *safe*, 2-3 *borderline*,
  1 *rare* and 0 an *outlier*.
* N3 (Ho & Basu 2002): the leave-one-out error rate of the 1-nearest-
  neighbour classifier.
* The maximum Fisher discriminant ratio in the form of Lorena et al. 2019
  ("How complex is your classification problem?", ACM Comput. Surv. 52):
  ``1 / (1 + max_f r_f)`` with ``r_f = sum_j n_j (mu_fj - mu_f)^2 /
  sum_j sum_i (x_fij - mu_fj)^2`` over the numeric columns ``f``; near 0 when
  one column alone separates the classes, near 1 when none does.

Above ``max_rows`` rows, a seeded sample of rows is classified (at most
10,000 per class, and 20,000 for N3), but their neighbours are searched among
all rows: thinning a class would make its safe rows look rare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tabaug._audit._encoding import Encoded
from tabaug._audit._rows import at_most
from tabaug.utils import label_text, nearest_neighbors

#: Neighbours that decide an example's type (Napierala & Stefanowski use 5).
K_TYPES = 5
TYPES = ("safe", "borderline", "rare", "outlier")
#: Above ``max_rows``: rows whose nearest neighbour gives N3 (standard error
#: below 0.4 points)...
N3_ROWS = 20_000
#: ...and rows classified per class (shares within about a point).
CLASS_ROWS = 10_000


@dataclass(frozen=True)
class Difficulty:
    """Example types per class, overlap measures, and what they mean in words."""

    classes: dict[Any, dict[str, Any]]
    n3: float
    fisher_ratio: float | None
    method: str
    rows: int
    readings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def assess_difficulty(
    encoded: Encoded,
    labels: np.ndarray,
    names: list[Any],
    *,
    where: str,
    max_rows: int,
    random_state: int | None,
) -> Difficulty:
    """Types of every class but the largest, N3 and the Fisher ratio, on these rows.

    ``labels`` are class codes (positions in ``names``, the class labels).
    """
    rng = np.random.default_rng(random_state)
    counts = np.bincount(labels)
    values = np.flatnonzero(counts)
    largest = int(np.argmax(counts))
    n = len(labels)
    half = max(1, max_rows // 2)
    n3_sample = min(half, N3_ROWS)
    minority_rows = np.flatnonzero(labels != largest)
    if n <= max_rows:
        typed_rows, n3_rows = minority_rows, np.arange(n)
    else:
        n3_rows = np.sort(rng.choice(n, n3_sample, replace=False))
        per_class = max(1, min(CLASS_ROWS, half // max(len(values) - 1, 1)))
        typed_rows = np.sort(np.concatenate([
            at_most(np.flatnonzero(labels == label), per_class, rng)
            for label in values
            if label != largest
        ]))
    sampled = len(typed_rows) < len(minority_rows)
    queried = np.union1d(typed_rows, n3_rows)
    found = nearest_neighbors(
        encoded.points, min(K_TYPES, n - 1), query_rows=queried, random_state=random_state
    )
    neighbour_labels = labels[found.indices]
    at_typed, at_n3 = np.searchsorted(queried, typed_rows), np.searchsorted(queried, n3_rows)
    same = (neighbour_labels[at_typed] == labels[typed_rows][:, None]).sum(axis=1)
    kinds = np.select([same >= 4, same >= 2, same == 1], [0, 1, 2], default=3)
    classes = {}
    for label in values:
        if label == largest:
            continue
        mine = labels[typed_rows] == label
        shares = np.bincount(kinds[mine], minlength=4) / max(int(mine.sum()), 1)
        classes[names[label]] = {
            **{name: float(share) for name, share in zip(TYPES, shares, strict=True)},
            "n_rows": int((labels == label).sum()),
            "sampled": bool(sampled and mine.sum() < (labels == label).sum()),
        }
    n3 = float((neighbour_labels[at_n3, 0] != labels[n3_rows]).mean())
    fisher = fisher_ratio(encoded.numeric, labels)
    notes = [
        f"difficulty on {where}: {n:,} rows, {K_TYPES} nearest neighbours by HEOM distance, "
        f"{found.method}"
        + (f"; {len(typed_rows):,} rows classified (sampled), neighbours among all" if sampled
           else "")
        + (f"; N3 on a sample of {len(n3_rows):,} rows" if len(n3_rows) < n else "")
    ]
    if fisher is None:
        notes.append("Fisher ratio not computed: no numeric column varies.")
    multiclass = len(values) > 2
    readings = [
        reading
        for label, entry in classes.items()
        for reading in _class_readings(label, entry, names[largest], multiclass)
    ]
    readings.append(
        f"N3 = {n3:.2f}: {100 * n3:.0f}% of rows have a nearest neighbour of another class "
        "(0 when classes are apart everywhere; at or above the minority share, they overlap)."
    )
    if fisher is not None:
        readings.append(
            f"Fisher ratio = {fisher:.2f}: near 0, one numeric column alone separates the "
            "classes; near 1, no single column does."
        )
    return Difficulty(classes, n3, fisher, found.method, n, readings, notes)


def _class_readings(label: Any, entry: dict[str, Any], largest: Any, multiclass: bool) -> list:
    name = label_text(label, prefix=True)
    other = "other classes" if multiclass else label_text(largest, prefix=True)
    hard = entry["borderline"] + entry["rare"] + entry["outlier"]
    readings = []
    if hard >= 0.5:
        readings.append(
            f"{100 * hard:.0f}% of {name} rows are borderline, rare or outliers: the class "
            f"overlaps {other}; resampling moves the decision threshold but cannot separate "
            "them."
        )
    else:
        readings.append(
            f"{100 * entry['safe']:.0f}% of {name} rows are safe (4 or 5 of their 5 nearest "
            "neighbours share their class): the class is hard mainly because it is rare, "
            "which resampling or class weights address."
        )
    if entry["outlier"] >= 0.25:
        readings.append(
            f"{100 * entry['outlier']:.0f}% of {name} rows have no row of their class among "
            "their 5 nearest neighbours: isolated rows (label noise, or a subgroup with too "
            "few examples)."
        )
    return readings


def fisher_ratio(numeric: np.ndarray, labels: np.ndarray) -> float | None:
    """Lorena et al.'s F1, ``1 / (1 + max ratio)``; None without a varying numeric column."""
    if numeric.shape[1] == 0:
        return None
    frame = pd.DataFrame(numeric)
    groups = frame.groupby(labels, sort=False)
    means, sizes = groups.mean(), groups.count()
    overall = frame.mean()
    between = (sizes * (means - overall) ** 2).sum()
    within = ((frame - means.reindex(labels).to_numpy()) ** 2).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(within > 0, between / within, np.where(between > 0, np.inf, np.nan))
    if np.isnan(ratios).all():
        return None
    return float(1.0 / (1.0 + np.nanmax(ratios)))
