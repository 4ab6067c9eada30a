"""Figures of a comparison: score distributions per strategy, and the reliability diagram."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from tabaug.utils import new_figure

__all__ = ["plot_reliability", "plot_scores"]


def _plain(text: Any) -> str:
    """``text`` drawn as written: a ``$`` would start matplotlib's math mode."""
    return str(text).replace("$", r"\$")


def plot_scores(result: Any, scores: list[str]) -> Any:
    """One panel per score, a box of per-split scores per strategy (and model)."""
    labels, masks = _series(result)
    n_columns = min(4, len(scores))
    n_rows = math.ceil(len(scores) / n_columns)
    width = max(3.2, 0.55 * len(labels) + 1.2)
    figure = new_figure(figsize=(width * n_columns, 3.4 * n_rows), layout="constrained")
    axes = np.atleast_1d(figure.subplots(n_rows, n_columns, squeeze=False)).ravel()
    positions = np.arange(1, len(labels) + 1)
    jitter = np.random.default_rng(0)
    baselines = [i for i, label in enumerate(labels) if label.split("/")[-1] == "none"]
    for ax, score in zip(axes, scores, strict=False):
        data = [result.fold_scores.loc[mask, score].to_numpy() for mask in masks]
        ax.boxplot(data, positions=positions, widths=0.6, showfliers=False)
        for position, values in zip(positions, data, strict=True):
            xs = position + jitter.uniform(-0.15, 0.15, values.size)
            ax.plot(xs, values, "o", markersize=2.5, alpha=0.5, color="tab:blue")
        for index in baselines:
            ax.axhline(float(np.mean(data[index])), linestyle="--", color="grey", linewidth=1)
        ax.set_xticks(positions, [_plain(label) for label in labels], rotation=45, ha="right")
        direction = "lower is better" if not result.greater_is_better[score] else ""
        ax.set_title(f"{score} {f'({direction})' if direction else ''}".strip(), size=10)
    for ax in axes[len(scores):]:
        ax.set_visible(False)
    return figure


def _series(result: Any) -> tuple[list[str], list[pd.Series]]:
    """A label and a row mask of ``fold_scores`` per strategy (``model/strategy`` per model)."""
    folds = result.fold_scores
    if result.models is None:
        return list(result.strategies), [folds["strategy"] == s for s in result.strategies]
    pairs = folds[["model", "strategy"]].drop_duplicates().itertuples(index=False)
    labels, masks = [], []
    for model, strategy in pairs:
        labels.append(f"{model}/{strategy}")
        masks.append((folds["model"] == model) & (folds["strategy"] == strategy))
    return labels, masks


def plot_reliability(result: Any, strategies: list[str] | None) -> Any:
    """Observed rate against mean predicted probability per bin, one line per strategy."""
    table = result.reliability
    groups = [(None, table)] if result.models is None else list(table.groupby("model",
                                                                               sort=False))
    figure = new_figure(figsize=(4.6 * len(groups), 4.4), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(groups), squeeze=False)).ravel()
    chosen = list(dict.fromkeys(table["strategy"])) if strategies is None else strategies
    binary = len(result.classes) == 2
    for ax, (model, rows) in zip(axes, groups, strict=True):
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1,
                label="perfectly calibrated")
        for strategy in chosen:
            own = rows[rows["strategy"] == strategy]
            if own.empty:
                continue
            ax.plot(own["mean_predicted"], own["observed"], "o-", markersize=3,
                    linewidth=1.2, label=_plain(strategy))
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        what = f"class {result.minority!r}" if binary else "the top label"
        ax.set_xlabel(_plain(f"mean predicted probability of {what}"))
        ax.set_ylabel("observed frequency")
        title = "reliability (validation folds pooled)"
        ax.set_title(title if model is None else _plain(f"{model}: {title}"), size=10)
        ax.legend(fontsize=7, frameon=False)
    return figure
