"""tabaug.model_selection: public homes, strategy plans as data, both spellings of names."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

import tabaug
from tabaug import SMOTE
from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.model_selection import compare, make_estimator
from tabaug.model_selection._strategies import (
    Skip,
    StrategyPlan,
    fit_smote_to_folds,
    resolve_strategies,
)


def _data(n=120, weight=0.85, seed=0):
    return make_classification(n_samples=n, n_features=4, weights=[weight], flip_y=0,
                               random_state=seed)


def test_public_homes():
    assert tabaug.make_estimator is make_estimator
    assert tabaug.compare is compare
    assert tabaug.model_selection.ComparisonResult is tabaug.ComparisonResult
    assert tabaug.metrics.evaluate is tabaug.evaluate
    assert tabaug.metrics.EvaluationReport is tabaug.EvaluationReport
    assert {"metrics", "model_selection", "make_estimator"} <= set(tabaug.__all__)


def test_resolving_returns_a_plan_and_mutates_nothing():
    requested = ["random-under", "class_weight"]
    plan = resolve_strategies(requested, KNeighborsClassifier(), 2)
    assert requested == ["random-under", "class_weight"]
    assert plan.names == ["none", "random_under"]
    assert plan.skipped == (Skip("class_weight", plan.skipped[0].reason, warn=True),)
    assert plan.notes == (f"class_weight skipped: {plan.skipped[0].reason}",)
    with pytest.raises(AttributeError):
        plan.notes = ()


def test_smote_adapts_to_the_folds_in_a_new_plan():
    sampler = SMOTE(k_neighbors=5)
    plan = resolve_strategies({"smote": sampler}, LogisticRegression(), 2)
    y = np.r_[np.zeros(20, int), np.ones(4, int)]
    splits = [(np.r_[0:10, 20:23], np.r_[10:20, 23:24]), (np.r_[10:20, 21:24], np.r_[0:10, 20])]
    adapted = fit_smote_to_folds(plan, y, splits, 5)
    assert adapted is not plan
    assert adapted.strategies[1].sampler.k_neighbors == 2
    assert sampler.k_neighbors == 5 and plan.strategies[1].sampler is sampler
    assert adapted.notes[-1].startswith("smote: k_neighbors lowered from 5 to 2")
    tiny = np.r_[np.zeros(20, int), np.ones(2, int)]
    gone = fit_smote_to_folds(plan, tiny, [(np.r_[0:10, 20], np.r_[10:20, 21])] * 2, 5)
    assert gone.names == ["none"] and gone.skipped[0].name == "smote"


def test_plan_without_keeps_order_and_notes():
    plan = resolve_strategies(["random_over", "random_under"], LogisticRegression(), 2)
    smaller = plan.without([Skip("random_over", "failed on split 0 (ValueError: x)", warn=True)])
    assert isinstance(smaller, StrategyPlan)
    assert smaller.names == ["none", "random_under"]
    assert smaller.notes[-1] == "random_over skipped: failed on split 0 (ValueError: x)"
    assert plan.names == ["none", "random_over", "random_under"]


def test_both_spellings_of_strategy_and_estimator_names():
    X, y = _data()
    result = compare(X, y, estimator=LogisticRegression(), strategies=["Random-Under"],
                     scoring=["balanced_accuracy"], cv=3, n_repeats=1, random_state=0,
                     progress=False)
    assert result.strategies == ["none", "random_under"]
    assert make_estimator("random_forest", X).steps[-1][0] == "randomforestclassifier"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": 1.5}, "alpha"),
        ({"min_effect": -0.1}, "min_effect"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"n_repeats": 1.5}, "n_repeats"),
        ({"scoring": 3}, "scoring"),
        ({"strategies": 3}, "strategies"),
        ({"cv": "five"}, "cv must be"),
    ],
)
def test_bad_settings_are_parameter_errors(kwargs, match):
    X, y = _data()
    with pytest.raises(InvalidParameterError, match=match) as info:
        compare(X, y, estimator=LogisticRegression(), progress=False, **kwargs)
    assert isinstance(info.value, InvalidInputError)


def test_make_estimator_refuses_unknown_names_as_a_parameter_error():
    with pytest.raises(InvalidParameterError, match="hist-gradient-boosting"):
        make_estimator("svm", np.zeros((4, 2)))


def test_add_variants_for_the_command_line():
    from tabaug.model_selection import DEFAULT_STRATEGIES, add_variants

    names = add_variants(None, ["calibrated", "corrected"])
    assert names[: len(DEFAULT_STRATEGIES) + 2][:4] == ["none", "class_weight", "threshold",
                                                        "random_over"]
    assert names[4:6] == ["random_over+calibrated", "random_over+corrected"]
    assert add_variants(["smote"], ["resampled"]) == ["smote"]
    with pytest.raises(InvalidParameterError, match="unknown probabilities"):
        add_variants(["smote"], ["fixed"])
    with pytest.raises(InvalidParameterError, match="unknown strategy"):
        add_variants(["smoote"], ["corrected"])
