"""The fault matrix: bad input x every entry point gives a clear error, never a wrong answer.

Each case asserts the exception class, that the message names the problem and a
fix, and that the inputs are unchanged afterwards. CLI cases (in-process through
``tabaug.cli.main``) also assert the exit status, a one-line message with no
traceback, and that an existing output file is left exactly as it was with no
temporary file beside it. The README section "What tabaug guarantees on bad
input" summarises this file.
"""

from __future__ import annotations

import copy
import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression

import tabaug
from tabaug.exceptions import (
    InsufficientSamplesError,
    InvalidInputError,
    InvalidParameterError,
    InvalidTargetError,
    InvalidTypeError,
    MemoryLimitError,
)

HAS_TORCH = importlib.util.find_spec("torch") is not None
SKLEARN_PARAMETER_ERROR = __import__(
    "sklearn.utils._param_validation", fromlist=["InvalidParameterError"]
).InvalidParameterError


@dataclass
class Fault:
    """One bad call: what it passes, what must come out."""

    id: str
    call: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    error: type | tuple = InvalidInputError
    problem: str = ""
    fix: str = ""


def _snapshot(value: Any) -> Any:
    return copy.deepcopy(value)


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, pd.DataFrame):
        return before.equals(after) and list(before.dtypes) == list(after.dtypes)
    if isinstance(before, pd.Series):
        return before.equals(after) and before.dtype == after.dtype
    if isinstance(before, np.ndarray):
        return before.dtype == after.dtype and np.array_equal(before, after, equal_nan=True) \
            if before.dtype.kind in "fc" else np.array_equal(before, after)
    if sparse.issparse(before):
        return (before != after).nnz == 0
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(_same(before[k], after[k]) for k in before)
    if isinstance(before, list | tuple):
        return len(before) == len(after) and all(_same(a, b) for a, b in zip(before, after,
                                                                                   strict=True))
    return True


# --------------------------------------------------------------------------- data

RNG = np.random.default_rng(0)
X_NUM = RNG.normal(size=(40, 3))
Y_BIN = np.r_[np.zeros(30, int), np.ones(10, int)]
Y_MULTI = np.r_[np.zeros(20, int), np.ones(12, int), np.full(8, 2)]
FRAME = pd.DataFrame({"income": RNG.normal(50, 10, 40), "age": RNG.integers(18, 90, 40),
                      "city": pd.Categorical(RNG.choice(["lyon", "oslo"], 40))})


def _with(value: float) -> np.ndarray:
    X = X_NUM.copy()
    X[3, 1] = value
    return X


def _samplers() -> list[tuple[str, Callable[..., Any]]]:
    tiny = {"epochs": 1, "batch_size": 20, "verbose": False, "random_state": 0}
    out = [
        ("RandomOverSampler", tabaug.RandomOverSampler),
        ("RandomUnderSampler", tabaug.RandomUnderSampler),
        ("SMOTE", lambda **kw: tabaug.SMOTE(k_neighbors=3, **kw)),
        ("GaussianNoiseOverSampler", tabaug.GaussianNoiseOverSampler),
    ]
    if HAS_TORCH:
        out += [
            ("CTGANOverSampler", lambda **kw: tabaug.CTGANOverSampler(
                **{**tiny, "embedding_dim": 4, "generator_dim": (8,),
                   "discriminator_dim": (8,), "pac": 4, **kw})),
            ("TVAEOverSampler", lambda **kw: tabaug.TVAEOverSampler(
                **{**tiny, "embedding_dim": 4, "compress_dims": (8,),
                   "decompress_dims": (8,), **kw})),
            ("AdversarialOverSampler", lambda **kw: tabaug.AdversarialOverSampler(
                **{**tiny, "hidden_dims": (8,), **kw})),
        ]
    return out


SAMPLERS = _samplers()
OVERSAMPLERS = [entry for entry in SAMPLERS if entry[0] != "RandomUnderSampler"]
GENERATORS = [entry for entry in SAMPLERS if entry[0] not in ("RandomOverSampler",
                                                               "RandomUnderSampler")]


def _sampler_faults() -> list[Fault]:
    faults = []
    for name, make in SAMPLERS:
        def fit(X, y, make=make, **params):
            return make(**params).fit_resample(X, y)

        faults += [
            Fault(f"{name}-one-class", fit, (X_NUM, np.zeros(40, int)), error=InvalidTargetError,
                  problem="only one class", fix="Check the target"),
            Fault(f"{name}-continuous-y", fit, (X_NUM, np.linspace(0, 1, 40)),
                  error=InvalidTargetError, problem="continuous", fix="bin it"),
            Fault(f"{name}-nan-label", fit, (X_NUM, np.r_[Y_BIN[:-1].astype(float), np.nan]),
                  error=InvalidTargetError, problem="missing", fix="Drop"),
            Fault(f"{name}-inf-label", fit, (X_NUM, np.r_[Y_BIN[:-1].astype(float), np.inf]),
                  error=InvalidTargetError, problem="infinity", fix="Drop"),
            Fault(f"{name}-mixed-labels", fit,
                  (X_NUM, np.array([1] * 30 + ["1"] * 10, dtype=object)),
                  error=InvalidTargetError, problem="mixes text and numbers", fix="astype"),
            Fault(f"{name}-multilabel", fit,
                  (X_NUM, np.c_[Y_BIN, np.ones(40, int)]), error=InvalidTargetError,
                  problem="exactly one class", fix="single classes"),
            Fault(f"{name}-y-none", fit, (X_NUM, None), error=InvalidTargetError,
                  problem="None", fix="Pass the class labels"),
            Fault(f"{name}-length", fit, (X_NUM, Y_BIN[:-1]), problem="40 rows but y has 39",
                  fix="same split"),
            Fault(f"{name}-empty", fit, (np.empty((0, 3)), np.empty(0, int)), problem="empty",
                  fix="at least one row"),
            Fault(f"{name}-no-columns", fit, (np.empty((40, 0)), Y_BIN), problem="0 feature",
                  fix="at least one feature column"),
            Fault(f"{name}-1d-X", fit, (X_NUM[:, 0], Y_BIN), problem="2-D", fix="reshape"),
            Fault(f"{name}-3d-X", fit, (X_NUM.reshape(40, 3, 1), Y_BIN), problem="2-D",
                  fix="reshape"),
            Fault(f"{name}-strategy-name", fit, (X_NUM, Y_BIN),
                  {"sampling_strategy": "balanced"}, error=SKLEARN_PARAMETER_ERROR,
                  problem="sampling_strategy", fix="auto"),
            Fault(f"{name}-strategy-unknown-class", fit, (X_NUM, Y_BIN),
                  {"sampling_strategy": {5: 30}}, error=InvalidParameterError,
                  problem="not in y", fix="labels exactly"),
            Fault(f"{name}-strategy-fraction", fit, (X_NUM, Y_BIN),
                  {"sampling_strategy": {1: 20.5}}, error=InvalidParameterError,
                  problem="not a number of rows", fix="whole"),
            Fault(f"{name}-strategy-text-count", fit, (X_NUM, Y_BIN),
                  {"sampling_strategy": {1: "20"}}, error=InvalidParameterError,
                  problem="not a number of rows", fix="whole"),
            Fault(f"{name}-strategy-callable-list", fit, (X_NUM, Y_BIN),
                  {"sampling_strategy": lambda y: [1, 2]}, error=InvalidParameterError,
                  problem="returned a list", fix="must return a dict"),
            Fault(f"{name}-strategy-float-multiclass", fit, (X_NUM, Y_MULTI),
                  {"sampling_strategy": 0.5}, error=InvalidParameterError,
                  problem="binary", fix="dict"),
            Fault(f"{name}-random-state", fit, (X_NUM, Y_BIN), {"random_state": "seed"},
                  error=SKLEARN_PARAMETER_ERROR, problem="random_state", fix="int"),
        ]
    for name, make in OVERSAMPLERS:
        def fit(X, y, make=make, **params):
            return make(**params).fit_resample(X, y)

        faults += [
            Fault(f"{name}-strategy-shrinks", fit, (X_NUM, Y_BIN), {"sampling_strategy": {1: 5}},
                  error=InvalidParameterError, problem="greater or equal", fix="dict"),
            Fault(f"{name}-memory", fit, (X_NUM, Y_BIN),
                  {"sampling_strategy": {1: 10**10}}, error=MemoryLimitError,
                  problem="would need about", fix="set_config"),
        ]
    for name, make in GENERATORS:
        def fit(X, y, make=make, **params):
            return make(**params).fit_resample(X, y)

        faults += [
            Fault(f"{name}-nan-feature", fit, (_with(np.nan), Y_BIN), problem="NaN",
                  fix="Impute"),
            Fault(f"{name}-inf-feature", fit, (_with(np.inf), Y_BIN), problem="infinit",
                  fix="Impute"),
            Fault(f"{name}-unknown-categorical", fit, (FRAME, Y_BIN),
                  {"categorical_features": ["town"]}, problem="not a column",
                  fix="Pass names or positions"),
            Fault(f"{name}-categorical-string", fit, (FRAME, Y_BIN),
                  {"categorical_features": "city"}, error=SKLEARN_PARAMETER_ERROR,
                  problem="categorical_features", fix="array-like"),
        ]
    faults.append(Fault("SMOTE-few-neighbours", lambda: tabaug.SMOTE(k_neighbors=5)
                        .fit_resample(X_NUM[:33], Y_BIN[:33]), error=InsufficientSamplesError,
                        problem="class 1 has 3 rows", fix="k_neighbors=2"))
    faults.append(Fault("SMOTE-text-array", lambda: tabaug.SMOTE(categorical_features=[])
                        .fit_resample(np.c_[X_NUM, ["a"] * 40].astype(object), Y_BIN),
                        error=InvalidTypeError, problem="text", fix="categorical_features"))
    if HAS_TORCH:
        for name, make in GENERATORS[2:]:
            faults += [
                Fault(f"{name}-sparse", lambda make=make: make().fit_resample(
                    sparse.csr_matrix(X_NUM), Y_BIN), problem="sparse", fix="toarray"),
                Fault(f"{name}-sample-before-fit", lambda make=make: make().sample(3, 1),
                      error=ValueError, problem="needs a trained model", fix="call fit"),
            ]
        faults += _adversarial_faults()
    return faults


def _adversarial_faults() -> list[Fault]:
    import torch

    def fit(X=X_NUM, **params):
        settings = {"epochs": 1, "hidden_dims": (8,), "verbose": False, **params}
        return tabaug.AdversarialOverSampler(**settings).fit_resample(X, Y_BIN)

    categories_only = pd.DataFrame({"city": FRAME["city"], "kind": FRAME["city"].astype(str)})
    return [
        Fault("AdversarialOverSampler-no-numeric", fit, (categories_only,),
              problem="perturbs numeric columns, and X has none", fix="Use SMOTE"),
        Fault("AdversarialOverSampler-surrogate-output", fit, (),
              {"surrogate": torch.nn.Linear(3, 5)}, problem=r"returned \(8, 5\)",
              fix="Fix its output layer"),
        Fault("AdversarialOverSampler-surrogate-type", fit, (), {"surrogate": "mlp"},
              error=SKLEARN_PARAMETER_ERROR, problem="surrogate", fix="callable"),
        Fault("AdversarialOverSampler-epsilon", fit, (), {"epsilon": -0.1},
              error=SKLEARN_PARAMETER_ERROR, problem="epsilon", fix="range"),
        Fault("AdversarialOverSampler-mode", fit, (), {"mode": "m3m"},
              error=SKLEARN_PARAMETER_ERROR, problem="mode", fix="boundary"),
        Fault("AdversarialOverSampler-hidden-dims", fit, (), {"hidden_dims": (0,)},
              error=InvalidParameterError, problem="hidden_dims", fix="positive ints"),
    ]


def _evaluate_faults() -> list[Fault]:
    y = np.r_[np.zeros(30, int), np.ones(10, int)]
    scores = RNG.random(40)
    return [
        Fault("evaluate-length", tabaug.evaluate, (y, y[:-1]), problem="40 rows",
              fix="row for row"),
        Fault("evaluate-one-class", tabaug.evaluate, (np.zeros(40, int), y),
              error=InvalidTargetError, problem="only one class", fix="Check the target"),
        Fault("evaluate-nan-pred", tabaug.evaluate, (y, np.r_[y[:-1].astype(float), np.nan]),
              error=InvalidTargetError, problem="missing", fix="Drop"),
        Fault("evaluate-continuous", tabaug.evaluate, (RNG.random(40), y),
              error=InvalidTargetError, problem="continuous", fix="class labels"),
        Fault("evaluate-score-shape", tabaug.evaluate, (y, y), {"y_score": scores[:-1]},
              problem="shape", fix="one column per class"),
        Fault("evaluate-score-nan", tabaug.evaluate, (y, y),
              {"y_score": np.r_[scores[:-1], np.nan]}, problem="NaN", fix=""),
        Fault("evaluate-score-text", tabaug.evaluate, (y, y),
              {"y_score": np.array(["high"] * 40, dtype=object)}, problem="score",
              fix="number"),
        Fault("evaluate-labels-duplicate", tabaug.evaluate, (y, y), {"labels": [0, 1, 1]},
              problem="duplicates", fix="each class once"),
        Fault("evaluate-label-not-listed", tabaug.evaluate, (y, y), {"labels": [0]},
              problem="not in labels", fix="add them to labels"),
        Fault("evaluate-mixed-labels", tabaug.evaluate,
              (np.array([1] * 30 + ["1"] * 10, dtype=object), y), error=InvalidTargetError,
              problem="mixes text and numbers", fix="astype"),
        Fault("evaluate-2d", tabaug.evaluate, (np.c_[y, y], y), problem="1-D",
              fix="one class label per row"),
        Fault("evaluate-bootstrap-negative", tabaug.evaluate, (y, y), {"n_bootstrap": -1},
              error=InvalidParameterError, problem="n_bootstrap", fix=""),
    ]


def _audit_faults() -> list[Fault]:
    frame = FRAME.assign(label=Y_BIN, split=np.where(np.arange(40) % 4, "train", "test"))
    return [
        Fault("audit-no-target", tabaug.audit, (frame,), problem="target=",
              fix="column name"),
        Fault("audit-missing-column", tabaug.audit, (frame,), {"target": "lable"},
              problem="no column 'lable'", fix="its columns are"),
        Fault("audit-missing-split", tabaug.audit, (frame,), {"target": "label",
                                                              "split": "fold"},
              problem="no column 'fold'", fix="its columns are"),
        Fault("audit-one-class", tabaug.audit, (np.zeros(40, int),),
              error=InvalidTargetError, problem="single class", fix="right column"),
        Fault("audit-continuous", tabaug.audit, (RNG.random(40),), error=InvalidTargetError,
              problem="continuous", fix="bin"),
        Fault("audit-no-file", tabaug.audit, ("no-such-file.csv",), {"target": "y"},
              problem="no such file", fix=""),
        Fault("audit-leakage-without-features", tabaug.audit, ({"train": Y_BIN},),
              {"check_leakage": True}, problem="needs features", fix="pass"),
        Fault("audit-threshold", tabaug.audit, (Y_BIN,), {"minority_threshold": 2.0},
              error=InvalidParameterError, problem="minority_threshold", fix=""),
        Fault("audit-split-length", tabaug.audit, (Y_BIN,), {"split": ["train"] * 39},
              problem="39 values", fix=""),
        Fault("audit-empty-dict", tabaug.audit, ({},), problem="empty", fix="pass"),
        Fault("audit-mixed-labels", tabaug.audit,
              (np.array([1] * 30 + ["1"] * 10, dtype=object),), error=InvalidTargetError,
              problem="mixes text and numbers", fix="astype"),
        *_audit_check_faults(frame),
    ]


def _audit_check_faults(frame: pd.DataFrame) -> list[Fault]:
    """The difficulty and leakage checks: their settings, and data they cannot judge."""
    tagged = frame.assign(tags=[[1, 2]] * 40)

    def guarded(**kwargs):
        with tabaug.config_context(max_memory=300):
            return tabaug.audit(frame, target="label", split="split", **kwargs)

    def other_columns(**kwargs):
        return tabaug.audit({"train": (X_NUM, Y_BIN), "test": (X_NUM[:, :2], Y_BIN)}, **kwargs)

    return [
        Fault("audit-difficulty-setting", tabaug.audit, (Y_BIN,), {"difficulty": "yes"},
              error=InvalidParameterError, problem="difficulty", fix="one of"),
        Fault("audit-leakage-setting", tabaug.audit, (Y_BIN,), {"check_leakage": "yes"},
              error=InvalidParameterError, problem="check_leakage", fix="one of"),
        Fault("audit-max-rows-small", tabaug.audit, (Y_BIN,), {"max_rows": 5},
              error=InvalidParameterError, problem="max_rows", fix="must lie"),
        Fault("audit-max-rows-float", tabaug.audit, (Y_BIN,), {"max_rows": 1e5},
              error=InvalidParameterError, problem="max_rows", fix="integer"),
        Fault("audit-random-state-text", tabaug.audit, (Y_BIN,), {"random_state": "seed"},
              error=InvalidParameterError, problem="random_state", fix="integer or None"),
        Fault("audit-random-state-negative", tabaug.audit, (Y_BIN,), {"random_state": -1},
              error=InvalidParameterError, problem="random_state", fix="must lie"),
        Fault("audit-difficulty-without-features", tabaug.audit, (Y_BIN,),
              {"difficulty": True}, problem="difficulty needs features", fix="pass"),
        Fault("audit-difficulty-one-class", tabaug.audit, (frame.assign(label=0),),
              {"target": "label", "difficulty": True}, error=InvalidTargetError,
              problem="single class", fix="right column"),
        Fault("audit-leakage-one-split", tabaug.audit, (frame.drop(columns="split"),),
              {"target": "label", "check_leakage": True}, problem="at least two splits",
              fix="pass"),
        Fault("audit-leakage-unhashable", tabaug.audit, (tagged,),
              {"target": "label", "split": "split"}, problem="column 'tags' holds .* list",
              fix="Convert"),
        Fault("audit-difficulty-unhashable", tabaug.audit, (tagged.drop(columns="split"),),
              {"target": "label", "difficulty": True}, problem="column 'tags'",
              fix="Convert"),
        Fault("audit-split-columns-differ", other_columns, (), {"difficulty": True},
              problem=r"split 'test' lacks \['2'\]", fix="give every split the same"),
        Fault("audit-difficulty-memory", guarded, (), {"difficulty": True},
              error=MemoryLimitError, problem="distance coding", fix="Lower max_rows"),
    ]


def _compare_faults() -> list[Fault]:
    def run(X=X_NUM, y=Y_BIN, **kwargs):
        settings = {"estimator": LogisticRegression(), "cv": 2, "n_repeats": 1, **kwargs}
        return tabaug.compare(X, y, progress=False, **settings)

    return [
        Fault("compare-length", run, (X_NUM, Y_BIN[:-1]), problem="40 rows but y has 39",
              fix="row for row"),
        Fault("compare-one-class", run, (X_NUM, np.zeros(40, int)), error=InvalidTargetError,
              problem="one class", fix=""),
        Fault("compare-continuous", run, (X_NUM, RNG.random(40)), error=InvalidTargetError,
              problem="continuous", fix="bin it"),
        Fault("compare-unknown-strategy", run, (), {"strategies": ["smoote"]},
              problem="unknown strategy 'smoote'", fix="Valid names"),
        Fault("compare-unknown-score", run, (), {"scoring": ["accuracyy"]},
              problem="unknown score", fix="get_scorer_names"),
        Fault("compare-estimator-class", run, (), {"estimator": LogisticRegression},
              error=TypeError, problem="instance", fix="LogisticRegression()"),
        Fault("compare-not-classifier", run, (), {"estimator": object()}, error=TypeError,
              problem="fit and predict", fix="LogisticRegression"),
        Fault("compare-cv-string", run, (), {"cv": "5"}, problem="cv", fix="int"),
        Fault("compare-groups-length", run, (), {"groups": np.arange(39)},
              problem="groups has 39", fix="row for row"),
        Fault("compare-repeats", run, (), {"n_repeats": 0}, problem="n_repeats", fix=""),
        Fault("compare-alpha", run, (), {"alpha": 2}, problem="alpha", fix=""),
    ]


def _probability_faults() -> list[Fault]:
    from sklearn.linear_model import Perceptron

    def fit(**params):
        return tabaug.ResampledClassifier(tabaug.SMOTE(k_neighbors=3), **params).fit(X_NUM, Y_BIN)

    proba = [[0.5, 0.5]]
    return [
        Fault("correct-zero-share", tabaug.correct_probabilities, (proba,),
              {"original_shares": [0.5, 0.5], "resampled_shares": [1.0, 0.0]},
              problem="resampled share of 0", fix="Check"),
        Fault("correct-share-length", tabaug.correct_probabilities, (proba,),
              {"original_shares": [0.5], "resampled_shares": [0.5, 0.5]},
              problem="one entry per column", fix="List the shares"),
        Fault("correct-nan", tabaug.correct_probabilities, ([[0.5, np.nan]],),
              {"original_shares": [0.5, 0.5], "resampled_shares": [0.5, 0.5]},
              problem="NaN", fix="pass probabilities"),
        Fault("resampled-classifier-mode", fit, (),
              {"estimator": LogisticRegression(), "probabilities": "fixed"},
              error=InvalidParameterError, problem="probabilities", fix="one of"),
        Fault("resampled-classifier-no-proba", fit, (),
              {"estimator": Perceptron(), "probabilities": "prior_corrected"},
              error=InvalidParameterError, problem="has none", fix="Use probabilities"),
        Fault("resampled-classifier-method", fit, (),
              {"estimator": LogisticRegression(), "probabilities": "calibrated",
               "calibration_method": "platt"},
              error=InvalidParameterError, problem="calibration_method", fix="one of"),
    ]


def _compare_model_faults() -> list[Fault]:
    def run(X=X_NUM, **kwargs):
        return tabaug.compare(X, Y_BIN, progress=False, cv=2, n_repeats=1, **kwargs)

    return [
        Fault("compare-test", run, (), {"estimator": LogisticRegression(), "test": "ttest"},
              error=InvalidParameterError, problem="test", fix="one of"),
        Fault("compare-model-dict", run, (),
              {"estimator": {"a": LogisticRegression(), "b": "x"}}, error=TypeError,
              problem=r"estimator\['b'\]", fix="LogisticRegression"),
        Fault("compare-variant", run, (),
              {"estimator": LogisticRegression(), "strategies": ["none+corrected"]},
              error=InvalidParameterError, problem="applies to a resampling strategy", fix=""),
        Fault("compare-text-columns", run, (FRAME,), {"estimator": LogisticRegression()},
              problem="cannot read the text or category", fix="make_estimator"),
    ]


FAULTS = [*_sampler_faults(), *_evaluate_faults(), *_audit_faults(), *_compare_faults(),
          *_probability_faults(), *_compare_model_faults()]
_FIX_WORDS = re.compile(
    r"\b(pass|use|drop|convert|choose|give|install|call|ask|set|check|add|remove|impute|bin|"
    r"reshape|wrap|encode|include|pick|split|merge|lower|raise|try|resample|name|list|"
    r"resize|crop|balance|divide|relabel|fit|make|replace|leave|move|scale|clip|increase|"
    r"reduce|keep|must be|must lie|one of)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.id for fault in FAULTS])
def test_bad_input_gets_a_clear_error_and_leaves_inputs_alone(fault):
    before = _snapshot((fault.args, fault.kwargs))
    with pytest.raises(fault.error) as info:
        fault.call(*fault.args, **fault.kwargs)
    message = str(info.value)
    assert isinstance(info.value, ValueError | TypeError | MemoryError), type(info.value)
    assert re.search(fault.problem, message), (fault.problem, message)
    assert re.search(fault.fix, message), (fault.fix, message)
    assert _FIX_WORDS.search(message), f"the message says no fix: {message}"
    assert _same(before, (fault.args, fault.kwargs)), "the call changed its inputs"


# --------------------------------------------------------------------------- awkward, valid


def _audit_answers() -> list[tuple[str, Callable[[], Any], Callable[[Any], bool], tuple]]:
    """Input the audit's checks must answer, not refuse: (id, call, what must hold, inputs)."""
    split = np.where(np.arange(40) % 4, "train", "test")
    categorical = pd.DataFrame({"city": FRAME["city"], "plan": RNG.choice(["a", "b"], 40),
                                "label": Y_BIN})
    holes = FRAME.assign(income=FRAME["income"].where(np.arange(40) % 5 > 0),
                         age=np.where(np.arange(40) % 7, FRAME["age"], np.inf),
                         label=Y_BIN, split=split)
    lonely = FRAME.assign(label=np.r_[np.zeros(37, int), [1, 1, 1]],
                          split=["train"] * 37 + ["test", "test", "train"])
    sparse_splits = {"train": (sparse.csr_matrix(X_NUM[:30]), Y_BIN[::-1][:30]),
                     "test": (sparse.csr_matrix(X_NUM[30:]), Y_BIN[::-1][30:])}
    return [
        ("all-categorical", lambda: tabaug.audit(categorical, target="label", difficulty=True),
         lambda r: r.overlap["fisher_ratio"] is None and set(r.difficulty) == {1}, (categorical,)),
        ("nan-and-inf-features", lambda: tabaug.audit(holes, target="label", split="split",
                                                      difficulty=True),
         lambda r: r.difficulty is not None and r.leakage["near"] is not None, (holes,)),
        ("one-training-row", lambda: tabaug.audit(lonely, target="label", split="split",
                                                  difficulty=True),
         lambda r: r.leakage["near"] is None and r.difficulty[1]["n_rows"] == 1, (lonely,)),
        ("sparse-splits", lambda: tabaug.audit(sparse_splits, difficulty=True),
         lambda r: r.checked == {"difficulty": True, "leakage": True}, (sparse_splits,)),
    ]


AUDIT_ANSWERS = _audit_answers()


@pytest.mark.parametrize("case", AUDIT_ANSWERS, ids=[case[0] for case in AUDIT_ANSWERS])
def test_awkward_but_valid_input_gets_an_answer_and_inputs_stay_alone(case):
    _, call, holds, inputs = case
    before = _snapshot(inputs)
    assert holds(call())
    assert _same(before, inputs), "the call changed its inputs"


# --------------------------------------------------------------------------- images


def _image_faults() -> list[Fault]:
    from tabaug import image as I
    from tabaug.image import Compose, HorizontalFlip, ImageOverSampler

    images = RNG.integers(0, 256, size=(12, 8, 8, 3), dtype=np.uint8)
    labels = np.r_[np.zeros(9, int), np.ones(3, int)]

    def fit(X, y, masks=None, **params):
        return ImageOverSampler(Compose([HorizontalFlip()]), **params).fit_resample(
            X, y, masks=masks)

    return [
        Fault("image-dtype", fit, (images.astype(np.float64), labels), error=TypeError,
              problem="float64", fix="astype"),
        Fault("image-float-range", fit, (images.astype(np.float32), labels),
              problem="0..1", fix="Divide"),
        Fault("image-2d", fit, (images[:, :, :, 0].reshape(12, 64), labels),
              problem="batch of images", fix="tabular"),
        Fault("image-length", fit, (images, labels[:-1]), problem="12", fix="match"),
        Fault("image-one-class", fit, (images, np.zeros(12, int)), error=InvalidTargetError,
              problem="only one class", fix="Check"),
        Fault("image-mask-shape", fit, (images, labels, np.zeros((12, 8, 7), np.uint8)),
              problem="masks", fix="shape"),
        Fault("image-mask-float", fit, (images, labels, np.zeros((12, 8, 8), np.float32)),
              error=TypeError, problem="integer labels", fix="astype"),
        Fault("image-memory", fit, (images, labels), {"sampling_strategy": {1: 10**10}},
              error=MemoryLimitError, problem="would need about", fix="iter_resample"),
        Fault("image-strategy", fit, (images, labels), {"sampling_strategy": {1: 2.5}},
              error=InvalidParameterError, problem="not a number of rows", fix="whole"),
        Fault("image-nan-rotation", lambda: Compose([tabaug.image.Rotate(
            limit=float("nan"), p=1.0)])(image=images[0]), error=InvalidParameterError,
              problem="limit", fix=""),
        *(Fault(f"image-{name}", lambda make=make: Compose([make()])(image=images[0]),
                error=InvalidParameterError, problem=problem, fix=fix)
          for name, make, problem, fix in [
              ("randaugment-magnitude", lambda: I.RandAugment(magnitude=40), "magnitude",
               "must lie"),
              ("trivialaugment-bins", lambda: I.TrivialAugment(num_magnitude_bins=1),
               "num_magnitude_bins", "must lie"),
              ("someof-n", lambda: I.SomeOf([I.HorizontalFlip()], n=3), "n must", "must lie"),
              ("oneof-empty", lambda: I.OneOf([]), "nothing to pick", "give at least one"),
              ("posterize-bits", lambda: I.Posterize(bits=9, p=1.0), "bits", "must be"),
          ]),
        Fault("image-dict-missing-class", lambda: ImageOverSampler(
            {0: HorizontalFlip()}).fit_resample(images, labels), error=InvalidParameterError,
            problem="no entry for class 1", fix="add"),
        *([Fault(f"image-{cls.__name__}-too-large", lambda cls=cls: cls(
            epochs=1, verbose=False).fit_resample(np.zeros((12, 128, 128), np.uint8), labels),
            problem="up to 64x64", fix="Resize") for cls in (I.ImageGANOverSampler,
                                                              I.ImageVAEOverSampler)]
          + [Fault("image-cnn-one-class", lambda: I.CNNClassifier(epochs=1).fit(
              images, np.zeros(12, int)), error=InvalidTargetError, problem="only one class",
              fix="Check")] if HAS_TORCH else []),
    ]


def _image_adversarial_faults() -> list[Fault]:
    if not HAS_TORCH:
        return []
    import torch

    from tabaug.image import AdversarialNoise, CNNClassifier, Compose, ImageAdversarialOverSampler

    images = RNG.integers(0, 256, size=(12, 8, 8), dtype=np.uint8)
    labels = np.r_[np.zeros(8, int), np.ones(4, int)]
    masks = (images > 127).astype(np.uint8)
    flat = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 2))

    def fit(X=images, y=labels, masks=None, **params):
        sampler = ImageAdversarialOverSampler(**{"model": flat, "verbose": False, **params})
        return sampler.fit_resample(X, y, masks=masks)

    def other_classes():
        model = CNNClassifier(width=2, epochs=1, random_state=0).fit(images, labels + 5)
        return fit(model=model)

    def noise(model, image=images[0], **params):
        return Compose([AdversarialNoise(model, p=1.0, **params)])(image=image)

    return [
        Fault("image-adversarial-m2m-masks", fit, (images, labels, masks), {"mode": "m2m"},
              error=InvalidParameterError, problem="cannot give new images a mask",
              fix="Use mode='boundary'"),
        Fault("image-adversarial-model-output", fit, (),
              {"model": torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 3))},
              problem=r"returned \(2, 3\)", fix="Fix its output layer"),
        Fault("image-adversarial-model-classes", other_classes, problem="knows classes",
              fix="Pass a model fitted"),
        Fault("image-adversarial-dtype", fit, (images.astype(np.float64), labels),
              error=TypeError, problem="float64", fix="astype"),
        Fault("image-adversarial-memory", fit, (), {"sampling_strategy": {1: 10**10}},
              error=MemoryLimitError, problem="would need about", fix="fewer new images"),
        Fault("image-adversarial-epsilon", fit, (), {"epsilon": 2.0},
              error=SKLEARN_PARAMETER_ERROR, problem="epsilon", fix="range"),
        Fault("adversarial-noise-epsilon", noise, (flat,), {"epsilon": 2.0},
              error=InvalidParameterError, problem="epsilon", fix="must lie"),
        Fault("adversarial-noise-unfitted", noise, (CNNClassifier(),),
              error=InvalidParameterError, problem="not fitted", fix="call model.fit"),
        Fault("adversarial-noise-model", noise, ("cnn",), error=InvalidParameterError,
              problem="model must be", fix="fitted tabaug.image.CNNClassifier"),
    ]


IMAGE_FAULTS = [*_image_faults(), *_image_adversarial_faults()]


@pytest.mark.parametrize("fault", IMAGE_FAULTS, ids=[fault.id for fault in IMAGE_FAULTS])
def test_image_entry_points_fail_clearly(fault):
    test_bad_input_gets_a_clear_error_and_leaves_inputs_alone(fault)


# --------------------------------------------------------------------------- command line


@pytest.fixture
def files(tmp_path):
    frame = pd.DataFrame({"x": RNG.normal(size=60), "c": RNG.choice(["u", "v"], 60),
                          "label": np.where(np.arange(60) % 6 == 0, "rare", "common"),
                          "pred": "common", "score": RNG.random(60)})
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    one = tmp_path / "one.csv"
    frame.assign(label="common").to_csv(one, index=False)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("x,label\n1,a\n2,b,3\n")
    old = tmp_path / "old.txt"
    old.write_text("OLD")
    return {"data": str(data), "one": str(one), "ragged": str(ragged), "old": str(old),
            "missing": str(tmp_path / "missing.csv"), "dir": tmp_path}


# (id, argv, exit status, problem, fix)
CLI_FAULTS = [
    ("audit-missing-file", ["audit", "{missing}", "--target", "label"], 1, "no such file",
     "check the path"),
    ("audit-missing-column", ["audit", "{data}", "--target", "nope", "--output", "{old}"], 1,
     "no column 'nope'", "its columns are"),
    ("audit-one-class", ["audit", "{one}", "--target", "label", "--output", "{old}"], 1,
     "single class", "right column"),
    ("audit-ragged", ["audit", "{ragged}", "--target", "label"], 1, "ragged.csv", ""),
    ("audit-threshold", ["audit", "{data}", "--target", "label", "--minority-threshold", "3",
                         "--output", "{old}"], 2, "minority-threshold", ""),
    ("evaluate-missing-column", ["evaluate", "{data}", "--true", "label", "--pred", "nope",
                                 "--output", "{old}"], 1, "no column 'nope'",
     "its columns are"),
    ("evaluate-one-class", ["evaluate", "{one}", "--true", "label", "--pred", "pred",
                            "--output", "{old}"], 1, "only one class", "Check the target"),
    ("evaluate-text-score", ["evaluate", "{data}", "--true", "label", "--pred", "pred",
                             "--score", "c", "--output", "{old}"], 1, "score", ""),
    ("resample-one-class", ["resample", "{one}", "--target", "label", "--method", "smote",
                            "--output", "{old}"], 1, "only one class", "Check the target"),
    ("resample-unknown-class", ["resample", "{data}", "--target", "label", "--method",
                                "random-over", "--sampling-strategy", "nope=3", "--output",
                                "{old}"], 1, "not in the target", "the classes are"),
    ("resample-ratio", ["resample", "{data}", "--target", "label", "--method", "random-over",
                        "--sampling-strategy", "1.5", "--output", "{old}"], 2,
     "--sampling-strategy", ""),
    ("resample-name", ["resample", "{data}", "--target", "label", "--method", "random-over",
                       "--sampling-strategy", "balanced", "--output", "{old}"], 2,
     "--sampling-strategy", ""),
    ("resample-method", ["resample", "{data}", "--target", "label", "--method", "magic",
                         "--output", "{old}"], 2, "--method", "choose from"),
    ("resample-memory", ["resample", "{data}", "--target", "label", "--method", "random-over",
                         "--sampling-strategy", "rare=10000000000", "--output", "{old}"], 1,
     "would need about", "set_config"),
    ("compare-strategy", ["compare", "{data}", "--target", "label", "--strategies", "magic",
                          "--output", "{old}"], 2, "magic", ""),
    ("compare-folds", ["compare", "{data}", "--target", "label", "--folds", "1",
                       "--output", "{old}"], 2, "--folds", ""),
    ("compare-repeats", ["compare", "{data}", "--target", "label", "--repeats", "0",
                         "--output", "{old}"], 2, "--repeats", ""),
    ("compare-estimator", ["compare", "{data}", "--target", "label", "--estimator", "svm"], 2,
     "--estimator", "choose from"),
    ("compare-missing-column", ["compare", "{data}", "--target", "nope"], 1,
     "no column 'nope'", "its columns are"),
]


def _leftovers(folder: Any) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if ".partial" in path.name)


@pytest.mark.parametrize(("argv", "status", "problem", "fix"),
                         [case[1:] for case in CLI_FAULTS], ids=[case[0] for case in CLI_FAULTS])
def test_command_line_faults(argv, status, problem, fix, files, capsys):
    from tabaug.cli import main

    argv = [arg.format(**files) for arg in argv]
    if status == 2:
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2
    else:
        assert main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    message = err.strip().splitlines()[-1]
    assert "error:" in message and re.search(re.escape(problem), message), message
    assert re.search(re.escape(fix), message), message
    assert open(files["old"]).read() == "OLD", "a failed command touched the old output"
    assert _leftovers(files["dir"]) == []


def test_a_write_that_fails_midway_leaves_the_old_file(files, monkeypatch, capsys):
    import tabaug.cli

    def broken(frame, path):
        with open(path, "w") as handle:
            handle.write("x,label\n1,")
        raise OSError("disk full")

    monkeypatch.setattr(tabaug.cli, "write_table", broken)
    argv = ["resample", files["data"], "--target", "label", "--method", "random-over",
            "--output", files["old"]]
    assert tabaug.cli.main(argv) == 1
    assert "disk full" in capsys.readouterr().err
    assert open(files["old"]).read() == "OLD"
    assert _leftovers(files["dir"]) == []


def test_a_report_write_that_fails_leaves_the_old_file(files, monkeypatch, capsys):
    import tabaug.utils._atomic as atomic

    def broken(source, target):
        raise OSError("rename refused")

    monkeypatch.setattr(atomic.os, "replace", broken)
    argv = ["audit", files["data"], "--target", "label", "--output", files["old"]]
    assert tabaug.cli.main(argv) == 1
    assert "rename refused" in capsys.readouterr().err
    assert open(files["old"]).read() == "OLD"
    assert _leftovers(files["dir"]) == []


@pytest.mark.parametrize(("argv", "status"), [
    (["audit", "{missing}", "--target", "label"], 1),
    (["resample", "{data}", "--target", "label", "--method", "magic", "--output", "{old}"], 2),
])
def test_command_line_faults_in_a_subprocess(argv, status, files):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "tabaug", *(a.format(**files) for a in argv)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == status
    assert "Traceback" not in result.stderr and "error:" in result.stderr
