"""The audit's result, :class:`BalanceAudit`: its fields and its plain-Python form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tabaug._audit import _charts, _render
from tabaug.utils import Report, jsonable


@dataclass(frozen=True, repr=False, eq=False)
class BalanceAudit(Report):
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
        Rows counted: with a target value and, when there are splits, a
        split value.
    missing_target : int
        Rows without a target value (left out of every count, with a warning).
    missing_split : int
        Rows with a target value but no split value (left out of every
        count, with a warning).
    difficulty : dict or None
        With ``difficulty=True``: ``label -> {"safe", "borderline", "rare",
        "outlier", "n_rows", "sampled"}`` for every class but the largest,
        the shares of its examples of each type (Napierala & Stefanowski:
        4-5, 2-3, 1 or 0 of the 5 nearest neighbours in the class), its rows
        and whether they were sampled. None when not checked.
    overlap : dict or None
        With ``difficulty=True``: ``{"n3", "fisher_ratio"}``, the
        1-nearest-neighbour leave-one-out error and Lorena et al.'s maximum
        Fisher discriminant ratio ``1 / (1 + max r)`` (None without a
        numeric column). None when not checked.
    leakage : dict or None
        When features were checked: ``{"exact", "near", "smote"}``, each
        ``{"rate", "reference_rate", "p_value", "flagged", "label",
        "classes"}`` for the most suspicious class (``classes`` has every
        class's entry) or None when the check could not run; ``reference``
        (the largest class, compared with), ``held_out`` (the splits
        checked) and ``natural_rate`` (share of reference-split rows that
        repeat another). None when not checked.
    readings : list of str
        What the difficulty measures mean for this data, in plain words.
    notes : list of str
        How the feature checks were made (rows, sampling, neighbour search).
    checked : dict
        ``{"difficulty": bool, "leakage": bool}``: which checks ran.

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
    missing_split: int = 0
    difficulty: dict[Any, dict[str, Any]] | None = None
    overlap: dict[str, Any] | None = None
    leakage: dict[str, Any] | None = None
    readings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: dict[str, bool] = field(
        default_factory=lambda: {"difficulty": False, "leakage": False}
    )

    def to_dict(self) -> dict[str, Any]:
        """The audit as plain, JSON-serialisable Python.

        Schema (stable): ``target``; ``n_rows``; ``missing_target``;
        ``missing_split``; ``labels`` (list of str); ``splits`` (list of
        str); ``counts`` and ``shares`` (``{split: {str(label): value}}``,
        including ``"total"`` when there are several splits);
        ``imbalance_ratio`` and ``normalized_entropy`` (floats, whole
        dataset); ``per_split`` (``{split: {"rows", "imbalance_ratio",
        "normalized_entropy"}}``); ``minority_classes`` (list of str);
        ``minority_threshold``; ``drift`` (list of dicts, see
        :class:`BalanceAudit`); ``duplicates``; ``warnings`` (list of str);
        ``difficulty`` (``{str(label): {"safe", "borderline", "rare",
        "outlier", "n_rows", "sampled"}}`` or None); ``overlap`` (``{"n3",
        "fisher_ratio"}`` or None); ``leakage`` (``{"exact", "near",
        "smote", "reference", "held_out", "natural_rate"}``, each check
        ``{"rate", "reference_rate", "p_value", "flagged", "label",
        "classes"}`` or None; None when not checked); ``readings`` and
        ``notes`` (lists of str); ``checked`` (``{"difficulty",
        "leakage"}`` booleans).

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
            "missing_split": self.missing_split,
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
            "difficulty": self.difficulty,
            "overlap": self.overlap,
            "leakage": _leakage_dict(self.leakage),
            "readings": list(self.readings),
            "notes": list(self.notes),
            "checked": dict(self.checked),
        }
        return jsonable(result)

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

    def __str__(self) -> str:
        return _render.text(self)

    def __repr__(self) -> str:
        ratio = _render.ratio_text(self.imbalance_ratio)
        return (
            f"<BalanceAudit {len(self.labels)} classes, {self.n_rows} rows, "
            f"splits={self.splits}, imbalance_ratio={ratio}, warnings={len(self.warnings)}>"
        )

    def _html_body(self, *, with_plot: bool) -> str:
        return _render.html_body(self, with_plot=with_plot)

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
        figure = _charts.shares_figure(self)
        if path is not None:
            figure.savefig(path, dpi=100)
        return figure


def _leakage_dict(leakage: dict[str, Any] | None) -> dict[str, Any] | None:
    if leakage is None:
        return None
    result = dict(leakage, reference=str(leakage["reference"]))
    for name in ("exact", "near", "smote"):
        if result[name] is not None:
            result[name] = dict(result[name], label=str(result[name]["label"]))
    return result


def _by_label(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {
        column: dict(zip(map(str, frame.index), frame[column], strict=True)) for column in frame
    }
