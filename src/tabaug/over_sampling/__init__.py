"""Oversamplers: random duplication, SMOTE for numeric and mixed data, Gaussian-noise jitter.

Examples
--------
>>> from tabaug.over_sampling import SMOTE
>>> SMOTE(k_neighbors=3).k_neighbors
3
"""

from tabaug.over_sampling._noise import GaussianNoiseOverSampler
from tabaug.over_sampling._random import RandomOverSampler
from tabaug.over_sampling._smote import SMOTE

__all__ = ["GaussianNoiseOverSampler", "RandomOverSampler", "SMOTE"]
