"""Parameter descriptions shared by several estimators, written once.

Decorate a class with :func:`fill_doc` and write ``{name}`` on a line of its
own in the Parameters section, indented like a parameter; the decorator puts
the shared text there. An unknown ``{name}`` raises at import time.
"""

from __future__ import annotations

import re
from typing import TypeVar

_T = TypeVar("_T")

_SHARED = {
    "over_sampling_strategy": """\
sampling_strategy : float, str, dict or callable, default='auto'
    What to resample, with imbalanced-learn's meanings: a float is the
    wanted minority/majority ratio after resampling (binary only); 'auto'
    (= 'not majority'), 'minority', 'not minority', 'not majority' and 'all'
    grow the named classes to the majority's size; a dict maps a class to
    its wanted row count; a callable takes ``y`` and returns such a dict.""",
    "under_sampling_strategy": """\
sampling_strategy : float, str, dict or callable, default='auto'
    What to resample, with imbalanced-learn's meanings: a float is the
    wanted minority/majority ratio after resampling (binary only); 'auto'
    (= 'not minority'), 'majority', 'not minority', 'not majority' and
    'all' shrink the named classes to the minority's size; a dict maps a
    class to the number of rows to keep; a callable takes ``y`` and returns
    such a dict.""",
    "random_state": """\
random_state : int, RandomState instance or None, default=None
    Seed for every random draw; an int gives the same output on every run
    (for the deep models: on the same machine and device).""",
    "categorical_features": """\
categorical_features : 'auto', array-like of str, int or bool, default='auto'
    Which columns are categorical (never interpolated or jittered). 'auto'
    takes ``category``, ``bool``, ``boolean``, ``object`` and ``string``
    dtypes from a DataFrame, and every column of an object array. Otherwise
    column names, positions or a boolean mask; integers are positions (as in
    imbalanced-learn), also when the columns are labelled by integers.
    Columns of text, boolean or category dtype are always categorical.""",
    "fitted_features": """\
n_features_in_ : int
    Number of columns seen in ``fit_resample``.
feature_names_in_ : ndarray of str
    Column names, when ``X`` was a DataFrame with string column names.""",
    "deep_parameters": """\
max_modes : int, default=10
    Largest number of Gaussian-mixture modes per numeric column.
max_categories : int, default=50
    Largest number of categories modelled one by one in a categorical
    column; the rarest share one slot and are drawn from their observed
    frequencies within the class (a :class:`~tabaug.exceptions.HighCardinalityWarning`
    says so).
device : str, default='cpu'
    Where to train: 'cpu', 'cuda' or 'cuda:N'. Asking for CUDA where it is
    not available raises an error.
verbose : bool, default=True
    Show a progress bar with the epoch and the losses. False prints nothing.""",
    "deep_attributes": """\
sampling_strategy_ : dict
    Number of rows added to each class.
n_generated_ : dict
    Rows generated for each class in ``fit_resample`` (equal to
    ``sampling_strategy_``: the model always delivers).""",
}


_KEY = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill_doc(obj: _T) -> _T:
    """Replace each ``{name}`` of ``obj``'s docstring with the shared text ``name``.

    A key on a line of its own gets the whole text, indented like the key;
    a key inside a line gets a one-line text. A ``{name}`` that is not a
    shared key raises ``KeyError``, as imbalanced-learn's ``Substitution``
    does, so a typo never reaches the rendered documentation.

    Examples
    --------
    >>> from tabaug.utils import fill_doc
    >>> @fill_doc
    ... class Sampler:
    ...     '''Parameters
    ...     ----------
    ...     {random_state}
    ...     '''
    >>> "Seed for every random draw" in Sampler.__doc__
    True
    """
    lines = []
    owner = getattr(obj, "__qualname__", repr(obj))
    for line in (obj.__doc__ or "").splitlines():
        for key in _KEY.findall(line):
            if key not in _SHARED:
                raise KeyError(
                    f"{owner}'s docstring names {{{key}}}, which is not a shared docstring "
                    f"key; known keys: {', '.join(sorted(_SHARED))}."
                )
        stripped = line.strip()
        match = _KEY.fullmatch(stripped)
        if match:
            indent = line[: len(line) - len(line.lstrip())]
            text = _SHARED[match.group(1)]
            lines.extend(indent + part if part else part for part in text.splitlines())
            continue
        for key in _KEY.findall(line):
            if "\n" in _SHARED[key]:
                raise KeyError(
                    f"{owner}'s docstring uses {{{key}}} inside a line, but its shared text "
                    "spans several lines: put it on a line of its own."
                )
            line = line.replace(f"{{{key}}}", _SHARED[key])
        lines.append(line)
    obj.__doc__ = "\n".join(lines)
    return obj
