"""The one projected-gradient attack behind tabaug's adversarial augmentations (tables, images).

L-infinity projected gradient descent (PGD, Madry et al. 2018; FGSM, Goodfellow
et al. 2015, when ``steps=1`` without a random start): each step moves every
feature by ``step_size`` in the direction of the sign of the loss gradient,
then projects back into the box ``[start - radius, start + radius]`` intersected
with ``[low, high]``. Radius, box and step are per feature, so a table's
columns each get their own (in units of their standard deviation) and an
image's pixels share one.

Every candidate is judged *as it will be delivered*: ``finalize`` turns it into
the output's form (integers rounded, pixels on the uint8 grid) before the model
scores it, so a row is a success only if its final form is.

Goals:

``"stay"`` (hard examples that keep their class)
    Ascend the cross-entropy of each row's own class and keep the furthest
    finalised candidate the model still assigns to that class. When a step
    crosses the decision boundary, a few bisection steps between the last
    candidate inside and the first outside land just inside it. A start the
    model already assigns to another class fails.
``"reach"`` (M2m, Kim et al. 2020)
    Descend the cross-entropy of a target class; a row succeeds at the first
    finalised candidate the model assigns to the target with probability at
    least ``confidence`` (and more than any other class), and stops there,
    so its perturbation is as small as the steps allow.
``"away"`` (label-free noise)
    Ascend the cross-entropy of the model's own prediction for the start;
    nothing is judged and the last candidate comes back.

:func:`attack_in_rounds` is the sampling loop around the attack that every
adversarial sampler shares (draw starting rows, attack, keep the successes,
draw again within a budget), with the report and the error message of a
class that stays short.

torch is passed in by the caller, so importing this module never imports it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.utils._validation import label_text, plain_value

__all__ = [
    "ATTACK_GOALS",
    "AttackResult",
    "Rounds",
    "attack_in_rounds",
    "check_attack_model",
    "generation_report",
    "projected_attack",
    "report_row",
    "shortfall_message",
]

ATTACK_GOALS = ("stay", "reach", "away")
# Halvings of the segment between the last candidate inside the class and the first
# outside: 4 land within 1/16 of a step of the boundary.
_BISECTIONS = 4


@dataclass(frozen=True)
class AttackResult:
    """What :func:`projected_attack` gives back.

    ``rows`` holds the finalised candidates (for rows that failed, the
    finalised start for ``"stay"`` and the last candidate for ``"reach"``);
    ``success`` says which rows met the goal.
    """

    rows: Any
    success: Any


def projected_attack(
    torch: Any,
    forward: Callable[[Any], Any],
    start: Any,
    labels: Any,
    *,
    goal: str,
    radius: Any,
    low: Any,
    high: Any,
    step_size: Any,
    steps: int,
    finalize: Callable[[Any], Any] | None = None,
    confidence: float = 0.5,
    random_start: bool = True,
    initial: Any = None,
) -> AttackResult:
    """Run the attack of the module docstring on a batch.

    ``forward`` maps a batch like ``start`` to logits (n, n_classes) and must
    be differentiable in its input; ``labels`` (n,) holds class positions in
    the logits (ignored for ``"away"``). ``radius``, ``low``, ``high`` and
    ``step_size`` broadcast against ``start``. ``finalize`` must keep a
    candidate inside the box it is given (it may round within it). With
    ``random_start`` the walk starts at a uniform point of the box (PGD), so
    the same start drawn twice gives different rows; ``initial`` gives that
    first point instead (it is projected into the box), for callers that
    draw it from a generator of their own.
    """
    finalize = finalize if finalize is not None else _identity
    low_box = torch.maximum(start - radius, low)
    high_box = torch.minimum(start + radius, high)
    x = start.clone() if initial is None else initial
    if random_start and initial is None:
        x = x + (torch.rand(start.shape, device=start.device, dtype=start.dtype) * 2 - 1) * radius
    x = torch.minimum(torch.maximum(x, low_box), high_box)
    walk = _Walk(torch, forward, low_box, high_box, step_size)
    if goal == "away":
        with torch.no_grad():
            labels = forward(start).argmax(dim=1)
        for _ in range(int(steps)):
            x = walk.step(x, labels, sign=1.0, moving=None)
        rows = finalize(x)
        return AttackResult(rows, torch.ones(len(rows), dtype=torch.bool, device=rows.device))
    if goal == "reach":
        return _reach(torch, walk, x, labels, steps, finalize, confidence)
    return _stay(torch, walk, start, x, labels, steps, finalize)


def _identity(x: Any) -> Any:
    return x


class _Walk:
    """Signed-gradient steps projected into the box, and the model's verdicts."""

    def __init__(self, torch: Any, forward: Callable, low_box: Any, high_box: Any,
                 step_size: Any) -> None:
        self.torch = torch
        self.forward = forward
        self.low_box = low_box
        self.high_box = high_box
        self.step_size = step_size

    def step(self, x: Any, labels: Any, *, sign: float, moving: Any) -> Any:
        torch = self.torch
        point = x.detach().requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(self.forward(point), labels, reduction="sum")
        # autograd.grad, not backward(): the model's parameters never get a .grad
        (gradient,) = torch.autograd.grad(loss, point)
        moved = x + sign * self.step_size * gradient.sign()
        moved = torch.minimum(torch.maximum(moved, self.low_box), self.high_box).detach()
        if moving is None:
            return moved
        shape = (-1,) + (1,) * (x.dim() - 1)
        return torch.where(moving.view(shape), moved, x)

    def probabilities(self, x: Any) -> Any:
        with self.torch.no_grad():
            return self.torch.softmax(self.forward(x).double(), dim=1)


def _reach(torch: Any, walk: _Walk, x: Any, labels: Any, steps: int, finalize: Callable,
           confidence: float) -> AttackResult:
    def hits(candidate: Any) -> Any:
        proba = walk.probabilities(candidate)
        target = proba.gather(1, labels[:, None])[:, 0]
        return (target >= confidence) & (proba.argmax(dim=1) == labels)

    rows = finalize(x)
    done = hits(rows)
    for _ in range(int(steps)):
        if bool(done.all()):
            break
        x = walk.step(x, labels, sign=-1.0, moving=~done)
        candidate = finalize(x)
        new = ~done & hits(candidate)
        rows = _select(torch, new, candidate, rows)
        done = done | new
    return AttackResult(rows, done)


def _stay(torch: Any, walk: _Walk, start: Any, x: Any, labels: Any, steps: int,
          finalize: Callable) -> AttackResult:
    def inside(candidate: Any) -> Any:
        return walk.probabilities(candidate).argmax(dim=1) == labels

    best = finalize(start.clone())
    success = inside(best)
    active = success.clone()
    last_in = start.clone()
    first_out = start.clone()
    crossed = torch.zeros_like(success)

    def visit(point: Any) -> None:
        nonlocal best, last_in, first_out, active, crossed
        candidate = finalize(point)
        ok = inside(candidate)
        keep, out = active & ok, active & ~ok
        best = _select(torch, keep, candidate, best)
        last_in = _select(torch, keep, point, last_in)
        first_out = _select(torch, out, point, first_out)
        crossed = crossed | out
        active = active & ok

    visit(x)
    for _ in range(int(steps)):
        if not bool(active.any()):
            break
        x = walk.step(x, labels, sign=1.0, moving=active)
        visit(x)
    if bool(crossed.any()):
        inner, outer = last_in, first_out
        for _ in range(_BISECTIONS):
            middle = (inner + outer) / 2
            candidate = finalize(middle)
            ok = inside(candidate)
            closer = crossed & ok
            best = _select(torch, closer, candidate, best)
            inner = _select(torch, closer, middle, inner)
            outer = _select(torch, crossed & ~ok, middle, outer)
    return AttackResult(best, success)


def _select(torch: Any, rows: Any, new: Any, old: Any) -> Any:
    """``new`` where ``rows`` is true, else ``old`` (rows broadcast over the other axes)."""
    return torch.where(rows.view((-1,) + (1,) * (new.dim() - 1)), new, old)


# --------------------------------------------------------------------------- sampling rounds
# Starting rows drawn per round beyond the expected need, against bad luck.
_MARGIN = 1.2


@dataclass(frozen=True)
class Rounds:
    """What :func:`attack_in_rounds` kept: the payload arrays, and the count of tries."""

    kept: tuple
    sources: np.ndarray
    attempts: int
    successes: int


def attack_in_rounds(
    n_rows: int,
    pool: np.ndarray,
    attack: Callable[[np.ndarray], tuple],
    *,
    max_attempts: int,
    batch: int,
    rng: np.random.RandomState,
    bar: Any = None,
) -> Rounds:
    """Attack starting rows drawn from ``pool`` until ``n_rows`` succeed or the budget ends.

    Each round draws starting rows uniformly with replacement from ``pool``
    (as many as the success rate so far says are needed, with a margin, at
    most ``batch``) and calls ``attack(sources)``, which returns a boolean
    success array and a tuple of arrays aligned with ``sources``; the first
    successes, in draw order, are kept. At most ``max_attempts * n_rows``
    starting rows are attacked in all.
    """
    budget = int(max_attempts) * n_rows
    kept: list[tuple] = []
    sources_kept: list[np.ndarray] = []
    n_kept = attempts = successes = 0
    while n_kept < n_rows and attempts < budget:
        missing = n_rows - n_kept
        rate = successes / attempts if attempts else 1.0
        need = math.ceil(missing * _MARGIN / rate) if rate > 0 else budget - attempts
        size = min(budget - attempts, max(need, missing), batch)
        sources = pool[rng.randint(0, pool.size, size=size)]
        success, payload = attack(sources)
        attempts += size
        successes += int(success.sum())
        take = np.flatnonzero(success)[:missing]
        kept.append(tuple(part[take] for part in payload))
        sources_kept.append(sources[take])
        n_kept += take.size
        if bar is not None:
            bar.update(int(take.size))
    parts = tuple(np.concatenate(column) for column in zip(*kept, strict=True)) if kept else ()
    sources = np.concatenate(sources_kept) if sources_kept else np.empty(0, np.intp)
    return Rounds(parts, sources.astype(np.intp), attempts, successes)


def check_attack_model(
    torch: Any,
    call: Callable,
    point: Any,
    n_classes: int,
    *,
    owner: str,
    name: str,
    inputs: str,
    unit: str,
    contract: str,
    default: str,
) -> None:
    """Refuse, with the contract in the message, a user's model that cannot be attacked.

    ``call(point)`` must return a tensor of logits ``(len(point), n_classes)``
    that depends differentiably on ``point``. ``name`` is what the model is
    called in the messages (``"surrogate"``), ``inputs`` and ``unit`` what it
    was run on (``"a batch of the table"``, ``"rows"``), ``contract`` the
    sentence saying what it must do, and ``default`` the setting that trains
    one instead (``"surrogate=None"``).
    """
    retry = f"or pass {default} to train one"
    point = point.detach().requires_grad_(True)
    try:
        out = call(point)
    except Exception as error:  # the user's code: any failure is reported with the contract
        raise InvalidInputError(
            f"{owner}: the {name} failed on {inputs} ({type(error).__name__}: {error}). "
            f"{contract} Pass such a torch model, {retry}."
        ) from error
    n_rows = point.shape[0]
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (n_rows, n_classes):
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise InvalidInputError(
            f"{owner}: the {name} returned {shape} for {n_rows} {unit}. {contract} Fix its "
            f"output layer, {retry}."
        )
    if not out.requires_grad:
        raise InvalidParameterError(
            f"{owner}: the {name}'s output does not depend differentiably on its input (no "
            f"gradient). {contract} Use a torch model, not a wrapped scikit-learn one, {retry}."
        )


def generation_report(rows: list[dict]) -> pd.DataFrame:
    """The ``generation_report_`` of the adversarial samplers, one row per class."""
    columns = ["class", "generated", "attempts", "successes", "success_rate",
               "mean_perturbation"]
    return pd.DataFrame(rows, columns=columns).set_index("class")


def report_row(label: Any, rounds: Rounds, perturbation: np.ndarray) -> dict:
    """One class's row of :func:`generation_report`."""
    return {
        "class": plain_value(label),
        "generated": len(rounds.sources),
        "attempts": rounds.attempts,
        "successes": rounds.successes,
        "success_rate": rounds.successes / rounds.attempts if rounds.attempts else math.nan,
        "mean_perturbation": float(perturbation.mean()) if perturbation.size else math.nan,
    }


def shortfall_message(owner: str, mode: str, label: Any, n_rows: int, rounds: Rounds, *,
                      epsilon: Any, steps: Any, max_attempts: Any, confidence: Any,
                      model: str, rows: str = "rows") -> str:
    """Why a class is short after ``max_attempts``, with the figures and the fixes."""
    rate = rounds.successes / max(rounds.attempts, 1)
    if mode == "m2m":
        goal = f"reached it with probability >= {confidence}"
        fixes = (f"use mode='boundary' (it perturbs the class's own {rows}), a larger "
                 f"epsilon (now {epsilon}) or more steps (now {steps}), ")
    else:
        goal = f"stayed in their class (the {model} assigns the others to another class)"
        fixes = (f"train a better {model} (more epochs) or pass your own, raise "
                 f"max_attempts (now {max_attempts}), ")
    return (
        f"{owner}(mode={mode!r}) made {len(rounds.sources)} of the {n_rows} {rows} "
        f"{label_text(label, prefix=True)} needs: {rounds.successes} of {rounds.attempts} "
        f"starting {rows} {goal} ({rate:.1%}), and max_attempts={max_attempts} allows no "
        f"more. To fix it, {fixes}or ask for fewer {rows} with sampling_strategy. "
        "generation_report_ has the figures."
    )
