"""The result of compare: fold scores, paired tests, a summary, and their renderings."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tabaug.exceptions import InvalidParameterError
from tabaug.model_selection._scoring import FIT_TIME
from tabaug.model_selection._strategies import BASELINE
from tabaug.utils import (
    Report,
    figure_to_png,
    format_p_value,
    has_matplotlib,
    html_table,
    jsonable,
    label_text,
    new_figure,
    png_img_tag,
    text_table,
)

__all__ = ["ComparisonResult", "summarize"]


@dataclass(repr=False)
class ComparisonResult(Report):
    """What :func:`compare` found: fold scores, paired tests and a summary.

    Attributes
    ----------
    summary : str
        Plain words: which strategies beat no resampling on the primary
        score, or that none does and it is safer not to resample.
    winners : list of str
        Strategies that beat ``none`` on the primary score (significant after
        Holm correction and at least ``min_effect`` better), best first.
    fold_scores : pandas.DataFrame
        The raw table: one row per strategy and split with columns
        ``strategy``, ``split``, ``repeat``, ``fold``, ``n_train``,
        ``n_test`` and one column per score (``fit_time`` in seconds,
        resampling included).
    tests : pandas.DataFrame
        One row per strategy and score: ``diff_vs_none``, ``t_statistic``,
        ``p_value_uncorrected``, ``p_value`` (Holm-adjusted),
        ``significant`` and ``better``.
    strategies : list of str
        The strategies that ran, ``none`` first.
    skipped : dict
        Strategy name -> why it did not run.
    scores : list of str
        Score names, ``fit_time`` last.
    primary : str
        The score the summary is about.
    greater_is_better : dict
        Score name -> whether higher is better (False for ``brier`` and
        ``fit_time``).
    notes : list of str
        How the comparison was made and anything that was left out.
    n_splits, n_repeats : int
        Folds per repeat and repeats (``n_splits * n_repeats`` splits).
    min_effect, alpha : float
        Smallest difference that counts, and the significance level.
    estimator_name : str
        Class name of the compared estimator (with its steps for a Pipeline).
    classes : list
        The class labels, sorted.
    class_counts : dict
        Label -> number of rows.
    minority : object
        The least frequent class, used by ``f1_minority``,
        ``recall_minority`` and the binary ``average_precision`` and ``brier``.

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
    winners: list[str]
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

    def to_frame(self) -> pd.DataFrame:
        """One row per strategy and score.

        Columns: ``strategy``, ``score``, ``mean``, ``std`` (over splits),
        ``diff_vs_none`` (mean of the paired differences, strategy minus
        ``none``), ``p_value`` (corrected resampled t-test, Holm-adjusted
        across strategies within each score) and ``significant``
        (``p_value < alpha`` and ``|diff_vs_none| >= min_effect``). A
        significant difference can be better or worse: for ``brier`` and
        ``fit_time`` lower is better.

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
        grouped = self.fold_scores.groupby("strategy", sort=False)
        rows = []
        for strategy in self.strategies:
            scores = grouped.get_group(strategy)
            for score in self.scores:
                test = self._test(strategy, score)
                rows.append(
                    {
                        "strategy": strategy,
                        "score": score,
                        "mean": float(scores[score].mean()),
                        "std": float(scores[score].std(ddof=1)) if len(scores) > 1 else 0.0,
                        "diff_vs_none": float(test["diff_vs_none"]),
                        "p_value": float(test["p_value"]),
                        "significant": bool(test["significant"]),
                    }
                )
        return pd.DataFrame(
            rows,
            columns=["strategy", "score", "mean", "std", "diff_vs_none", "p_value", "significant"],
        )

    def _test(self, strategy: str, score: str) -> pd.Series:
        match = self.tests[(self.tests["strategy"] == strategy) & (self.tests["score"] == score)]
        return match.iloc[0]

    def to_dict(self) -> dict[str, Any]:
        """The result as plain, JSON-serialisable Python.

        Keys: ``summary``, ``winners``, ``primary``, ``strategies``,
        ``skipped``, ``scores``, ``greater_is_better``, ``notes``, ``cv``
        (``description``, ``n_splits``, ``n_repeats``), ``min_effect``,
        ``alpha``, ``estimator``, ``classes``, ``class_counts``, ``minority``,
        ``results`` (the rows of :meth:`to_frame`, plus ``better`` and
        ``p_value_uncorrected``) and ``fold_scores`` (the rows of
        :attr:`fold_scores`). Labels are written as strings.

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
        frame = self.to_frame()
        extra = self.tests.set_index(["strategy", "score"])
        results = []
        for row in frame.to_dict(orient="records"):
            test = extra.loc[(row["strategy"], row["score"])]
            row["better"] = bool(test["better"])
            row["p_value_uncorrected"] = float(test["p_value_uncorrected"])
            results.append(row)
        folds = self.fold_scores.copy()
        return jsonable(
            {
                "summary": self.summary,
                "winners": list(self.winners),
                "primary": self.primary,
                "strategies": list(self.strategies),
                "skipped": dict(self.skipped),
                "scores": list(self.scores),
                "greater_is_better": dict(self.greater_is_better),
                "notes": list(self.notes),
                "cv": {
                    "description": self.cv_description,
                    "n_splits": self.n_splits,
                    "n_repeats": self.n_repeats,
                },
                "min_effect": self.min_effect,
                "alpha": self.alpha,
                "estimator": self.estimator_name,
                "classes": [str(label) for label in self.classes],
                "class_counts": {str(k): int(v) for k, v in self.class_counts.items()},
                "minority": str(self.minority),
                "results": results,
                "fold_scores": folds.to_dict(orient="records"),
            }
        )

    def _mean_std(self, strategy: str, score: str) -> tuple[float, float]:
        values = self.fold_scores.loc[self.fold_scores["strategy"] == strategy, score]
        std = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        return float(values.mean()), std

    def _primary_rows(self) -> list[list[str]]:
        rows = []
        for strategy in self.strategies:
            mean, std = self._mean_std(strategy, self.primary)
            test = self._test(strategy, self.primary)
            if strategy == BASELINE:
                diff, p_text, verdict = "", "", "baseline"
            else:
                diff = f"{test['diff_vs_none']:+.3f}"
                p_text = format_p_value(test["p_value"])
                verdict = _verdict_word(test)
            rows.append([strategy, f"{mean:.3f} ± {std:.3f}", diff, p_text, verdict])
        return rows

    def _score_rows(self) -> tuple[list[str], list[list[str]]]:
        header = ["strategy", *self.scores]
        rows = []
        for strategy in self.strategies:
            row = [strategy]
            for score in self.scores:
                mean, std = self._mean_std(strategy, score)
                digits = 2 if score == FIT_TIME else 3
                row.append(f"{mean:.{digits}f} ± {std:.{digits}f}")
            rows.append(row)
        return header, rows

    _PRIMARY_HEADER = ("strategy", "mean ± sd", "diff vs none", "p (Holm)", "verdict")

    def _header_lines(self) -> list[str]:
        counts = ", ".join(
            f"{label_text(label, prefix=True)}: {count}"
            for label, count in self.class_counts.items()
        )
        return [
            f"tabaug.compare: {self.estimator_name}; {counts} "
            f"(minority {label_text(self.minority, prefix=True)})",
            f"{self.cv_description}; resampling inside training folds only",
            f"paired test vs 'none': corrected resampled t-test (Nadeau & Bengio), "
            f"Holm-adjusted, alpha {self.alpha:g}, minimum effect {self.min_effect:g}",
        ]

    def __str__(self) -> str:
        header, rows = self._score_rows()
        lines = [
            *self._header_lines(),
            "",
            f"primary score: {self.primary}",
            text_table(self._PRIMARY_HEADER, self._primary_rows()),
            "",
            "all scores (mean ± sd over splits; brier and fit_time: lower is better)",
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
            html_table(self._PRIMARY_HEADER, self._primary_rows()),
            "<h4>all scores (mean ± sd over splits; brier and fit_time: lower is better)</h4>",
            html_table(header, rows),
            f"<p class='tabaug-verdict'>{html.escape(self.summary)}</p>",
        ]
        if self.notes:
            items = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
            parts.append(f"<ul class='tabaug-warning'>{items}</ul>")
        if with_plot and has_matplotlib():
            png = figure_to_png(self.plot())
            parts.append(png_img_tag(png, "score distributions per strategy"))
        return "".join(parts)

    def plot(self, path: Any = None, *, scores: list[str] | None = None) -> Any:
        """Score distributions per strategy: one panel per score, a box per strategy.

        Each box shows the per-split scores of one strategy (points on top);
        the dashed line is the baseline's (``none``) mean. Needs matplotlib
        (``pip install "tabaug[plot]"``).

        Parameters
        ----------
        path : str or path-like, optional
            Also save the figure there (format from the extension).
        scores : list of str, optional
            Scores to draw; all by default.

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
        """
        chosen = list(self.scores if scores is None else scores)
        unknown = [score for score in chosen if score not in self.scores]
        if unknown:
            raise InvalidParameterError(
                f"unknown score(s) {unknown}; this result has {', '.join(self.scores)}."
            )
        n_columns = min(4, len(chosen))
        n_rows = math.ceil(len(chosen) / n_columns)
        width = max(3.2, 0.55 * len(self.strategies) + 1.2)
        figure = new_figure(
            figsize=(width * n_columns, 3.4 * n_rows), layout="constrained"
        )
        axes = np.atleast_1d(figure.subplots(n_rows, n_columns, squeeze=False)).ravel()
        positions = np.arange(1, len(self.strategies) + 1)
        jitter = np.random.default_rng(0)
        for ax, score in zip(axes, chosen, strict=False):
            data = [
                self.fold_scores.loc[self.fold_scores["strategy"] == s, score].to_numpy()
                for s in self.strategies
            ]
            ax.boxplot(data, positions=positions, widths=0.6, showfliers=False)
            for position, values in zip(positions, data, strict=True):
                xs = position + jitter.uniform(-0.15, 0.15, values.size)
                ax.plot(xs, values, "o", markersize=2.5, alpha=0.5, color="tab:blue")
            ax.axhline(float(np.mean(data[0])), linestyle="--", color="grey", linewidth=1)
            ax.set_xticks(positions, self.strategies, rotation=45, ha="right")
            direction = "lower is better" if not self.greater_is_better[score] else ""
            ax.set_title(f"{score} {f'({direction})' if direction else ''}".strip(), size=10)
        for ax in axes[len(chosen):]:
            ax.set_visible(False)
        if path is not None:
            figure.savefig(path, dpi=100)
        return figure


def _verdict_word(test: pd.Series) -> str:
    if not test["significant"]:
        return "no difference"
    return "better" if test["better"] else "worse"


def summarize(
    fold_scores: pd.DataFrame,
    tests: pd.DataFrame,
    primary: str,
    winners: list[str],
    kinds: dict[str, str],
    skipped: dict[str, str],
    min_effect: float,
    alpha: float,
    greater: dict[str, bool],
) -> str:
    """The plain-words summary of a comparison: winners on ``primary``, losers, skips."""

    def mean(name: str, score: str) -> float:
        return float(fold_scores.loc[fold_scores["strategy"] == name, score].mean())

    def described(rows: pd.DataFrame) -> str:
        return ", ".join(
            f"{row.strategy} ({row.diff_vs_none:+.3f}, {format_p_value(row.p_value)})"
            for row in rows.itertuples()
        )

    on_primary = tests[(tests["score"] == primary) & (tests["strategy"] != BASELINE)]
    baseline_text = f"'none': {mean(BASELINE, primary):.3f}"
    sentences = []
    if winners:
        rows = on_primary.set_index("strategy").loc[winners].reset_index()
        verb = "beats" if len(winners) == 1 else "beat"
        sentences.append(
            f"On {primary}, {described(rows)} {verb} the baseline ({baseline_text})."
        )
        best = winners[0]
        if len(winners) > 1:
            sentences.append(f"Best: {best} ({mean(best, primary):.3f}).")
        if all(kinds[name] != "sampler" for name in winners):
            sentences.append(
                f"No resampling strategy beats the baseline: prefer {best} to resampling."
            )
    elif on_primary.empty:
        sentences.append(
            f"On {primary}, no strategy beats the baseline ({baseline_text}): only the "
            "baseline ran."
        )
    else:
        sentences.append(
            f"On {primary}, no strategy beats the baseline ({baseline_text}): no difference "
            f"is both significant (Holm-adjusted p < {alpha:g}) and at least {min_effect:g}. "
            "It is safer not to resample."
        )
        sign = 1 if greater[primary] else -1
        largest = on_primary.loc[(sign * on_primary["diff_vs_none"]).idxmax()]
        if sign * largest["diff_vs_none"] >= min_effect:
            n_splits = int(fold_scores["split"].nunique())
            sentences.append(
                f"The largest difference, {largest['strategy']} "
                f"({largest['diff_vs_none']:+.3f}, {format_p_value(largest['p_value'])}"
                f"), is not significant over {n_splits} splits; more repeats (n_repeats) "
                "would give a clearer answer."
            )
    worse = on_primary[on_primary["significant"] & ~on_primary["better"]]
    if not worse.empty:
        sentences.append(f"Significantly worse than the baseline: {described(worse)}.")
    if "brier" in greater:
        brier = tests[(tests["score"] == "brier") & tests["significant"] & ~tests["better"]]
        if not brier.empty:
            sentences.append(
                "Predicted probabilities got worse (higher Brier score) with "
                f"{', '.join(brier['strategy'])}: recalibrate before using them as risks."
            )
    if skipped:
        sentences.append(f"Skipped: {', '.join(skipped)} (see notes).")
    return " ".join(sentences)

