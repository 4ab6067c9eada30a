"""The audit's charts: class shares per split, example types per class, leakage rates.

Every user string is shown literally (:func:`tabaug.utils.plot_text`) and
legends get their labels explicitly, so a split named ``_x`` is not hidden.
Titles are short enough for the narrowest figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from tabaug.utils import new_figure, plot_text

if TYPE_CHECKING:
    from tabaug._audit._result import BalanceAudit

#: Example types and their colours (safe to outlier: green to red).
TYPE_COLOURS = {
    "safe": "#4c9a5b",
    "borderline": "#e3b23c",
    "rare": "#e07b39",
    "outlier": "#c0392b",
}


#: Longest class name written in full on a chart axis (the tables show every name whole).
LABEL_CHARACTERS = 30


def short_label(label: Any) -> str:
    """A class name for a chart axis: shown literally, cut with an ellipsis when very long."""
    text = str(label)
    if len(text) > LABEL_CHARACTERS:
        # the middle goes: names that differ only at the end ("... 1", "... 2") stay apart
        head = (LABEL_CHARACTERS - 1) // 2
        text = text[:head] + "\u2026" + text[len(text) - (LABEL_CHARACTERS - 1 - head):]
    return plot_text(text)


def ratio_text(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.1f}:1"


def shares_figure(result: BalanceAudit) -> Any:
    """Bar chart of class shares: one group of bars per class, one bar per split."""
    labels, splits = result.labels, result.splits
    width = max(7.0, min(14.0, 1.0 + 0.6 * len(labels) * len(splits)))
    figure = new_figure(figsize=(width, 3.6), layout="constrained")
    ax = figure.subplots()
    positions = np.arange(len(labels))
    bar = 0.8 / len(splits)
    handles = []
    for i, split in enumerate(splits):
        xs = positions + (i - (len(splits) - 1) / 2) * bar
        heights = result.shares[split].to_numpy()
        handles.append(ax.bar(xs, heights, bar))
        for x, h, n in zip(xs, heights, result.counts[split], strict=True):
            ax.text(x, h, f"{n:,}", ha="center", va="bottom", size=7)
    names = [short_label(label) for label in labels]
    crowded = sum(len(name) for name in names) > 60 or len(names) > 8
    ax.set_xticks(
        positions, names, rotation=30 if crowded else 0, ha="right" if crowded else "center"
    )
    ax.set_ylabel("share of rows")
    ax.set_xlabel(plot_text(result.target or "class"))
    ax.set_ylim(0, min(1.0, float(result.shares.to_numpy().max()) * 1.15 + 0.02))
    balanced = ax.axhline(1 / len(labels), color="grey", linestyle=":", linewidth=1)
    ax.set_title(f"Class shares (imbalance ratio {ratio_text(result.imbalance_ratio)})")
    # explicit labels: a split named "_x" would otherwise be hidden from the legend
    legend_labels = [plot_text(split) for split in splits] if len(splits) > 1 else []
    ax.legend(
        [*handles[: len(legend_labels)], balanced],
        [*legend_labels, "balanced share"],
        fontsize=8,
    )
    return figure


def difficulty_figure(result: BalanceAudit) -> Any:
    """Stacked horizontal bars: each class's shares of safe to outlier examples."""
    classes = list(result.difficulty)
    figure = new_figure(figsize=(8.0, 1.7 + 0.45 * len(classes)), layout="constrained")
    ax = figure.subplots()
    positions = np.arange(len(classes))
    left = np.zeros(len(classes))
    handles = []
    for kind, colour in TYPE_COLOURS.items():
        shares = np.array([result.difficulty[label][kind] for label in classes])
        handles.append(ax.barh(positions, shares, left=left, color=colour, height=0.6))
        for y, x, share in zip(positions, left, shares, strict=True):
            if share >= 0.08:
                ax.text(x + share / 2, y, f"{100 * share:.0f}%", ha="center", va="center",
                        size=8, color="white")
        left += shares
    ax.set_yticks(positions, [short_label(label) for label in classes])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the class's rows")
    ax.set_title("Example types (5 nearest neighbours)")
    ax.legend(handles, list(TYPE_COLOURS), ncols=4, fontsize=8, loc="upper center",
              bbox_to_anchor=(0.5, -0.28 if len(classes) < 3 else -0.16), frameon=False)
    return figure


def leakage_figure(result: BalanceAudit) -> Any:
    """One panel per check: each class's rate (a bar per class) beside the largest class's (grey).

    Classes run down a shared vertical axis, so long or many class names are
    written once and never overlap.
    """
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    checks = [name for name in ("exact", "near", "smote") if result.leakage[name] is not None]
    titles = {"exact": "Exact repeats", "near": "Near duplicates", "smote": "On a SMOTE segment"}
    labels = [
        label
        for label in result.labels
        if any(
            result.leakage[name]["classes"].get(label, {}).get("rate") is not None
            for name in checks
        )
    ]
    figure = new_figure(figsize=(9.0, 1.9 + 0.5 * max(len(labels), 1)), layout="constrained")
    axes = figure.subplots(1, max(len(checks), 1), squeeze=False, sharey=True)[0]
    positions = np.arange(len(labels))
    handles = []
    for ax, name in zip(axes, checks, strict=False):
        classes = result.leakage[name]["classes"]
        entries = [classes.get(label, {}) for label in labels]
        rates = np.array([entry.get("rate") or 0.0 for entry in entries])
        references = np.array([entry.get("reference_rate") or 0.0 for entry in entries])
        colours = ["#c0392b" if entry.get("flagged") else "#4878a8" for entry in entries]
        handles = [
            ax.barh(positions - 0.18, rates, 0.36, color=colours),
            ax.barh(positions + 0.18, references, 0.36, color="#b0b0b0"),
        ]
        for y, entry, rate, reference_rate in zip(positions, entries, rates, references,
                                                  strict=True):
            shown = "-" if entry.get("rate") is None else f"{100 * rate:.0f}%"
            ax.text(rate, y - 0.18, f" {shown}", va="center", size=7)
            ax.text(reference_rate, y + 0.18, f" {100 * reference_rate:.0f}%", va="center",
                    size=7, color="#555")
        top = max([0.05, *rates, *references])
        ax.set_xlim(0, min(1.0, top * 1.3) if top < 0.75 else 1.2)
        ax.set_title(titles[name], fontsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(3, steps=[1, 2, 5, 10]))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.tick_params(axis="x", labelsize=8)
    axes[(len(axes) - 1) // 2].set_xlabel("share of held-out rows", fontsize=9)
    axes[0].set_yticks(positions, [short_label(label) for label in labels])
    axes[0].invert_yaxis()
    reference = short_label(result.leakage["reference"])
    figure.legend(
        handles,
        ["class (red: flagged)", f"{reference} (the largest class)"],
        loc="outside lower center",
        ncols=2,
        fontsize=8,
        frameon=False,
    )
    return figure
