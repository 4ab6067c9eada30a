"""SDVOverSampler: oversample with an SDV single-table synthesizer, for users already on SDV."""

from __future__ import annotations

import contextlib
import io
import numbers
import sys
import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from tabaug.base import BaseOverResampler
from tabaug.exceptions import GenerationError, InvalidInputError
from tabaug.utils import append_rows, fill_doc, label_text, plain_value

__doctest_requires__ = {"*": ["sdv"]}

_TABLE = "t"
_SYNTHESIZERS = {
    "gaussian_copula": "GaussianCopulaSynthesizer",
    "ctgan": "CTGANSynthesizer",
    "tvae": "TVAESynthesizer",
    "copulagan": "CopulaGANSynthesizer",
}
# Calls to sample_from_conditions per class before giving up, as long as each adds rows.
_MAX_CALLS = 10
_SEED_MAX = 2**31 - 1


def _import_sdv() -> Any:
    try:
        import sdv.single_table
        from sdv.metadata import Metadata
        from sdv.sampling import Condition
    except ImportError as error:
        raise ImportError(
            'SDVOverSampler needs SDV, which is not installed: pip install "tabaug[sdv]". '
            "(SDV is under the Business Source License 1.1; tabaug's own CTGANOverSampler "
            'and TVAEOverSampler need only PyTorch: pip install "tabaug[deep]".)'
        ) from error
    return sdv.single_table, Metadata, Condition


def _sdtype(dtype: Any) -> str:
    if isinstance(dtype, pd.BooleanDtype) or getattr(dtype, "kind", "") == "b":
        return "boolean"
    kind = getattr(dtype, "kind", "O")
    if isinstance(dtype, pd.CategoricalDtype | pd.StringDtype) or kind in "OUS":
        return "categorical"
    if kind == "M":
        return "datetime"
    if kind in "iuf":
        return "numerical"
    raise InvalidInputError(
        f"SDVOverSampler cannot use a column of dtype {dtype}; convert it to a number, "
        "a category or a datetime."
    )


@contextlib.contextmanager
def _quiet(verbose: bool):
    """Silence SDV's progress bars (they write to stderr) and its partial-sample warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Only able to sample", category=UserWarning)
        if verbose:
            yield
        else:
            with contextlib.redirect_stderr(io.StringIO()):
                yield


@contextlib.contextmanager
def _seeded_globals(seed: int | None):
    """Seed NumPy's and (if loaded) torch's global generators, restoring them afterwards.

    SDV's CTGAN and TVAE train with the global generators, so this is how a
    ``random_state`` reaches them.
    """
    if seed is None:
        yield
        return
    # The global generator on purpose: it is the one SDV and ctgan draw from.
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002
    torch = sys.modules.get("torch")
    try:
        if torch is None:
            yield
        else:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


@fill_doc
class SDVOverSampler(BaseOverResampler):
    """Oversample with an SDV single-table synthesizer and per-class conditional sampling.

    For users already on SDV (https://sdv.dev). The synthesizer is fitted on
    the features plus the class label as one more categorical column; rows
    of each class are then drawn with ``sample_from_conditions``. SDV's
    conditional sampling generates unconditional rows and keeps the ones of
    the wanted class, so when the model rarely produces a class it can fall
    short: tabaug then calls it again for the missing rows ("top-ups") and,
    if a call adds nothing, raises a :class:`~tabaug.exceptions.GenerationError`
    that names the class and how many rows were produced.
    :class:`CTGANOverSampler` and :class:`TVAEOverSampler` are conditioned on
    the class by construction and never fall short.

    Requires SDV (``pip install "tabaug[sdv]"``; Business Source License 1.1),
    imported only when fitting.

    Parameters
    ----------
    synthesizer : {'gaussian_copula', 'ctgan', 'tvae', 'copulagan'}, default='gaussian_copula'
        Which SDV synthesizer to use: ``GaussianCopulaSynthesizer``,
        ``CTGANSynthesizer``, ``TVAESynthesizer`` or ``CopulaGANSynthesizer``.
    synthesizer_kwargs : dict or None, default=None
        Keyword arguments for the synthesizer (e.g. ``{"epochs": 50}``).
    {over_sampling_strategy}
    random_state : int, RandomState instance or None, default=None
        Seed for SDV's fitting (through NumPy's and torch's global generators,
        restored afterwards) and sampling.
    max_tries : int, default=100
        SDV's ``max_tries_per_batch``: batches of unconditional rows SDV draws
        per call while looking for rows of the class.
    verbose : bool, default=False
        Show SDV's progress bars. False prints nothing.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows added to each class.
    n_generated_ : dict
        Rows generated for each class.
    synthesizer_ : SDV synthesizer
        The fitted SDV synthesizer (its table holds the features and a label
        column named ``target_column_``).
    target_column_ : str
        Name of the label column in the synthesizer's table.
    classes_ : ndarray
        The class labels.
    {fitted_features}

    See Also
    --------
    CTGANOverSampler : tabaug's class-conditional GAN; needs only PyTorch.
    TVAEOverSampler : tabaug's class-conditional VAE; needs only PyTorch.

    Notes
    -----
    Metadata is declared from the dtypes (numbers are numerical, category,
    object, string columns categorical, bool boolean, datetime datetime)
    rather than guessed, so SDV never mistakes a column for an ID or
    personal data and replaces it with fake values. Category columns are
    given to SDV as objects (its CTGAN and TVAE refuse the category dtype)
    and come back as categories with the original categories. Missing values
    are passed to SDV, which models them.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from tabaug import SDVOverSampler
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"amount": rng.gamma(2.0, 50.0, 200).round(2),
    ...                   "channel": pd.Categorical(rng.choice(["web", "shop"], 200))})
    >>> y = np.array([0] * 170 + [1] * 30)
    >>> X_res, y_res = SDVOverSampler(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [170, 170]
    """

    _parameter_constraints: dict = {
        **BaseOverResampler._parameter_constraints,
        "synthesizer": [StrOptions(set(_SYNTHESIZERS))],
        "synthesizer_kwargs": [dict, None],
        "max_tries": [Interval(numbers.Integral, 1, None, closed="left")],
        "verbose": ["verbose"],
    }
    _accepts_sparse = False

    def __init__(
        self,
        synthesizer: str = "gaussian_copula",
        synthesizer_kwargs: dict | None = None,
        *,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        max_tries: int = 100,
        verbose: bool = False,
    ) -> None:
        self.synthesizer = synthesizer
        self.synthesizer_kwargs = synthesizer_kwargs
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.max_tries = max_tries
        self.verbose = verbose

    def _fit_resample(self, X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
        self._warn_extreme()
        frame = self._fit_model(X, y)
        parts, labels = [], []
        self.n_generated_ = {
            plain_value(label): int(n) for label, n in self.sampling_strategy_.items()
        }
        for label, n_new in self.sampling_strategy_.items():
            if n_new:
                parts.append(self._sample_class(int(n_new), label))
                labels.append(np.full(n_new, label, dtype=y.dtype))
        if not parts:
            return append_rows(X, self._restore(frame.iloc[:0])), y
        new_rows = self._restore(pd.concat(parts, ignore_index=True))
        return append_rows(X, new_rows), np.concatenate([y, *labels])

    def _fit_model(self, X: Any, y: np.ndarray) -> pd.DataFrame:
        """Fit the SDV synthesizer on ``X`` with the class as a column; return SDV's table."""
        single_table, metadata_class, self._condition = _import_sdv()
        frame = self._to_frame(X)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        target = "__class__"
        while target in frame.columns:
            target = f"_{target}_"
        self.target_column_ = target
        self._class_codes = np.array([f"class_{i}" for i in range(self.classes_.size)],
                                     dtype=object)
        table = frame.assign(**{target: self._class_codes[y_index]})
        columns = {name: {"sdtype": _sdtype(dtype)} for name, dtype in table.dtypes.items()}
        columns[target] = {"sdtype": "categorical"}
        metadata = metadata_class.load_from_dict({"tables": {_TABLE: {"columns": columns}}})
        synthesizer_class = getattr(single_table, _SYNTHESIZERS[self.synthesizer])
        seed = None
        if self.random_state is not None:
            seed = int(check_random_state(self.random_state).randint(_SEED_MAX))
        with _quiet(bool(self.verbose)), _seeded_globals(seed):
            self.synthesizer_ = synthesizer_class(metadata, **(self.synthesizer_kwargs or {}))
            self.synthesizer_.fit({_TABLE: table})
        if seed is not None:
            # SDV's only hook to seed its sampler (it otherwise uses a fixed seed).
            self.synthesizer_._set_random_state(seed)
        return frame

    def sample(self, n_rows: int, label: Any) -> pd.DataFrame | np.ndarray:
        """Generate new rows of one class from the fitted synthesizer.

        Parameters
        ----------
        n_rows : int
            How many rows to generate.
        label : object
            The class to generate, one of ``classes_``.

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_rows, n_features)
            New rows in the type ``fit_resample`` received.

        Raises
        ------
        GenerationError
            If SDV cannot produce ``n_rows`` rows of the class.
        """
        label = self._check_sample_request(n_rows, label, "synthesizer_",
                                           n_columns=len(getattr(self, "_columns", [])))
        return self._restore(self._sample_class(int(n_rows), label) if n_rows else self._empty)

    def _to_frame(self, X: Any) -> pd.DataFrame:
        """The table SDV sees: string column names, category columns as objects."""
        if isinstance(X, pd.DataFrame):
            self._input_kind, self._input_dtype = "frame", None
            frame = X.reset_index(drop=True)
        else:
            self._input_kind, self._input_dtype = "array", X.dtype
            frame = pd.DataFrame(X)
        self._columns = list(frame.columns)
        self._dtypes = list(frame.dtypes)
        frame.columns = [f"x{i}" for i in range(frame.shape[1])]
        frame = frame.astype({name: object for name, dtype in frame.dtypes.items()
                              if isinstance(dtype, pd.CategoricalDtype)})
        self._empty = frame.iloc[:0]
        return frame

    def _restore(self, rows: pd.DataFrame) -> pd.DataFrame | np.ndarray:
        """Rows from SDV back in the caller's columns and dtypes."""
        rows = rows[list(self._empty.columns)].reset_index(drop=True)
        if self._input_kind == "array":
            return rows.to_numpy().astype(self._input_dtype, copy=False)
        rows.columns = pd.Index(self._columns)
        return rows.astype(dict(zip(self._columns, self._dtypes, strict=True)))

    def _sample_class(self, n_rows: int, label: Any) -> pd.DataFrame:
        code = self._class_codes[int(np.flatnonzero(self.classes_ == label)[0])]
        parts, produced, calls = [], 0, 0
        while produced < n_rows and calls < _MAX_CALLS:
            calls += 1
            condition = self._condition(num_rows=n_rows - produced,
                                        column_values={self.target_column_: code})
            try:
                with _quiet(bool(self.verbose)):
                    rows = self.synthesizer_.sample_from_conditions(
                        [condition], max_tries_per_batch=int(self.max_tries)
                    )[_TABLE]
            except ValueError as error:
                if "Unable to sample any rows" not in str(error):
                    raise
                break
            if len(rows) == 0:
                break
            parts.append(rows)
            produced += len(rows)
        if produced < n_rows:
            raise GenerationError(
                f"SDV's {_SYNTHESIZERS[self.synthesizer]} produced {produced} of the {n_rows} "
                f"rows asked for {label_text(label, prefix=True)} ({calls} calls to "
                f"sample_from_conditions with max_tries={self.max_tries}). SDV draws "
                "unconditional rows and keeps those of the class, which fails when the model "
                "rarely generates it. Raise max_tries, train longer, or use "
                "tabaug.CTGANOverSampler (or TVAEOverSampler), which are conditioned on the "
                "class by construction and always deliver the rows."
            )
        return pd.concat(parts, ignore_index=True).iloc[:n_rows]
