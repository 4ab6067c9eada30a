"""Undersamplers: a subset of the original rows.

Examples
--------
>>> from tabaug.under_sampling import RandomUnderSampler
>>> RandomUnderSampler(random_state=0).random_state
0
"""

from tabaug.under_sampling._random import RandomUnderSampler

__all__ = ["RandomUnderSampler"]
