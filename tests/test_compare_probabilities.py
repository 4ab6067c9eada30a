"""compare's calibration scores, probability variants, ensembles, several models and tests."""

import importlib.util
import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import ADASYN
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from tabaug import compare, make_estimator
from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.model_selection import canonical_strategy, holm
from tabaug.pipeline import ResampledClassifier

_FIT_CALLS: list = []


def _data(n=240, weight=0.88, seed=0, sep=0.8):
    return make_classification(n_samples=n, n_features=4, n_informative=3, n_redundant=0,
                               weights=[weight], class_sep=sep, random_state=seed)


def _mixed(n=150, seed=0):
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.2, "yes", "no")
    X = pd.DataFrame({
        "amount": rng.normal(size=n) + (y == "yes"),
        "city": pd.Categorical(rng.choice(["a", "b", "c"], n)),
        "grade": rng.choice(["low", "high"], n).astype(object),
    })
    return X, y


FAST = dict(cv=3, n_repeats=1, random_state=0, progress=False)


def test_log_loss_and_ece_match_their_definitions():
    X, y = _data()
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    result = compare(X, y, estimator=LogisticRegression(), strategies=["none"], cv=splits,
                     scoring=["log_loss", "ece"], primary="log_loss", progress=False)
    assert result.greater_is_better["log_loss"] is False
    for index, (train, test) in enumerate(splits):
        proba = LogisticRegression().fit(X[train], y[train]).predict_proba(X[test])
        row = result.fold_scores[result.fold_scores.split == index].iloc[0]
        assert row["log_loss"] == pytest.approx(log_loss(y[test], proba), abs=1e-12)
        p, outcome = proba[:, 1], y[test] == 1  # class 1 is the minority
        which = np.minimum((p * 10).astype(int), 9)
        gap = sum(abs(p[which == b].sum() - outcome[which == b].sum()) for b in range(10))
        assert row["ece"] == pytest.approx(gap / len(p), abs=1e-12)
    bins = result.reliability
    assert bins["rows"].sum() == len(y)
    assert bins["observed"].between(0, 1).all()


def test_corrected_reuses_the_fits_and_only_moves_probabilities():
    X, y = _data(n=300)
    result = compare(X, y, estimator=LogisticRegression(), strategies=["random_under+corrected"],
                     **FAST)
    assert result.strategies == ["none", "random_under", "random_under+corrected"]
    assert any(note.startswith("random_under added") for note in result.notes)
    folds = result.fold_scores.set_index(["strategy", "split"])
    for score in ("balanced_accuracy", "f1_macro", "mcc", "average_precision", "fit_time"):
        np.testing.assert_array_equal(folds.loc["random_under+corrected", score],
                                      folds.loc["random_under", score])
    for score in ("brier", "log_loss", "ece"):
        assert (folds.loc["random_under+corrected", score].mean()
                < folds.loc["random_under", score].mean())


def test_calibrated_strategy_and_variant_spellings():
    X, y = _data(n=150)
    result = compare(X, y, estimator=LogisticRegression(),
                     strategies=["Random-Over + Calibrated"], scoring=["brier"],
                     primary="brier", **FAST)
    assert result.strategies == ["none", "random_over+calibrated"]
    assert canonical_strategy("smote-corrected".replace("-", "+")) == "smote+corrected"
    with pytest.raises(InvalidParameterError, match="applies to a resampling strategy"):
        compare(X, y, estimator=LogisticRegression(), strategies=["threshold+corrected"],
                progress=False)
    with pytest.raises(InvalidParameterError, match="unknown strategy variant"):
        compare(X, y, estimator=LogisticRegression(), strategies=["smote+fixed"],
                progress=False)
    with pytest.raises(InvalidParameterError, match="neither a built-in sampler"):
        compare(X, y, estimator=LogisticRegression(), strategies=["mine+corrected"],
                progress=False)


def test_variants_of_a_custom_sampler():
    from tabaug import RandomUnderSampler

    X, y = _data(n=200)
    result = compare(X, y, estimator=LogisticRegression(),
                     strategies={"under": RandomUnderSampler(), "under+corrected": None},
                     scoring=["brier"], primary="brier", **FAST)
    assert result.strategies == ["none", "under", "under+corrected"]
    with pytest.raises(InvalidParameterError, match="'\\+' is kept"):
        compare(X, y, estimator=LogisticRegression(),
                strategies={"under+x": RandomUnderSampler()}, progress=False)


class _Recorder(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        _FIT_CALLS.append(type(X).__name__)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_ensembles_wrap_the_final_step_so_the_encoder_sees_the_frame():
    X, y = _mixed()
    encoder = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"),
                                  ["city", "grade"])], remainder="passthrough")
    result = compare(X, y, estimator=make_pipeline(encoder, LogisticRegression()),
                     strategies=["balanced_bagging"], scoring=["balanced_accuracy"], **FAST)
    assert result.strategies == ["none", "balanced_bagging"]
    plain = compare(X[["amount"]], y, estimator=LogisticRegression(),
                    strategies=["easy_ensemble"], scoring=["balanced_accuracy"], **FAST)
    assert plain.strategies == ["none", "easy_ensemble"]


def test_balanced_random_forest_is_a_model():
    X, y = _mixed()
    model = make_estimator("balanced_random_forest", X, random_state=0)
    assert type(model.steps[-1][1]).__name__ == "BalancedRandomForestClassifier"
    model.set_params(balancedrandomforestclassifier__n_estimators=10)
    result = compare(X, y, estimator={"brf": model}, strategies=["none"],
                     scoring=["balanced_accuracy"], **FAST)
    assert result.models == ["brf"]


def test_several_models_hold_tests_within_each_model():
    X, y = _data(n=240)
    strategies = ["class_weight", "random_under"]
    kwargs = dict(strategies=strategies, scoring=["balanced_accuracy", "brier"], cv=3,
                  n_repeats=2, random_state=0, progress=False)
    both = compare(X, y, estimator={"lr": LogisticRegression(),
                                    "strong": LogisticRegression(C=0.01)}, **kwargs)
    alone = compare(X, y, estimator=LogisticRegression(), **kwargs)
    assert both.models == ["lr", "strong"]
    assert list(both.to_frame().columns[:2]) == ["model", "strategy"]
    assert list(both.fold_scores.columns[:2]) == ["model", "strategy"]
    assert isinstance(both.winners, dict) and set(both.winners) == {"lr", "strong"}
    # the Holm family of one model is its own: the same p-values as that model alone
    mine = both.tests[(both.tests.model == "lr") & (both.tests.score != "fit_time")]
    own = alone.tests[alone.tests.score != "fit_time"].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine.drop(columns="model").reset_index(drop=True), own,
                                  check_exact=False, atol=1e-12)
    assert both.winners["lr"] == alone.winners
    assert list(both.by_model().columns) == ["lr", "strong"]
    assert both.by_model().loc["none", "strong"] == "baseline"
    assert both.summary.splitlines()[1].startswith("lr: ")
    assert "by model" in str(both)
    assert "model" not in alone.to_frame().columns and not isinstance(alone.winners, dict)


def test_wilcoxon_test_with_holm_and_its_caveat():
    X, y = _data(n=240)
    result = compare(X, y, estimator=LogisticRegression(), strategies=["random_under", "smote"],
                     scoring=["balanced_accuracy"], cv=3, n_repeats=2, random_state=0,
                     progress=False, test="wilcoxon")
    folds = result.fold_scores.set_index(["strategy", "split"])["balanced_accuracy"]
    raw = []
    for name in ("random_under", "smote"):
        d = (folds.loc[name] - folds.loc["none"]).to_numpy()
        raw.append(stats.wilcoxon(d).pvalue if np.any(d != 0) else 1.0)
    tests = result.tests.set_index(["strategy", "score"])
    adjusted = [tests.loc[(name, "balanced_accuracy"), "p_value"]
                for name in ("random_under", "smote")]
    assert adjusted == pytest.approx(holm(np.array(raw)).tolist())
    assert any("overstates significance" in note for note in result.notes)
    assert "Wilcoxon" in str(result)
    with pytest.raises(InvalidParameterError, match="test must be one of"):
        compare(X, y, estimator=LogisticRegression(), test="paired_t", progress=False)


def test_repeated_warnings_are_shown_once_with_a_count():
    X, y = _data(n=200)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = compare(X, y, estimator=LogisticRegression(max_iter=1),
                         strategies=["random_under"], scoring=["balanced_accuracy"], cv=3,
                         n_repeats=2, random_state=0, progress=False)
    convergence = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(convergence) == 1
    assert "12 times" in str(convergence[0].message)
    assert any(note.startswith("ConvergenceWarning raised 12 times") for note in result.notes)


def test_a_bare_model_on_text_columns_is_refused_before_any_fit():
    X, y = _mixed()
    _FIT_CALLS.clear()
    with pytest.raises(InvalidInputError, match=r"\['city', 'grade'\].*make_estimator"):
        compare(X, y, estimator=LogisticRegression(), progress=False)
    with pytest.raises(InvalidInputError, match="grade"):
        compare(X, y, estimator={"ok": make_estimator("logistic", X),
                                 "bare": HistGradientBoostingClassifier()}, progress=False)
    # histogram boosting reads category columns itself; another library's model is trusted
    compare(X[["amount", "city"]], y, estimator=HistGradientBoostingClassifier(max_iter=5),
            strategies=["none"], scoring=["balanced_accuracy"], **FAST)
    _Recorder.__module__ = "mylib.models"
    compare(X, y, estimator=_Recorder(), strategies=["none"], scoring=["balanced_accuracy"],
            **FAST)
    assert _FIT_CALLS == ["DataFrame"] * 3


def test_a_numeric_only_sampler_on_mixed_data_gets_the_position_hint():
    X, y = _mixed()
    with pytest.warns(Warning, match="sampler_position='before_estimator'"):
        result = compare(X, y, estimator=make_estimator("logistic", X),
                         strategies={"adasyn": ADASYN()}, scoring=["balanced_accuracy"],
                         **FAST)
    assert "sampler_position" in result.skipped["adasyn"]
    moved = compare(X, y, estimator=make_estimator("logistic", X),
                    strategies={"adasyn": ADASYN()}, scoring=["balanced_accuracy"],
                    sampler_position="before_estimator", **FAST)
    assert moved.strategies == ["none", "adasyn"]


def test_reliability_diagram_and_renderings():
    X, y = _data(n=200)
    result = compare(X, y, estimator={"lr": LogisticRegression()},
                     strategies=["random_under", "random_under+corrected"],
                     scoring=["balanced_accuracy", "ece"], **FAST)
    decoded = result.to_dict()
    assert decoded["models"] == ["lr"] and decoded["test"] == "corrected_t"
    assert decoded["reliability"][0]["model"] == "lr"
    with pytest.raises(InvalidParameterError, match="kind"):
        result.plot(kind="roc")
    no_proba = compare(X, y, estimator=LogisticRegression(), strategies=["none"],
                       scoring=["balanced_accuracy"], **FAST)
    assert no_proba.reliability.empty
    if importlib.util.find_spec("matplotlib") is None:
        return
    with pytest.raises(InvalidParameterError, match="no reliability diagram"):
        no_proba.plot(kind="reliability")
    figure = result.plot(kind="reliability")
    assert len(figure.axes) == 1
    assert result.to_html().count("<img") == 2


def test_resampled_classifier_is_the_final_step_of_a_numeric_pipeline():
    from sklearn.preprocessing import StandardScaler

    from tabaug.model_selection._strategies import Strategy, build_model

    pipeline = make_pipeline(StandardScaler(), LogisticRegression())
    model = build_model(Strategy("smote", "sampler", sampler=make_sampler_smote()), pipeline,
                        False, 0, None, 3)
    assert [name for name, _ in model.steps] == ["standardscaler", "logisticregression"]
    assert isinstance(model.steps[-1][1], ResampledClassifier)
    assert pipeline.steps[-1][1].__class__ is LogisticRegression


def make_sampler_smote():
    from tabaug.model_selection import make_sampler

    return make_sampler("smote")


def test_multiclass_with_a_class_absent_from_a_training_fold():
    X, y = make_classification(n_samples=180, n_features=5, n_informative=3, n_classes=3,
                               weights=[0.6, 0.3], random_state=0)
    rare = np.flatnonzero(y == 2)
    others = np.flatnonzero(y != 2)
    # split 0 trains without class 2 at all; split 1 is an ordinary split
    splits = [(others[::2], np.r_[others[1::2], rare]),
              (np.r_[others[1::2], rare[::2]], np.r_[others[::2], rare[1::2]])]
    result = compare(X, y, estimator=LogisticRegression(),
                     strategies=["random_under", "random_under+corrected"],
                     scoring=["balanced_accuracy", "brier", "log_loss", "ece"], cv=splits,
                     progress=False)
    assert result.strategies == ["none", "random_under", "random_under+corrected"]
    values = result.fold_scores[["brier", "log_loss", "ece"]].to_numpy()
    assert np.isfinite(values).all()
    # the class never seen in training gets probability 0: its rows cost log(1e-15) each
    first = result.fold_scores[(result.fold_scores.split == 0)
                               & (result.fold_scores.strategy == "random_under+corrected")]
    assert first["log_loss"].iloc[0] > rare.size / len(splits[0][1]) * 30
