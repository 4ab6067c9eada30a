"""Small real imbalanced datasets that ship with tabaug.

Every dataset is a CSV file installed inside the package, read through
:mod:`importlib.resources`: loading works offline and never downloads anything.
Sources, licences and class counts are listed in ``datasets/README.md`` of the
source repository and in :func:`list_datasets`'s table below.

- ``penguins``: 333 Palmer penguins, target ``species`` (Chinstrap 68, other 265);
  numeric measurements, ``year``, and categorical ``island`` and ``sex``.
- ``yeast_me2``: 1484 yeast proteins, target ``localization`` (ME2 51, other 1433);
  8 numeric features.
- ``abalone_9_vs_18``: 731 abalones, target ``rings`` (18: 42 rows, 9: 689 rows);
  7 numeric features and categorical ``sex``.
- ``glass``: 214 glass fragments, target ``type`` with 6 classes of 9 to 76 rows;
  9 numeric features.
- ``lending_club``: 9857 loans, target ``Class`` (bad 517, good 9340);
  16 numeric and 6 categorical features.

Examples
--------
>>> from tabaug import datasets
>>> datasets.list_datasets()
['abalone_9_vs_18', 'glass', 'lending_club', 'penguins', 'yeast_me2']
>>> X, y = datasets.load("penguins")
>>> X.shape, y.value_counts().to_dict()
((333, 7), {'other': 265, 'Chinstrap': 68})
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from tabaug.exceptions import InvalidInputError

# name -> target column; every other column is a feature
_TARGETS = {
    "abalone_9_vs_18": "rings",
    "glass": "type",
    "lending_club": "Class",
    "penguins": "species",
    "yeast_me2": "localization",
}

__all__ = ["list_datasets", "load"]


def list_datasets() -> list[str]:
    """Names of the datasets that :func:`load` accepts, sorted.

    Returns
    -------
    list of str
        The dataset names.

    Examples
    --------
    >>> from tabaug.datasets import list_datasets
    >>> "yeast_me2" in list_datasets()
    True
    """
    return sorted(_TARGETS)


def load(
    name: str, *, as_frame: bool = True
) -> tuple[pd.DataFrame, pd.Series] | tuple[np.ndarray, np.ndarray]:
    """Load a shipped dataset as features and target.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`.
    as_frame : bool, default=True
        If True, return a DataFrame and a Series: text columns of ``X`` have
        the ``category`` dtype (so resamplers and scikit-learn's
        ``categorical_features="from_dtype"`` treat them as categorical),
        numeric columns keep their integer or float dtype, and ``y`` keeps
        the labels as they are in the file (strings, or integers for
        ``abalone_9_vs_18``). If False, return numpy arrays: ``X`` is a float
        array when every feature is numeric and an object array otherwise.

    Returns
    -------
    X : pandas.DataFrame or numpy.ndarray of shape (n_samples, n_features)
        The features.
    y : pandas.Series or numpy.ndarray of shape (n_samples,)
        The class labels; the Series is named after the target column.

    Raises
    ------
    InvalidInputError
        If ``name`` is not a shipped dataset.

    Examples
    --------
    >>> from tabaug.datasets import load
    >>> X, y = load("glass", as_frame=False)
    >>> X.dtype, X.shape, y[:2]
    (dtype('float64'), (214, 9), array(['building_float', 'building_float'], dtype=object))
    """
    if name not in _TARGETS:
        raise InvalidInputError(
            f"unknown dataset {name!r}; choose one of {', '.join(list_datasets())}"
        )
    source = resources.files(__name__).joinpath("data", f"{name}.csv")
    with source.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle)
    target = _TARGETS[name]
    y = frame.pop(target)
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if as_frame:
        X = frame.astype({column: "category" for column in text_columns})
        return X, y
    labels = y.to_numpy() if pd.api.types.is_numeric_dtype(y) else y.to_numpy(dtype=object)
    return frame.to_numpy(dtype=object if text_columns else float), labels
