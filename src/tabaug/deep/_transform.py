"""Turn a mixed table into the matrix the deep generators train on, and back.

Numeric columns get CTGAN's *mode-specific normalisation* (Xu et al. 2019):
each column is modelled as a one-dimensional Gaussian mixture; a value is
represented by the mixture component ("mode") it belongs to, as a one-hot
vector, plus a scalar ``alpha = (x - mean_k) / (4 * std_k)`` clipped to
``(-1, 1)``. A multimodal column then becomes a choice of mode, which a
softmax head learns well, plus a well-scaled offset, which a tanh head learns
well. Categorical columns become one-hot vectors.

Design choices
--------------
* **The mixture is fitted by EM, vectorised over all columns at once**, not
  with scikit-learn's ``BayesianGaussianMixture`` (what CTGAN uses): that took
  0.3-0.4 s *per column* on 1,000-5,000 rows, which made fitting slower than
  training on small tables. Components whose weight falls below
  ``_WEIGHT_THRESHOLD`` (CTGAN's 0.005) are pruned during EM, which plays the
  role of the Dirichlet-process prior in dropping unneeded modes. At most
  ``_FIT_ROWS`` rows (drawn at random) are used to fit the mixtures; all rows
  are transformed.
* **Columns with at most ``max_modes`` distinct values** (flags, small counts,
  ratings) get one mode per distinct value, with a spread of an eighth of the
  smallest gap, so they come back exactly after decoding and rounding.
* The mode of each training value is *drawn* from its posterior, as CTGAN
  does, so neighbouring modes overlap smoothly.
* **Only observed categories get a one-hot slot** (a ``category`` dtype may
  declare unused ones, which are never generated), and **high-cardinality
  columns are capped**: past ``max_categories`` observed categories, the
  ``max_categories - 1`` most frequent keep their own slot and the rest share
  one "rare" slot. A generated "rare" value is replaced by a category drawn from the
  empirical distribution of the rare categories *within the generated class*
  (or overall, if the class has none). This bounds the width of the network's
  input and output whatever the number of categories.

The layout of the encoded matrix is: one ``alpha`` column per numeric column
first, then the softmax spans (each numeric column's modes, then each
categorical column's categories), so activations can be applied with a few
vectorised tensor operations instead of a Python loop over columns.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from tabaug.exceptions import HighCardinalityWarning, IDLikeColumnWarning, InvalidInputError
from tabaug.utils import TableCodec

# CTGAN's threshold below which a mixture component is dropped.
_WEIGHT_THRESHOLD = 0.005
# Rows used to fit the mixtures; the fit is O(rows * columns * modes) per EM step.
_FIT_ROWS = 10_000
_EM_ITERATIONS = 100
_EM_TOLERANCE = 1e-4
# Variance floor (in units of the column's variance) so point masses do not collapse EM.
_VARIANCE_FLOOR = 1e-6
# Rows transformed per chunk, to bound the (rows, columns, modes) temporary arrays.
_CHUNK_ROWS = 20_000
# Warnings point at the caller of fit_resample: _warn/_fit -> fit -> _fit_resample -> fit_resample.
_STACKLEVEL = 5
# A column with a distinct value on every row is only flagged from this many rows.
_ID_MIN_ROWS = 10


@dataclass
class _Layout:
    """Where each part of a row lives in the encoded matrix."""

    n_alpha: int
    span_sizes: list
    n_classes: int

    @property
    def width(self) -> int:
        return self.n_alpha + int(sum(self.span_sizes))

    @property
    def n_spans(self) -> int:
        return len(self.span_sizes)


@dataclass
class _Capping:
    """How a categorical column's codes map to one-hot slots and back.

    Observed categories get slots, most frequent first; past ``max_categories``
    the rest share one last "rare" slot.
    """

    slot_of_code: np.ndarray
    kept_codes: np.ndarray
    rare_codes: np.ndarray
    rare_probabilities: np.ndarray  # (n_classes, n_rare)


@dataclass
class TableTransformer:
    """Encode a :class:`~tabaug._table.TableCodec` for the networks and decode their output.

    Parameters
    ----------
    max_modes : int
        Largest number of mixture components per numeric column.
    max_categories : int
        Largest number of one-hot slots per categorical column (see the module
        docstring for what happens to the rest).
    owner : str
        Estimator name for warnings and errors.
    """

    max_modes: int
    max_categories: int
    owner: str
    center: np.ndarray = field(default_factory=lambda: np.zeros(0))
    scale: np.ndarray = field(default_factory=lambda: np.ones(0))
    means: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    stds: np.ndarray = field(default_factory=lambda: np.ones((0, 0)))
    log_weights: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    n_modes: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    cappings: list = field(default_factory=list)
    category_sizes: list = field(default_factory=list)
    layout: _Layout | None = None

    def fit(self, codec: TableCodec, y_index: np.ndarray, n_classes: int,
            rng: np.random.Generator) -> TableTransformer:
        """Fit the mixtures and the category caps on the codec's data."""
        self._warn_id_like(codec)
        self._fit_numeric(codec.numeric, rng)
        self._fit_categorical(codec, y_index, n_classes)
        self.layout = _Layout(
            n_alpha=codec.n_numeric,
            span_sizes=[int(k) for k in self.n_modes] + list(self.category_sizes),
            n_classes=n_classes,
        )
        return self

    def transform(self, codec: TableCodec, rng: np.random.Generator
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Encode every row: the float32 matrix and the index chosen in each softmax span."""
        n_rows = codec.numeric.shape[0] if codec.n_numeric else codec.codes.shape[0]
        layout = self.layout
        data = np.zeros((n_rows, layout.width), dtype=np.float32)
        choices = np.empty((n_rows, layout.n_spans), dtype=np.int64)
        n_numeric = codec.n_numeric
        if n_numeric:
            for start in range(0, n_rows, _CHUNK_ROWS):
                stop = min(start + _CHUNK_ROWS, n_rows)
                alpha, modes = self._encode_numeric(codec.numeric[start:stop], rng)
                data[start:stop, :n_numeric] = alpha
                choices[start:stop, :n_numeric] = modes
        for j in range(codec.n_categorical):
            choices[:, n_numeric + j] = self.cappings[j].slot_of_code[codec.codes[:, j]]
        offsets = layout.n_alpha + np.concatenate([[0], np.cumsum(layout.span_sizes)[:-1]])
        rows = np.arange(n_rows)[:, None]
        data[rows, offsets[None, :].astype(np.int64) + choices] = 1.0
        return data, choices

    def decode(self, alpha: np.ndarray, choices: np.ndarray, class_index: int,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Numeric values (float64, not yet rounded) and category codes of generated rows."""
        n_numeric = alpha.shape[1]
        modes = choices[:, :n_numeric]
        columns = np.arange(n_numeric)
        standard = (np.clip(alpha, -1.0, 1.0) * 4.0 * self.stds[columns, modes]
                    + self.means[columns, modes])
        numeric = standard * self.scale + self.center
        codes = choices[:, n_numeric:].copy()
        for j, capping in enumerate(self.cappings):
            slots = codes[:, j].copy()
            codes[:, j] = capping.kept_codes[np.minimum(slots, capping.kept_codes.size - 1)]
            rare = np.flatnonzero(slots == capping.kept_codes.size)
            if rare.size:
                codes[rare, j] = rng.choice(capping.rare_codes, size=rare.size,
                                            p=capping.rare_probabilities[class_index])
        return numeric, codes

    def _warn_id_like(self, codec: TableCodec) -> None:
        n_rows = codec.numeric.shape[0] if codec.n_numeric else codec.codes.shape[0]
        if n_rows < _ID_MIN_ROWS:
            return
        flagged = []
        for j, position in enumerate(codec.numeric_index):
            if getattr(codec.dtypes[position], "kind", "f") in "iu" and (
                np.unique(codec.numeric[:, j]).size == n_rows
            ):
                flagged.append(codec.columns[position])
        for j, position in enumerate(codec.categorical_index):
            if np.unique(codec.codes[:, j]).size == n_rows:
                flagged.append(codec.columns[position])
        if flagged:
            warnings.warn(
                f"{self.owner}: columns {flagged[:10]} have a different value on every row "
                "and look like identifiers; a generator cannot learn them, so their generated "
                "values are meaningless (and may repeat real IDs). Drop them before "
                "resampling and re-create IDs afterwards.",
                IDLikeColumnWarning,
                stacklevel=_STACKLEVEL,
            )

    def _fit_numeric(self, numeric: np.ndarray, rng: np.random.Generator) -> None:
        n_rows, n_columns = numeric.shape
        self.center = numeric.mean(axis=0) if n_rows else np.zeros(n_columns)
        spread = numeric.std(axis=0) if n_rows else np.ones(n_columns)
        self.scale = np.where(spread > 0, spread, 1.0)
        sample = numeric
        if n_rows > _FIT_ROWS:
            sample = numeric[rng.choice(n_rows, size=_FIT_ROWS, replace=False)]
        z = (sample - self.center) / self.scale
        k = self.max_modes
        means = np.zeros((n_columns, k))
        variances = np.ones((n_columns, k))
        log_weights = np.full((n_columns, k), -np.inf)
        discrete = np.zeros(n_columns, dtype=bool)
        for j in range(n_columns):
            values, counts = np.unique(z[:, j], return_counts=True)
            if values.size <= k:
                discrete[j] = True
                gap = np.diff(values).min() if values.size > 1 else 1.0
                means[j, :values.size] = values
                variances[j, :values.size] = (gap / 8.0) ** 2
                log_weights[j, :values.size] = np.log(counts / counts.sum())
        continuous = np.flatnonzero(~discrete)
        if continuous.size:
            m, v, w = _fit_mixtures(z[:, continuous], k)
            means[continuous], variances[continuous], log_weights[continuous] = m, v, w
        # Order each column's live modes first, sorted by mean, so span sizes are contiguous.
        order = np.argsort(np.where(np.isfinite(log_weights), means, np.inf), axis=1)
        self.means = np.take_along_axis(means, order, axis=1)
        self.stds = np.sqrt(np.take_along_axis(variances, order, axis=1))
        self.log_weights = np.take_along_axis(log_weights, order, axis=1)
        self.n_modes = np.isfinite(self.log_weights).sum(axis=1)

    def _encode_numeric(self, numeric: np.ndarray, rng: np.random.Generator
                        ) -> tuple[np.ndarray, np.ndarray]:
        z = (numeric - self.center) / self.scale
        log_post = _log_densities(z, self.means, self.stds ** 2, self.log_weights)
        log_post -= log_post.max(axis=2, keepdims=True)
        posterior = np.exp(log_post)
        cumulative = np.cumsum(posterior, axis=2)
        draws = rng.random(z.shape)[:, :, None] * cumulative[:, :, -1:]
        modes = np.minimum((cumulative < draws).sum(axis=2), self.n_modes - 1)
        columns = np.arange(z.shape[1])
        alpha = (z - self.means[columns, modes]) / (4.0 * self.stds[columns, modes])
        return np.clip(alpha, -0.99, 0.99), modes

    def _fit_categorical(self, codec: TableCodec, y_index: np.ndarray, n_classes: int) -> None:
        capped = []
        for j, categories in enumerate(codec.categories):
            # Slots go to observed categories only: a category dtype may declare unused ones,
            # which must never be generated.
            codes = codec.codes[:, j]
            counts = np.bincount(codes, minlength=len(categories))
            by_frequency = np.argsort(-counts, kind="stable")
            by_frequency = by_frequency[counts[by_frequency] > 0]
            n_kept = by_frequency.size
            if n_kept > self.max_categories:
                n_kept = self.max_categories - 1
                capped.append((codec.columns[codec.categorical_index[j]], by_frequency.size))
            kept, rare = by_frequency[:n_kept], by_frequency[n_kept:]
            slot_of_code = np.full(len(categories), kept.size, dtype=np.int64)
            slot_of_code[kept] = np.arange(kept.size)
            self.cappings.append(
                _Capping(slot_of_code, kept, rare, _rare_probabilities(codes, y_index, n_classes,
                                                                       rare))
            )
            self.category_sizes.append(int(kept.size) + int(rare.size > 0))
        if capped:
            described = ", ".join(f"{name!r} ({n} categories)" for name, n in capped[:10])
            warnings.warn(
                f"{self.owner}: categorical columns {described} have more than "
                f"max_categories={self.max_categories} categories; the rarest share one slot "
                "in the model and are drawn from their observed frequencies within each class. "
                "Raise max_categories to model more of them individually (memory grows with it).",
                HighCardinalityWarning,
                stacklevel=_STACKLEVEL,
            )


def _rare_probabilities(codes: np.ndarray, y_index: np.ndarray, n_classes: int,
                        rare: np.ndarray) -> np.ndarray:
    """(classes, rare categories): each class's distribution over the rare categories.

    A class with no rare rows falls back to the distribution over all classes.
    """
    if rare.size == 0:
        return np.zeros((n_classes, 0))
    position = np.full(codes.max() + 1, -1)
    position[rare] = np.arange(rare.size)
    rows = position[codes] >= 0
    counts = np.zeros((n_classes, rare.size))
    np.add.at(counts, (y_index[rows], position[codes[rows]]), 1.0)
    overall = counts.sum(axis=0) / counts.sum()
    totals = counts.sum(axis=1, keepdims=True)
    return np.where(totals > 0, counts / np.maximum(totals, 1.0), overall)


def _log_densities(z: np.ndarray, means: np.ndarray, variances: np.ndarray,
                   log_weights: np.ndarray) -> np.ndarray:
    """log(w_k N(z | mu_k, var_k)) for every row, column and component: (rows, columns, k)."""
    diff = z[:, :, None] - means[None]
    with np.errstate(invalid="ignore"):
        out = log_weights[None] - 0.5 * (np.log(2 * np.pi * variances)[None]
                                         + diff * diff / variances[None])
    out[:, ~np.isfinite(log_weights)] = -np.inf
    return out


def _fit_mixtures(z: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EM for one 1-D Gaussian mixture per column, all columns at once.

    ``z`` is standardised (rows, columns). Starts from components at evenly
    spaced quantiles; prunes components lighter than ``_WEIGHT_THRESHOLD``.
    Returns means, variances and log-weights, each (columns, k), with pruned
    components at log-weight ``-inf``.
    """
    n_rows, n_columns = z.shape
    if n_rows == 0:
        raise InvalidInputError("Cannot fit a generator on an empty table.")
    means = np.quantile(z, (np.arange(k) + 0.5) / k, axis=0).T
    variances = np.full((n_columns, k), 1.0 / k)
    log_weights = np.full((n_columns, k), -np.log(k))
    previous = np.full(n_columns, -np.inf)
    for _ in range(_EM_ITERATIONS):
        log_joint = _log_densities(z, means, variances, log_weights)
        peak = log_joint.max(axis=2, keepdims=True)
        joint = np.exp(log_joint - peak)
        total = joint.sum(axis=2, keepdims=True)
        responsibility = joint / total
        likelihood = (np.log(total[:, :, 0]) + peak[:, :, 0]).mean(axis=0)
        mass = responsibility.sum(axis=0)  # (columns, k)
        alive = (mass / n_rows >= _WEIGHT_THRESHOLD) & np.isfinite(log_weights)
        safe_mass = np.where(alive, mass, 1.0)
        new_means = np.einsum("nck,nc->ck", responsibility, z) / safe_mass
        diff = z[:, :, None] - new_means[None]
        new_variances = np.einsum("nck,nck->ck", responsibility, diff * diff) / safe_mass
        means = np.where(alive, new_means, means)
        variances = np.where(alive, new_variances + _VARIANCE_FLOOR, variances)
        live_mass = np.where(alive, mass, 0.0)
        with np.errstate(divide="ignore"):
            log_weights = np.where(
                alive, np.log(live_mass / live_mass.sum(axis=1, keepdims=True)), -np.inf
            )
        if np.all(np.abs(likelihood - previous) < _EM_TOLERANCE):
            break
        previous = likelihood
    return means, variances, log_weights
