"""SMOTE for numeric, mixed and all-categorical data, in one class.

The algorithm is Chawla et al.'s SMOTE (2002): a new row lies on the segment
between a minority row and one of its ``k`` nearest minority neighbours.
Categorical columns follow SMOTENC's rule (the most frequent value among those
``k`` neighbours, ties broken at random), and when every column is categorical
the neighbours are found with the value difference metric, as SMOTEN does.

Why not call imbalanced-learn's SMOTE/SMOTENC/SMOTEN? Three reasons, measured
in ``benchmarks/bench_resamplers.py``:

* SMOTENC's ``categorical_features="auto"`` only detects ``category`` columns:
  it interpolates bool columns and fails on ``Int64``, ``boolean`` and
  ``string`` columns. Here dtypes are read column by column (``_table.py``).
* New rows are written straight into a preallocated output in the input's
  float dtype, a block of rows at a time, instead of building full-size
  temporaries and stacking them; on 1,000,000 x 20 rows this is the larger
  part of imbalanced-learn's run time.
* The categorical vote is taken once per minority row (the neighbours of a
  row never change), not once per new row.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from imblearn.utils import check_neighbors_object
from scipy import sparse
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from tabaug.base import BaseOverResampler
from tabaug.exceptions import InsufficientSamplesError, InvalidInputError
from tabaug.utils import (
    TableCodec,
    append_rows,
    fill_doc,
    label_text,
    mixed_features,
    neighbour_modes,
)

# Rows interpolated per block: two gathered blocks of this many rows stay in cache.
_BLOCK = 8192


@fill_doc
class SMOTE(BaseOverResampler):
    """Synthetic Minority Over-sampling TEchnique for numeric and mixed tables.

    Each new row of class ``c`` starts from a random row of ``c``, picks one of
    its ``k_neighbors`` nearest neighbours within ``c``, and lies at a random
    point of the segment between them. Categorical, boolean, object and string
    columns are never interpolated: they take the most frequent value among
    the ``k_neighbors`` neighbours (SMOTENC's rule). With only categorical
    columns, neighbours are found with the value difference metric (SMOTEN).
    Integer columns are rounded, so they stay integers inside their observed
    range.

    Parameters
    ----------
    {over_sampling_strategy}
    {random_state}
    k_neighbors : int or NearestNeighbors-like object, default=5
        Number of nearest neighbours within the class, or an object with
        ``kneighbors`` (such as ``sklearn.neighbors.NearestNeighbors``) whose
        ``n_neighbors`` counts the row itself.
    {categorical_features}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows added to each class.
    nn_ : estimator
        The nearest-neighbours estimator (cloned per class).
    categorical_features_ : ndarray of int
        Positions of the columns treated as categorical.
    {fitted_features}

    See Also
    --------
    RandomOverSampler : Copy rows instead of interpolating.
    GaussianNoiseOverSampler : Copy rows and jitter their numeric columns.

    Notes
    -----
    Output: the original rows first and in order, then the new rows grouped
    by class; a DataFrame comes back with the same columns and dtypes and a
    fresh RangeIndex. Missing or infinite values raise an error: impute first.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE:
       Synthetic Minority Over-sampling Technique", JAIR 16, 321-357, 2002.

    Examples
    --------
    >>> import pandas as pd
    >>> from tabaug import SMOTE
    >>> X = pd.DataFrame({
    ...     "income": [10.0, 12.0, 11.0, 13.0, 30.0, 31.0, 29.0, 32.0, 28.0, 30.5],
    ...     "children": [0, 1, 0, 2, 3, 2, 3, 4, 2, 3],
    ...     "owner": [True, False, True, True, False, False, True, False, False, False],
    ...     "city": pd.Categorical(list("aabbbcccab")),
    ... })
    >>> y = pd.Series([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], name="churn")
    >>> X_res, y_res = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    >>> y_res.value_counts().to_dict()
    {1: 6, 0: 6}
    >>> X_res.dtypes.astype(str).tolist()
    ['float64', 'int64', 'bool', 'category']
    """

    _parameter_constraints: dict = {
        **BaseOverResampler._parameter_constraints,
        "k_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "categorical_features": [StrOptions({"auto"}), "array-like", None],
    }

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        k_neighbors: Any = 5,
        categorical_features: Any = "auto",
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.categorical_features = categorical_features

    def _fit_resample(self, X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
        self._warn_extreme()
        self.nn_ = check_neighbors_object("k_neighbors", self.k_neighbors, additional_neighbor=1)
        rng = check_random_state(self.random_state)
        plan = _draw_plan(self, y, rng)
        if sparse.issparse(X):
            return self._resample_sparse(X, y, plan)
        codec = TableCodec.from_data(X, self.categorical_features, owner="SMOTE")
        self.categorical_features_ = codec.categorical_index
        n_new = sum(len(base) for _, _, base, _, _ in plan)
        y_new = np.concatenate(
            [np.full(len(base), label, dtype=y.dtype) for label, _, base, _, _ in plan]
            or [np.empty(0, dtype=y.dtype)]
        )
        y_res = np.concatenate([y, y_new])
        if not codec.is_frame and not codec.n_categorical and X.dtype.kind == "f":
            out = np.empty((X.shape[0] + n_new, X.shape[1]), dtype=X.dtype)
            out[: X.shape[0]] = X
            self._fill(codec, y, plan, out[X.shape[0] :], None, rng)
            return out, y_res
        numeric = np.empty((n_new, codec.n_numeric), dtype=np.float64)
        codes = np.empty((n_new, codec.n_categorical), dtype=np.int64)
        self._fill(codec, y, plan, numeric, codes, rng)
        codec.finalize_numeric(numeric)
        return append_rows(X, codec.decode(numeric, codes)), y_res

    def _fill(
        self,
        codec: TableCodec,
        y: np.ndarray,
        plan: list,
        numeric_out: np.ndarray,
        codes_out: np.ndarray | None,
        rng: np.random.RandomState,
    ) -> None:
        """Write every class's new rows into ``numeric_out`` / ``codes_out``."""
        start = 0
        for _, members, base, neighbour_slot, steps in plan:
            stop = start + base.size
            neighbours = self._neighbours(codec, members, y)
            partner = neighbours[base, neighbour_slot]
            if codec.n_numeric:
                _interpolate(codec.numeric[members], base, partner, steps, numeric_out[start:stop])
            if codes_out is not None and codec.n_categorical:
                modes = neighbour_modes(codec.codes[members], neighbours, rng)
                codes_out[start:stop] = modes[base]
            start = stop

    def _neighbours(self, codec: TableCodec, members: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The k nearest neighbours (positions within ``members``) of each member."""
        if not codec.n_categorical:
            features = codec.numeric[members]
        elif not codec.n_numeric:
            features = _value_difference_embedding(codec.codes, y)[members]
        else:
            features = mixed_features(codec.numeric[members], codec.codes[members])
        nn = clone(self.nn_)
        nn.fit(features)
        return nn.kneighbors(features, return_distance=False)[:, 1:]

    def _resample_sparse(self, X: Any, y: np.ndarray, plan: list) -> tuple[Any, np.ndarray]:
        if not np.isfinite(X.data).all():
            raise InvalidInputError(
                "SMOTE cannot use rows with missing or infinite values: X contains NaN or "
                "infinity. Impute them first (e.g. sklearn.impute.SimpleImputer)."
            )
        self.categorical_features_ = np.empty(0, dtype=np.intp)
        blocks, labels = [X], [y]
        for label, members, base, neighbour_slot, steps in plan:
            X_class = X[members]
            nn = clone(self.nn_).fit(X_class)
            neighbours = nn.kneighbors(X_class, return_distance=False)[:, 1:]
            start = X_class[base]
            diffs = X_class[neighbours[base, neighbour_slot]] - start
            blocks.append(start + sparse.diags(steps.astype(X.dtype)) @ diffs)
            labels.append(np.full(base.size, label, dtype=y.dtype))
        out = sparse.vstack(blocks, format=X.format, dtype=X.dtype)
        return out, np.concatenate(labels)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags


def _draw_plan(sampler: SMOTE, y: np.ndarray, rng: np.random.RandomState) -> list:
    """Per class: (label, member rows, base positions, neighbour slots, steps).

    All draws happen here, before any data is touched, so dense, sparse and
    DataFrame input give the same new rows for the same seed.
    """
    k = sampler.nn_.n_neighbors - 1
    plan = []
    for label, n_new in sampler.sampling_strategy_.items():
        if n_new == 0:
            continue
        members = np.flatnonzero(y == label)
        if members.size < k + 1:
            raise InsufficientSamplesError(
                f"{label_text(label, prefix=True)} has {members.size} rows, but SMOTE with "
                f"k_neighbors={k} needs at least {k + 1} (each row plus its {k} neighbours). Use "
                f"k_neighbors={max(members.size - 1, 1)} or less, or RandomOverSampler for "
                "classes this small."
            )
        draws = rng.randint(0, members.size * k, size=n_new)
        steps = rng.uniform(size=n_new)
        plan.append((label, members, draws // k, draws % k, steps))
    return plan


def _interpolate(
    source: np.ndarray,
    base: np.ndarray,
    partner: np.ndarray,
    steps: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out[i] = source[base[i]] + steps[i] * (source[partner[i]] - source[base[i]])``.

    Done a block of rows at a time in ``out``'s dtype, so no full-size
    temporary is ever built.
    """
    dtype = out.dtype
    steps = steps.astype(dtype, copy=False)
    start_block = np.empty((min(_BLOCK, base.size), source.shape[1]), dtype=dtype)
    partner_block = np.empty_like(start_block)
    for start in range(0, base.size, _BLOCK):
        stop = min(start + _BLOCK, base.size)
        size = stop - start
        a, b = start_block[:size], partner_block[:size]
        np.take(source, base[start:stop], axis=0, out=a)
        np.take(source, partner[start:stop], axis=0, out=b)
        np.subtract(b, a, out=b)
        np.multiply(b, steps[start:stop, None], out=b)
        np.add(a, b, out=out[start:stop])


def _value_difference_embedding(codes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Embed each categorical value as P(class | value) over the whole data.

    The squared Euclidean distance between two embedded rows is the value
    difference metric with r=2 (Stanfill and Waltz 1986), the distance
    imbalanced-learn's SMOTEN uses, so nearest neighbours agree with it.
    """
    classes, y_codes = np.unique(y, return_inverse=True)
    blocks = []
    for j in range(codes.shape[1]):
        n_values = int(codes[:, j].max()) + 1
        table = np.zeros((n_values, classes.size))
        np.add.at(table, (codes[:, j], y_codes), 1.0)
        table /= np.maximum(table.sum(axis=1, keepdims=True), 1.0)
        blocks.append(table[codes[:, j]])
    return np.hstack(blocks)
