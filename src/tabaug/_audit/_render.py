"""How a :class:`~tabaug.BalanceAudit` reads: text and a self-contained HTML report.

The HTML report opens with what the reader should look at (leaks, the
hardest class, extreme imbalance, classes missing from a split), then a
section each for class balance, difficulty and leakage, with their charts
when matplotlib is installed (a sentence says so when it is not). Every user
string (labels, split and column names) is escaped.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from tabaug._audit import _charts
from tabaug.utils import (
    figure_to_png,
    format_number,
    format_p_value,
    has_matplotlib,
    html_table,
    label_text,
    png_img_tag,
    text_table,
)

if TYPE_CHECKING:
    from tabaug._audit._result import BalanceAudit

ratio_text = _charts.ratio_text

NOT_CHECKED = {
    "difficulty": "Difficulty not checked: use difficulty=True (command line: --difficulty); "
    "it needs the feature columns.",
    "leakage": "Leakage not checked: use check_leakage=True (command line: --check-leakage); "
    "it needs the feature columns and a split (split=..., command line: --split).",
}
_CHECK_NAMES = {"exact": "exact repeats", "near": "near duplicates", "smote": "SMOTE segments"}
_PLOT_HINT = 'Charts need matplotlib: pip install "tabaug[plot]".'
_CSS = """
.tabaug-audit { max-width: 60em; line-height: 1.45; }
.tabaug-audit img { max-width: 100%; height: auto; display: block; margin: 0.5em 0 1em; }
.tabaug-audit h3 { margin-top: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.tabaug-lead { background: #f6f8fa; border-left: 4px solid #4878a8; padding: 0.6em 1em; }
.tabaug-lead.tabaug-alarm { border-left-color: #c0392b; background: #fdf3f2; }
.tabaug-lead h3 { margin: 0.2em 0 0.4em; border: none; }
.tabaug-lead li { margin: 0.25em 0; }
.tabaug-note { color: #555; font-size: 0.92em; }
.tabaug-flag { color: #c0392b; font-weight: 600; }
"""


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
    natural = result.leakage["natural_rate"] if result.leakage else None
    for split, entry in result.duplicates.items():
        base = (
            f"; {100 * natural:.1f}% of '{entry['reference']}' rows repeat one another"
            if natural is not None
            else ""
        )
        lines.append(
            f"Duplicates: {entry['duplicates']:,} of {entry['rows']:,} rows of '{split}' "
            f"({100 * entry['share']:.1f}%) exactly repeat a '{entry['reference']}' row{base}"
        )
    return lines


def title(result: BalanceAudit) -> str:
    target = f" of target '{result.target}'" if result.target else ""
    splits = f" in {len(result.splits)} splits" if len(result.splits) > 1 else ""
    return f"Audit{target}: {len(result.labels)} classes, {result.n_rows:,} rows{splits}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _difficulty_rows(result: BalanceAudit) -> tuple[list[str], list[list[str]]]:
    header = ["class", "safe", "borderline", "rare", "outlier", "rows"]
    rows = [
        [
            str(label),
            *(f"{100 * entry[kind]:.0f}%" for kind in _charts.TYPE_COLOURS),
            f"{entry['n_rows']:,}" + (" (sampled)" if entry["sampled"] else ""),
        ]
        for label, entry in result.difficulty.items()
    ]
    return header, rows


def _leakage_rows(result: BalanceAudit) -> tuple[list[str], list[list[str]]]:
    reference = label_text(result.leakage["reference"])
    header = ["check", "class", "held-out rows", "rate", f"rate of {reference}", "p (Holm)",
              "flagged"]
    rows = []
    for name, check in result.leakage.items():
        if name not in _CHECK_NAMES:
            continue
        if check is None:
            rows.append([_CHECK_NAMES[name], "-", "-", "not checked", "-", "-", "-"])
            continue
        for label, entry in check["classes"].items():
            rows.append(
                [
                    _CHECK_NAMES[name],
                    str(label),
                    f"{entry['n_rows']:,}",
                    _percent(entry["rate"]),
                    _percent(entry["reference_rate"]),
                    "-" if entry["p_value"] is None else _p_text(entry["p_value"]),
                    "YES" if entry["flagged"] else "no",
                ]
            )
    return header, rows


def _p_text(p_value: float) -> str:
    return format_p_value(p_value).removeprefix("p ").removeprefix("= ")


def _difficulty_lines(result: BalanceAudit) -> list[str]:
    if not result.checked["difficulty"]:
        return [NOT_CHECKED["difficulty"]]
    return list(result.readings) or [
        note for note in result.notes if note.startswith("difficulty not computed")
    ]


def text(result: BalanceAudit) -> str:
    header, rows = _table_rows(result)
    sections = [title(result), text_table(header, rows), "\n".join(_summary_lines(result))]
    if result.difficulty is not None:
        sections.append("Difficulty:\n" + text_table(*_difficulty_rows(result)))
    sections.append("\n".join(_difficulty_lines(result)))
    if result.leakage is not None:
        sections.append(
            "Leakage (held-out rows, each class against the largest):\n"
            + text_table(*_leakage_rows(result))
        )
    else:
        sections.append(NOT_CHECKED["leakage"])
    if result.warnings:
        sections.append("Warnings:\n" + "\n".join(f"- {w}" for w in result.warnings))
    else:
        sections.append("No warnings.")
    if result.notes:
        sections.append("How it was measured:\n" + "\n".join(f"- {n}" for n in result.notes))
    return "\n\n".join(sections)


def _leak_summaries(result: BalanceAudit) -> list[str]:
    """One short line per class with a flagged leakage check."""
    if result.leakage is None:
        return []
    reference = label_text(result.leakage["reference"], prefix=True)
    wording = {
        "exact": "exactly repeat a training row of the class",
        "near": "are near duplicates of a training row",
        "smote": "lie on a line through two other rows of the class (SMOTE)",
    }
    found: dict = {}
    for name, check in result.leakage.items():
        if name not in _CHECK_NAMES or check is None:
            continue
        for label, entry in check["classes"].items():
            if entry["flagged"]:
                found.setdefault(label, []).append(
                    f"{100 * entry['rate']:.0f}% {wording[name]} "
                    f"({100 * entry['reference_rate']:.1f}% for {reference})"
                )
    return [
        f"Leakage in {label_text(label, prefix=True)}: of its held-out rows, "
        f"{'; '.join(parts)}. The rows were probably resampled before splitting: split "
        "first, then resample the training split only."
        for label, parts in found.items()
    ]


def _lead(result: BalanceAudit) -> tuple[list[str], bool]:
    """The few things to look at first, most serious first; and whether any is an alarm."""
    items = _leak_summaries(result)
    items += [w for w in result.warnings if "exactly repeat a row of" in w]
    alarm = bool(items)
    if result.difficulty:
        hardest = min(result.difficulty, key=lambda label: result.difficulty[label]["safe"])
        items += [r for r in result.readings if label_text(hardest, prefix=True) in r][:1]
    if result.minority_classes:
        names = ", ".join(label_text(label) for label in result.minority_classes[:3])
        items.append(
            f"Imbalance {ratio_text(result.imbalance_ratio)}; minority classes: {names}. "
            "Judge models by per-class recall and balanced accuracy, not accuracy."
        )
    items += [
        w
        for w in result.warnings
        if "no rows in split" in w or w.startswith(("Class shares differ", "Extreme"))
    ][:2]
    items += [w for w in result.warnings if "are left out" in w][:1]
    unchecked = [name for name, done in result.checked.items() if not done]
    if unchecked:
        items.append(
            f"Not checked: {' and '.join(unchecked)} (see their sections for the option)."
        )
    if not items:
        items.append("Nothing stands out: no leakage, no class below the minority threshold.")
    return items[:6], alarm


def html_body(result: BalanceAudit, *, with_plot: bool) -> str:
    lead, alarm = _lead(result)
    charts = with_plot and has_matplotlib()
    parts = [
        f"<style>{_CSS}</style><div class='tabaug-audit'>",
        f"<h2>{html.escape(title(result))}</h2>",
        f"<div class='tabaug-lead{' tabaug-alarm' if alarm else ''}'><h3>What to look at</h3>"
        f"<ul>{''.join(f'<li>{html.escape(item)}</li>' for item in lead)}</ul></div>",
        "<h3>Class balance</h3>",
        html_table(*_table_rows(result)),
        *(f"<p>{html.escape(line)}</p>" for line in _summary_lines(result)),
    ]
    if charts:
        png = figure_to_png(_charts.shares_figure(result))
        parts.append(png_img_tag(png, "class shares per split"))
    elif with_plot:
        parts.append(f"<p class='tabaug-note'>{html.escape(_PLOT_HINT)}</p>")
    parts.append("<h3>Difficulty</h3>")
    if result.difficulty is not None:
        parts.append(html_table(*_difficulty_rows(result)))
        if charts:
            png = figure_to_png(_charts.difficulty_figure(result))
            parts.append(png_img_tag(png, "example types per class"))
    parts += [f"<p>{html.escape(line)}</p>" for line in _difficulty_lines(result)]
    parts.append("<h3>Leakage</h3>")
    if result.leakage is not None:
        parts.append(html_table(*_leakage_rows(result)))
        if charts and any(result.leakage[name] for name in _CHECK_NAMES):
            png = figure_to_png(_charts.leakage_figure(result))
            parts.append(png_img_tag(png, "leakage rates per class"))
        flagged = _leak_summaries(result)
        parts += [f"<p class='tabaug-flag'>{html.escape(line)}</p>" for line in flagged]
        if not flagged:
            parts.append(
                "<p>No class stands out: held-out rows repeat or resemble training rows no "
                "more than the largest class's do.</p>"
            )
    else:
        parts.append(f"<p>{html.escape(NOT_CHECKED['leakage'])}</p>")
    parts.append("<h3>Warnings</h3>")
    if result.warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in result.warnings)
        parts.append(f"<ul class='tabaug-warning'>{items}</ul>")
    else:
        parts.append("<p>No warnings.</p>")
    if result.notes:
        items = "".join(f"<li>{html.escape(note)}</li>" for note in result.notes)
        parts.append(f"<h3>How it was measured</h3><ul class='tabaug-note'>{items}</ul>")
    parts.append("</div>")
    return "".join(parts)
