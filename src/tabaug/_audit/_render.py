"""How a :class:`~tabaug.BalanceAudit` reads: text, HTML and the class-share chart.

Every user string (labels, split and column names) is escaped for HTML and
shown literally in charts (a ``$`` does not start matplotlib's math mode, a
leading ``_`` does not hide a split from the legend).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np

from tabaug.utils import (
    UNDEFINED,
    figure_to_png,
    format_number,
    format_p_value,
    has_matplotlib,
    html_table,
    label_text,
    new_figure,
    plot_text,
    png_img_tag,
    text_table,
)

if TYPE_CHECKING:
    from tabaug._audit._result import BalanceAudit


def ratio_text(value: float | None) -> str:
    return UNDEFINED if value is None else f"{value:.1f}:1"


def _table_rows(result: BalanceAudit) -> tuple[list[str], list[list[str]]]:
    columns = list(result.counts.columns)
    header = ["class", *columns]
    rows = [
        [
            str(label),
            *(
                f"{result.counts.loc[label, c]:,} ({100 * result.shares.loc[label, c]:.1f}%)"
                for c in columns
            ),
        ]
        for label in result.labels
    ]
    rows.append(
        ["imbalance ratio", *(ratio_text(result.per_split[c]["imbalance_ratio"]) for c in columns)]
    )
    rows.append(
        [
            "normalised entropy",
            *(format_number(result.per_split[c]["normalized_entropy"]) for c in columns),
        ]
    )
    return header, rows


def _summary_lines(result: BalanceAudit) -> list[str]:
    share = result.minority_threshold / len(result.labels)
    lines = []
    if result.minority_classes:
        names = ", ".join(map(str, result.minority_classes))
        lines.append(f"Minority classes (overall share below {100 * share:.1f}%): {names}")
    else:
        lines.append(f"No class has an overall share below {100 * share:.1f}%.")
    for entry in result.drift:
        lines.append(
            f"Drift, '{entry['split']}' vs '{entry['reference']}': chi-square "
            f"{format_p_value(entry['p_value'])}, largest share difference "
            f"{100 * entry['largest_difference']:.1f} points "
            f"({label_text(entry['label'], prefix=True)})"
        )
    for split, entry in result.duplicates.items():
        lines.append(
            f"Duplicates: {entry['duplicates']:,} of {entry['rows']:,} '{split}' rows "
            f"({100 * entry['share']:.1f}%) exactly repeat a '{entry['reference']}' row"
        )
    return lines


def title(result: BalanceAudit) -> str:
    target = f"target '{result.target}', " if result.target else ""
    splits = f" in {len(result.splits)} splits" if len(result.splits) > 1 else ""
    return f"Class balance: {target}{len(result.labels)} classes, {result.n_rows:,} rows{splits}"


def text(result: BalanceAudit) -> str:
    header, rows = _table_rows(result)
    sections = [title(result), text_table(header, rows), "\n".join(_summary_lines(result))]
    if result.warnings:
        sections.append("Warnings:\n" + "\n".join(f"- {w}" for w in result.warnings))
    else:
        sections.append("No warnings.")
    return "\n\n".join(sections)


def html_body(result: BalanceAudit, *, with_plot: bool) -> str:
    header, rows = _table_rows(result)
    parts = [f"<h2>{html.escape(title(result))}</h2>", html_table(header, rows)]
    parts += [f"<p>{html.escape(line)}</p>" for line in _summary_lines(result)]
    if result.warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in result.warnings)
        parts.append(f"<h3>Warnings</h3><ul class='tabaug-warning'>{items}</ul>")
    else:
        parts.append("<p>No warnings.</p>")
    if with_plot and has_matplotlib():
        png = figure_to_png(shares_figure(result))
        parts.append(png_img_tag(png, "class shares per split"))
    return "".join(parts)


def shares_figure(result: BalanceAudit) -> Any:
    """Bar chart of class shares: one group of bars per class, one bar per split."""
    labels, splits = result.labels, result.splits
    width = max(5.0, min(14.0, 1.0 + 0.6 * len(labels) * len(splits)))
    figure = new_figure(figsize=(width, 3.8), layout="constrained")
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
    names = [plot_text(label) for label in labels]
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
