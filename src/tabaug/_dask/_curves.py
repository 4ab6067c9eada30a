"""PR-AUC and ROC-AUC from score histograms, with a bound on their error computed from the data.

Exact areas need every score in one sorted order (a distributed sort of the
whole column). Instead each partition counts its scores per class in bins of
relative width ``2**-MANTISSA_BITS`` (the float's exponent and its top
mantissa bits: the bins follow the scores' scale, whether they crowd near 0
or spread over [0, 1]); the partitions' counts add up, and the areas are
computed from the merged counts treating each bin as one tied score, as
scikit-learn treats equal scores.

The error comes only from pairs (a positive and a negative row) that share a
bin holding more than one distinct score, whose true order is unknown (a bin
whose scores are all equal is an exact tie: discrete or rounded scores give
exact areas):

* ROC-AUC: each such pair counts 1/2 here and 0, 1/2 or 1 exactly, so the
  exact value is within ``0.5 * sum_b pos_b * neg_b / (P * N)``;
* average precision (PR-AUC): within a bin, the exact precisions of its
  positives lie between those of the worst order (its negatives first, then
  its positives one by one) and of all its positives tied ahead of its
  negatives; both are summed here in closed form, and the bound is the
  larger distance from the estimate to either.

Both bounds are computed from the merged counts and reported with the areas;
the tests check them against scikit-learn on data with ties and without.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma

__all__ = ["MANTISSA_BITS", "ScoreHistogram", "score_keys"]

#: Mantissa bits kept per bin: bins are 2**-12 (0.024%) of the score's magnitude wide.
MANTISSA_BITS = 12
_SIGN = np.uint64(1 << 63)


def score_keys(scores: np.ndarray, bits: int = MANTISSA_BITS) -> np.ndarray:
    """A bin key per score whose order is the scores' order (uint64)."""
    values = np.ascontiguousarray(scores, dtype=np.float64) + 0.0  # -0.0 becomes 0.0
    raw = values.view(np.uint64)
    negative = (raw & _SIGN) != 0
    ordered = np.where(negative, ~raw, raw | _SIGN)
    return ordered >> np.uint64(52 - bits)


@dataclass
class ScoreHistogram:
    """Counts of positive and negative rows per score bin (keys ascending)."""

    keys: np.ndarray
    positives: np.ndarray
    negatives: np.ndarray
    #: Smallest and largest score in each bin.
    low: np.ndarray
    high: np.ndarray

    @property
    def exact(self) -> np.ndarray:
        """Bins whose scores are all equal (their ties are ties in the data too)."""
        return self.low == self.high

    @classmethod
    def from_scores(cls, scores: np.ndarray, is_positive: np.ndarray,
                    bits: int = MANTISSA_BITS) -> ScoreHistogram:
        """Count one partition's scores.

        Examples
        --------
        >>> import numpy as np
        >>> h = ScoreHistogram.from_scores(np.array([0.1, 0.9, 0.8]), np.array([0, 1, 1], bool))
        >>> h.positives.tolist(), h.negatives.tolist()
        ([0, 1, 1], [1, 0, 0])
        """
        scores = np.asarray(scores, dtype=np.float64)
        keys = score_keys(scores, bits)
        order = np.argsort(keys)
        keys, scores = keys[order], scores[order]
        positive = np.asarray(is_positive, dtype=np.int64)[order]
        if keys.size == 0:
            empty = np.empty(0)
            return cls(keys, np.empty(0, np.int64), np.empty(0, np.int64), empty, empty)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        total = np.diff(np.r_[starts, keys.size])
        positives = np.add.reduceat(positive, starts)
        low = np.minimum.reduceat(scores, starts)
        high = np.maximum.reduceat(scores, starts)
        keys = keys[starts]
        return cls(keys, positives, total - positives, low, high)

    def merge(self, other: ScoreHistogram) -> ScoreHistogram:
        """The counts of both histograms' rows."""
        keys = np.union1d(self.keys, other.keys)
        positives = np.zeros(keys.size, dtype=np.int64)
        negatives = np.zeros(keys.size, dtype=np.int64)
        low = np.full(keys.size, np.inf)
        high = np.full(keys.size, -np.inf)
        for part in (self, other):
            where = np.searchsorted(keys, part.keys)
            positives[where] += part.positives
            negatives[where] += part.negatives
            low[where] = np.minimum(low[where], part.low)
            high[where] = np.maximum(high[where], part.high)
        return ScoreHistogram(keys, positives, negatives, low, high)

    def swapped(self) -> ScoreHistogram:
        """The negatives as positives, ranked by the opposite score."""
        return ScoreHistogram(self.keys[::-1].copy(), self.negatives[::-1].copy(),
                              self.positives[::-1].copy(), -self.high[::-1], -self.low[::-1])

    def roc_auc(self) -> tuple[float, float]:
        """ROC-AUC and the bound on its error (None-free: needs both classes present)."""
        n_pos, n_neg = self.positives.sum(), self.negatives.sum()
        below = np.cumsum(self.negatives) - self.negatives
        pairs = float(n_pos) * float(n_neg)
        area = float((self.positives * (below + 0.5 * self.negatives)).sum()) / pairs
        shared = np.where(self.exact, 0, self.positives * self.negatives)
        bound = 0.5 * float(shared.sum()) / pairs
        return area, bound

    def average_precision(self) -> tuple[float, float]:
        """Average precision (scikit-learn's PR-AUC) and the bound on its error."""
        pos = self.positives[::-1].astype(np.float64)  # highest scores first
        neg = self.negatives[::-1].astype(np.float64)
        exact = self.exact[::-1]
        n_pos = pos.sum()
        hits_before = np.cumsum(pos) - pos
        seen_before = np.cumsum(pos + neg) - pos - neg
        tied = pos * (hits_before + pos) / np.maximum(seen_before + pos + neg, 1.0)
        best = pos * (hits_before + pos) / np.maximum(seen_before + pos, 1.0)
        # worst order: sum_{i=1..p} (a+i)/(c+i) = p - (c-a)(psi(c+p+1) - psi(c+1)), c = m + neg
        c = seen_before + neg
        worst = pos - (c - hits_before) * (digamma(c + pos + 1.0) - digamma(c + 1.0))
        worst = np.where(exact, tied, np.where(pos > 0, worst, 0.0))
        best = np.where(exact, tied, best)
        estimate = float(tied.sum() / n_pos)
        bound = max(float(best.sum() / n_pos) - estimate, estimate - float(worst.sum() / n_pos))
        return estimate, max(bound, 0.0)
