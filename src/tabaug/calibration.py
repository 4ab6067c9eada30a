"""Probabilities after resampling: map them back to the class shares of the real data.

Resampling changes the class shares a model learns from: from ``pi`` (the
data) to ``pi'`` (after resampling). A model that estimated ``p'(c | x)`` on
the resampled data gives the probabilities of the real population by
Bayes' rule (Elkan 2001; Saerens, Latinne and Decaestecker 2002; Dal Pozzolo
et al. 2015 for undersampling)::

    p(c | x)  proportional to  p'(c | x) * pi_c / pi'_c

It is exact when resampling changed the class shares and nothing else (random
under- and oversampling of a well-specified model), and an approximation for
samplers that also change what a class looks like (SMOTE, noise, generative
models): for those, a calibration fitted on data that was never resampled
(``ResampledClassifier(probabilities="calibrated")``) is the safer choice.

References
----------
.. [1] C. Elkan, "The Foundations of Cost-Sensitive Learning", IJCAI 2001.
.. [2] M. Saerens, P. Latinne, C. Decaestecker, "Adjusting the Outputs of a
   Classifier to New a Priori Probabilities", Neural Computation 14, 2002.
.. [3] A. Dal Pozzolo, O. Caelen, R. A. Johnson, G. Bontempi, "Calibrating
   Probability with Undersampling for Unbalanced Classification", IEEE SSCI 2015.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tabaug.exceptions import InvalidInputError

__all__ = ["correct_probabilities"]


def correct_probabilities(proba: Any, *, original_shares: Any, resampled_shares: Any
                          ) -> np.ndarray:
    """Probabilities of a model fitted on resampled data, mapped back to the real class shares.

    Each column ``c`` is multiplied by ``original_shares[c] /
    resampled_shares[c]`` and each row renormalised to sum to 1 (see the
    module notes for when this is exact). The shares need not sum to 1: only
    their ratios matter.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Probabilities from the resampled model (``predict_proba``).
    original_shares : array-like of shape (n_classes,)
        Share (or count, or total weight) of each class in the data before
        resampling, in the column order of ``proba``.
    resampled_shares : array-like of shape (n_classes,)
        The same after resampling: what the model was fitted on.

    Returns
    -------
    numpy.ndarray of shape (n_samples, n_classes)
        Corrected probabilities; each row sums to 1. A class whose original
        share is 0 gets probability 0; a row whose whole probability sat on
        such classes gets the original shares.

    Raises
    ------
    InvalidInputError
        If ``proba`` is not a 2-D array of finite, non-negative numbers, the
        shares do not have one non-negative finite entry per column, or a
        class has a resampled share of 0 but an original share above 0 (the
        model never saw it, so no correction can give it a probability).

    Examples
    --------
    A model fitted after undersampling 90 / 10 to 10 / 10 says 50%; in the
    real population that is 10%:

    >>> from tabaug import correct_probabilities
    >>> correct_probabilities([[0.5, 0.5]], original_shares=[90, 10],
    ...                       resampled_shares=[10, 10]).round(3).tolist()
    [[0.9, 0.1]]
    """
    probabilities = _check_probabilities(proba)
    n_classes = probabilities.shape[1]
    original = _check_shares(original_shares, n_classes, "original_shares")
    resampled = _check_shares(resampled_shares, n_classes, "resampled_shares")
    unseen = np.flatnonzero((resampled == 0) & (original > 0))
    if unseen.size:
        raise InvalidInputError(
            f"column(s) {unseen.tolist()} have a resampled share of 0 but an original share "
            "above 0: the model never saw those classes, so no correction can give them a "
            "probability. Check that both shares follow the column order of proba, or keep "
            "every class when resampling."
        )
    ratio = np.divide(original, resampled, out=np.zeros(n_classes), where=resampled > 0)
    weighted = probabilities * ratio
    totals = weighted.sum(axis=1, keepdims=True)
    empty = totals[:, 0] <= 0
    if empty.any():
        weighted[empty] = original / original.sum()
        totals[empty] = 1.0
    return weighted / totals


def _check_probabilities(proba: Any) -> np.ndarray:
    try:
        values = np.asarray(proba, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidInputError(
            f"proba must be numbers (the output of predict_proba): {error}."
        ) from error
    if values.ndim != 2 or values.shape[1] < 2:
        raise InvalidInputError(
            f"proba must be 2-D with one column per class (n_samples, n_classes); got shape "
            f"{values.shape}. Pass model.predict_proba(X), not one column of it."
        )
    if not np.isfinite(values).all() or (values < 0).any():
        raise InvalidInputError(
            "proba holds NaN, infinite or negative values; pass probabilities from "
            "predict_proba (finite, between 0 and 1)."
        )
    return values


def _check_shares(shares: Any, n_classes: int, name: str) -> np.ndarray:
    try:
        values = np.asarray(shares, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidInputError(
            f"{name} must be numbers, one per column of proba: {error}."
        ) from error
    if values.shape != (n_classes,):
        raise InvalidInputError(
            f"{name} must have one entry per column of proba ({n_classes}); got shape "
            f"{values.shape}. List the shares in the column order of proba (classes_)."
        )
    if not np.isfinite(values).all() or (values < 0).any() or values.sum() <= 0:
        raise InvalidInputError(
            f"{name} must be finite, non-negative and not all 0; got {values.tolist()}. "
            "Pass class counts or shares (e.g. numpy.bincount(y) / len(y))."
        )
    return values
