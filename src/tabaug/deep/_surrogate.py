"""The differentiable surrogate AdversarialOverSampler attacks: its own small MLP, or the user's.

torch is passed in by the caller, so importing this module never imports it.

Two input contracts, one attack:

* **tabaug's MLP** sees each numeric column standardised (mean 0, standard
  deviation 1 over the training rows; constant columns are centred only) and
  each categorical column one-hot. It is trained with class-balanced
  cross-entropy: on imbalanced data an unweighted model places its boundary
  deep inside the rare class, so few rare rows would be judged "in their
  class" and M2m would need far larger steps to reach it.
* **a user's model** sees the table as the caller gave it: a float32 tensor
  ``(n, n_columns)`` in the column order of ``X``, numeric columns in their
  own units and categorical columns as category codes (positions in the
  column's sorted values, or in a ``category`` dtype's categories), and
  returns logits over the sorted class labels (``classes_``).

Either way the attack moves raw numeric values, so the radius, the observed
ranges and the rounding of integer columns are applied in the data's units.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from tabaug.utils import train_epochs

__all__ = ["build_mlp", "make_forward", "one_hot", "train_mlp"]


def one_hot(codes: np.ndarray, sizes: list[int]) -> np.ndarray:
    """Category codes (n, n_categorical) as float32 one-hot blocks side by side."""
    out = np.zeros((codes.shape[0], int(sum(sizes))), dtype=np.float32)
    offset = 0
    for j, size in enumerate(sizes):
        out[np.arange(codes.shape[0]), offset + codes[:, j]] = 1.0
        offset += size
    return out


def build_mlp(torch: Any, n_inputs: int, hidden_dims: tuple, n_classes: int) -> Any:
    """Linear and ReLU layers of ``hidden_dims``, then a linear layer to the logits."""
    layers: list = []
    width = n_inputs
    for size in hidden_dims:
        layers += [torch.nn.Linear(width, size), torch.nn.ReLU()]
        width = size
    layers.append(torch.nn.Linear(width, n_classes))
    return torch.nn.Sequential(*layers)


def train_mlp(
    torch: Any,
    net: Any,
    features: np.ndarray,
    targets: np.ndarray,
    n_classes: int,
    *,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    verbose: bool,
    owner: str,
) -> pd.DataFrame:
    """Train ``net`` with Adam on class-balanced cross-entropy; the loss of every epoch."""
    device = next(net.parameters()).device
    data = torch.from_numpy(features).to(device)
    labels = torch.from_numpy(targets.astype(np.int64)).to(device)
    counts = np.bincount(targets, minlength=n_classes).astype(np.float64)
    weights = len(targets) / (n_classes * np.maximum(counts, 1.0))
    loss_fn = torch.nn.CrossEntropyLoss(
        weight=torch.from_numpy(weights.astype(np.float32)).to(device)
    )
    optimizer = torch.optim.Adam(net.parameters(), lr=float(learning_rate))
    n = len(targets)
    batch = min(int(batch_size), n)
    def run_epoch() -> float:
        order = torch.randperm(n, device=device)
        total = torch.zeros((), device=device)
        steps = 0
        for start in range(0, n, batch):
            index = order[start : start + batch]
            optimizer.zero_grad()
            loss = loss_fn(net(data[index]), labels[index])
            loss.backward()
            optimizer.step()
            total = total + loss.detach()
            steps += 1
        return float(total) / steps  # one device sync per epoch

    history = train_epochs(
        owner, {"surrogate": net}, run_epoch, epochs=int(epochs), loss_names=["loss"],
        verbose=verbose, desc="surrogate",
        hint="Lower learning_rate, or scale extreme numeric columns first.",
    )
    net.eval()
    return history


def make_forward(
    torch: Any,
    model: Any,
    *,
    own: bool,
    codes: np.ndarray,
    category_sizes: list[int],
    mean: Any,
    scale: Any,
    column_order: Any,
) -> Callable[[Any], Any]:
    """Logits of raw numeric rows (float64 tensor) whose categories are ``codes``.

    ``mean``, ``scale`` and ``column_order`` are tensors on the model's device;
    ``column_order`` puts [numeric columns, categorical columns] back into the
    order of ``X`` for a user's model.
    """
    device = mean.device
    if own:
        fixed = torch.from_numpy(one_hot(codes, category_sizes)).to(device)

        def forward(x: Any) -> Any:
            return model(torch.cat([((x - mean) / scale).float(), fixed], dim=1))

        return forward
    fixed = torch.from_numpy(codes.astype(np.float32)).to(device)

    def forward_user(x: Any) -> Any:
        return model(torch.cat([x.float(), fixed], dim=1)[:, column_order])

    return forward_user
