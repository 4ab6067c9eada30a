"""The result of compare: fold scores, paired tests, a summary, and their renderings."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tabaug.exceptions import InvalidParameterError
from tabaug.model_selection._plots import plot_reliability, plot_scores
from tabaug.model_selection._scoring import FIT_TIME
from tabaug.model_selection._strategies import BASELINE
from tabaug.utils import (
    Report,
    check_option,
    figure_to_png,
    format_p_value,
    has_matplotlib,
    html_table,
    jsonable,
    label_text,
    png_img_tag,
    text_table,
)

__all__ = ["ComparisonResult"]

_TEST_NAMES = {
    "corrected_t": "corrected resampled t-test (Nadeau & Bengio)",
    "wilcoxon": "Wilcoxon signed-rank test (ignores the overlap of training sets: "
                "overstates significance)",
}


@dataclass(repr=False)
class ComparisonResult(Report):
    """What :func:`compare` found: fold scores, paired tests and a summary.

    With several models (``estimator`` given as a dict), ``fold_scores``,
    ``tests``, ``reliability`` and :meth:`to_frame` have a ``model`` column
    first, ``winners`` is a dict and :attr:`models` lists the models.

    Attributes
    ----------
    summary : str
        Plain words: which strategies beat no resampling on the primary
        score, or that none does and it is safer not to resample. With
        several models: one line on where resampling helps, then one
        summary per model.
    winners : list of str, or dict of str to list of str
        Strategies that beat ``none`` on the primary score (significant after
        Holm correction and at least ``min_effect`` better), best first; per
        model with several models.
    fold_scores : pandas.DataFrame
        The raw table: one row per strategy and split with columns
        ``strategy``, ``split``, ``repeat``, ``fold``, ``n_train``,
        ``n_test`` and one column per score (``fit_time`` in seconds,
        resampling included).
    tests : pandas.DataFrame
        One row per strategy and score: ``diff_vs_none``, ``t_statistic``
        (Wilcoxon's W with ``test="wilcoxon"``), ``p_value_uncorrected``,
        ``p_value`` (Holm-adjusted), ``significant`` and ``better``.
    strategies : list of str
        The strategies that ran, ``none`` first (with several models: every
        strategy that ran for some model).
    skipped : dict
        Strategy name (``model/strategy`` with several models) -> why it did
        not run.
    scores : list of str
        Score names, ``fit_time`` last.
    primary : str
        The score the summary is about.
    greater_is_better : dict
        Score name -> whether higher is better (False for ``brier``,
        ``log_loss``, ``ece`` and ``fit_time``).
    notes : list of str
        How the comparison was made, anything left out, and the warnings the
        fits raised (each once, with a count).
    n_splits, n_repeats : int
        Folds per repeat and repeats (``n_splits * n_repeats`` splits).
    min_effect, alpha : float
        Smallest difference that counts, and the significance level.
    estimator_name : str
        Class name of the compared estimator (with its steps for a Pipeline;
        ``name: ...`` per model with several models).
    classes : list
        The class labels, sorted.
    class_counts : dict
        Label -> number of rows.
    minority : object
        The least frequent class, used by ``f1_minority``,
        ``recall_minority`` and the binary ``average_precision``, ``brier``,
        ``ece`` and reliability diagram.
    cv_description : str
        The splits in words.
    test : str
        The paired test: ``"corrected_t"`` or ``"wilcoxon"``.
    reliability : pandas.DataFrame
        The reliability diagram's data, validation folds pooled: per strategy
        and non-empty bin (of 10 equal-width bins of the minority class's
        probability, or of the top label's on multiclass), ``low``,
        ``high``, ``rows``, ``mean_predicted`` and ``observed`` (the rate at
        which it was the true class). Empty when no probabilities were scored.
    models : list of str or None
        The model names with several models; None for one.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from tabaug import compare
    >>> X, y = make_classification(n_samples=200, weights=[0.85], random_state=0)
    >>> result = compare(X, y, estimator=LogisticRegression(), strategies=["random_under"],
    ...                  cv=3, n_repeats=2, random_state=0, progress=False)
    >>> result.strategies
    ['none', 'random_under']
    >>> sorted(result.to_frame().columns)
    ['diff_vs_none', 'mean', 'p_value', 'score', 'significant', 'std', 'strategy']
    """

    _html_title = "tabaug comparison"

    fold_scores: pd.DataFrame
    tests: pd.DataFrame
    summary: str
    winners: list[str] | dict[str, list[str]]
    strategies: list[str]
    skipped: dict[str, str]
    scores: list[str]
    primary: str
    greater_is_better: dict[str, bool]
    notes: list[str] = field(default_factory=list)
    n_splits: int = 0
    n_repeats: int = 0
    min_effect: float = 0.01
    alpha: float = 0.05
    estimator_name: str = ""
    classes: list = field(default_factory=list)
    class_counts: dict = field(default_factory=dict)
    minority: Any = None
    cv_description: str = ""
    test: str = "corrected_t"
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    models: list[str] | None = None

    def _keys(self) -> list[tuple]:
        """(model, strategy) for every strategy that ran (model None with one model)."""
        if self.models is None:
            return [(None, strategy) for strategy in self.strategies]
        pairs = self.fold_scores[["model", "strategy"]].drop_duplicates()
        return list(pairs.itertuples(index=False, name=None))

    def _rows(self, frame: pd.DataFrame, model: Any, strategy: str) -> pd.DataFrame:
        mask = frame["strategy"] == strategy
        if model is not None:
            mask &= frame["model"] == model
        return frame[mask]

    def _test(self, strategy: str, score: str, model: Any = None) -> pd.Series:
        tests = self._rows(self.tests, model, strategy)
        return tests[tests["score"] == score].iloc[0]

    def _mean_std(self, strategy: str, score: str, model: Any = None) -> tuple[float, float]:
        values = self._rows(self.fold_scores, model, strategy)[score]
        std = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        return float(values.mean()), std

    def to_frame(self) -> pd.DataFrame:
        """One row per strategy and score (and model, first, with several models).

        Columns: ``strategy``, ``score``, ``mean``, ``std`` (over splits),
        ``diff_vs_none`` (mean of the paired differences, strategy minus
        ``none``), ``p_value`` (the paired test, Holm-adjusted across
        strategies within each score and model) and ``significant``
        (``p_value < alpha`` and ``|diff_vs_none| >= min_effect``). A
        significant difference can be better or worse: for ``brier``,
        ``log_loss``, ``ece`` and ``fit_time`` lower is better.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from tabaug import compare
        >>> X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
        >>> frame = compare(X, y, estimator=LogisticRegression(), strategies=["none"],
        ...                 scoring=["balanced_accuracy"], cv=3, n_repeats=1,
        ...                 random_state=0, progress=False).to_frame()
        >>> frame[["strategy", "score", "diff_vs_none", "p_value"]].values.tolist()
        [['none', 'balanced_accuracy', 0.0, 1.0], ['none', 'fit_time', 0.0, 1.0]]
        """
        rows = []
        for model, strategy in self._keys():
            scores = self._rows(self.fold_scores, model, strategy)
            for score in self.scores:
                test = self._test(strategy, score, model)
                rows.append({
                    **({} if model is None else {"model": model}),
                    "strategy": strategy,
                    "score": score,
                    "mean": float(scores[score].mean()),
                    "std": float(scores[score].std(ddof=1)) if len(scores) > 1 else 0.0,
                    "diff_vs_none": float(test["diff_vs_none"]),
                    "p_value": float(test["p_value"]),
                    "significant": bool(test["significant"]),
                })
        columns = ["strategy", "score", "mean", "std", "diff_vs_none", "p_value", "significant"]
        return pd.DataFrame(rows, columns=columns if self.models is None else
                            ["model", *columns])

    def by_model(self) -> pd.DataFrame:
        """The verdict on the primary score, strategies by models, for a glance.

        Cells: ``baseline``, ``better``, ``worse``, ``no difference``, or
        empty where the strategy did not run for that model. With one model,
        a single column named after it.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from tabaug import compare
        >>> X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
        >>> result = compare(X, y, estimator={"lr": LogisticRegression()},
        ...                  strategies=["random_under"], scoring=["balanced_accuracy"],
        ...                  cv=3, n_repeats=1, random_state=0, progress=False)
        >>> result.by_model().loc["none", "lr"]
        'baseline'
        """
        columns = self.models or [self.estimator_name]
        table = pd.DataFrame("", index=pd.Index(self.strategies, name="strategy"),
                             columns=columns)
        for model, strategy in self._keys():
            test = self._test(strategy, self.primary, model)
            word = "baseline" if strategy == BASELINE else _verdict_word(test)
            table.loc[strategy, columns[0] if model is None else model] = word
        return table

    def to_dict(self) -> dict[str, Any]:
        """The result as plain, JSON-serialisable Python.

        Keys: ``summary``, ``winners``, ``primary``, ``strategies``,
        ``skipped``, ``scores``, ``greater_is_better``, ``notes``, ``cv``
        (``description``, ``n_splits``, ``n_repeats``), ``min_effect``,
        ``alpha``, ``estimator``, ``classes``, ``class_counts``, ``minority``,
        ``test``, ``models`` (None with one model), ``results`` (the rows of
        :meth:`to_frame`, plus ``better`` and ``p_value_uncorrected``),
        ``fold_scores`` (the rows of :attr:`fold_scores`) and ``reliability``
        (the rows of :attr:`reliability`). Labels are written as strings.

        Returns
        -------
        dict

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from tabaug import compare
        >>> X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
        >>> d = compare(X, y, estimator=LogisticRegression(), strategies=["none"],
        ...             cv=3, n_repeats=1, random_state=0, progress=False).to_dict()
        >>> d["primary"], d["results"][0]["strategy"], len(d["fold_scores"])
        ('balanced_accuracy', 'none', 3)
        """
        results = []
        for row in self.to_frame().to_dict(orient="records"):
            test = self._test(row["strategy"], row["score"], row.get("model"))
            row["better"] = bool(test["better"])
            row["p_value_uncorrected"] = float(test["p_value_uncorrected"])
            results.append(row)
        winners = (list(self.winners) if self.models is None
                   else {model: list(names) for model, names in self.winners.items()})
        return jsonable({
            "summary": self.summary,
            "winners": winners,
            "primary": self.primary,
            "strategies": list(self.strategies),
            "skipped": dict(self.skipped),
            "scores": list(self.scores),
            "greater_is_better": dict(self.greater_is_better),
            "notes": list(self.notes),
            "cv": {"description": self.cv_description, "n_splits": self.n_splits,
                   "n_repeats": self.n_repeats},
            "min_effect": self.min_effect,
            "alpha": self.alpha,
            "estimator": self.estimator_name,
            "classes": [str(label) for label in self.classes],
            "class_counts": {str(k): int(v) for k, v in self.class_counts.items()},
            "minority": str(self.minority),
            "test": self.test,
            "models": None if self.models is None else list(self.models),
            "results": results,
            "fold_scores": self.fold_scores.to_dict(orient="records"),
            "reliability": self.reliability.to_dict(orient="records"),
        })

    def _primary_rows(self) -> list[list[str]]:
        rows = []
        for model, strategy in self._keys():
            mean, std = self._mean_std(strategy, self.primary, model)
            test = self._test(strategy, self.primary, model)
            if strategy == BASELINE:
                diff, p_text, verdict = "", "", "baseline"
            else:
                diff = f"{test['diff_vs_none']:+.3f}"
                p_text = format_p_value(test["p_value"])
                verdict = _verdict_word(test)
            row = [strategy, f"{mean:.3f} ± {std:.3f}", diff, p_text, verdict]
            rows.append(row if model is None else [model, *row])
        return rows

    def _score_rows(self) -> tuple[list[str], list[list[str]]]:
        header = [*([] if self.models is None else ["model"]), "strategy", *self.scores]
        rows = []
        for model, strategy in self._keys():
            row = [*([] if model is None else [model]), strategy]
            for score in self.scores:
                mean, std = self._mean_std(strategy, score, model)
                digits = 2 if score == FIT_TIME else 3
                row.append(f"{mean:.{digits}f} ± {std:.{digits}f}")
            rows.append(row)
        return header, rows

    def _primary_header(self) -> list[str]:
        header = ["strategy", "mean ± sd", "diff vs none", "p (Holm)", "verdict"]
        return header if self.models is None else ["model", *header]

    def _by_model_rows(self) -> tuple[list[str], list[list[str]]]:
        table = self.by_model()
        return ["strategy", *table.columns], [[index, *row] for index, row in
                                             zip(table.index, table.to_numpy().tolist(),
                                                 strict=True)]

    def _header_lines(self) -> list[str]:
        counts = ", ".join(
            f"{label_text(label, prefix=True)}: {count}"
            for label, count in self.class_counts.items()
        )
        return [
            f"tabaug.compare: {self.estimator_name}; {counts} "
            f"(minority {label_text(self.minority, prefix=True)})",
            f"{self.cv_description}; resampling inside training folds only",
            f"paired test vs 'none': {_TEST_NAMES[self.test]}, Holm-adjusted"
            f"{' within each model' if self.models else ''}, alpha {self.alpha:g}, "
            f"minimum effect {self.min_effect:g}",
        ]

    def _lower_is_better(self) -> str:
        lower = [score for score in self.scores if not self.greater_is_better[score]]
        return f"mean ± sd over splits; {', '.join(lower)}: lower is better"

    def __str__(self) -> str:
        header, rows = self._score_rows()
        lines = [
            *self._header_lines(),
            "",
            f"primary score: {self.primary}",
            text_table(self._primary_header(), self._primary_rows()),
        ]
        if self.models is not None:
            lines += ["", f"by model ({self.primary}):", text_table(*self._by_model_rows())]
        lines += [
            "",
            f"all scores ({self._lower_is_better()})",
            text_table(header, rows),
            "",
            self.summary,
        ]
        if self.notes:
            lines += ["", "notes:", *(f"- {note}" for note in self.notes)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<ComparisonResult {self.estimator_name}: {len(self.strategies)} strategies, "
            f"primary={self.primary!r}, winners={self.winners!r}>"
        )

    def _html_body(self, *, with_plot: bool) -> str:
        header, rows = self._score_rows()
        parts = [f"<p>{html.escape(line)}</p>" for line in self._header_lines()]
        parts += [
            f"<h4>primary score: {html.escape(self.primary)}</h4>",
            html_table(self._primary_header(), self._primary_rows()),
        ]
        if self.models is not None:
            parts += [f"<h4>by model ({html.escape(self.primary)})</h4>",
                      html_table(*self._by_model_rows())]
        parts += [
            f"<h4>all scores ({html.escape(self._lower_is_better())})</h4>",
            html_table(header, rows),
            *(f"<p class='tabaug-verdict'>{html.escape(line)}</p>"
              for line in self.summary.splitlines()),
        ]
        if self.notes:
            items = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
            parts.append(f"<ul class='tabaug-warning'>{items}</ul>")
        if with_plot and has_matplotlib():
            parts.append(png_img_tag(figure_to_png(self.plot()),
                                     "score distributions per strategy"))
            if not self.reliability.empty:
                parts.append(png_img_tag(figure_to_png(self.plot(kind="reliability")),
                                         "reliability diagram"))
        return "".join(parts)

    def plot(self, path: Any = None, *, scores: list[str] | None = None,
             kind: str = "scores", strategies: list[str] | None = None) -> Any:
        """Score distributions per strategy, or the reliability diagram.

        ``kind="scores"``: one panel per score, a box per strategy (per
        model and strategy with several models) of its per-split scores,
        points on top; the dashed line is the baseline's (``none``) mean.
        ``kind="reliability"``: the observed frequency against the mean
        predicted probability in each of 10 bins, validation folds pooled,
        one line per strategy (one panel per model); the diagonal is perfect
        calibration. Needs matplotlib (``pip install "tabaug[plot]"``).

        Parameters
        ----------
        path : str or path-like, optional
            Also save the figure there (format from the extension).
        scores : list of str, optional
            Scores to draw (``kind="scores"``); all by default.
        kind : {'scores', 'reliability'}, default='scores'
            Which figure.
        strategies : list of str, optional
            Strategies to draw (``kind="reliability"``); all by default.

        Returns
        -------
        matplotlib.figure.Figure

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from tabaug import compare
        >>> X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
        >>> result = compare(X, y, estimator=LogisticRegression(), strategies=["none"],
        ...                  cv=3, n_repeats=1, random_state=0, progress=False)
        >>> figure = result.plot()  # doctest: +SKIP
        >>> figure = result.plot(kind="reliability")  # doctest: +SKIP
        """
        check_option(kind, "kind", ("scores", "reliability"), owner="ComparisonResult.plot")
        if kind == "reliability":
            if self.reliability.empty:
                raise InvalidParameterError(
                    "this comparison scored no probabilities, so there is no reliability "
                    "diagram; add 'brier', 'log_loss' or 'ece' to scoring."
                )
            unknown = [s for s in strategies or [] if s not in self.strategies]
            if unknown:
                raise InvalidParameterError(
                    f"unknown strateg(ies) {unknown}; this result has "
                    f"{', '.join(self.strategies)}."
                )
            figure = plot_reliability(self, strategies)
        else:
            chosen = list(self.scores if scores is None else scores)
            unknown = [score for score in chosen if score not in self.scores]
            if unknown:
                raise InvalidParameterError(
                    f"unknown score(s) {unknown}; this result has {', '.join(self.scores)}."
                )
            figure = plot_scores(self, chosen)
        if path is not None:
            figure.savefig(path, dpi=100)
        return figure


def _verdict_word(test: pd.Series) -> str:
    if not test["significant"]:
        return "no difference"
    return "better" if test["better"] else "worse"
