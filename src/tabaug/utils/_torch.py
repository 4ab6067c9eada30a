"""PyTorch helpers shared by every torch-based sampler: import, device, seeding, progress.

torch is imported only inside these functions, so importing this module (and
``tabaug``) never imports torch. :class:`TorchState` pickles an estimator's
networks as CPU state dicts; :func:`evaluation_mode` runs a caller's network
in eval mode and gives it back as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from tabaug.exceptions import GenerationError, InvalidInputError

__all__ = [
    "TorchState",
    "evaluation_mode",
    "import_torch",
    "mean_of_steps",
    "progress_bar",
    "resolve_device",
    "seeded_torch",
    "train_epochs",
]


def import_torch(owner: str) -> Any:
    """``torch``, or an ImportError naming ``owner`` and the extra to install."""
    try:
        import torch
    except ImportError as error:
        raise ImportError(
            f"{owner} needs PyTorch, which is not installed. Install the deep extra: "
            'pip install "tabaug[deep]"'
        ) from error
    return torch


def progress_bar(owner: str, epochs: int, verbose: bool, *, desc: str = "training",
                 unit: str = "epoch") -> Any:
    """A tqdm bar over ``epochs`` (or other ``unit``) when ``verbose`` (None otherwise)."""
    if not verbose:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError as error:
        raise ImportError(
            f"{owner}(verbose=True) shows a tqdm progress bar, but tqdm is not installed. "
            'Install the deep extra (pip install "tabaug[deep]") or pass verbose=False.'
        ) from error
    return tqdm(total=epochs, desc=f"{owner} {desc}", unit=unit)


def train_epochs(
    owner: str,
    modules: dict,
    run_epoch: Any,
    *,
    epochs: int,
    loss_names: list[str],
    verbose: bool,
    hint: str,
    desc: str = "training",
) -> pd.DataFrame:
    """Train ``modules`` for ``epochs`` calls of ``run_epoch()``; the losses of every epoch.

    ``run_epoch()`` trains one epoch and returns its mean losses, one per
    name in ``loss_names`` (read from the device once per epoch). A
    non-finite loss stops training with a :class:`GenerationError` ending in
    ``hint`` (what to change). Returns ``epoch`` and the losses, one row per
    epoch, as a DataFrame.
    """
    bar = progress_bar(owner, epochs, verbose, desc=desc)
    history = []
    try:
        for epoch in range(1, epochs + 1):
            for module in modules.values():
                module.train()
            losses = [float(value) for value in np.atleast_1d(run_epoch())]
            if not np.all(np.isfinite(losses)):
                raise GenerationError(
                    f"{owner} {desc} diverged at epoch {epoch} (losses {losses}). {hint}"
                )
            history.append([epoch, *losses])
            if bar is not None:
                bar.set_postfix({name: f"{value:.3f}"
                                 for name, value in zip(loss_names, losses, strict=True)})
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return pd.DataFrame(history, columns=["epoch", *loss_names])


def mean_of_steps(step: Any, steps: int) -> list[float]:
    """Call ``step()`` ``steps`` times; the mean of the loss tensors it returns, synced once."""
    total = step()
    for _ in range(steps - 1):
        total = total + step()
    return (total / steps).tolist()


def resolve_device(torch: Any, device: str, owner: str) -> Any:
    """``device`` as a ``torch.device``, refused clearly when it is not available."""
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError, ValueError) as error:
        raise InvalidInputError(
            f"{owner}: device={device!r} is not a device PyTorch knows. Use 'cpu' or 'cuda'."
        ) from error
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            why = ("this PyTorch build has no CUDA support" if torch.version.cuda is None
                   else "no CUDA GPU is visible")
            raise InvalidInputError(
                f"{owner}: device={device!r} was asked for, but {why} "
                f"(torch {torch.__version__}). Use device='cpu', or install a CUDA build of "
                "PyTorch on a machine with an NVIDIA GPU."
            )
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise InvalidInputError(
                f"{owner}: device={device!r} was asked for, but only "
                f"{torch.cuda.device_count()} CUDA device(s) are visible."
            )
    if resolved.type == "mps" and not torch.backends.mps.is_available():
        raise InvalidInputError(f"{owner}: device='mps' was asked for, but MPS is not available.")
    return resolved


@contextmanager
def seeded_torch(torch: Any, seed: int, device: Any) -> Iterator[None]:
    """Run torch code from ``seed`` and restore the caller's global random state afterwards."""
    devices = []
    if device.type == "cuda":
        devices = [device.index if device.index is not None else torch.cuda.current_device()]
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


@contextmanager
def evaluation_mode(module: Any) -> Iterator[Any]:
    """Run ``module`` in eval mode, then restore each submodule's training flag.

    A caller's network used to attack (or score) inputs must not change: in
    training mode batch norm would update its running statistics and dropout
    would make gradients random. Gradients taken with
    ``torch.autograd.grad(..., inputs)`` never touch the parameters' ``.grad``.
    Objects without ``modules()`` (plain callables) are used as they are.
    """
    modules = list(module.modules()) if hasattr(module, "modules") else []
    flags = [m.training for m in modules]
    for m in modules:
        m.training = False
    try:
        yield module
    finally:
        for m, flag in zip(modules, flags, strict=True):
            m.training = flag


class TorchState:
    """Mixin: pickle ``self._modules`` (a dict of torch modules) as CPU state dicts.

    The estimator defines ``_build_modules()``, which rebuilds the modules
    from its fitted attributes; unpickling calls it on the CPU and loads the
    saved weights.
    """

    def _build_modules(self) -> dict:
        raise NotImplementedError

    def __getstate__(self) -> dict:
        # A copy: BaseEstimator.__getstate__ may return the instance's own __dict__.
        state = dict(super().__getstate__())
        modules = state.pop("_modules", None)
        if modules is not None:
            state["_module_states"] = {
                name: {key: value.detach().cpu() for key, value in module.state_dict().items()}
                for name, module in modules.items()
            }
            state["_device"] = "cpu"
        return state

    def __setstate__(self, state: dict) -> None:
        module_states = state.pop("_module_states", None)
        super().__setstate__(state)
        if module_states is None:
            return
        torch = import_torch(type(self).__name__)
        self._device = torch.device("cpu")
        self._modules = self._build_modules()
        for name, module in self._modules.items():
            module.load_state_dict(module_states[name])
            module.eval()
