"""``class_targets`` (sampling_strategy from class counts) agrees with imbalanced-learn."""

from __future__ import annotations

import numpy as np
import pytest

from tabaug.exceptions import InvalidParameterError
from tabaug.utils import class_targets, resolve_sampling_strategy

STRATEGIES = ["auto", "all", "minority", "majority", "not minority", "not majority",
              0.3, 0.5, 1.0, 0.01, {}, "bogus", ["a"]]


def _count_tables():
    rng = np.random.default_rng(0)
    yield {0: 90, 1: 10}
    yield {0: 10, 1: 10}  # a tie: the first label in sorted order wins, as in np.unique
    yield {"a": 5, "b": 7, "c": 7}
    yield {1.0: 3, 2.0: 40}
    for _ in range(30):
        n_classes = int(rng.integers(2, 5))
        yield {int(label): int(n) for label, n in
               zip(rng.choice(50, n_classes, replace=False), rng.integers(1, 60, n_classes),
                   strict=True)}


def _outcome(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except InvalidParameterError as error:
        return ("error", type(error))


@pytest.mark.parametrize("sampling_type", ["over-sampling", "under-sampling"])
def test_class_targets_agree_with_imbalanced_learn(sampling_type):
    for counts in _count_tables():
        y = np.repeat(np.array(list(counts)), list(counts.values()))
        labels = sorted(counts)
        first, last = labels[0], labels[-1]
        strategies = [*STRATEGIES, {first: counts[first]}, {last: counts[last] + 3},
                      {first: max(counts[first] - 1, 0)},
                      lambda y: {label: 2 for label in np.unique(y)[:1].tolist()}]
        for strategy in strategies:
            expected = _outcome(resolve_sampling_strategy, strategy, y, sampling_type)
            got = _outcome(class_targets, strategy, counts, sampling_type, y=y)
            assert got == expected, (counts, strategy)


def test_class_targets_messages_say_what_to_do():
    with pytest.raises(InvalidParameterError, match="not in y"):
        class_targets({5: 3}, {0: 9, 1: 3}, "over-sampling")
    with pytest.raises(InvalidParameterError, match="whole, non-negative"):
        class_targets({1: 2.5}, {0: 9, 1: 3}, "over-sampling")
    with pytest.raises(InvalidParameterError, match="must return a dict"):
        class_targets(lambda y: 3, {0: 9, 1: 3}, "over-sampling")
