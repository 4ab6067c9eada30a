"""Parameter descriptions shared by several estimators, written once.

Decorate a class with :func:`fill_doc` and write ``{name}`` on a line of its
own in the Parameters section, indented like a parameter; the decorator puts
the shared text there.
"""

from __future__ import annotations

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
    Seed for the draws; an int gives the same output on every run.""",
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
categorical_features : 'auto', array-like of str, int or bool, default='auto'
    Which columns are categorical. 'auto' takes category, object, string
    and boolean columns of a DataFrame (and every column of a string or
    object array).
device : str, default='cpu'
    Where to train: 'cpu', 'cuda' or 'cuda:N'. Asking for CUDA where it is
    not available raises an error.
verbose : bool, default=True
    Show a progress bar with the epoch and the losses. False prints nothing.
random_state : int, RandomState instance or None, default=None
    Seed for every draw; an int gives identical rows run to run on the same
    machine (CPU).""",
    "deep_attributes": """\
sampling_strategy_ : dict
    Number of rows added to each class.
n_generated_ : dict
    Rows generated for each class in ``fit_resample`` (equal to
    ``sampling_strategy_``: the model always delivers).""",
}


def fill_doc(obj: _T) -> _T:
    """Replace each ``{name}`` line of ``obj``'s docstring with the shared text.

    Examples
    --------
    >>> from tabaug._docstrings import fill_doc
    >>> @fill_doc
    ... class Sampler:
    ...     '''Parameters
    ...     ----------
    ...     {random_state}
    ...     '''
    >>> "Seed for the draws" in Sampler.__doc__
    True
    """
    lines = []
    for line in (obj.__doc__ or "").splitlines():
        key = line.strip()[1:-1] if line.strip().startswith("{") else None
        if key in _SHARED:
            indent = line[: len(line) - len(line.lstrip())]
            lines.extend(indent + text if text else text for text in _SHARED[key].splitlines())
        else:
            lines.append(line)
    obj.__doc__ = "\n".join(lines)
    return obj
