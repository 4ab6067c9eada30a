"""The resamplers on Dask: exact counts, dtypes, seeds, flat memory, one partition per task.

Most tests run on small collections with Dask's local scheduler. The cluster
tests start a ``LocalCluster`` of 2 workers x 1 thread with 1 GiB each and run
the random under- and oversampler and SMOTE on about 210 MB of Parquet in 20
files: peak worker memory is measured with distributed's ``MemorySampler`` and
the output graph is inspected. Skipped without ``tabaug[dask]``.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest
from _helpers import mixed_frame

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from dask.core import get_dependencies  # noqa: E402
from distributed.diagnostics import MemorySampler  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402

import tabaug  # noqa: E402
from tabaug import (  # noqa: E402
    SMOTE,
    GaussianNoiseOverSampler,
    RandomOverSampler,
    RandomUnderSampler,
)
from tabaug._dask import (  # noqa: E402
    dask_client,
    read_parquet,
    show_progress,
    split_target,
    write_parquet,
    write_resampled,
)
from tabaug.exceptions import (  # noqa: E402
    ExtremeOversamplingWarning,
    InsufficientSamplesError,
    InvalidInputError,
    InvalidParameterError,
    InvalidTargetError,
    InvalidTypeError,
    MemoryLimitError,
)
from tabaug.utils import (  # noqa: E402
    TableCodec,
    class_targets,
    mixed_features,
    value_difference_embedding,
)

SAMPLERS = {
    "under": lambda: RandomUnderSampler(random_state=0),
    "over": lambda: RandomOverSampler(random_state=0),
    "smote": lambda: SMOTE(random_state=0),
    "noise": lambda: GaussianNoiseOverSampler(random_state=0),
}
# Gaussian noise reads and writes like random oversampling: tested on small data only.
CLUSTER_SAMPLERS = ["under", "over", "smote"]
N_FILES, ROWS_PER_FILE = 20, 130_000


@pytest.fixture(autouse=True)
def _local_scheduler():
    """Small tests run on the threaded scheduler even while the cluster client lives."""
    with dask.config.set(scheduler="threads"):
        yield


def _split(frame: pd.DataFrame, target: str, npartitions: int = 4):
    ddf = dd.from_pandas(frame, npartitions=npartitions)
    return ddf.drop(columns=target), ddf[target]


def _small(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X, _ = mixed_frame(n - n // 20, n // 20, seed=seed)
    return X.assign(label=np.where(rng.random(n) < 0.05, "fraud", "ok"))


# --------------------------------------------------------------------------- small data


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_exact_counts_dtypes_and_layout(name):
    frame = _small()
    X, y = _split(frame, "label", npartitions=5)
    sampler = SAMPLERS[name]()
    X_res, y_res = sampler.fit_resample(X, y)
    assert isinstance(X_res, dd.DataFrame) and isinstance(y_res, dd.Series)
    got_X, got_y = dask.compute(X_res, y_res)
    counts = y.value_counts().compute().to_dict()
    targets = class_targets("auto", counts, sampler._sampling_type)
    assert sampler.sampling_strategy_ == targets
    expected = {c: (targets.get(c, n) if name == "under" else n + targets.get(c, 0))
                for c, n in counts.items()}
    assert got_y.value_counts().to_dict() == expected
    assert list(got_X.columns) == list(X.columns)
    assert got_X.dtypes.to_dict() == X.dtypes.to_dict()
    assert got_y.dtype == y.dtype and got_y.name == "label"
    assert got_X.index.dtype == np.int64
    assert got_X.index.tolist() == list(range(len(got_X)))
    assert X_res.known_divisions and len(got_y) == len(got_X)
    assert sampler.n_features_in_ == X.shape[1]


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_same_contract_as_the_pandas_path_on_data_that_fits(name):
    """Same targets, counts, dtypes and fitted attributes; the draws differ (other streams)."""
    X, y = _split(_small(), "label", npartitions=4)
    pandas_X, pandas_y = X.compute(), y.compute()
    in_memory, on_dask = SAMPLERS[name](), SAMPLERS[name]()
    expected_X, expected_y = in_memory.fit_resample(pandas_X, pandas_y)
    got_X, got_y = dask.compute(*on_dask.fit_resample(X, y))
    assert on_dask.sampling_strategy_ == in_memory.sampling_strategy_
    assert got_y.value_counts().to_dict() == expected_y.value_counts().to_dict()
    assert got_X.dtypes.to_dict() == expected_X.dtypes.to_dict()
    assert got_y.dtype == expected_y.dtype and got_y.name == expected_y.name
    assert list(on_dask.feature_names_in_) == list(in_memory.feature_names_in_)
    if hasattr(in_memory, "categorical_features_"):
        assert on_dask.categorical_features_.tolist() == in_memory.categorical_features_.tolist()
    untouched = [c for c in pandas_y.unique() if c not in in_memory.sampling_strategy_]
    kept = pandas_X[pandas_y.isin(untouched)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got_X[got_y.isin(untouched).to_numpy()].reset_index(drop=True),
                                  kept)


@pytest.mark.parametrize("name", ["over", "smote", "noise"])
def test_oversamplers_keep_each_partition_first_and_in_order(name):
    frame = _small()
    X, y = _split(frame, "label", npartitions=3)
    X_res, _ = SAMPLERS[name]().fit_resample(X, y)
    for part, out in zip(X.to_delayed(), X_res.to_delayed(), strict=False):
        part, out = dask.compute(part, out)
        pd.testing.assert_frame_equal(out.iloc[: len(part)].reset_index(drop=True),
                                      part.reset_index(drop=True))


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_same_seed_same_rows_other_seed_other_rows(name):
    X, y = _split(_small(), "label", npartitions=4)
    first = dask.compute(*SAMPLERS[name]().fit_resample(X, y))
    again = dask.compute(*SAMPLERS[name]().fit_resample(X, y))
    pd.testing.assert_frame_equal(first[0], again[0])
    pd.testing.assert_series_equal(first[1], again[1])
    other = SAMPLERS[name]().set_params(random_state=1).fit_resample(X, y)
    assert not first[0].equals(other[0].compute())


@pytest.mark.parametrize("name", ["under", "over"])
def test_sample_indices_are_lazy_global_positions_of_the_source_rows(name):
    frame = _small()
    X, y = _split(frame, "label", npartitions=4)
    sampler = SAMPLERS[name]()
    X_res, y_res = sampler.fit_resample(X, y)
    assert isinstance(sampler.sample_indices_, dd.Series)
    positions, got_X, got_y = dask.compute(sampler.sample_indices_, X_res, y_res)
    assert positions.dtype == np.int64
    source = frame.drop(columns="label").iloc[positions.to_numpy()]
    pd.testing.assert_frame_equal(got_X.reset_index(drop=True), source.reset_index(drop=True),
                                  check_dtype=False)
    assert (got_y.to_numpy() == frame["label"].to_numpy()[positions.to_numpy()]).all()
    if name == "under":  # kept rows stay in their original order
        assert (np.diff(positions.to_numpy()) >= 0).all()


def test_undersampling_keeps_a_uniform_subset_across_partitions():
    frame = pd.DataFrame({"x": np.arange(4000.0), "label": [0] * 3600 + [1] * 400})
    X, y = _split(frame, "label", npartitions=8)
    picked = np.zeros(3600)
    for seed in range(10):
        sampler = RandomUnderSampler(random_state=seed)
        sampler.fit_resample(X, y)
        positions = sampler.sample_indices_.compute().to_numpy()
        assert (positions[positions >= 3600] == np.arange(3600, 4000)).all()
        picked[positions[positions < 3600]] += 1
    per_partition = picked.reshape(8, -1)[:, :450].sum(axis=1)
    # 10 draws of 400 rows out of 3600: each partition's share is 1/8 +- 0.005
    assert np.abs(per_partition / per_partition.sum() - 1 / 8).max() < 0.03


def test_dict_float_and_named_strategies_give_exact_targets():
    X, y = _split(_small(), "label")
    cases = [(RandomOverSampler, {"fraud": 1000}), (RandomOverSampler, 0.5),
             (RandomUnderSampler, {"ok": 500}), (RandomUnderSampler, "majority"),
             (SMOTE, "minority")]
    counts = y.value_counts().compute().to_dict()
    for cls, strategy in cases:
        sampler = cls(sampling_strategy=strategy, random_state=0)
        _, y_res = sampler.fit_resample(X, y)
        targets = class_targets(strategy, counts, sampler._sampling_type)
        got = y_res.value_counts().compute().to_dict()
        for label, n in targets.items():
            assert got[label] == (n if cls is RandomUnderSampler else counts[label] + n)


def test_unknown_categories_are_made_known_in_the_counting_pass(tmp_path):
    rng = np.random.default_rng(0)
    for i, cities in enumerate([["oslo", "rome"], ["lyon"], ["rome", "nice"]]):
        n = 60
        pd.DataFrame({
            "x": rng.normal(size=n),
            "city": pd.Categorical(rng.choice(cities, n), categories=cities),
            "label": pd.Categorical(np.where(np.arange(n) < 8, "b", "a")),
        }).to_parquet(tmp_path / f"part-{i}.parquet", index=False)
    ddf = dd.read_parquet(tmp_path)
    assert not ddf["city"].cat.known
    for sampler in (SMOTE(k_neighbors=3, random_state=0), RandomUnderSampler(random_state=0)):
        X_res, y_res = sampler.fit_resample(ddf.drop(columns="label"), ddf["label"])
        assert X_res["city"].cat.known and y_res.cat.known
        got_X, got_y = dask.compute(X_res, y_res)
        whole = ddf.compute()
        assert got_X["city"].dtype == whole["city"].dtype
        assert got_y.dtype == whole["label"].dtype
        assert set(got_y) == {"a", "b"}


def test_smote_rows_lie_between_a_row_and_one_of_its_nearest_neighbours():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(600, 3)), columns=list("abc"))
    frame["label"] = [0] * 540 + [1] * 60
    X, y = _split(frame, "label", npartitions=4)
    X_res, y_res = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    got = X_res.compute().to_numpy()[len(frame):]
    minority = frame.loc[frame["label"] == 1, list("abc")].to_numpy()
    neighbours = NearestNeighbors(n_neighbors=4).fit(minority).kneighbors(minority)[1][:, 1:]
    for row in got[:: 20]:
        found = False
        for i, js in enumerate(neighbours):
            d = minority[js] - minority[i]
            t = (row - minority[i]) @ d.T / (d * d).sum(axis=1)
            close = np.abs(minority[i] + t[:, None] * d - row).max(axis=1) < 1e-9
            found |= bool((close & (t >= -1e-12) & (t <= 1 + 1e-12)).any())
        assert found


@pytest.mark.parametrize("kind", ["mixed", "categorical"])
def test_smote_finds_the_neighbours_the_in_memory_smote_finds(kind):
    """With k=1 each new row takes its categories from its base row's one neighbour."""
    rng = np.random.default_rng(2)
    n = 400
    frame = pd.DataFrame({
        "colour": pd.Categorical(rng.choice(["red", "blue", "green"], n)),
        "size": rng.choice(["s", "m", "l", "xl"], n),
        "label": np.where(np.arange(n) % 8 == 0, 1, 0),
    })
    if kind == "mixed":
        frame.insert(0, "x", rng.normal(size=n))
    X, y = _split(frame, "label", npartitions=4)
    X_res, _ = SMOTE(k_neighbors=1, random_state=0).fit_resample(X, y)
    new, whole = X_res.compute(), X.compute()
    codec = TableCodec.from_data(whole, owner="test")
    members = np.flatnonzero(frame["label"].to_numpy() == 1)
    if kind == "mixed":
        features = mixed_features(codec.numeric[members], codec.codes[members])
    else:
        features = value_difference_embedding(codec.codes, frame["label"].to_numpy())[members]
    partner = NearestNeighbors(n_neighbors=2).fit(features).kneighbors(features)[1][:, 1]
    allowed = {tuple(whole.iloc[members[p]][["colour", "size"]]) for p in partner}
    starts = np.cumsum([0, *X.map_partitions(len).compute()])
    out_starts = np.cumsum([0, *X_res.map_partitions(len).compute()])
    made = pd.concat([new.iloc[out_starts[i] + starts[i + 1] - starts[i]: out_starts[i + 1]]
                      for i in range(len(starts) - 1) if out_starts[i + 1] > out_starts[i]])
    assert len(made) == 350 - 50
    assert {tuple(row) for row in made[["colour", "size"]].to_numpy()} <= allowed


def test_smote_gathers_rare_rows_in_the_counting_pass_with_the_same_result(monkeypatch):
    """Partitions where the minority is rare send it back while counting; the rest are
    read again; the rows gathered, and so the output, are the same either way."""
    from tabaug._dask import _resample, _smote

    reads = []
    select = _smote._select
    monkeypatch.setattr(_smote, "_select", lambda part, *args: reads.append(len(part))
                        or select(part, *args))
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(rng.normal(size=(8000, 2)), columns=["a", "b"])
    frame["label"] = np.where(np.arange(8000) % 250 == 0, 1, 0)  # 0.4% everywhere ...
    frame.loc[6000:6200, "label"] = 1  # ... and 5% in the last partitions
    X, y = _split(frame, "label", npartitions=4)
    together = dask.compute(*SMOTE(random_state=0).fit_resample(X, y))
    assert len(reads) == 1  # only the last partition is read again
    monkeypatch.setattr(_resample, "_RARE_SHARE", 0.0)
    apart = dask.compute(*SMOTE(random_state=0).fit_resample(X, y))
    assert len(reads) == 1 + 4
    pd.testing.assert_frame_equal(together[0], apart[0])
    pd.testing.assert_series_equal(together[1], apart[1])


def test_noise_keeps_values_in_range_and_integers_whole():
    X, y = _split(_small(), "label")
    X_res, _ = GaussianNoiseOverSampler(noise_scale=2.0, random_state=0).fit_resample(X, y)
    got, whole = X_res.compute(), X.compute()
    for column in ("income", "age", "small", "score32", "joined"):
        assert got[column].min() >= whole[column].min()
        assert got[column].max() <= whole[column].max()
    assert (got["age"] == got["age"].round()).all()
    assert set(got["city"].dropna()) <= set(whole["city"])


def test_an_extreme_oversampling_warns_at_the_callers_line():
    frame = pd.DataFrame({"x": np.arange(300.0), "label": [0] * 290 + [1] * 10})
    X, y = _split(frame, "label")
    with pytest.warns(ExtremeOversamplingWarning) as caught:
        RandomOverSampler(random_state=0).fit_resample(X, y)
    assert caught[0].filename == __file__


def test_fit_sets_the_strategy_without_resampling():
    X, y = _split(_small(), "label")
    sampler = RandomUnderSampler(random_state=0).fit(X, y)
    assert sampler.sampling_strategy_ == {"ok": int((y == "fraud").sum().compute())}


@pytest.mark.parametrize("kind", ["continuous", "rounded", "discrete", "separated"])
def test_curve_areas_from_histograms_are_within_their_bound(kind):
    from sklearn.metrics import average_precision_score, roc_auc_score

    from tabaug._dask._curves import ScoreHistogram

    rng = np.random.default_rng(3)
    n = 100_000
    positive = rng.random(n) < 0.01
    scores = 1 / (1 + np.exp(-(rng.normal(size=n) + 2 * positive - 4)))
    if kind == "rounded":
        scores = np.round(scores, 3)
    elif kind == "discrete":
        scores = rng.integers(0, 5, n).astype(float)
    elif kind == "separated":
        scores = positive + rng.normal(scale=1e-3, size=n)
    parts = [ScoreHistogram.from_scores(scores[i::7], positive[i::7]) for i in range(7)]
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    for (value, bound), exact in [
        (merged.roc_auc(), roc_auc_score(positive, scores)),
        (merged.average_precision(), average_precision_score(positive, scores)),
        (merged.swapped().average_precision(), average_precision_score(~positive, -scores)),
    ]:
        assert abs(value - exact) <= bound + 1e-12
        assert bound < 1e-3
        if kind in ("rounded", "discrete"):  # one distinct score per bin: exact
            assert bound == 0


def test_a_callable_strategy_receives_the_dask_series():
    X, y = _split(_small(), "label")
    seen = []

    def strategy(labels):
        seen.append(type(labels))
        return {"fraud": (labels == "ok").sum()}  # a lazy count is computed

    _, y_res = RandomOverSampler(sampling_strategy=strategy, random_state=0).fit_resample(X, y)
    assert seen == [type(y)]
    counts = y_res.value_counts().compute()
    assert counts["fraud"] == counts["ok"]


@pytest.mark.parametrize("dtype", ["category", "bool", "string", "Int64"])
def test_label_dtypes_and_empty_partitions_come_through(dtype):
    frame = pd.DataFrame({"x": np.arange(400.0), "label": np.arange(400) % 10 == 0})
    frame["label"] = frame["label"].astype(int).astype(dtype)
    ddf = dd.from_pandas(frame, npartitions=8)
    ddf = ddf[(ddf["x"] < 100) | (ddf["x"] >= 200)]  # partitions 2 and 3 are now empty
    for sampler in (RandomUnderSampler(random_state=0), SMOTE(random_state=0)):
        X_res, y_res = sampler.fit_resample(ddf.drop(columns="label"), ddf["label"])
        got = y_res.compute()
        assert got.dtype == ddf["label"].dtype
        assert got.value_counts().nunique() == 1 and len(got) == len(X_res.compute())


# --------------------------------------------------------------------------- bad input


def test_partitions_of_x_and_y_that_cannot_be_aligned_are_refused():
    frame = _small(400)
    X = dd.from_pandas(frame.drop(columns="label"), npartitions=4).clear_divisions()
    y = dd.from_pandas(frame["label"], npartitions=3).clear_divisions()
    with pytest.raises(InvalidInputError, match="partitions.*ddf.drop"):
        RandomOverSampler().fit_resample(X, y)
    short = dd.from_pandas(frame["label"].iloc[:-7], npartitions=4).clear_divisions()
    with pytest.raises(InvalidInputError, match="not aligned.*ddf.drop"):
        RandomOverSampler().fit_resample(X, short)


@pytest.mark.parametrize(
    ("y", "error", "message"),
    [
        (lambda y: y.compute().to_numpy(), InvalidTypeError, "dask Series"),
        (lambda y: None, InvalidTargetError, "y is None"),
        (lambda y: y.where(y != "fraud"), InvalidTargetError, "missing values"),
        (lambda y: y.where(y == "ok", "ok"), InvalidTargetError, "only one class"),
    ],
)
def test_bad_targets_are_refused_clearly(y, error, message):
    X, y_good = _split(_small(400), "label")
    with pytest.raises(error, match=message):
        RandomUnderSampler().fit_resample(X, y(y_good))


def test_a_class_absent_from_the_data_is_refused():
    X, y = _split(_small(400), "label")
    with pytest.raises(InvalidParameterError, match="not in y"):
        SMOTE(sampling_strategy={"theft": 100}).fit_resample(X, y)


def test_smote_refuses_missing_values_and_too_small_classes():
    frame = _small(400)
    frame.loc[5, "income"] = np.nan
    X, y = _split(frame, "label")
    with pytest.raises(InvalidInputError, match="missing.*Impute"):
        SMOTE().fit_resample(X, y)
    frame = pd.DataFrame({"x": np.arange(50.0), "label": [0] * 47 + [1] * 3})
    with pytest.raises(InsufficientSamplesError, match="k_neighbors=2 or less"):
        SMOTE().fit_resample(*_split(frame, "label"))


def test_the_memory_guard_checks_one_workers_share():
    X, y = _split(_small(), "label")
    with tabaug.config_context(max_memory="50KB"), pytest.raises(MemoryLimitError,
                                                                  match="one worker"):
        SMOTE().fit_resample(X, y)
    frame = _small(20_000)
    X, y = _split(frame, "label", npartitions=20)
    whole = frame.memory_usage(deep=True).sum()
    # the whole output would not fit in the limit, one partition's share does
    with tabaug.config_context(max_memory=int(whole)):
        RandomOverSampler(random_state=0).fit_resample(X, y)


def test_samplers_and_containers_without_a_dask_path_say_so():
    X, y = _split(_small(400), "label")
    with pytest.raises(InvalidTypeError, match="RandomOverSampler, SMOTE"):
        tabaug.CTGANOverSampler().fit_resample(X, y)
    import dask.array as da

    with pytest.raises(InvalidTypeError, match="from_dask_array"):
        RandomOverSampler().fit_resample(da.zeros((10, 2)), y)
    with pytest.raises(InvalidTypeError, match="got a pandas DataFrame.*y.compute"):
        RandomOverSampler().fit_resample(X.compute(), y)


def test_a_scheduler_that_does_not_answer_is_an_error_not_a_hang():
    start = time.perf_counter()
    with pytest.raises(InvalidInputError, match="no Dask scheduler answered.*--scheduler local"):
        with dask_client("tcp://127.0.0.1:9", timeout=1):
            pass
    assert time.perf_counter() - start < 15


# --------------------------------------------------------------------------- on a cluster


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory):
    """About 210 MB of Parquet in 20 files: 8 floats, an int, a category, 0.2% minority."""
    folder = tmp_path_factory.mktemp("table")
    for i in range(N_FILES):
        rng = np.random.default_rng(i)
        part = pd.DataFrame({f"x{j}": rng.normal(size=ROWS_PER_FILE) for j in range(8)})
        part["count"] = rng.integers(0, 1000, ROWS_PER_FILE)
        part["city"] = pd.Categorical(rng.choice(["lyon", "oslo", "rome", "nice"],
                                                 ROWS_PER_FILE))
        part["label"] = (rng.random(ROWS_PER_FILE) < 0.002).astype(np.int64)
        part.to_parquet(folder / f"part-{i:03d}.parquet", index=False)
    return folder


@pytest.fixture(scope="module")
def cluster_runs(parquet_dir):
    """Each resampler on the cluster: counts, peak worker memory, the lazy output."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, memory_limit="1GiB",
                                       processes=True, dashboard_address=None)
    client = distributed.Client(cluster, set_as_default=False)
    runs = {}
    try:
        with client.as_current(), dask.config.set(scheduler=client):
            ddf = dd.read_parquet(parquet_dir)
            X, y = ddf.drop(columns="label"), ddf["label"]
            # imports, Arrow's memory pool and first reads happen before the measured runs
            client.run(lambda: __import__("tabaug._dask._smote"))
            dask.compute(*ddf.to_delayed()[:4])
            sampler = MemorySampler()
            largest = pd.read_parquet(parquet_dir / "part-000.parquet").memory_usage().sum()
            for name in CLUSTER_SAMPLERS:
                resampler = SAMPLERS[name]()
                with sampler.sample(name, measure="process", interval=0.05):
                    X_res, y_res = resampler.fit_resample(X, y)
                    counts = y_res.value_counts(split_out=1).compute().to_dict()
                runs[name] = (resampler, X_res, y_res, counts)
            with sampler.sample("audit", measure="process", interval=0.05):
                runs["audit"] = tabaug.audit(ddf, target="label")
            with sampler.sample("evaluate", measure="process", interval=0.05):
                report = tabaug.evaluate(y, (ddf["x0"] > 2).astype("int64"), y_score=ddf["x0"])
            runs["evaluate"] = report
            memory = sampler.to_pandas()
            original = y.value_counts(split_out=1).compute().to_dict()
            runs["memory"] = (memory, largest, original, X)
    finally:
        client.close()
        cluster.close()
    return runs


@pytest.mark.parametrize("name", CLUSTER_SAMPLERS)
def test_cluster_counts_are_exact(cluster_runs, name):
    sampler, X_res, y_res, counts = cluster_runs[name]
    original = cluster_runs["memory"][2]
    assert sum(original.values()) == N_FILES * ROWS_PER_FILE
    targets = class_targets("auto", original, sampler._sampling_type)
    expected = {c: (targets.get(c, n) if name == "under" else n + targets.get(c, 0))
                for c, n in original.items()}
    assert counts == expected
    X = cluster_runs["memory"][3]
    assert X_res.dtypes.to_dict() == {**X.dtypes.to_dict(), "city": X_res.dtypes["city"]}
    assert X_res["city"].cat.known and y_res.dtype == np.int64


def test_cluster_memory_stays_flat(cluster_runs):
    memory, partition_bytes, _, _ = cluster_runs["memory"]
    # the sampled memory is the sum over both workers; each holds a partition or two at a time
    growth = {name: (column.max() - column.dropna().iloc[0]) / 2
              for name, column in memory.items()}
    bound = 12 * partition_bytes
    # each worker's share of an oversampled output (twice the input) would be far more
    assert bound < N_FILES * partition_bytes
    assert max(growth.values()) < bound, growth


def test_cluster_audit_equals_the_in_memory_audit(cluster_runs, parquet_dir):
    frame = pd.read_parquet(parquet_dir, columns=["label"])
    expected = tabaug.audit(frame, target="label").to_dict()
    assert cluster_runs["audit"].to_dict() == expected


def test_cluster_evaluate_equals_the_in_memory_report(cluster_runs, parquet_dir):
    frame = pd.read_parquet(parquet_dir, columns=["label", "x0"])
    expected = tabaug.evaluate(frame["label"], (frame["x0"] > 2).astype("int64"),
                               y_score=frame["x0"])
    _same_report(cluster_runs["evaluate"], expected)


@pytest.mark.parametrize("name", CLUSTER_SAMPLERS)
def test_no_output_task_reads_more_than_one_input_partition(cluster_runs, name):
    _, X_res, y_res, _ = cluster_runs[name]
    graph = {**dict(X_res.__dask_graph__()), **dict(y_res.__dask_graph__())}
    reads = {key for key in graph if str(key[0] if isinstance(key, tuple) else key)
             .startswith("read_parquet")}
    assert len(reads) == N_FILES
    ancestors: dict = {}

    def reads_of(key):
        if key not in ancestors:
            found = {key} & reads
            for dependency in get_dependencies(graph, key):
                if dependency in graph:  # not a scattered object (SMOTE's gathered rows)
                    found |= reads_of(dependency)
            ancestors[key] = found
        return ancestors[key]

    assert max(len(reads_of(key)) for key in graph) == 1


# --------------------------------------------------------------------------- files


def test_parquet_directories_and_globs_are_read_lazily(tmp_path):
    for i in range(3):
        _small(300, seed=i).to_parquet(tmp_path / f"part-{i}.parquet", index=False)
    ddf = read_parquet(tmp_path)
    assert ddf.npartitions == 3 and len(read_parquet(tmp_path / "part-*.parquet")) == 900
    X, y = split_target(ddf, "label")
    assert "label" not in X.columns and y.name == "label"
    with pytest.raises(InvalidInputError, match="no column 'lable'.*income"):
        split_target(ddf, "lable")
    with pytest.raises(InvalidInputError, match="no such file"):
        read_parquet(tmp_path / "missing")
    with pytest.raises(InvalidInputError, match="no file matches"):
        read_parquet(tmp_path / "*.csv")
    (tmp_path / "notes.txt").write_text("not parquet")
    with pytest.raises(InvalidInputError, match="cannot be read as Parquet"):
        read_parquet(tmp_path / "notes.txt")


def test_resampled_output_is_written_atomically(tmp_path, capsys):
    frame = _small(2000)
    X, y = _split(frame, "label", npartitions=3)
    X_res, y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    target = tmp_path / "out"
    with show_progress():
        write_resampled(X_res, y_res, target, target="label")
    assert "[#" in capsys.readouterr().err
    written = pd.read_parquet(target)
    assert written["label"].value_counts().to_dict() == y_res.value_counts().compute().to_dict()
    before = sorted(p.name for p in target.iterdir())

    def fail(part):
        raise RuntimeError("disk full")

    broken = X_res.map_partitions(fail, meta=X_res._meta)
    with pytest.raises(RuntimeError, match="disk full"):
        write_parquet(broken, target)
    assert sorted(p.name for p in target.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    with pytest.raises(InvalidInputError, match="not a directory"):
        write_parquet(X_res, tmp_path / "out" / before[0])


# --------------------------------------------------------------------------- evaluate


def _predictions(n: int = 20_000, n_classes: int = 2, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = rng.choice(n_classes, size=n, p=[0.9, *[0.1 / (n_classes - 1)] * (n_classes - 1)])
    scores = rng.dirichlet(np.ones(n_classes), size=n) + np.eye(n_classes)[truth] * 0.4
    scores /= scores.sum(axis=1, keepdims=True)
    frame = pd.DataFrame(scores, columns=[f"p{k}" for k in range(n_classes)])
    frame["truth"] = np.array(["ok", "fraud", "theft"])[truth]
    frame["pred"] = np.array(["ok", "fraud", "theft"])[scores.argmax(axis=1)]
    return frame


def _same_report(on_dask, in_memory):
    got, expected = on_dask.to_dict(), in_memory.to_dict()
    for key in expected:
        if key not in ("pr_auc", "roc_auc", "notes"):
            assert got[key] == expected[key], key
    bound = float(on_dask.notes[-1].split("within ")[1].split(" of")[0])
    assert bound < 1e-3
    for key in ("pr_auc", "roc_auc"):
        assert abs(got[key] - expected[key]) <= bound + 1e-12
    assert got["notes"][:-1] == expected["notes"]


@pytest.mark.parametrize("n_classes", [2, 3])
def test_evaluate_equals_the_in_memory_report(n_classes):
    frame = _predictions(n_classes=n_classes)
    ddf = dd.from_pandas(frame, npartitions=7)
    # scores in labels order: fraud, ok (, theft)
    order = {"fraud": 1, "ok": 0, "theft": 2}
    ranked = [f"p{order[label]}" for label in sorted(frame["truth"].unique())]
    score = ranked[1] if n_classes == 2 else ranked
    on_dask = tabaug.evaluate(ddf["truth"], ddf["pred"], y_score=ddf[score])
    in_memory = tabaug.evaluate(frame["truth"], frame["pred"], y_score=frame[score])
    _same_report(on_dask, in_memory)
    without = tabaug.evaluate(ddf["truth"], ddf["pred"]).to_dict()
    assert without == tabaug.evaluate(frame["truth"], frame["pred"]).to_dict()


@pytest.mark.parametrize("kind", ["int64", "bool", "float64", "category"])
def test_evaluate_reads_every_label_type_as_in_memory(kind):
    rng = np.random.default_rng(5)
    truth = rng.random(5000) < 0.05
    score = rng.random(5000) * 0.6 + truth * 0.3
    frame = pd.DataFrame({"truth": truth, "pred": score > 0.5, "score": score})
    frame[["truth", "pred"]] = frame[["truth", "pred"]].astype(kind)
    ddf = dd.from_pandas(frame, npartitions=3)
    _same_report(tabaug.evaluate(ddf["truth"], ddf["pred"], y_score=ddf["score"]),
                 tabaug.evaluate(frame["truth"], frame["pred"], y_score=frame["score"]))


def test_evaluate_takes_labels_and_two_score_columns_as_in_memory():
    frame = _predictions()
    ddf = dd.from_pandas(frame, npartitions=5)
    labels = ["ok", "fraud", "theft"]
    got = tabaug.evaluate(ddf["truth"], ddf["pred"], labels=labels).to_dict()
    assert got == tabaug.evaluate(frame["truth"], frame["pred"], labels=labels).to_dict()
    _same_report(tabaug.evaluate(ddf["truth"], ddf["pred"], y_score=ddf[["p1", "p0"]]),
                 tabaug.evaluate(frame["truth"], frame["pred"], y_score=frame[["p1", "p0"]]))


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda d: (d["truth"], d["pred"].compute(), None), InvalidTypeError, "same partitions"),
        (lambda d: (d["truth"], d["pred"].repartition(npartitions=2), None), InvalidInputError,
         "partitions"),
        (lambda d: (d["truth"].where(d["p0"] > 0.05), d["pred"], None), InvalidTargetError,
         "missing"),
        (lambda d: (d["truth"].where(d["truth"] == "ok", "ok"), d["pred"], None),
         InvalidTargetError, "only one class"),
        (lambda d: (d["truth"], d["pred"], d["p1"].where(d["p1"] < 0.9)), InvalidInputError,
         "NaN or infinite"),
        (lambda d: (d["truth"], d["pred"], d["pred"]), InvalidInputError, "numbers"),
        (lambda d: (d["truth"], d["pred"], d[["p0", "p1", "p1"]]), InvalidInputError,
         "columns"),
    ],
)
def test_evaluate_refuses_bad_dask_input_clearly(change, error, message):
    ddf = dd.from_pandas(_predictions(2000), npartitions=4)
    y_true, y_pred, y_score = change(ddf)
    with pytest.raises(error, match=message):
        tabaug.evaluate(y_true, y_pred, y_score=y_score)


# --------------------------------------------------------------------------- audit


@pytest.mark.parametrize("kind", ["text", "int", "category", "float with missing"])
def test_audit_equals_the_in_memory_audit(kind):
    rng = np.random.default_rng(6)
    n = 6000
    frame = pd.DataFrame({
        "x": rng.integers(0, 50, n),
        "label": rng.choice(["a", "b", "c"], n, p=[0.9, 0.08, 0.02]),
        "split": rng.choice(["train", "test", None], n, p=[0.7, 0.28, 0.02]),
    })
    if kind in ("int", "float with missing"):
        frame["label"] = frame["label"].map({"a": 0, "b": 1, "c": 2})
    if kind == "category":
        frame["label"] = frame["label"].astype("category")
    if kind == "float with missing":
        frame.loc[[3, 50], "label"] = np.nan
    ddf = dd.from_pandas(frame, npartitions=5)
    for split in ("split", None):
        got = tabaug.audit(ddf, target="label", split=split).to_dict()
        expected = tabaug.audit(frame, target="label", split=split, check_leakage=False)
        assert got == expected.to_dict()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"target": "lable"}, InvalidInputError, "no column 'lable'"),
        ({}, InvalidInputError, "target="),
        ({"target": "label", "split": "fold"}, InvalidInputError, "no column 'fold'"),
        ({"target": "x"}, InvalidTargetError, "continuous"),
        ({"target": "label", "check_leakage": True}, InvalidInputError, "at least two splits"),
    ],
)
def test_audit_refuses_bad_dask_input_clearly(kwargs, error, message):
    frame = pd.DataFrame({"x": np.linspace(0, 1, 200), "label": [0, 1] * 100})
    with pytest.raises(error, match=message):
        tabaug.audit(dd.from_pandas(frame, npartitions=2), **kwargs)
    single = dd.from_pandas(frame.assign(label=1), npartitions=2)
    with pytest.raises(InvalidTargetError, match="single class"):
        tabaug.audit(single, target="label")


def test_audit_difficulty_runs_on_a_seeded_sample_of_the_dask_rows():
    rng = np.random.default_rng(7)
    n = 3000
    frame = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n),
                          "c": rng.choice(["p", "q"], n),
                          "label": rng.choice(["a", "b"], n, p=[0.9, 0.1]),
                          "split": rng.choice(["train", "test"], n, p=[0.8, 0.2])})
    frame.loc[frame["label"] == "b", "x"] += 2
    ddf = dd.from_pandas(frame, npartitions=4)
    whole = tabaug.audit(ddf, target="label", split="split", difficulty=True)
    expected = tabaug.audit(frame, target="label", split="split", difficulty=True,
                            check_leakage=False)
    assert whole.to_dict() == expected.to_dict()  # max_rows above the rows: every row
    sampled = tabaug.audit(ddf, target="label", split="split", difficulty=True, max_rows=600)
    again = tabaug.audit(ddf, target="label", split="split", difficulty=True, max_rows=600)
    assert sampled.to_dict() == again.to_dict()
    assert "seeded sample of 600" in " ".join(sampled.notes)
    with pytest.raises(InvalidInputError, match="difficulty needs features"):
        tabaug.audit(ddf[["label", "split"]], target="label", split="split", difficulty=True)


def _leaky_frame(n: int = 4000) -> pd.DataFrame:
    """Rare rows copied (ROS) and jittered (noise) before a random split, with missing values."""
    rng = np.random.default_rng(8)
    X = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n),
                      "k": rng.integers(0, 5, n), "c": rng.choice(["p", "q"], n)})
    y = pd.Series(rng.choice(["a", "b", "c"], n, p=[0.85, 0.1, 0.05]))
    X, y = RandomOverSampler(sampling_strategy={"b": 700}, random_state=0).fit_resample(X, y)
    X, y = GaussianNoiseOverSampler(sampling_strategy={"c": 500}, noise_scale=0.01,
                                    random_state=0).fit_resample(X, y)
    frame = X.assign(label=y.to_numpy())
    frame["split"] = np.where(rng.random(len(frame)) < 0.7, "train", "test")
    frame.loc[[5, 9], "label"] = None
    frame.loc[[11], "split"] = None
    return frame


def test_audit_leakage_on_dask_equals_the_in_memory_audit():
    frame = _leaky_frame()
    ddf = dd.from_pandas(frame, npartitions=5)
    got = tabaug.audit(ddf, target="label", split="split", check_leakage=True)
    expected = tabaug.audit(frame, target="label", split="split", check_leakage=True)
    # every row fits under max_rows: exact counts by hash joins, near duplicates and SMOTE
    # rows on the same rows as in memory
    assert got.to_dict() == expected.to_dict()
    flagged = {check: got.leakage[check]["classes"] for check in ("exact", "near")}
    assert flagged["exact"]["b"]["flagged"] and not flagged["exact"]["c"]["flagged"]
    assert flagged["near"]["c"]["flagged"]


@pytest.mark.parametrize(("names", "reference"), [
    ({"train": "test", "test": "valid"}, "valid"),  # the audit's split order: valid before test
    ({"train": "Training", "test": "Test"}, "Training"),  # matched without case
])
def test_audit_leakage_on_dask_uses_the_audits_reference_split(names, reference):
    # the other split comes first in the partitions: the reference is the audit's choice,
    # not the first split the data happens to show
    frame = _leaky_frame(1500)
    frame["split"] = frame["split"].map(names)
    frame = frame.iloc[np.argsort(frame["split"] == reference, kind="stable")]
    ddf = dd.from_pandas(frame.reset_index(drop=True), npartitions=3)
    got = tabaug.audit(ddf, target="label", split="split", check_leakage=True)
    expected = tabaug.audit(frame, target="label", split="split", check_leakage=True)
    assert next(iter(expected.duplicates.values()))["reference"] == reference
    assert got.duplicates == expected.duplicates
    assert got.leakage["exact"] == expected.leakage["exact"]


def test_audit_leakage_on_dask_samples_each_class_for_the_near_checks():
    frame = _leaky_frame()
    ddf = dd.from_pandas(frame, npartitions=5)
    sampled = tabaug.audit(ddf, target="label", split="split", check_leakage=True,
                           max_rows=900, random_state=2)
    again = tabaug.audit(ddf, target="label", split="split", check_leakage=True,
                         max_rows=900, random_state=2)
    whole = tabaug.audit(frame, target="label", split="split", check_leakage=True)
    assert sampled.to_dict() == again.to_dict()
    # exact repeats are counted on every row whatever the sample
    assert sampled.leakage["exact"] == whole.leakage["exact"]
    assert sampled.duplicates == whole.duplicates
    assert "seeded sample of 900" in " ".join(sampled.notes)
    assert "at most 300 per class" in " ".join(sampled.notes)
    assert sampled.leakage["near"]["classes"]["c"]["flagged"]
    with pytest.raises(InvalidInputError, match="needs features"):
        tabaug.audit(ddf[["label", "split"]], target="label", split="split", check_leakage=True)


# --------------------------------------------------------------------------- command line


def test_command_line_on_a_parquet_directory(tmp_path, capsys):
    from tabaug.cli import main

    folder = tmp_path / "table"
    folder.mkdir()
    for i in range(4):
        rng = np.random.default_rng(i)
        pd.DataFrame({"x": rng.normal(size=250), "pred": 0,
                      "label": (rng.random(250) < 0.1).astype(np.int64)}).to_parquet(
            folder / f"part-{i}.parquet", index=False)
    frame = pd.read_parquet(folder)
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    try:
        address = cluster.scheduler_address
        assert main(["audit", str(folder), "--target", "label", "--format", "json",
                     "--scheduler", address]) == 0
        audited = json.loads(capsys.readouterr().out)
        assert audited["counts"]["all"] == {str(k): v for k, v in
                                            frame["label"].value_counts().items()}
        split = tmp_path / "split"
        split.mkdir()
        for i in range(2):
            part = frame.iloc[500 * i : 500 * (i + 1)].assign(split=["train", "test"][i])
            part.to_parquet(split / f"part-{i}.parquet", index=False)
        assert main(["audit", str(split), "--target", "label", "--split", "split",
                     "--check-leakage", "--difficulty", "--max-rows", "300", "--format", "json",
                     "--scheduler", address]) == 0
        checked = json.loads(capsys.readouterr().out)
        expected = tabaug.audit(pd.read_parquet(split), target="label", split="split",
                                check_leakage=True).to_dict()
        assert checked["leakage"]["exact"] == expected["leakage"]["exact"]
        assert checked["difficulty"]["1"]["sampled"]
        assert main(["evaluate", str(folder / "*.parquet"), "--true", "label", "--pred", "pred",
                     "--score", "x", "--format", "json", "--scheduler", address]) == 0
        assert json.loads(capsys.readouterr().out)["n_samples"] == len(frame)
        out = tmp_path / "resampled"
        out.mkdir()
        (out / "old.txt").write_text("old output")
        assert main(["resample", str(folder), "--target", "label", "--method", "random-under",
                     "--random-state", "0", "--output", str(out), "--scheduler", address]) == 0
        result = pd.read_parquet(out)
        minority = int(frame["label"].sum())
        assert result["label"].value_counts().to_dict() == {0: minority, 1: minority}
        assert not (out / "old.txt").exists(), "the new directory replaces the old one"
        assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]
    finally:
        cluster.close()


def test_command_line_dead_scheduler_is_a_quick_clear_error(tmp_path, capsys, monkeypatch):
    import functools

    import tabaug._dask
    from tabaug.cli import main

    # the command line waits 10 s for a scheduler; the message, not the wait, is tested here
    monkeypatch.setattr(tabaug._dask, "dask_client",
                        functools.partial(tabaug._dask.dask_client, timeout=0.5))
    pd.DataFrame({"x": [1.0, 2.0], "label": [0, 1]}).to_parquet(tmp_path / "a.parquet")
    start = time.perf_counter()
    assert main(["audit", str(tmp_path), "--target", "label",
                 "--scheduler", "tcp://127.0.0.1:9"]) == 1
    assert "no Dask scheduler answered" in capsys.readouterr().err
    assert time.perf_counter() - start < 30
