"""PyTorch helpers shared by every torch-based sampler: import, device, seeding, progress.

torch is imported only inside these functions, so importing this module (and
``tabaug``) never imports torch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tabaug.exceptions import InvalidInputError

__all__ = ["import_torch", "progress_bar", "resolve_device", "seeded_torch"]


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


def progress_bar(owner: str, epochs: int, verbose: bool) -> Any:
    """A tqdm bar over ``epochs`` when ``verbose`` (None otherwise)."""
    if not verbose:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError as error:
        raise ImportError(
            f"{owner}(verbose=True) shows a tqdm progress bar, but tqdm is not installed. "
            'Install the deep extra (pip install "tabaug[deep]") or pass verbose=False.'
        ) from error
    return tqdm(total=epochs, desc=f"{owner} training", unit="epoch")


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
