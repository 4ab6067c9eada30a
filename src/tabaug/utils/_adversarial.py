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

torch is passed in by the caller, so importing this module never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["ATTACK_GOALS", "AttackResult", "projected_attack"]

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
) -> AttackResult:
    """Run the attack of the module docstring on a batch.

    ``forward`` maps a batch like ``start`` to logits (n, n_classes) and must
    be differentiable in its input; ``labels`` (n,) holds class positions in
    the logits (ignored for ``"away"``). ``radius``, ``low``, ``high`` and
    ``step_size`` broadcast against ``start``. ``finalize`` must keep a
    candidate inside the box it is given (it may round within it). With
    ``random_start`` the walk starts at a uniform point of the box (PGD), so
    the same start drawn twice gives different rows.
    """
    finalize = finalize if finalize is not None else _identity
    low_box = torch.maximum(start - radius, low)
    high_box = torch.minimum(start + radius, high)
    x = start.clone()
    if random_start:
        noise = (torch.rand(start.shape, device=start.device, dtype=start.dtype) * 2 - 1) * radius
        x = torch.minimum(torch.maximum(x + noise, low_box), high_box)
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
