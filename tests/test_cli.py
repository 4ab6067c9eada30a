import json
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, recall_score

import tabaug
from tabaug.cli import main


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "tabaug", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture
def labelled_csv(tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "c": rng.choice(["u", "v", "w"], n),
            "label": np.where(np.arange(n) % 10 == 0, "rare", "common"),
            "split": np.where(np.arange(n) % 4 == 0, "test", "train"),
        }
    )
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.fixture
def predictions_csv(tmp_path):
    y = np.array([0] * 100 + [1] * 10)
    path = tmp_path / "pred.csv"
    pd.DataFrame({"y": y, "p": np.zeros(110, dtype=int), "s": np.linspace(0, 1, 110)}).to_csv(
        path, index=False
    )
    return path


def test_demo_end_to_end(tmp_path):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from tabaug import SMOTE, datasets, make_pipeline

    args = ["demo"]
    has_plot = True
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        has_plot = False
    if has_plot:
        args += ["--plot", tmp_path / "demo.png"]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "accuracy            0.91" in out
    assert "recall of class 1   0.00" in out
    assert "F1 of class 1       0.00" in out
    assert "precision of 1      undefined" in out
    assert "zero_division=1) = 1.00" in out
    # Part 2's numbers are computed: recompute them independently
    X, y = datasets.load("yeast_me2")
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    plain = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    smote = make_pipeline(
        StandardScaler(), SMOTE(random_state=0), LogisticRegression(max_iter=1000)
    )
    recalls, accuracies = [], []
    for model in (plain, smote):
        predicted = model.fit(X_train, y_train).predict(X_test)
        recalls.append(recall_score(y_test, predicted, pos_label="ME2"))
        accuracies.append(accuracy_score(y_test, predicted))
    verb = "rose" if recalls[1] > recalls[0] else "fell"
    assert f"recall of ME2 {verb} from {recalls[0]:.2f} to {recalls[1]:.2f}" in out
    assert f"accuracy fell from {accuracies[0]:.2f} to {accuracies[1]:.2f}" in out
    if has_plot:
        assert (tmp_path / "demo.png").read_bytes()[:4] == b"\x89PNG"


def test_audit_end_to_end_json(labelled_csv):
    path, frame = labelled_csv
    result = run("audit", path, "--target", "label", "--split", "split", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    expected = frame.groupby("split")["label"].value_counts()
    assert data["counts"]["test"]["rare"] == expected["test"]["rare"]
    assert data["counts"]["train"]["common"] == expected["train"]["common"]
    assert data["splits"] == ["train", "test"]


def test_evaluate_end_to_end(predictions_csv):
    result = run("evaluate", predictions_csv, "--true", "y", "--pred", "p", "--score", "s")
    assert result.returncode == 0, result.stderr
    assert "Accuracy 0.91 is no better than always predicting class 0" in result.stdout
    assert "undefined" in result.stdout


def test_resample_end_to_end(labelled_csv, tmp_path):
    path, frame = labelled_csv
    output = tmp_path / "out.csv"
    result = run(
        "resample",
        path,
        "--target",
        "label",
        "--method",
        "smote",
        "--random-state",
        "0",
        "--output",
        output,
    )
    assert result.returncode == 0, result.stderr
    resampled = pd.read_csv(output)
    assert list(resampled.columns) == list(frame.columns)
    counts = resampled["label"].value_counts()
    assert counts["rare"] == counts["common"] == (frame["label"] == "common").sum()
    pd.testing.assert_frame_equal(resampled.iloc[: len(frame)], frame)


@pytest.fixture
def paths(labelled_csv, tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("label,x\na,1\na,2\na,3\n")
    bad = tmp_path / "bad.csv"
    bad.write_text('a,b\n1,2\n3,4,5,6\n"open quote\n')
    return {
        "missing": tmp_path / "missing.csv",
        "data": labelled_csv[0],
        "one": one,
        "bad": bad,
        "out": tmp_path / "out.csv",
    }


DATA_ERRORS = [
    (["audit", "{missing}", "--target", "label"], "no such file"),
    (["audit", "{data}", "--target", "nope"], "no column 'nope'"),
    (["audit", "{one}", "--target", "label"], "single class"),
    (["audit", "{bad}", "--target", "a"], "cannot read it as CSV"),
    (["evaluate", "{bad}", "--true", "a", "--pred", "b"], "cannot read it as CSV"),
    (["evaluate", "{one}", "--true", "label", "--pred", "label"], "single class"),
    (["evaluate", "{data}", "--true", "label", "--pred", "nope"], "no column 'nope'"),
    (["resample", "{one}", "--target", "label", "--method", "smote", "--output", "{out}"],
     "one class"),
    (["resample", "{missing}", "--target", "label", "--method", "smote", "--output", "{out}"],
     "no such file"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), DATA_ERRORS[:4])
def test_data_errors_exit_1_in_a_subprocess(args, message, paths):
    result = run(*(arg.format(**paths) for arg in args))
    assert result.returncode == 1
    assert result.stderr.startswith("tabaug: error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "message"), DATA_ERRORS)
def test_data_errors_exit_1_with_one_line(args, message, paths, capsys):
    assert main([arg.format(**paths) for arg in args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tabaug: error: ") and err.count("\n") == 1
    assert message in err


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "x.csv"],
        ["audit", "x.csv", "--target", "y", "--bogus"],
        ["resample", "x.csv", "--target", "y", "--method", "magic", "--output", "o.csv"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2(args):
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2


def test_usage_error_exit_2_in_a_subprocess():
    result = run("audit", "x.csv")
    assert result.returncode == 2
    assert "--target" in result.stderr


@pytest.mark.parametrize("command", ["demo", "audit", "evaluate", "resample", "compare"])
def test_help_everywhere(command, capsys):
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    assert f"usage: tabaug {command}" in capsys.readouterr().out


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        self.tables += tag == "table"


def test_audit_html_output_file(labelled_csv, tmp_path):
    path, _ = labelled_csv
    output = tmp_path / "audit.html"
    assert (
        main(["audit", str(path), "--target", "label", "--format", "html", "--output", str(output)])
        == 0
    )
    parser = _Tables()
    parser.feed(output.read_text())
    assert parser.tables >= 1


def test_audit_text_with_leakage_check(labelled_csv, tmp_path, capsys):
    path, frame = labelled_csv
    leaky = pd.concat([frame, frame.iloc[[1, 2]].assign(split="test")], ignore_index=True)
    leaky_path = tmp_path / "leaky.csv"
    leaky.to_csv(leaky_path, index=False)
    code = main(
        ["audit", str(leaky_path), "--target", "label", "--split", "split", "--check-leakage"]
    )
    assert code == 0
    assert "2 of 77 rows of 'test'" in capsys.readouterr().out


def test_audit_difficulty_matches_the_api(labelled_csv, capsys):
    path, _ = labelled_csv
    settings = ["--max-rows", "50", "--random-state", "3"]
    code = main(["audit", str(path), "--target", "label", "--split", "split", "--difficulty",
                 "--format", "json", *settings])
    assert code == 0
    shown = json.loads(capsys.readouterr().out)
    expected = tabaug.audit(
        str(path), target="label", split="split", difficulty=True, max_rows=50, random_state=3
    ).to_dict()
    assert shown["difficulty"] == expected["difficulty"]
    assert shown["difficulty"]["rare"]["sampled"]
    assert shown["overlap"] == expected["overlap"]


def test_audit_max_rows_out_of_range_is_a_usage_error(labelled_csv, capsys):
    path, _ = labelled_csv
    with pytest.raises(SystemExit) as raised:
        main(["audit", str(path), "--target", "label", "--difficulty", "--max-rows", "0"])
    assert raised.value.code == 2
    assert "--max-rows" in capsys.readouterr().err


def test_audit_parquet(labelled_csv, tmp_path, capsys):
    pytest.importorskip("pyarrow")
    _, frame = labelled_csv
    path = tmp_path / "data.parquet"
    frame.to_parquet(path, index=False)
    assert main(["audit", str(path), "--target", "label", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["all"] == frame["label"].value_counts().to_dict()


def test_parquet_without_pyarrow_is_a_clear_error(labelled_csv, tmp_path, monkeypatch, capsys):
    from tabaug.utils import _io

    def missing():
        raise ImportError(_io._PARQUET_HINT)

    monkeypatch.setattr(_io, "_pyarrow", missing)
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1 not really")
    assert main(["audit", str(path), "--target", "label"]) == 1
    assert 'pip install "tabaug[parquet]"' in capsys.readouterr().err


def test_evaluate_json_and_plot(predictions_csv, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    chart = tmp_path / "eval.png"
    assert (
        main(
            [
                "evaluate",
                str(predictions_csv),
                "--true",
                "y",
                "--pred",
                "p",
                "--format",
                "json",
                "--plot",
                str(chart),
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["per_class"]["1"]["precision"] is None
    assert chart.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("not majority", {"common": 270, "rare": 270}),
        ("0.5", {"common": 270, "rare": 135}),
        ("rare=100", {"common": 270, "rare": 100}),
        ('{"rare": 60}', {"common": 270, "rare": 60}),
    ],
)
def test_resample_sampling_strategies(strategy, expected, labelled_csv, tmp_path):
    path, _ = labelled_csv
    output = tmp_path / "out.parquet" if strategy == "0.5" else tmp_path / "out.csv"
    if output.suffix == ".parquet":
        pytest.importorskip("pyarrow")
    args = ["resample", str(path), "--target", "label", "--method", "random-over"]
    assert (
        main(
            [*args, "--sampling-strategy", strategy, "--random-state", "1", "--output", str(output)]
        )
        == 0
    )
    frame = pd.read_parquet(output) if output.suffix == ".parquet" else pd.read_csv(output)
    assert frame["label"].value_counts().to_dict() == expected


def test_resample_under_and_noise(labelled_csv, tmp_path):
    path, frame = labelled_csv
    output = tmp_path / "under.csv"
    assert (
        main(
            [
                "resample",
                str(path),
                "--target",
                "label",
                "--method",
                "random-under",
                "--random-state",
                "0",
                "--output",
                str(output),
            ]
        )
        == 0
    )
    assert pd.read_csv(output)["label"].value_counts().to_dict() == {"common": 30, "rare": 30}
    output = tmp_path / "noise.csv"
    assert (
        main(
            [
                "resample",
                str(path),
                "--target",
                "label",
                "--method",
                "noise",
                "--random-state",
                "0",
                "--output",
                str(output),
            ]
        )
        == 0
    )
    assert len(pd.read_csv(output)) == 2 * 270


def test_bad_sampling_strategy_is_a_data_error(labelled_csv, tmp_path, capsys):
    path, _ = labelled_csv
    args = ["resample", str(path), "--target", "label", "--method", "smote"]
    assert main([*args, "--sampling-strategy", "nope=3", "--output", str(tmp_path / "o.csv")]) == 1
    assert "not in the target" in capsys.readouterr().err


@pytest.mark.parametrize("strategy", ["bogus", "1.5", "0", "{1: }"])
def test_a_misspelt_sampling_strategy_is_a_usage_error(labelled_csv, tmp_path, strategy, capsys):
    path, _ = labelled_csv
    with pytest.raises(SystemExit) as stop:
        main(["resample", str(path), "--target", "label", "--method", "random-over",
              "--sampling-strategy", strategy, "--output", str(tmp_path / "o.csv")])
    assert stop.value.code == 2
    assert "--sampling-strategy" in capsys.readouterr().err


@pytest.mark.parametrize("strategy", ["rare=100", '{"rare": 100}', "{'rare': 100}"])
def test_sampling_strategy_dict_spellings(labelled_csv, tmp_path, strategy):
    path, frame = labelled_csv
    out = tmp_path / "o.csv"
    assert main(["resample", str(path), "--target", "label", "--method", "random-over",
                 "--sampling-strategy", strategy, "--output", str(out)]) in (0, None)
    counts = pd.read_csv(out)["label"].value_counts()
    assert counts["rare"] == 100 and counts["common"] == (frame["label"] == "common").sum()


def test_compare_runs_end_to_end_in_a_subprocess(labelled_csv):
    path, _ = labelled_csv
    result = run("compare", path, "--target", "label", "--strategies", "none,random-over",
                 "--folds", "3", "--repeats", "1", "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {"none", "random_over"} <= {row["strategy"] for row in payload["results"]}


def test_compare_refuses_unknown_strategies_as_a_usage_error(labelled_csv, capsys):
    path, _ = labelled_csv
    with pytest.raises(SystemExit) as stop:
        main(["compare", str(path), "--target", "label", "--strategies", "none,magic"])
    assert stop.value.code == 2
    assert "magic" in capsys.readouterr().err


def test_compare_strategies_by_space_or_comma_and_bad_folds(labelled_csv, capsys):
    path, _ = labelled_csv
    common = ["compare", str(path), "--target", "label", "--folds", "3", "--repeats", "1",
              "--format", "json"]
    assert main([*common, "--strategies", "none", "random_over,random_under"]) in (0, None)
    payload = json.loads(capsys.readouterr().out)
    assert {"none", "random_over", "random_under"} == {r["strategy"] for r in payload["results"]}
    for bad in (["--folds", "1"], ["--repeats", "0"], ["--folds", "x"]):
        with pytest.raises(SystemExit) as stop:
            main(["compare", str(path), "--target", "label", *bad])
        assert stop.value.code == 2


def test_compare_several_models_probability_variants_and_test(labelled_csv, capsys):
    path, _ = labelled_csv
    argv = ["compare", str(path), "--target", "label", "--folds", "3", "--repeats", "1",
            "--strategies", "none,random-under", "--estimator", "logistic",
            "--estimator", "random_forest", "--probabilities", "corrected",
            "--test", "wilcoxon", "--format", "json"]
    assert main(argv) in (0, None)
    payload = json.loads(capsys.readouterr().out)
    assert {row["strategy"] for row in payload["results"]} == {
        "none", "random_under", "random_under+corrected"}
    assert {row["model"] for row in payload["results"]} == {"logistic", "random-forest"}
    assert payload["test"] == "wilcoxon"


def test_compare_unknown_probability_kind_is_a_usage_error(labelled_csv, capsys):
    path, _ = labelled_csv
    with pytest.raises(SystemExit) as stop:
        main(["compare", str(path), "--target", "label", "--probabilities", "magic"])
    assert stop.value.code == 2
    assert "--probabilities" in capsys.readouterr().err
