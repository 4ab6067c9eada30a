"""``audit`` on Dask: class counts by one group-by, exact duplicates by a hash join, samples.

* :func:`audit_counts`: one pass counts the rows of every (split, label)
  pair, missing values included (the audit reports them, never drops them);
* :func:`repeat_summary`: each row's features are hashed in its partition
  (``tabaug.utils.row_hashes``, the in-memory audit's hash), and every count
  the exact checks judge comes from hash joins and group-bys of hashes and
  label and split codes (24 bytes a row), never the rows: held-out rows
  repeating a reference row (of any class, and of their class), and rows
  repeating another row of their class or split (the base rates);
* :func:`seeded_sample`: exactly ``n`` rows drawn without replacement across
  partitions (a seeded multivariate hypergeometric over partition lengths,
  then one stream per partition), for the difficulty check;
  :func:`class_sample`: the same, at most ``n`` rows of each class, for the
  near-duplicate and SMOTE-row checks.
"""

from __future__ import annotations

from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd

from tabaug._dask._inputs import compute, delayed
from tabaug._dask._io import require_columns
from tabaug._dask._plan import hypergeometric_split, root_seed
from tabaug.exceptions import InvalidInputError
from tabaug.utils import check_labels, plain_value, row_hashes

__all__ = [
    "audit_counts",
    "audit_input",
    "class_sample",
    "leakage_input",
    "repeat_summary",
    "seeded_sample",
]


def _key(value: Any) -> Any:
    return None if pd.isna(value) else plain_value(value)


def _pair_counts(part: pd.DataFrame, target: str, split: str | None) -> dict:
    """``{(split value, label): rows}`` of one partition, missing values as None."""
    labels = part[target]
    splits = part[split] if split is not None else pd.Series("all", index=part.index)
    pairs = pd.DataFrame({"s": splits.to_numpy(dtype=object), "t": labels.to_numpy(dtype=object)})
    counted = pairs.value_counts(dropna=False, sort=False)
    return {(_key(s), _key(t)): int(n) for (s, t), n in counted.items()}


def audit_counts(frame: Any, target: str, split: str | None = None) -> dict:
    """Rows per label in each split, in order of first appearance (missing as None).

    Returns ``{split value: pandas.Series of counts indexed by label}``, the
    shape the in-memory audit counts have (split ``'all'`` without a split).
    """
    if not isinstance(frame, dd.DataFrame):
        raise InvalidInputError(
            f"audit on Dask takes a dask DataFrame with the target column; got a "
            f"{type(frame).__name__}."
        )
    require_columns(frame, [target] + ([split] if split is not None else []),
                    where="the dask DataFrame")
    columns = [target] + ([split] if split is not None else [])
    parts = frame[columns].to_delayed(optimize_graph=True)
    results = compute(*[delayed(_pair_counts)(part, target, split) for part in parts])
    merged: dict = {}
    for counts in results:
        for (split_value, label), n in counts.items():
            per_split = merged.setdefault(split_value, {})
            per_split[label] = per_split.get(label, 0) + n
    return {name: pd.Series(list(c.values()), index=pd.Index(list(c), dtype=object))
            for name, c in merged.items()}


def _codes(values: pd.Series, known: list) -> np.ndarray:
    """Positions of ``values`` in ``known``; -1 for a missing value."""
    lookup = pd.Index(known, dtype=object)
    if isinstance(values.dtype, pd.CategoricalDtype):
        per_category = lookup.get_indexer(pd.Index(values.cat.categories, dtype=object))
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, per_category[codes], -1).astype(np.int64)
    codes = lookup.get_indexer(pd.Index(values.to_numpy(dtype=object))).astype(np.int64)
    codes[values.isna().to_numpy()] = -1
    return codes


def audit_input(frame: Any, target: Any, split: Any, check_leakage: bool | None, *,
                difficulty: bool = False, max_rows: int = 100_000,
                random_state: int | None = 0) -> dict[str, Any]:
    """What :func:`tabaug.audit` needs from a dask DataFrame.

    Returns a dict: ``counts`` per split and the ``target``'s name; for the
    difficulty check, ``sample``: ``(features, labels, splits, rows sampled
    from)``, a seeded sample of at most ``max_rows`` rows that have a label
    (and a split), drawn uniformly across partitions. ``check_leakage`` is
    only checked here (it needs features and two splits): once the audit
    has chosen its reference split from the counts, :func:`leakage_input`
    gives what the check needs.
    """
    if target is None:
        raise InvalidInputError("pass target='column name' to audit a dask DataFrame")
    if split is not None and not isinstance(split, str):
        raise InvalidInputError("with a dask DataFrame, split must be the name of a column")
    counts = audit_counts(frame, target, split)
    values = np.empty(len(_labels(counts)), dtype=object)
    values[:] = _labels(counts)  # missing labels are counted apart, as in memory
    check_labels(values, name=f"frame[{target!r}]", allow_missing=True)
    needed = [target] + ([split] if split is not None else [])
    found: dict[str, Any] = {"counts": counts, "target": str(target), "sample": None}
    if (difficulty or check_leakage) and len(frame.columns) == len(needed):
        check = "difficulty" if difficulty else "check_leakage"
        raise InvalidInputError(
            f"{check} needs features: pass a dask DataFrame with feature columns besides the "
            f"target (and split), or {check}=False."
        )
    if check_leakage and (split is None or len(_splits(counts)) < 2):
        raise InvalidInputError(
            "check_leakage needs at least two splits: pass split='column naming each row's "
            "split' (with two or more values), or check_leakage=False."
        )
    if difficulty:
        found["sample"] = _as_table(
            seeded_sample(_usable(frame, target, split), max_rows, random_state), target,
            split, _n_usable(counts),
        )
    return found


def leakage_input(frame: Any, target: str, split: str, counts: dict, reference: str, *,
                  max_rows: int, random_state: int | None) -> tuple[tuple, tuple]:
    """What the audit's leakage check needs from a dask DataFrame, the reference split chosen.

    ``counts`` is :func:`audit_input`'s, ``reference`` the name (as text) of
    the split the others are compared with. Returns ``(repeats, sample)``:
    the exact-repeat counts of every row (:func:`repeat_summary`) and at most
    ``max_rows`` rows per class (:func:`class_sample`), in the form of
    :func:`audit_input`'s ``sample``.
    """
    labels, splits = _labels(counts), _splits(counts)
    raw_reference = next(name for name in splits if str(name) == reference)
    repeats = repeat_summary(frame, target, split, labels, splits, raw_reference)
    per_class = max(1, max_rows // len(labels))
    rows = class_sample(_usable(frame, target, split), target, per_class, random_state)
    return repeats, _as_table(rows, target, split, _n_usable(counts))


def _labels(counts: dict) -> list:
    """The labels counted, in order of first appearance, without the missing one."""
    return [label for label in dict.fromkeys(label for c in counts.values() for label in c.index)
            if label is not None]


def _splits(counts: dict) -> list:
    """The split names counted, without the missing one."""
    return [name for name in counts if name is not None]


def _usable(frame: Any, target: str, split: str | None) -> Any:
    """The rows with a label (and a split)."""
    usable = frame[~frame[target].isna()]
    return usable if split is None else usable[~usable[split].isna()]


def _n_usable(counts: dict) -> int:
    """How many rows have a label and a split."""
    return sum(int(n) for name, c in counts.items() if name is not None
               for label, n in c.items() if label is not None)


def _as_table(rows: pd.DataFrame, target: str, split: str | None, n_usable: int) -> tuple:
    """``(features, labels, splits, rows sampled from)`` of sampled rows."""
    needed = [target] + ([split] if split is not None else [])
    return (
        rows.drop(columns=needed),
        rows[target].to_numpy(dtype=object),
        rows[split].to_numpy(dtype=object) if split is not None
        else np.full(len(rows), "all", dtype=object),
        n_usable if len(rows) < n_usable else None,
    )


def _hash_rows(part: pd.DataFrame, features: list, target: str, split: str,
               labels: list, splits: list) -> pd.DataFrame:
    """Each row's feature hash, label code and split code (int64 columns)."""
    hashes = row_hashes(part[features]) if len(part) else np.zeros(0, dtype=np.uint64)
    return pd.DataFrame({"hash": hashes, "label": _codes(part[target], labels),
                         "split": _codes(part[split], splits)}, index=part.index)


def repeat_summary(frame: Any, target: str, split: str, labels: list, splits: list,
                   reference: Any) -> tuple:
    """Every exact-repeat count of the audit, from two group-bys of row hashes.

    Rows are hashed in their partitions; then one group-by on (hash, label)
    counts each group's rows and reference rows (every class-level count
    follows: held-out rows repeating a reference row of their class, reference
    rows repeating one another, rows repeating another row of their class),
    and one on the hash alone counts each group's rows per split (the
    split-level repeats and the data's own duplicate rate). Only hashes and
    codes are shuffled (24 bytes a row), never the rows.

    Returns ``(splits, natural, held_out, train, pooled)``, the fields of the
    audit's ``RepeatCounts`` keyed by split name and label, each ``(rows,
    repeats)``. Rows without a label are left out of the class counts, rows
    without a split out of every count (the audit reports both).
    """
    features = [c for c in frame.columns if c not in (target, split)]
    meta = pd.DataFrame({"hash": pd.Series(dtype=np.uint64), "label": pd.Series(dtype=np.int64),
                         "split": pd.Series(dtype=np.int64)})
    hashed = frame.map_partitions(_hash_rows, features, target, split, labels, splits,
                                  meta=meta)
    hashed = hashed[hashed["split"] >= 0]
    ref = splits.index(reference)
    labelled = hashed[hashed["label"] >= 0]
    by_class = labelled.assign(rows=1, ref=(labelled["split"] == ref).astype("int64"))
    # a task-based shuffle: the groups are small records, and distributed's P2P shuffle
    # logs a warning for each shuffle whose outputs are consumed straight away
    by_class = by_class.groupby(["hash", "label"])[["rows", "ref"]].sum(
        split_out=labelled.npartitions, shuffle_method="tasks")
    columns = [f"s{code}" for code in range(len(splits))]
    by_hash = hashed.assign(**{name: (hashed["split"] == code).astype("int64")
                               for code, name in enumerate(columns)})
    by_hash = by_hash.groupby("hash")[columns].sum(split_out=hashed.npartitions,
                                                  shuffle_method="tasks")
    class_meta = pd.DataFrame({name: pd.Series(dtype=np.int64) for name in _CLASS_TOTALS})
    split_meta = pd.DataFrame({"rows": pd.Series(dtype=np.int64),
                               "repeats": pd.Series(dtype=np.int64)})
    per_class, per_split = compute(
        by_class.map_partitions(_class_totals, meta=class_meta),
        by_hash.map_partitions(_split_totals, ref, meta=split_meta),
    )
    per_class = per_class.groupby(level=0).sum()
    per_split = per_split.groupby(level=0).sum()

    def pairs(rows: str, repeats: str) -> dict:
        return {labels[code]: (int(row[rows]), int(row[repeats]))
                for code, row in per_class.iterrows()}

    held = {splits[code]: (int(row["rows"]), int(row["repeats"]))
            for code, row in per_split.iterrows() if code >= 0 and code != ref}
    natural = per_split.loc[-1] if -1 in per_split.index else {"rows": 0, "repeats": 0}
    return (held, (int(natural["rows"]), int(natural["repeats"])),
            pairs("held", "held_repeats"), pairs("train", "train_repeats"),
            pairs("rows", "repeats"))


#: Per class: its rows and those repeating another (pooled), its reference rows and those
#: repeating another reference row (train), its held-out rows and those repeating a
#: reference row (held).
_CLASS_TOTALS = ("rows", "repeats", "train", "train_repeats", "held", "held_repeats")


def _class_totals(groups: pd.DataFrame) -> pd.DataFrame:
    """Per label, the class-level counts of (hash, label) groups: ``rows`` and ``ref``."""
    rows, ref = groups["rows"], groups["ref"]
    held = rows - ref
    table = pd.DataFrame({
        "rows": rows, "repeats": rows.where(rows > 1, 0),
        "train": ref, "train_repeats": ref.where(ref > 1, 0),
        "held": held, "held_repeats": held.where(ref > 0, 0),
    })
    return table.groupby(level="label").sum()


def _split_totals(groups: pd.DataFrame, ref: int) -> pd.DataFrame:
    """Per split code, its rows and those repeating a reference row; -1: reference repeats.

    ``groups`` holds, per hash, its rows in each split (columns ``s0``, ``s1``...).
    """
    reference = groups[f"s{ref}"]
    rows = groups.sum()
    repeats = groups[reference > 0].sum()
    table = pd.DataFrame({"rows": rows.to_numpy(), "repeats": repeats.to_numpy()},
                         index=[int(name[1:]) for name in groups.columns])
    natural = pd.DataFrame({"rows": [int(reference.sum())],
                            "repeats": [int(reference[reference > 1].sum())]}, index=[-1])
    return pd.concat([table, natural])


def _take(part: pd.DataFrame, n: int, seed: np.random.SeedSequence) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return part.iloc[np.sort(rng.choice(len(part), size=n, replace=False))]


def seeded_sample(frame: Any, n_rows: int, random_state: Any = 0) -> pd.DataFrame:
    """Exactly ``min(n_rows, len(frame))`` rows, uniform without replacement, seeded.

    The same ``random_state`` and partitioning give the same rows, in their
    original order (index reset).
    """
    parts = frame.to_delayed(optimize_graph=True)
    lengths = np.array(compute(*[delayed(len)(part) for part in parts]), dtype=np.int64)
    allocation_seed, take_seed = root_seed(random_state).spawn(2)
    wanted = hypergeometric_split(lengths, int(min(n_rows, lengths.sum())),
                                   np.random.default_rng(allocation_seed))
    streams = take_seed.spawn(len(parts))
    chosen = [p for p in range(len(parts)) if wanted[p]]
    frames = compute(*[delayed(_take)(parts[p], int(wanted[p]), streams[p]) for p in chosen])
    if not frames:
        return frame._meta.copy()
    return pd.concat(frames, axis=0, ignore_index=True)


def _class_lengths(part: pd.DataFrame, target: str) -> dict:
    """``{label: rows}`` of one partition."""
    return {_key(label): int(n) for label, n in part[target].value_counts(sort=False).items()}


def _take_classes(part: pd.DataFrame, target: str, wanted: dict,
                  seed: np.random.SeedSequence) -> pd.DataFrame:
    """``wanted[label]`` rows of each label of one partition, seeded, in order."""
    rng = np.random.default_rng(seed)
    keys = part[target].map(_key).to_numpy(dtype=object)
    chosen = [np.flatnonzero(keys == label)[rng.choice(int((keys == label).sum()), n,
                                                        replace=False)]
              for label, n in wanted.items()]
    return part.iloc[np.sort(np.concatenate(chosen))] if chosen else part.iloc[:0]


def class_sample(frame: Any, target: str, per_class: int, random_state: Any = 0) -> pd.DataFrame:
    """At most ``per_class`` rows of each class, uniform without replacement, seeded.

    Two passes: per-partition class counts, then each partition takes its
    share of every class (a seeded multivariate hypergeometric per class).
    Rows keep their order (index reset).
    """
    parts = frame.to_delayed(optimize_graph=True)
    lengths = compute(*[delayed(_class_lengths)(part, target) for part in parts])
    allocation_seed, take_seed = root_seed(random_state).spawn(2)
    rng = np.random.default_rng(allocation_seed)
    wanted: list[dict] = [{} for _ in parts]
    for label in dict.fromkeys(label for counts in lengths for label in counts):
        per_partition = np.array([counts.get(label, 0) for counts in lengths], dtype=np.int64)
        split = hypergeometric_split(per_partition, int(min(per_class, per_partition.sum())), rng)
        for p in np.flatnonzero(split):
            wanted[p][label] = int(split[p])
    streams = take_seed.spawn(len(parts))
    chosen = [p for p in range(len(parts)) if wanted[p]]
    frames = compute(*[delayed(_take_classes)(parts[p], target, wanted[p], streams[p])
                       for p in chosen])
    if not frames:
        return frame._meta.copy()
    return pd.concat(frames, axis=0, ignore_index=True)
