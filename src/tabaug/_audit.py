"""Class-balance audit of a target, across the splits of a dataset.

:func:`audit` counts classes per split, measures imbalance (majority/minority
ratio, normalised entropy), names the minority classes, tests whether class
shares drift between splits, and warns about what breaks evaluation: a class
missing from a split, singleton classes, extreme imbalance, and test rows
that exactly repeat training rows (the trace of resampling or augmenting
before splitting).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tabaug.exceptions import InvalidInputError, InvalidTargetError
from tabaug.utils import _io, _report, label_text

__all__ = ["BalanceAudit", "audit"]

#: Drift is reported as a warning when the chi-square p-value is below this...
DRIFT_ALPHA = 0.05
#: ...and some class's share differs by at least this much (on millions of
#: rows, differences far too small to matter are still "significant").
DRIFT_MIN_DIFFERENCE = 0.01
#: Rows hashed at once by the duplicate check.
_HASH_CHUNK = 1_000_000
#: Conventional split names, in the order they are shown; others follow, sorted.
_SPLIT_ORDER = ["train", "training", "val", "valid", "validation", "dev", "test", "holdout"]
TOTAL = "total"


@dataclass(frozen=True, repr=False, eq=False)
class BalanceAudit(_report.Report):
    """How classes are spread across the splits of a dataset.

    Build it with :func:`audit`.

    Attributes
    ----------
    target : str or None
        Name of the target column, when known.
    splits : list of str
        The splits, in display order (conventional names such as ``train``,
        ``validation``, ``test`` first). A single unsplit target is one split
        named ``"all"``.
    labels : list
        The classes, sorted.
    counts : pandas.DataFrame
        Rows per class (index) and split (columns), with a ``"total"`` column
        when there are several splits.
    shares : pandas.DataFrame
        ``counts`` divided by each column's total.
    imbalance_ratio : float
        Majority count / minority count over the whole dataset.
    normalized_entropy : float
        ``H / log(k)`` over the whole dataset: Shannon entropy of the class
        shares divided by its maximum, for ``k`` classes. 1.0 is perfectly
        balanced, near 0 is one dominant class.
    per_split : dict
        ``split -> {"rows", "imbalance_ratio", "normalized_entropy"}`` for
        each split (and ``"total"`` when there are several). A split's ratio
        is over the classes present in it (None if only one is); its entropy
        is normalised by the number of classes in the whole dataset.
    minority_classes : list
        Classes whose overall share is below ``minority_threshold / k``.
    minority_threshold : float
        The threshold used (see :func:`audit`).
    drift : list of dict
        One entry per split compared with the reference split (``train`` if
        present, else the first): ``split``, ``reference``, ``chi2``,
        ``p_value``, ``dof`` (``scipy.stats.chi2_contingency`` on the two
        splits' class counts), ``largest_difference`` (largest absolute
        difference in class share) and ``label`` (the class it belongs to).
    duplicates : dict
        When features were checked: ``split -> {"reference", "rows",
        "duplicates", "share"}``, the rows of each non-reference split whose
        features exactly repeat a reference row. Empty when not checked.
    warnings : list of str
        Problems found, in plain words.
    n_rows : int
        Rows with a target value.
    missing_target : int
        Rows without a target value (left out of every count).

    Examples
    --------
    >>> from tabaug import audit
    >>> result = audit({"train": [0] * 90 + [1] * 10, "test": [0] * 9 + [1] * 1})
    >>> result.imbalance_ratio, result.per_split["test"]["imbalance_ratio"]
    (9.0, 9.0)
    >>> result.counts["total"].tolist()
    [99, 11]
    """

    _html_title = "tabaug class balance audit"

    target: str | None
    splits: list[str]
    labels: list[Any]
    counts: pd.DataFrame
    shares: pd.DataFrame
    imbalance_ratio: float
    normalized_entropy: float
    per_split: dict[str, dict[str, Any]]
    minority_classes: list[Any]
    minority_threshold: float
    drift: list[dict[str, Any]] = field(default_factory=list)
    duplicates: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    n_rows: int = 0
    missing_target: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The audit as plain, JSON-serialisable Python.

        Schema (stable): ``target``; ``n_rows``; ``missing_target``;
        ``labels`` (list of str); ``splits`` (list of str); ``counts`` and
        ``shares`` (``{split: {str(label): value}}``, including ``"total"``
        when there are several splits); ``imbalance_ratio`` and
        ``normalized_entropy`` (floats, whole dataset); ``per_split``
        (``{split: {"rows", "imbalance_ratio", "normalized_entropy"}}``);
        ``minority_classes`` (list of str); ``minority_threshold``;
        ``drift`` (list of dicts, see :class:`BalanceAudit`); ``duplicates``;
        ``warnings`` (list of str).

        Examples
        --------
        >>> from tabaug import audit
        >>> audit([0, 0, 0, 1]).to_dict()["counts"]
        {'all': {'0': 3, '1': 1}}
        """
        result = {
            "target": self.target,
            "n_rows": self.n_rows,
            "missing_target": self.missing_target,
            "labels": [str(label) for label in self.labels],
            "splits": list(self.splits),
            "counts": _by_label(self.counts),
            "shares": _by_label(self.shares),
            "imbalance_ratio": self.imbalance_ratio,
            "normalized_entropy": self.normalized_entropy,
            "per_split": self.per_split,
            "minority_classes": [str(label) for label in self.minority_classes],
            "minority_threshold": self.minority_threshold,
            "drift": [{**entry, "label": str(entry["label"])} for entry in self.drift],
            "duplicates": self.duplicates,
            "warnings": list(self.warnings),
        }
        return _report.jsonable(result)

    def to_frame(self) -> pd.DataFrame:
        """Counts and shares per class, columns ``(split, "count" | "share")``.

        Examples
        --------
        >>> from tabaug import audit
        >>> audit([0, 0, 0, 1]).to_frame()[("all", "share")].tolist()
        [0.75, 0.25]
        """
        frame = pd.concat({"count": self.counts, "share": self.shares}, axis=1)
        frame = frame.swaplevel(axis=1)[list(self.counts.columns)]
        frame.index.name = "class"
        return frame

    def _columns(self) -> list[str]:
        return list(self.counts.columns)

    def _table_rows(self) -> tuple[list[str], list[list[str]]]:
        header = ["class", *self._columns()]
        rows = [
            [
                str(label),
                *(
                    f"{self.counts.loc[label, c]:,} ({100 * self.shares.loc[label, c]:.1f}%)"
                    for c in self._columns()
                ),
            ]
            for label in self.labels
        ]
        rows.append(
            [
                "imbalance ratio",
                *(_ratio(self.per_split[c]["imbalance_ratio"]) for c in self._columns()),
            ]
        )
        rows.append(
            [
                "normalised entropy",
                *(
                    _report.format_number(self.per_split[c]["normalized_entropy"])
                    for c in self._columns()
                ),
            ]
        )
        return header, rows

    def _summary_lines(self) -> list[str]:
        k = len(self.labels)
        lines = []
        share = self.minority_threshold / k
        if self.minority_classes:
            names = ", ".join(map(str, self.minority_classes))
            lines.append(f"Minority classes (overall share below {100 * share:.1f}%): {names}")
        else:
            lines.append(f"No class has an overall share below {100 * share:.1f}%.")
        for entry in self.drift:
            lines.append(
                f"Drift, '{entry['split']}' vs '{entry['reference']}': chi-square "
                f"{_report.format_p_value(entry['p_value'])}, largest share difference "
                f"{100 * entry['largest_difference']:.1f} points (class {entry['label']})"
            )
        for split, entry in self.duplicates.items():
            lines.append(
                f"Duplicates: {entry['duplicates']:,} of {entry['rows']:,} '{split}' rows "
                f"({100 * entry['share']:.1f}%) exactly repeat a '{entry['reference']}' row"
            )
        return lines

    def _title(self) -> str:
        target = f"target '{self.target}', " if self.target else ""
        splits = f" in {len(self.splits)} splits" if len(self.splits) > 1 else ""
        return f"Class balance: {target}{len(self.labels)} classes, {self.n_rows:,} rows{splits}"

    def __str__(self) -> str:
        header, rows = self._table_rows()
        sections = [
            self._title(),
            _report.text_table(header, rows),
            "\n".join(self._summary_lines()),
        ]
        if self.warnings:
            sections.append("Warnings:\n" + "\n".join(f"- {w}" for w in self.warnings))
        else:
            sections.append("No warnings.")
        return "\n\n".join(sections)

    def __repr__(self) -> str:
        ratio = _ratio(self.imbalance_ratio)
        return (
            f"<BalanceAudit {len(self.labels)} classes, {self.n_rows} rows, "
            f"splits={self.splits}, imbalance_ratio={ratio}, warnings={len(self.warnings)}>"
        )

    def _html_body(self, *, with_plot: bool) -> str:
        header, rows = self._table_rows()
        parts = [f"<h2>{html.escape(self._title())}</h2>", _report.html_table(header, rows)]
        parts += [f"<p>{html.escape(line)}</p>" for line in self._summary_lines()]
        if self.warnings:
            items = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
            parts.append(f"<h3>Warnings</h3><ul class='tabaug-warning'>{items}</ul>")
        else:
            parts.append("<p>No warnings.</p>")
        if with_plot and _report.has_matplotlib():
            png = _report.figure_to_png(self.plot())
            parts.append(_report.png_img_tag(png, "class shares per split"))
        return "".join(parts)

    def plot(self, path: Any = None) -> Any:
        """Bar chart of class shares, one group of bars per class, one bar per split.

        Needs matplotlib (``pip install "tabaug[plot]"``).

        Parameters
        ----------
        path : str or path-like, optional
            Also save the figure there (PNG for a ``.png`` path).

        Returns
        -------
        matplotlib.figure.Figure

        Examples
        --------
        >>> from tabaug import audit
        >>> figure = audit([0, 0, 0, 1]).plot()  # doctest: +SKIP
        """
        width = max(5.0, min(14.0, 1.0 + 0.6 * len(self.labels) * len(self.splits)))
        figure = _report.new_figure(figsize=(width, 3.8), layout="constrained")
        ax = figure.subplots()
        positions = np.arange(len(self.labels))
        bar = 0.8 / len(self.splits)
        for i, split in enumerate(self.splits):
            xs = positions + (i - (len(self.splits) - 1) / 2) * bar
            heights = self.shares[split].to_numpy()
            ax.bar(xs, heights, bar, label=split)
            for x, h, n in zip(xs, heights, self.counts[split], strict=True):
                ax.text(x, h, f"{n:,}", ha="center", va="bottom", size=7)
        names = [str(label) for label in self.labels]
        crowded = sum(len(name) for name in names) > 60 or len(names) > 8
        ax.set_xticks(
            positions, names, rotation=30 if crowded else 0, ha="right" if crowded else "center"
        )
        ax.set_ylabel("share of rows")
        ax.set_xlabel(self.target or "class")
        ax.set_ylim(0, min(1.0, float(self.shares.to_numpy().max()) * 1.15 + 0.02))
        ax.axhline(1 / len(self.labels), color="grey", linestyle=":", linewidth=1)
        ratio = _ratio(self.imbalance_ratio)
        ax.set_title(f"class shares (imbalance ratio {ratio}; dotted: balanced share)")
        if len(self.splits) > 1:
            ax.legend(fontsize=8)
        if path is not None:
            figure.savefig(path, dpi=100)
        return figure


def _by_label(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {
        column: dict(zip(map(str, frame.index), frame[column], strict=True)) for column in frame
    }


def _ratio(value: float | None) -> str:
    return _report.UNDEFINED if value is None else f"{value:.1f}:1"


def audit(
    data: Any,
    *,
    target: str | None = None,
    split: Any = None,
    minority_threshold: float = 0.5,
    extreme_ratio: float = 100.0,
    check_leakage: bool | None = None,
) -> BalanceAudit:
    """Audit how classes are spread across a dataset and its splits.

    Parameters
    ----------
    data : array-like, DataFrame, dict, or path
        One of:

        - the target alone (list, numpy array, Series): one split, ``"all"``;
        - a DataFrame with a ``target`` column (and optionally a ``split``
          column); its other columns are the features;
        - a dict ``{split name: y}`` or ``{split name: (X, y)}``;
        - the path of a CSV or Parquet file with a ``target`` column (and
          optionally a ``split`` column). Without a leakage check only those
          columns are read, chunk by chunk (Parquet column projection,
          pyarrow's streaming CSV reader when pyarrow is installed), so
          memory stays flat in the number of rows. CSV labels that are all
          whole numbers are read as integers, others as text.
    target : str, optional
        The target column; required for a DataFrame or a file.
    split : str or array-like, optional
        The split column of the DataFrame or file, or, with a bare target,
        an array of split names (one per row).
    minority_threshold : float, default=0.5
        A class is a minority class when its overall share is below
        ``minority_threshold / k`` for ``k`` classes: under half its share
        in a balanced dataset by default (under 25% with two classes, under
        10% with five).
    extreme_ratio : float, default=100.0
        Warn about extreme imbalance when the overall majority/minority ratio
        is at least this.
    check_leakage : bool, optional
        Look for rows of each split whose features exactly repeat a row of
        the reference split (``train`` if present, else the first), by
        hashing rows chunk by chunk (``pandas.util.hash_pandas_object``,
        64-bit). Default: True when features are given in memory (a
        DataFrame with a split column, or ``(X, y)`` pairs), False for files,
        where it means reading every column (in chunks, as text for CSV).

    Returns
    -------
    BalanceAudit

    Raises
    ------
    InvalidTargetError
        If the target is empty or has a single class.
    InvalidInputError
        If a column is missing, a file cannot be read, or the inputs disagree
        in length.

    Examples
    --------
    >>> import pandas as pd
    >>> from tabaug import audit
    >>> frame = pd.DataFrame(
    ...     {
    ...         "x": range(12),
    ...         "label": ["a"] * 8 + ["b"] * 2 + ["a", "a"],
    ...         "split": ["train"] * 10 + ["test"] * 2,
    ...     }
    ... )
    >>> result = audit(frame, target="label", split="split")
    >>> result.splits, result.counts["test"].tolist()
    (['train', 'test'], [2, 0])
    >>> print(result.warnings[0])
    class 'b' has no rows in split 'test' (2 in 'train').
    """
    if not 0 < minority_threshold <= 1:
        raise InvalidInputError(f"minority_threshold must be in (0, 1], got {minority_threshold}")
    if _io.is_path(data):
        counts, hashes, target_name = _from_file(data, target, split, bool(check_leakage))
    else:
        counts, hashes, target_name = _from_memory(data, target, split, check_leakage)
    return _build(counts, hashes, target_name, minority_threshold, extreme_ratio)


def _require(target: str | None, what: str) -> str:
    if target is None:
        raise InvalidInputError(f"pass target='column name' to audit {what}")
    return target


def _from_memory(
    data: Any, target: str | None, split: Any, check_leakage: bool | None
) -> tuple[dict[Any, pd.Series], dict[Any, np.ndarray] | None, str | None]:
    features: dict[Any, Any] = {}
    if isinstance(data, pd.DataFrame):
        target = _require(target, "a DataFrame")
        needed = [target] + ([split] if split is not None else [])
        missing = [column for column in needed if column not in data.columns]
        if missing:
            raise InvalidInputError(
                f"no column {', '.join(map(repr, missing))} in the DataFrame; its columns are: "
                f"{', '.join(map(str, data.columns[:20]))}"
            )
        if split is None:
            labels = {"all": data[target]}
        else:
            groups = data.groupby(split, sort=False, dropna=False, observed=True)
            labels = {name: part[target] for name, part in groups}
            features = {name: part.drop(columns=needed) for name, part in groups}
    elif isinstance(data, Mapping):
        if not data:
            raise InvalidInputError("the dict of splits is empty; pass {'train': y_train, ...}")
        labels = {}
        for name, value in data.items():
            if isinstance(value, tuple):
                if len(value) != 2:
                    raise InvalidInputError(
                        f"split {name!r}: pass y or an (X, y) pair, got a tuple of {len(value)}"
                    )
                X, y = value
                y = _as_series(y, name)
                if len(X) != len(y):
                    raise InvalidInputError(
                        f"split {name!r}: X has {len(X)} rows but y has {len(y)}"
                    )
                features[name] = X
                labels[name] = y
            else:
                labels[name] = _as_series(value, name)
        target = target or next((y.name for y in labels.values() if y.name is not None), None)
    else:
        y = _as_series(data, "target")
        target = target or (str(y.name) if y.name is not None else None)
        if split is None:
            labels = {"all": y}
        else:
            split_values = _as_series(split, "split")
            if len(split_values) != len(y):
                raise InvalidInputError(
                    f"split has {len(split_values)} values but the target has {len(y)}"
                )
            frame = pd.DataFrame({"s": split_values.to_numpy(), "t": y.to_numpy()})
            labels = {name: part["t"] for name, part in frame.groupby("s", sort=False)}
    counts = {name: y.value_counts(dropna=False) for name, y in labels.items()}
    hashes = None
    has_features = len(features) == len(labels) and len(labels) > 1
    if check_leakage is None:
        check_leakage = has_features and all(_n_columns(X) > 0 for X in features.values())
    if check_leakage:
        if not has_features:
            raise InvalidInputError(
                "check_leakage needs features for at least two splits: pass "
                "{'train': (X_train, y_train), 'test': (X_test, y_test)} or a DataFrame "
                "with a split column"
            )
        hashes = _hash_splits(features)
    return counts, hashes, None if target is None else str(target)


def _as_series(values: Any, name: Any) -> pd.Series:
    series = _to_series(values, name)
    if pd.api.types.is_float_dtype(series):
        present = series.dropna().to_numpy(dtype=np.float64)
        if present.size and not np.array_equal(present, np.round(present)):
            raise InvalidTargetError(
                f"{name}: the target looks continuous (float values that are not whole "
                "numbers), but an audit counts classes. Pass the class column, or bin a "
                "numeric target first (e.g. pandas.cut)."
            )
    return series


def _to_series(values: Any, name: Any) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise InvalidInputError(
                f"{name}: got a DataFrame with {values.shape[1]} columns where a target was "
                "expected; pass audit(frame, target='column')"
            )
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise InvalidInputError(f"{name}: expected one label per row, got shape {array.shape}")
    return pd.Series(array)


def _n_columns(X: Any) -> int:
    shape = getattr(X, "shape", None)
    if shape is not None:
        return shape[1] if len(shape) > 1 else 1
    return np.asarray(X).shape[1]


def _hash_splits(features: dict[Any, Any]) -> dict[Any, np.ndarray]:
    frames = {name: _as_frame(X) for name, X in features.items()}
    columns = {name: list(map(str, frame.columns)) for name, frame in frames.items()}
    first = next(iter(columns.values()))
    for name, names in columns.items():
        if names != first:
            raise InvalidInputError(
                f"the features of split {name!r} have different columns from the first split; "
                "every split must have the same feature columns"
            )
    return {name: _row_hashes(frame) for name, frame in frames.items()}


def _as_frame(X: Any) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    if hasattr(X, "toarray"):
        X = X.toarray()
    array = np.asarray(X)
    return pd.DataFrame(array.reshape(len(array), -1))


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """64-bit hashes of every row's values, chunk by chunk.

    Numeric columns are hashed as float64, so a value hashes the same in an
    int column of one split and a float column of another.
    """
    numeric = [
        column
        for column in frame.columns
        if pd.api.types.is_numeric_dtype(frame[column])
        and not pd.api.types.is_bool_dtype(frame[column])
    ]
    parts = []
    for start in range(0, len(frame), _HASH_CHUNK):
        chunk = frame.iloc[start : start + _HASH_CHUNK]
        if numeric:
            chunk = chunk.astype(dict.fromkeys(numeric, "float64"))
        parts.append(pd.util.hash_pandas_object(chunk, index=False).to_numpy())
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def _from_file(
    path: Any, target: str | None, split: Any, check_leakage: bool
) -> tuple[dict[Any, pd.Series], dict[Any, np.ndarray] | None, str | None]:
    target = _require(target, "a file")
    if split is not None and not isinstance(split, str):
        raise InvalidInputError("with a file, split must be the name of a column")
    if not check_leakage or split is None:
        raw = _io.count_rows(path, target, split)
        counts: dict[Any, dict[Any, int]] = {}
        for (split_value, label), n in raw.items():
            name = "all" if split is None else split_value
            counts.setdefault(name, {})[label] = n
        return _text_labels(counts), None, target
    needed = [target, split]
    columns = _io.require_columns(path, needed)
    counts, hash_parts = {}, {}
    for chunk in _io.iter_chunks(path, columns, as_text=True):
        labels = chunk[target].where(chunk[target] != "")
        split_values = chunk[split].where(chunk[split] != "")
        for name, part in chunk.groupby(split_values, sort=False, dropna=False, observed=True):
            part_counts = counts.setdefault(name, {})
            for label, n in labels.loc[part.index].value_counts(dropna=False).items():
                key = None if pd.isna(label) else label
                part_counts[key] = part_counts.get(key, 0) + int(n)
            hash_parts.setdefault(name, []).append(_row_hashes(part.drop(columns=needed)))
    hashes = {name: np.concatenate(parts) for name, parts in hash_parts.items()}
    return _text_labels(counts), hashes, target


def _text_labels(counts: dict[Any, dict[Any, int]]) -> dict[Any, pd.Series]:
    """Counts as Series; text labels that are all whole numbers become ints."""
    labels = {label for part in counts.values() for label in part if label is not None}
    as_int = all(isinstance(label, str) and re.fullmatch(r"-?\d+", label) for label in labels)
    result = {}
    for name, part in counts.items():
        keys = [None if label is None else int(label) if as_int else label for label in part]
        result[name] = pd.Series(list(part.values()), index=pd.Index(keys, dtype=object))
    return result


def _split_order(names: list[Any]) -> list[Any]:
    known = {name: i for i, name in enumerate(_SPLIT_ORDER)}
    return sorted(names, key=lambda n: (known.get(str(n).lower(), len(known)), str(n)))


def _sorted_labels(labels: set[Any]) -> list[Any]:
    try:
        return sorted(labels)
    except TypeError:
        return sorted(labels, key=str)


def _build(
    raw_counts: dict[Any, pd.Series],
    hashes: dict[Any, np.ndarray] | None,
    target: str | None,
    minority_threshold: float,
    extreme_ratio: float,
) -> BalanceAudit:
    missing_target = missing_split = 0
    clean: dict[Any, dict[Any, int]] = {}
    for name, series in raw_counts.items():
        if _is_missing(name):
            missing_split += int(series.sum())
            continue
        part = clean.setdefault(name, {})
        for label, n in series.items():
            if _is_missing(label):
                missing_target += int(n)
            elif n > 0:  # unused categories of a categorical target are not classes
                label = label.item() if isinstance(label, np.generic) else label
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
    warnings += _coverage_warnings(counts, splits, reference)
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
                f"(chi-square {_report.format_p_value(entry['p_value'])}; "
                f"{_label(entry['label'])} differs by {100 * entry['largest_difference']:.1f} "
                "points). Expected if one split was resampled on purpose; otherwise a "
                "stratified split keeps class shares equal."
            )
    duplicates = {}
    if hashes is not None:
        hashes = {str(name): value for name, value in hashes.items() if str(name) in by_name}
        duplicates = _duplicates(hashes, reference)
        for s, entry in duplicates.items():
            if entry["duplicates"]:
                warnings.append(
                    f"{entry['duplicates']:,} of {entry['rows']:,} rows of '{s}' "
                    f"({100 * entry['share']:.1f}%) exactly repeat a row of '{reference}': "
                    "rows were probably resampled or augmented before splitting, which leaks "
                    "training rows into evaluation. Split first, then resample the training "
                    "split only (e.g. in a Pipeline)."
                )
    return BalanceAudit(
        target=target,
        splits=splits,
        labels=labels,
        counts=counts,
        shares=shares,
        imbalance_ratio=imbalance[overall],
        normalized_entropy=entropy[overall],
        per_split={
            c: {
                "rows": int(counts[c].sum()),
                "imbalance_ratio": imbalance[c],
                "normalized_entropy": entropy[c],
            }
            for c in counts.columns
        },
        minority_classes=minority,
        minority_threshold=minority_threshold,
        drift=drift,
        duplicates=duplicates,
        warnings=warnings,
        n_rows=int(counts[overall].sum()),
        missing_target=missing_target,
    )


def _label(label: Any) -> str:
    return label_text(label, prefix=True)


def _is_missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _coverage_warnings(counts: pd.DataFrame, splits: list[str], reference: str) -> list[str]:
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


def _duplicates(hashes: dict[str, np.ndarray], reference: str) -> dict[str, dict[str, Any]]:
    if reference not in hashes:
        return {}
    known = np.unique(hashes[reference])
    result = {}
    for s, values in hashes.items():
        if s == reference:
            continue
        repeated = int(np.isin(values, known).sum())
        result[s] = {
            "reference": reference,
            "rows": int(len(values)),
            "duplicates": repeated,
            "share": repeated / len(values) if len(values) else 0.0,
        }
    return result
