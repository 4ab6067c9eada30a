"""The plain-words summary of a comparison: for one model, and model by model."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tabaug.model_selection._strategies import BASELINE, RESAMPLING_KINDS
from tabaug.utils import format_p_value

__all__ = ["summarize", "summarize_models"]


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
        if all(kinds[name] not in RESAMPLING_KINDS for name in winners):
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
                f"{', '.join(brier['strategy'])}: recalibrate before using them as risks "
                "('<strategy>+corrected' and '+calibrated' show how)."
            )
    if skipped:
        sentences.append(f"Skipped: {', '.join(skipped)} (see notes).")
    return " ".join(sentences)


def summarize_models(tables: list[Any], primary: str, min_effect: float, alpha: float,
                     greater: dict[str, bool]) -> str:
    """One line at a glance (where resampling helps), then each model's own summary."""
    helped, not_helped = [], []
    for table in tables:
        kinds = table.run.plan.kinds()
        resampling = [name for name in table.winners if kinds[name] in RESAMPLING_KINDS]
        if resampling:
            helped.append(f"{table.run.name} ({', '.join(resampling)})")
        else:
            not_helped.append(table.run.name)
    if helped and not_helped:
        glance = (f"On {primary}, resampling helps {'; '.join(helped)} but not "
                  f"{', '.join(not_helped)}.")
    elif helped:
        glance = f"On {primary}, resampling helps every model: {'; '.join(helped)}."
    else:
        glance = f"On {primary}, resampling helps none of the models."
    lines = [glance]
    for table in tables:
        skipped = {skip.name: skip.reason for skip in table.run.plan.skipped}
        text = summarize(table.fold_scores, table.tests, primary, table.winners,
                         table.run.plan.kinds(), skipped, min_effect, alpha, greater)
        lines.append(f"{table.run.name}: {text}")
    return "\n".join(lines)
