"""The feature checks of an audit, run on the rows the inputs provide.

:func:`split_duplicates` compares each split's exact repeats of reference
rows with the data's own duplicate rate; :func:`run_leakage` judges each
class against the largest one (exact, near-duplicate and SMOTE-segment
rates); :func:`run_difficulty` classifies examples and measures overlap on
the reference split. Labels are handled as their positions in the audit's
sorted label list, so text read from a file and values from memory compare
the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tabaug._audit._counting import Counting
from tabaug._audit._difficulty import Difficulty, assess_difficulty
from tabaug._audit._encoding import Encoded, encode
from tabaug._audit._inputs import AuditInput, Table
from tabaug._audit._leakage import (
    ALPHA,
    NEAR_ALPHA,
    RepeatCounts,
    count_repeats,
    exact_by_class,
    exact_duplicates,
    largest_class,
    one_sided_p,
    summarise,
    synthetic_by_class,
)
from tabaug._audit._rows import RowSet
from tabaug._audit._synthetic import can_test_segments
from tabaug.utils import format_p_value, label_text


@dataclass
class Findings:
    """What the feature checks found, gathered for :class:`BalanceAudit`."""

    duplicates: dict[str, dict[str, Any]] = field(default_factory=dict)
    difficulty: Difficulty | None = None
    leakage: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def label_codes(values: np.ndarray, labels: list[Any]) -> np.ndarray:
    """Each value's position in ``labels``, matched as text; -1 when missing or unknown."""
    return _codes(values, {str(label): i for i, label in enumerate(labels)})


def _codes(values: np.ndarray, lookup: dict[str, int]) -> np.ndarray:
    """Codes of ``values`` by their text, looked up once per distinct value."""
    distinct = pd.Categorical(pd.Series(values, dtype=object))
    by_category = np.array(
        [lookup.get(str(value), -1) for value in distinct.categories] + [-1], dtype=np.int64
    )
    return by_category[distinct.codes]  # code -1 (missing) takes the appended -1


def _roles(table: Table, labels: list[Any], counting: Counting) -> RowSet:
    codes = label_codes(table.labels, labels)
    split = _codes(table.splits, {name: i for i, name in enumerate(counting.splits)})
    train = split == counting.splits.index(counting.reference)
    known = split >= 0
    return RowSet(codes, train & (codes >= 0), known & ~train & (codes >= 0))


def repeat_counts(inputs: AuditInput, counting: Counting) -> RepeatCounts:
    """The exact-repeat counts: given by the Dask path, or counted from the row hashes."""
    if inputs.repeats is not None:
        splits, natural, *by_label = inputs.repeats
        by_code = [_by_code(pairs, counting.labels) for pairs in by_label]
        return RepeatCounts(
            {str(name): pair for name, pair in splits.items() if str(name) in counting.splits},
            natural, *by_code,
        )
    known = set(counting.splits)
    split_hashes = {str(name): value for name, value in inputs.hashes.items()
                    if str(name) in known}
    roles = _roles(inputs.hashed, counting.labels, counting)
    usable = roles.labels >= 0
    hashes = np.concatenate(list(inputs.hashes.values()))[usable]
    rows = RowSet(roles.labels[usable], roles.train[usable], roles.held_out[usable])
    return count_repeats(split_hashes, counting.reference, rows, hashes)


def _by_code(pairs: dict[Any, tuple[int, int]], labels: list[Any]) -> dict[int, tuple[int, int]]:
    """``{label: pair}`` keyed by class code instead (labels matched as text)."""
    values = np.empty(len(pairs), dtype=object)
    values[:] = list(pairs)
    codes = label_codes(values, labels)
    return {int(code): pair for code, pair in zip(codes, pairs.values(), strict=True)
            if code >= 0}


def split_duplicates(counts: RepeatCounts, counting: Counting) -> Findings:
    """Held-out rows that exactly repeat a reference row, against the data's own rate."""
    findings = Findings()
    findings.duplicates = exact_duplicates(counts, counting.reference)
    natural_n, natural_hits = counts.natural
    natural_rate = counts.natural_rate
    for s, entry in findings.duplicates.items():
        p_value = one_sided_p(entry["duplicates"], entry["rows"], natural_hits, natural_n)
        if p_value < ALPHA and entry["share"] - natural_rate >= 0.01:
            findings.warnings.append(
                f"{entry['duplicates']:,} of {entry['rows']:,} rows of '{s}' "
                f"({100 * entry['share']:.1f}%) exactly repeat a row of "
                f"'{counting.reference}', far more than the {100 * natural_rate:.1f}% of "
                f"'{counting.reference}' rows that repeat each other: rows were probably "
                "resampled, augmented or copied before splitting, which leaks training rows "
                "into evaluation. Split first, then resample the training split only (e.g. in "
                "a Pipeline)."
            )
    return findings


def run_leakage(
    counts: RepeatCounts,
    counting: Counting,
    encoded: Encoded | None,
    rows: RowSet | None,
    max_rows: int,
    random_state: int | None,
    sampled_from: int | None = None,
) -> Findings:
    """The class-level leakage checks: result, warnings and method notes.

    ``counts`` covers every row; ``encoded`` and ``rows`` (for the near
    duplicate and SMOTE checks) may be a seeded sample of ``sampled_from``
    rows.
    """
    labels = counting.labels
    reference, tied = largest_class(counts, encoded, rows, random_state)
    checks: dict[str, Any] = {"exact": summarise(exact_by_class(counts, reference))}
    held_out = [s for s in counting.splits if s != counting.reference]
    findings = Findings()
    findings.notes.append(
        f"leakage: held-out rows ({', '.join(held_out)}) against '{counting.reference}', "
        f"each class against the largest, {label_text(labels[reference], prefix=True)}"
        + (" (of the classes tied for the most rows, the one that looks least resampled)"
           if tied else "")
        + "; one-sided Fisher exact and Mann-Whitney tests, Holm-adjusted across classes"
    )
    checks["near"] = checks["smote"] = None
    if encoded is not None and rows is not None:
        near, segment, method, sampled = synthetic_by_class(
            rows, encoded, reference, max_rows, random_state
        )
        checks["near"] = summarise(near, NEAR_ALPHA)
        if can_test_segments(encoded):
            checks["smote"] = summarise(segment)
        else:
            findings.notes.append(
                "SMOTE rows not checked: that needs two or more continuous numeric columns."
            )
        findings.notes.append(
            f"near duplicates and SMOTE rows: {method}"
            + (f"; at most {max_rows:,} held-out rows queried (sampled)" if sampled else "")
            + (f"; on a seeded sample of {len(rows.labels):,} of {sampled_from:,} rows, at most "
               f"{max(1, max_rows // len(labels)):,} per class (exact repeats on every row)"
               if sampled_from else "")
        )
    for name, check in checks.items():
        if check is None:
            continue
        check["label"] = labels[check["label"]]
        check["classes"] = {labels[code]: entry for code, entry in check["classes"].items()}
        for label, entry in check["classes"].items():
            if entry["flagged"]:
                findings.warnings.append(_leak_warning(name, label, entry, labels[reference]))
    findings.leakage = {
        **checks,
        "reference": labels[reference],
        "held_out": held_out,
        "natural_rate": counts.natural_rate,
    }
    return findings


_WORDING = {
    "exact": "exactly repeat a training row of their class",
    "near": "sit much closer to one training row of their class than to the next ones "
    "(near duplicates, such as noise-jittered copies)",
    "smote": "lie on the line through two other rows of their class, on every numeric "
    "column (SMOTE-made)",
}


def _leak_warning(check: str, label: Any, entry: dict[str, Any], reference: Any) -> str:
    return (
        f"Leakage: {100 * entry['rate']:.1f}% of held-out {label_text(label, prefix=True)} "
        f"rows {_WORDING[check]}, against {100 * entry['reference_rate']:.1f}% for "
        f"{label_text(reference, prefix=True)} (Holm-adjusted "
        f"{format_p_value(entry['p_value'])}). Rows "
        "were probably resampled before splitting: split first, then resample the training "
        "split only (e.g. in a Pipeline)."
    )


def prepare_table(
    table: Table | None, counting: Counting
) -> tuple[Encoded | None, RowSet | None]:
    """HEOM points of the table's rows that have a label and a known split, with their roles.

    With a single split, every labelled row is a training row.
    """
    if table is None:
        return None, None
    roles = _roles(table, counting.labels, counting)
    if len(counting.splits) == 1:
        roles = RowSet(roles.labels, roles.labels >= 0, np.zeros(len(roles.labels), bool))
    rows = np.flatnonzero(roles.train | roles.held_out)
    encoded = encode(table.features.iloc[rows])
    return encoded, RowSet(roles.labels[rows], roles.train[rows], roles.held_out[rows])


def run_difficulty(
    table: Table,
    encoded: Encoded,
    rows: RowSet,
    counting: Counting,
    max_rows: int,
    random_state: int | None,
) -> Findings:
    """Difficulty on the reference split (all rows when there is one split)."""
    findings = Findings()
    on = np.flatnonzero(rows.train)
    where = "all rows" if len(counting.splits) == 1 else f"the '{counting.reference}' split"
    if table.sampled_from is not None:
        where += (
            f" of a seeded sample of {len(table.labels):,} of the file's "
            f"{table.sampled_from:,} rows (neighbours among the sample)"
        )
    if np.count_nonzero(np.bincount(rows.labels[on])) < 2:
        findings.notes.append(f"difficulty not computed: {where} has a single class.")
        return findings
    subset = Encoded(
        encoded.points[on],
        encoded.numeric[on],
        encoded.numeric_names,
        encoded.whole,
        encoded.ranges,
        encoded.n_categorical,
    )
    findings.difficulty = assess_difficulty(
        subset,
        rows.labels[on],
        counting.labels,
        where=where,
        max_rows=max_rows,
        random_state=random_state,
    )
    if table.sampled_from is not None:
        for entry in findings.difficulty.classes.values():
            entry["sampled"] = True
    findings.notes += findings.difficulty.notes
    return findings
