"""``audit`` on Dask: class counts by one group-by, exact duplicates by a hash join, samples.

* :func:`audit_counts`: one pass counts the rows of every (split, label)
  pair, missing values included (the audit reports them, never drops them);
* :func:`repeat_counts`: each row's features are hashed in its partition
  (64-bit, numbers as float64, the in-memory audit's rule), and the held-out
  rows are joined on the hash (and the label, for same-class repeats) with
  the distinct hashes of the reference split: a shuffle of hashes and label
  codes (24 bytes a row), never the rows;
* :func:`seeded_sample`: exactly ``n`` rows drawn without replacement across
  partitions (a seeded multivariate hypergeometric over partition lengths,
  then one stream per partition), for the checks that need rows in memory
  (near duplicates, SMOTE-made rows, difficulty).
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
from tabaug.utils import check_labels, plain_value

__all__ = ["audit_counts", "audit_input", "repeat_counts", "row_hashes", "seeded_sample"]

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


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """64-bit hashes of every row's values: numbers as float64, as the in-memory audit hashes.

    A cell that cannot be hashed (a list, a dict) is refused with the fix.
    """
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    if numeric:
        frame = frame.astype(dict.fromkeys(numeric, "float64"))
    try:
        return pd.util.hash_pandas_object(frame, index=False).to_numpy()
    except (TypeError, ValueError) as error:
        raise InvalidInputError(
            "some feature values cannot be compared row to row by the leakage check; convert "
            "container values (lists, dicts, arrays) to text, or pass check_leakage=False."
        ) from error


def _codes(values: pd.Series, known: list) -> np.ndarray:
    """Positions of ``values`` in ``known`` (a missing value: the position of None)."""
    lookup = pd.Index(known, dtype=object)
    missing = known.index(None) if None in known else -1
    if isinstance(values.dtype, pd.CategoricalDtype):
        per_category = lookup.get_indexer(pd.Index(values.cat.categories, dtype=object))
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, per_category[codes], missing).astype(np.int64)
    codes = lookup.get_indexer(values).astype(np.int64)
    codes[values.isna().to_numpy()] = missing
    return codes


def audit_input(frame: Any, target: Any, split: Any, check_leakage: bool | None, *,
                difficulty: bool = False, max_rows: int = 100_000,
                random_state: int | None = 0) -> tuple[dict, str, tuple | None]:
    """What :func:`tabaug.audit` needs from a dask DataFrame.

    Returns the counts per split, the target's name and, for the difficulty
    check, ``(features, labels, splits, rows sampled from)``: a seeded sample
    of at most ``max_rows`` rows that have a label (and a split), drawn
    uniformly across partitions. The leakage checks are not available on
    Dask yet.
    """
    if target is None:
        raise InvalidInputError("pass target='column name' to audit a dask DataFrame")
    if split is not None and not isinstance(split, str):
        raise InvalidInputError("with a dask DataFrame, split must be the name of a column")
    if check_leakage:
        raise InvalidInputError(
            "check_leakage is not available on a dask DataFrame yet; audit the counts on Dask "
            "and check leakage on a sample in memory (e.g. ddf.sample(frac=0.01).compute())."
        )
    counts = audit_counts(frame, target, split)
    labels = [label for label in dict.fromkeys(
        label for c in counts.values() for label in c.index) if label is not None]
    values = np.empty(len(labels), dtype=object)
    values[:] = labels  # missing labels are counted apart, as in memory
    check_labels(values, name=f"frame[{target!r}]", allow_missing=True)
    sample = None
    if difficulty:
        needed = [target] + ([split] if split is not None else [])
        if len(frame.columns) == len(needed):
            raise InvalidInputError(
                "difficulty needs features: pass a dask DataFrame with feature columns "
                "besides the target (and split)."
            )
        usable = frame[~frame[target].isna()]
        if split is not None:
            usable = usable[~usable[split].isna()]
        n_usable = sum(int(n) for name, c in counts.items() if name is not None
                       for label, n in c.items() if label is not None)
        rows = seeded_sample(usable, max_rows, random_state)
        sample = (
            rows.drop(columns=needed),
            rows[target].to_numpy(dtype=object),
            rows[split].to_numpy(dtype=object) if split is not None
            else np.full(len(rows), "all", dtype=object),
            n_usable if len(rows) < n_usable else None,
        )
    return counts, str(target), sample


def _hash_rows(part: pd.DataFrame, features: list, target: str, split: str,
               labels: list, splits: list) -> pd.DataFrame:
    """Each row's feature hash, label code and split code (int64 columns)."""
    hashes = row_hashes(part[features]) if len(part) else np.zeros(0, dtype=np.uint64)
    return pd.DataFrame({"hash": hashes, "label": _codes(part[target], labels),
                         "split": _codes(part[split], splits)}, index=part.index)


def repeat_counts(frame: Any, target: str, split: str, counts: dict, reference: Any, *,
                  same_class: bool = True) -> dict:
    """For each split but ``reference``: per label, its rows and how many repeat a reference row.

    A row repeats when its features hash like a row of the reference split
    (of the same label, with ``same_class``). ``counts`` is what
    :func:`audit_counts` returned. Returns ``{split: {label: (rows, repeats)}}``.
    """
    features = [c for c in frame.columns if c not in (target, split)]
    if not features:
        raise InvalidInputError(
            "the exact-duplicate check needs feature columns besides the target and split; "
            "pass check_leakage=False."
        )
    splits = list(counts)
    labels = list(dict.fromkeys(label for c in counts.values() for label in c.index))
    meta = pd.DataFrame({"hash": pd.Series(dtype=np.uint64), "label": pd.Series(dtype=np.int64),
                         "split": pd.Series(dtype=np.int64)})
    hashed = frame.map_partitions(_hash_rows, features, target, split, labels, splits,
                                  meta=meta)
    keys = ["hash", "label"] if same_class else ["hash"]
    known = hashed[hashed["split"] == splits.index(reference)][keys].drop_duplicates()
    held_out = hashed[hashed["split"] != splits.index(reference)]
    joined = held_out.merge(known.assign(repeat=1), on=keys, how="left")
    joined = joined.assign(repeat=joined["repeat"].fillna(0).astype("int64"), rows=1)
    totals = joined.groupby(["split", "label"])[["rows", "repeat"]].sum(split_out=1)
    (table,) = compute(totals)
    result: dict = {}
    for (split_code, label_code), row in table.iterrows():
        entry = result.setdefault(splits[split_code], {})
        entry[labels[label_code]] = (int(row["rows"]), int(row["repeat"]))
    return result


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
