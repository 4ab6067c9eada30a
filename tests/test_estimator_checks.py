"""imbalanced-learn's and scikit-learn's estimator checks over every tabular resampler."""

import pytest
from imblearn.utils.estimator_checks import parametrize_with_checks
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks as sk_parametrize_with_checks

from tabaug import (
    SMOTE,
    GaussianNoiseOverSampler,
    RandomOverSampler,
    RandomUnderSampler,
    ResampledClassifier,
)

SAMPLERS = [
    RandomOverSampler(random_state=0),
    RandomUnderSampler(random_state=0),
    SMOTE(random_state=0),
    GaussianNoiseOverSampler(random_state=0),
]


@parametrize_with_checks(SAMPLERS)
def test_imblearn_sampler_checks(estimator, check):
    check(estimator)


def _sklearn_expected_failures(estimator):
    failures = {
        "check_sample_weight_equivalence_on_dense_data": (
            "a weight of 2 is not the same as a repeated row once the sampler draws new rows"
        ),
        "check_sample_weight_equivalence_on_sparse_data": (
            "a weight of 2 is not the same as a repeated row once the sampler draws new rows"
        ),
    }
    # scikit-learn's reason for TunedThresholdClassifierCV: predict keeps the resampled
    # model's decision, so argmax(predict_proba) == predict need not hold
    if estimator.probabilities == "calibrated":
        failures["check_classifiers_train"] = "Threshold at probability 0.5 does not hold"
    # "prior_corrected" passes check_classifiers_train: on the check's balanced data the
    # correction is the identity (tests/test_calibration.py covers imbalanced data)
    return failures


@sk_parametrize_with_checks(
    [
        ResampledClassifier(RandomOverSampler(random_state=0), LogisticRegression()),
        ResampledClassifier(SMOTE(k_neighbors=2, random_state=0), LogisticRegression()),
        ResampledClassifier(RandomOverSampler(random_state=0), LogisticRegression(),
                            probabilities="prior_corrected"),
        ResampledClassifier(SMOTE(k_neighbors=2, random_state=0), LogisticRegression(),
                            probabilities="prior_corrected"),
        # the checks' data are tiny: two inner folds leave SMOTE too few neighbours
        ResampledClassifier(RandomOverSampler(random_state=0), LogisticRegression(),
                            probabilities="calibrated", calibration_cv=2),
    ],
    expected_failed_checks=_sklearn_expected_failures,
)
def test_sklearn_checks_resampled_classifier(estimator, check):
    check(estimator)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=lambda s: type(s).__name__)
def test_sklearn_api_checks_on_samplers(sampler):
    from sklearn.utils.estimator_checks import (
        check_dont_overwrite_parameters,
        check_estimators_overwrite_params,
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
        check_set_params,
    )

    name = type(sampler).__name__
    for check in (
        check_no_attributes_set_in_init,
        check_get_params_invariance,
        check_set_params,
        check_parameters_default_constructible,
        check_dont_overwrite_parameters,
        check_estimators_overwrite_params,
    ):
        check(name, sampler)
