"""tabaug.correct_probabilities, and the correction being exact where theory says so."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from tabaug import RandomOverSampler, RandomUnderSampler, ResampledClassifier, correct_probabilities
from tabaug.exceptions import InvalidInputError


def _logistic_population(n, seed, intercept=-4.0, slope=2.0):
    """Rows with a known posterior: P(y=1 | x) = sigmoid(intercept + slope * x)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 1))
    posterior = 1 / (1 + np.exp(-(intercept + slope * x[:, 0])))
    return x, (rng.random(n) < posterior).astype(int)


@pytest.mark.parametrize("sampler", [RandomUnderSampler(random_state=0),
                                     RandomOverSampler(random_state=0)],
                         ids=["undersampling", "oversampling"])
def test_resampling_a_logistic_model_is_undone_exactly(sampler):
    # random under- or oversampling only moves the intercept by log(pi'/pi): the correction
    # must give back the true posterior, up to the sampling noise of the fit
    x, y = _logistic_population(30_000, seed=0)
    grid = np.linspace(-2, 3, 41)[:, None]
    truth = 1 / (1 + np.exp(-(-4.0 + 2.0 * grid[:, 0])))
    raw = ResampledClassifier(sampler, LogisticRegression(C=1e4)).fit(x, y)
    corrected = ResampledClassifier(sampler, LogisticRegression(C=1e4),
                                    probabilities="prior_corrected").fit(x, y)
    plain = LogisticRegression(C=1e4).fit(x, y).predict_proba(grid)[:, 1]
    assert np.abs(raw.predict_proba(grid)[:, 1] - truth).max() > 0.3
    assert np.abs(corrected.predict_proba(grid)[:, 1] - truth).max() < 0.03
    assert np.abs(corrected.predict_proba(grid)[:, 1] - plain).max() < 0.03
    np.testing.assert_array_equal(corrected.predict(grid), raw.predict(grid))


def test_the_formula_by_hand_and_rows_sum_to_one():
    proba = np.array([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2], [1.0, 0.0, 0.0]])
    original, resampled = np.array([0.7, 0.2, 0.1]), np.array([1 / 3, 1 / 3, 1 / 3])
    corrected = correct_probabilities(proba, original_shares=original,
                                      resampled_shares=resampled)
    expected = proba * original / resampled
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(corrected, expected)
    np.testing.assert_allclose(corrected.sum(axis=1), 1.0)
    # counts work as well as shares: only the ratios matter
    np.testing.assert_allclose(
        correct_probabilities(proba, original_shares=[70, 20, 10], resampled_shares=[5, 5, 5]),
        corrected)
    same = correct_probabilities(proba, original_shares=[1, 1, 1], resampled_shares=[2, 2, 2])
    np.testing.assert_allclose(same, proba)


def test_a_class_absent_from_the_data_gets_probability_zero():
    proba = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    # class 2: in neither the data nor the resampled data; its column is 0 either way
    both_absent = correct_probabilities(proba[:1], original_shares=[0.9, 0.1, 0.0],
                                        resampled_shares=[0.5, 0.5, 0.0])
    np.testing.assert_allclose(both_absent, [[0.9, 0.1, 0.0]])
    # class 2 only in the resampled data: it gets 0, and a row that put everything on it
    # falls back to the original shares
    added = correct_probabilities(proba, original_shares=[0.9, 0.1, 0.0],
                                  resampled_shares=[0.4, 0.4, 0.2])
    np.testing.assert_allclose(added, [[0.9, 0.1, 0.0], [0.9, 0.1, 0.0]])


@pytest.mark.parametrize(
    ("proba", "original", "resampled", "match"),
    [
        ([[0.5, 0.5]], [0.5, 0.5], [1.0, 0.0], "resampled share of 0"),
        ([0.5, 0.5], [0.5, 0.5], [0.5, 0.5], "2-D"),
        ([[0.5, np.nan]], [0.5, 0.5], [0.5, 0.5], "NaN"),
        ([[1.5, -0.5]], [0.5, 0.5], [0.5, 0.5], "negative"),
        ([[0.5, 0.5]], [0.5, 0.3, 0.2], [0.5, 0.5], "one entry per column"),
        ([[0.5, 0.5]], [0.0, 0.0], [0.5, 0.5], "not all 0"),
        ([[0.5, 0.5]], ["a", "b"], [0.5, 0.5], "numbers"),
    ],
)
def test_bad_input_is_refused_with_the_fix(proba, original, resampled, match):
    with pytest.raises(InvalidInputError, match=match):
        correct_probabilities(proba, original_shares=original, resampled_shares=resampled)
