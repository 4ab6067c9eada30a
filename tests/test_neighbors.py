"""The one neighbour search of tabaug.utils: exact, approximate with faiss, leave-one-out."""

import importlib.util

import numpy as np
import pytest

from tabaug.exceptions import InsufficientSamplesError, InvalidParameterError
from tabaug.utils import _neighbors, nearest_neighbors

HAS_FAISS = importlib.util.find_spec("faiss") is not None


def _brute(data, queries, k):
    distances = np.linalg.norm(queries[:, None, :] - data[None, :, :], axis=2)
    order = np.argsort(distances, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(distances, order, axis=1), order


def test_exact_matches_brute_force():
    rng = np.random.default_rng(0)
    data, queries = rng.normal(size=(300, 4)), rng.normal(size=(20, 4))
    found = nearest_neighbors(data, 5, queries=queries)
    distances, indices = _brute(data, queries, 5)
    assert found.method == "exact (scikit-learn)"
    np.testing.assert_array_equal(found.indices, indices)
    np.testing.assert_allclose(found.distances, distances, rtol=1e-5)


def test_leave_one_out_drops_exactly_the_query_row_even_with_duplicates():
    data = np.array([[0.0], [0.0], [1.0], [3.0], [3.0]])
    found = nearest_neighbors(data, 2)
    assert found.indices.shape == (5, 2)
    for row, neighbours in enumerate(found.indices):
        assert row not in neighbours
    assert found.indices[0, 0] == 1 and found.distances[0, 0] == 0.0
    some = nearest_neighbors(data, 1, query_rows=[2, 3])
    assert some.indices.ravel().tolist() == [0, 4] or some.indices.ravel().tolist() == [1, 4]


@pytest.mark.skipif(not HAS_FAISS, reason="needs faiss (the neighbors extra)")
def test_approximate_finds_almost_all_true_neighbours():
    rng = np.random.default_rng(1)
    centres = rng.normal(scale=5, size=(20, 6))
    data = centres[rng.integers(0, 20, 5000)] + rng.normal(size=(5000, 6))
    exact = nearest_neighbors(data, 5, method="exact")
    approximate = nearest_neighbors(data, 5, method="approximate")
    assert approximate.method.startswith("approximate (faiss IVF")
    recall = np.mean([len(set(a) & set(e)) / 5
                      for a, e in zip(approximate.indices, exact.indices, strict=True)])
    assert recall > 0.95
    again = nearest_neighbors(data, 5, method="approximate")
    np.testing.assert_array_equal(again.indices, approximate.indices)  # seeded


def test_auto_switches_to_approximate_only_above_the_documented_size(monkeypatch):
    data = np.random.default_rng(2).normal(size=(200, 3))
    assert nearest_neighbors(data, 3).method == "exact (scikit-learn)"
    if HAS_FAISS:
        monkeypatch.setattr(_neighbors, "APPROXIMATE_ABOVE", 1000)
        assert nearest_neighbors(data, 3).method.startswith("approximate")
    monkeypatch.setattr(_neighbors, "has_faiss", lambda: False)
    assert nearest_neighbors(data, 3).method == "exact (scikit-learn)"
    with pytest.raises(ImportError, match=r"tabaug\[neighbors\]"):
        nearest_neighbors(data, 3, method="approximate")


def test_bad_requests_fail_clearly():
    with pytest.raises(InvalidParameterError, match="method must be one of"):
        nearest_neighbors(np.zeros((5, 2)), 2, method="fast")
    with pytest.raises(InsufficientSamplesError, match="at least 6 rows"):
        nearest_neighbors(np.zeros((5, 2)), 5)
