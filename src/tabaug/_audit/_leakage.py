"""Leakage between splits: held-out rows that repeat, or were made from, training rows.

Rows are compared by a 64-bit hash of their values
(``tabaug.utils.row_hashes``), computed chunk by chunk so a file can be
checked without holding it whole. The exact checks are judged on counts
(:class:`RepeatCounts`), which the Dask path computes by hash joins without
gathering the rows.

Resampling before splitting makes the training and held-out splits
interchangeable, so comparing held-out-to-train with train-to-train cannot
see it. It does not touch every class alike, though: oversamplers grow the
small classes and never the largest. So each class's rate (exact repeats,
near duplicates, SMOTE segments) is compared with the largest class's by a
one-sided Fisher exact test, Holm-adjusted across classes, and flagged when
clearly higher (adjusted p below :data:`ALPHA` and at least
:data:`MIN_EXCESS` more). Natural duplicates, which touch every class alike,
are reported without alarm; so, unavoidably, is a leak that touches every
class alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tabaug._audit._encoding import Encoded
from tabaug._audit._rows import RowSet, at_most, distinct
from tabaug._audit._synthetic import measure
from tabaug.exceptions import InvalidInputError
from tabaug.utils import row_hashes


def hash_splits(features: dict[Any, Any]) -> dict[Any, np.ndarray]:
    """Row hashes of each split's features; every split must have the same columns."""
    frames = {name: as_frame(X) for name, X in features.items()}
    check_same_columns(frames)
    return {name: row_hashes(frame) for name, frame in frames.items()}


def check_same_columns(frames: dict[Any, pd.DataFrame]) -> None:
    """Refuse splits whose feature columns differ (by name, in order) from the first split's."""
    columns = {name: list(map(str, frame.columns)) for name, frame in frames.items()}
    first_name, first = next(iter(columns.items()))
    for name, names in columns.items():
        if names == first:
            continue
        missing = [column for column in first if column not in names]
        extra = [column for column in names if column not in first]
        differs = "; ".join(
            [f"lacks {missing[:5]}"] * bool(missing) + [f"has {extra[:5]} too"] * bool(extra)
        )
        raise InvalidInputError(
            f"split {name!r} {differs or 'has its feature columns in another order'} "
            f"(compared with split {first_name!r}); give every split the same feature "
            "columns, in the same order"
        )


def as_frame(X: Any) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    if hasattr(X, "toarray"):
        X = X.toarray()
    array = np.asarray(X)
    return pd.DataFrame(array.reshape(len(array), -1))


@dataclass(frozen=True)
class RepeatCounts:
    """Exact repeats, counted: all that the exact checks judge, from memory or from Dask.

    Each value is a pair ``(rows, of which repeats)``:

    - ``splits``: per held-out split, rows repeating a reference-split row
      (any class);
    - ``natural``: reference-split rows repeating another one (the data's own
      duplicate rate);
    - by class code, ``held_out``: held-out rows repeating a training row of
      the class; ``train``: training rows repeating another training row of
      the class; ``pooled``: the class's rows, training or held-out,
      repeating another row of the class (to break ties for the largest).
    """

    splits: dict[str, tuple[int, int]]
    natural: tuple[int, int]
    held_out: dict[int, tuple[int, int]]
    train: dict[int, tuple[int, int]]
    pooled: dict[int, tuple[int, int]]

    @property
    def natural_rate(self) -> float:
        return share(self.natural)


def share(pair: tuple[int, int]) -> float:
    """``repeats / rows`` of a ``(rows, repeats)`` pair, 0 without rows."""
    rows, repeats = pair
    return repeats / rows if rows else 0.0


def count_repeats(
    split_hashes: dict[str, np.ndarray], reference: str, rows: RowSet, hashes: np.ndarray
) -> RepeatCounts:
    """:class:`RepeatCounts` of rows in memory.

    ``split_hashes`` holds every row's hash by split; ``rows`` and ``hashes``
    the labelled rows (class codes, reference or held-out) and their hashes.
    """
    known = split_hashes.get(reference, np.zeros(0, np.uint64))
    splits = {
        name: (len(values), int(pd.Series(values).isin(known).sum()))
        for name, values in split_hashes.items()
        if name != reference
    }
    held_out, train, pooled = {}, {}, {}
    for label in _present(rows.labels):
        mine = rows.labels == label
        held = pd.Series(hashes[mine & rows.held_out])
        trained = hashes[mine & rows.train]
        held_out[label] = (len(held), int(held.isin(trained).sum()))
        train[label] = (len(trained), _repeated(trained))
        pooled[label] = (int(mine.sum()), _repeated(hashes[mine]))
    return RepeatCounts(splits, (len(known), _repeated(known)), held_out, train, pooled)


def _repeated(hashes: np.ndarray) -> int:
    """Rows whose hash occurs more than once."""
    return int(pd.Series(hashes).duplicated(keep=False).sum())


def exact_duplicates(counts: RepeatCounts, reference: str) -> dict[str, dict[str, Any]]:
    """For each split but ``reference``: how many of its rows repeat a ``reference`` row."""
    return {
        split: {"reference": reference, "rows": rows, "duplicates": repeated,
                "share": share((rows, repeated))}
        for split, (rows, repeated) in counts.splits.items()
    }


# --------------------------------------------------------------------------- class vs largest

#: A class is flagged when its Holm-adjusted one-sided p-value is below this
#: (near duplicates: NEAR_ALPHA, as natural near-twins, such as one customer
#: twice, differ more between classes than exact repeats do)...
ALPHA = 0.01
NEAR_ALPHA = 0.001
#: ...and its rate exceeds the largest class's by at least this much (exact, SMOTE)...
MIN_EXCESS = 0.05
#: ...or, for near duplicates, a row of the class has a smaller distance ratio
#: than a row of the largest class with at least this probability.
MIN_EFFECT = 0.55
#: Held-out rows queried per class by the near-duplicate and SMOTE checks (and
#: as many of the largest class's): enough for any rate that matters, and it
#: keeps a million-row audit within a minute.
QUERIES_PER_CLASS = 10_000


def one_sided_p(hits: int, n: int, reference_hits: int, reference_n: int) -> float:
    """Fisher's exact test that ``hits / n`` exceeds ``reference_hits / reference_n``."""
    from scipy.stats import fisher_exact

    if n == 0 or reference_n == 0:
        return 1.0
    table = [[hits, n - hits], [reference_hits, reference_n - reference_hits]]
    return float(fisher_exact(table, alternative="greater")[1])


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment of ``p_values`` (same order)."""
    order = np.argsort(p_values)
    adjusted = np.empty(len(p_values))
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted.tolist()


def largest_class(
    counts: RepeatCounts,
    encoded: Encoded | None,
    table: RowSet | None,
    random_state: int | None,
) -> tuple[int, bool]:
    """The class (code) with most rows, which no oversampler grows; and whether it tied.

    Oversampling to balance (imbalanced-learn's ``"auto"``) leaves several
    classes tied for the most rows, all grown but one. Among tied classes,
    the reference is the one that looks least resampled: the fewest rows
    repeating another row of the class and, with features, the fewest of a
    sample of its rows that are near duplicates of, or on a line through,
    other rows of the class.
    """
    sizes = {label: rows for label, (rows, _) in counts.pooled.items()}
    most = max(sizes.values())
    tied = [label for label, size in sizes.items() if size == most]
    if len(tied) == 1:
        return tied[0], False
    rng = np.random.default_rng(random_state)
    scores = {}
    for label in tied:
        score = share(counts.pooled[label])
        if encoded is not None and table is not None:
            mine = np.flatnonzero((table.labels == label) & (table.train | table.held_out))
            pool = distinct(encoded.points, mine)
            if len(pool) > 2:
                found = measure(encoded, pool, at_most(pool, 2_000, rng), pool, random_state)
                score += found.near.mean() + found.segment.mean()
        scores[label] = score
    return min(scores, key=scores.get), True


def summarise(per_class: dict[Any, dict[str, Any]], alpha: float = ALPHA) -> dict[str, Any] | None:
    """Holm across classes; the check's headline is its most suspicious class."""
    tested = {label: entry for label, entry in per_class.items() if entry["rate"] is not None}
    if not tested:
        return None
    adjusted = holm([entry["p_value"] for entry in tested.values()])
    for entry, p in zip(tested.values(), adjusted, strict=True):
        entry["p_value"] = p
        clear = entry.pop("clear", False)
        entry["flagged"] = bool(p < alpha and clear)
    label = min(tested, key=lambda key: (tested[key]["p_value"], -tested[key]["rate"]))
    top = tested[label]
    return {
        "rate": top["rate"],
        "reference_rate": top["reference_rate"],
        "p_value": top["p_value"],
        "flagged": any(entry["flagged"] for entry in tested.values()),
        "label": label,
        "classes": per_class,
    }


def exact_by_class(counts: RepeatCounts, reference: int) -> dict[int, dict]:
    """Each class's share of held-out rows repeating a same-class training row.

    The largest class, which no resampling touched, has exchangeable
    training and held-out rows, so its rate counts both: held-out rows that
    repeat a training row, and training rows that repeat another one.
    """
    reference_held, reference_train = counts.held_out[reference], counts.train[reference]
    reference_n = reference_held[0] + reference_train[0]
    reference_hits = reference_held[1] + reference_train[1]
    return {
        label: _entry(hits, n, reference_hits, reference_n)
        for label, (n, hits) in counts.held_out.items()
        if label != reference
    }


def _entry(hits: int, n: int, reference_hits: int, reference_n: int, **extra: Any) -> dict:
    """A class's rate against the reference's; ``p_value`` and ``clear`` may come in ``extra``."""
    if n == 0 or reference_n == 0:
        return {"rate": None, "reference_rate": None, "p_value": None, "flagged": False,
                "n_rows": n, **extra}
    rate, reference_rate = hits / n, reference_hits / reference_n
    entry = {
        "rate": rate,
        "reference_rate": reference_rate,
        "p_value": one_sided_p(hits, n, reference_hits, reference_n),
        "flagged": False,
        "n_rows": n,
        "clear": rate - reference_rate >= MIN_EXCESS,
    }
    entry.update(extra)
    return entry


def synthetic_by_class(
    rows: RowSet, encoded: Encoded, reference: Any, max_rows: int, random_state: int | None
) -> tuple[dict[Any, dict], dict[Any, dict], str, bool]:
    """Near-duplicate and SMOTE-segment rates per class, each against the largest class.

    Near duplicates: a class's held-out rows against the class's distinct
    training rows; the largest class's rows (held-out, or training rows
    left out of the match) against as many of its distinct training rows,
    drawn at random, so both are searched among as many rows. SMOTE rows:
    parents are looked for among all the class's distinct rows, training or
    held-out (a SMOTE row in the held-out split is the trace of resampling
    before splitting, wherever its parents went), and among as many of the
    largest class's. Held-out rows are sampled so that at most ``max_rows``
    are queried in all.
    """
    rng = np.random.default_rng(random_state)
    classes = [label for label in _present(rows.labels) if label != reference]
    cap = max(1, min(max_rows // (2 * max(len(classes), 1)), QUERIES_PER_CLASS))
    in_splits = rows.train | rows.held_out
    reference_train = distinct(
        encoded.points, np.flatnonzero((rows.labels == reference) & rows.train)
    )
    reference_rows = np.flatnonzero((rows.labels == reference) & in_splits)
    reference_pool = distinct(encoded.points, reference_rows)
    near, segment, methods, sampled = {}, {}, set(), False
    for label in classes:
        mine = rows.labels == label
        train = distinct(encoded.points, np.flatnonzero(mine & rows.train))
        pool = distinct(encoded.points, np.flatnonzero(mine & in_splits))
        held_all = np.flatnonzero(mine & rows.held_out)
        held = at_most(held_all, cap, rng)
        sampled = sampled or len(held) < len(held_all)
        matched = np.sort(
            rng.choice(reference_train, min(len(train), len(reference_train)), replace=False)
        )
        matched_pool = np.sort(
            rng.choice(reference_pool, min(len(pool), len(reference_pool)), replace=False)
        )
        # the largest class's rows outside the matched rows, held-out or not: for the class
        # no resampling touched, both are drawn alike
        outside = np.ones(len(rows.labels), dtype=bool)
        outside[matched] = False
        reference_held = at_most(reference_rows[outside[reference_rows]], cap, rng)
        if min(len(train), len(matched)) < 3 or not len(held) or not len(reference_held):
            near[label] = _entry(0, 0, 0, 0)
            segment[label] = _entry(0, 0, 0, 0)
            continue
        own = measure(encoded, train, held, pool, random_state)
        base = measure(encoded, matched, reference_held, matched_pool, random_state)
        methods |= {*own.method.split(" and "), *base.method.split(" and ")}
        p_value, effect = _smaller(own.ratio, base.ratio)
        near[label] = _entry(
            int(own.near.sum()), len(held), int(base.near.sum()), len(reference_held),
            p_value=p_value,
            clear=effect >= MIN_EFFECT,
            effect=effect,
            median_dcr=float(np.median(own.dcr)),
            reference_median_dcr=float(np.median(base.dcr)),
        )
        segment[label] = _entry(
            int(own.segment.sum()), len(held), int(base.segment.sum()), len(reference_held)
        )
    return near, segment, " and ".join(sorted(methods)) or "no search", sampled


def _smaller(values: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """One-sided Mann-Whitney test that ``values`` are smaller, and P(value < reference)."""
    from scipy.stats import mannwhitneyu

    result = mannwhitneyu(values, reference, alternative="less")
    return float(result.pvalue), 1.0 - float(result.statistic) / (len(values) * len(reference))


def _present(codes: np.ndarray) -> list[int]:
    """The label codes that occur, in order."""
    return np.flatnonzero(np.bincount(codes)).tolist()
