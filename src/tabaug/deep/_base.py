"""What CTGANOverSampler and TVAEOverSampler share: fitting, generating, sampling, pickling.

A subclass says how to build its networks and optimisers, how to take one
training step and how to generate; :class:`_DeepOverSampler` does the rest:
encoding the table, seeding, the epoch loop with its progress bar and loss
history, generating exactly the rows ``sampling_strategy_`` asks for, decoding
them into the input's types, and keeping the networks picklable as CPU state
dicts.

Reproducibility: every torch draw (weight initialisation, noise, dropout,
batch sampling) happens inside ``torch.random.fork_rng`` after
``torch.manual_seed(seed)``, where ``seed`` comes from ``random_state``. The
global torch random state is restored afterwards and torch's thread settings
are never touched, so the same ``random_state`` gives identical rows on the
same machine and library versions (CPU; CUDA kernels are not all
deterministic).
"""

from __future__ import annotations

import logging
import numbers
import time
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
)

from tabaug.base import BaseOverResampler
from tabaug.deep._transform import TableTransformer
from tabaug.exceptions import InvalidInputError
from tabaug.utils import (
    TableCodec,
    TorchState,
    append_rows,
    import_torch,
    mean_of_steps,
    plain_value,
    resolve_device,
    seeded_torch,
    train_epochs,
)

logger = logging.getLogger("tabaug")

_SEED_MAX = 2**31 - 1


def _check_dims(owner: str, name: str, value: Any) -> tuple:
    dims = tuple(value)
    if not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0
               for d in dims):
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be a tuple of positive ints (one per "
            f"hidden layer), e.g. (256, 256); got {value!r}."
        )
    return tuple(int(d) for d in dims)


class _DeepOverSampler(TorchState, BaseOverResampler):
    """Shared machinery of the deep oversamplers (see the module docstring)."""

    _parameter_constraints: dict = {
        **BaseOverResampler._parameter_constraints,
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_modes": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_categories": [Interval(numbers.Integral, 2, None, closed="left")],
        "categorical_features": [StrOptions({"auto"}), "array-like", None],
        "device": [str],
        "verbose": ["verbose"],
    }
    _accepts_sparse = False
    # Names of the losses a training step returns, in order.
    _loss_names: tuple = ()

    # ----- hooks for subclasses -------------------------------------------------
    def _check_architecture(self) -> dict:
        """Validated network sizes, passed to the other hooks as ``arch``."""
        raise NotImplementedError

    def _batch_size(self, arch: dict) -> int:
        return int(self.batch_size)

    def _build_modules(self) -> dict:
        """The fitted networks, rebuilt from the fitted layout (for unpickling)."""
        from tabaug.deep import _nets

        return self._make_modules(_nets, self._transformer.layout, self._arch)

    def _make_modules(self, nets: Any, layout: Any, arch: dict) -> dict:
        raise NotImplementedError

    def _build_optimizers(self, torch: Any, modules: dict) -> dict:
        raise NotImplementedError

    def _train_step(self, nets: Any, state: dict) -> Any:
        raise NotImplementedError

    def _generate(self, nets: Any, spans: Any, n_rows: int, class_index: int
                  ) -> tuple[Any, Any]:
        raise NotImplementedError

    # ----- fitting --------------------------------------------------------------
    def _fit_resample(self, X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
        self._warn_extreme()
        self._fit_model(X, y)
        torch = import_torch(type(self).__name__)
        from tabaug.deep import _nets as nets

        numeric_parts, code_parts, label_parts = [], [], []
        self.n_generated_ = {
            plain_value(label): int(n) for label, n in self.sampling_strategy_.items()
        }
        for label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            numeric, codes = self._generate_encoded(torch, nets, int(n_new), label)
            numeric_parts.append(numeric)
            code_parts.append(codes)
            label_parts.append(np.full(n_new, label, dtype=y.dtype))
        if not label_parts:
            return append_rows(X, self._codec.decode(self._codec.numeric[:0],
                                                     self._codec.codes)), y
        new_rows = self._codec.decode(np.concatenate(numeric_parts), np.concatenate(code_parts))
        return append_rows(X, new_rows), np.concatenate([y, *label_parts])

    def _fit_model(self, X: Any, y: np.ndarray) -> None:
        """Encode the table and train the networks."""
        owner = type(self).__name__
        arch = self._check_architecture()
        torch = import_torch(owner)
        from tabaug.deep import _nets

        device = resolve_device(torch, self.device, owner)
        codec = TableCodec.from_data(X, self.categorical_features, owner=owner)
        if len(codec.columns) == 0:
            raise InvalidInputError(f"{owner} needs at least one feature column; X has none.")
        self.categorical_features_ = codec.categorical_index
        self.classes_, y_index = np.unique(y, return_inverse=True)
        n_classes = self.classes_.size
        seeds = check_random_state(self.random_state).randint(_SEED_MAX, size=3)
        numpy_rng = np.random.default_rng(int(seeds[0]))
        transformer = TableTransformer(
            max_modes=int(self.max_modes), max_categories=int(self.max_categories), owner=owner
        ).fit(codec, y_index, n_classes, numpy_rng)
        data, choices = transformer.transform(codec, numpy_rng)
        self._transformer = transformer
        # Keep only what decoding needs: dtypes, categories and each column's range
        # (the two rows of observed minima and maxima), not the training data.
        self._codec = replace(codec, numeric=np.vstack([codec.minimum, codec.maximum]),
                              codes=codec.codes[:0])
        self._arch = arch
        self._device = device
        self._sample_seeds = np.random.RandomState(int(seeds[2]))

        started = time.perf_counter()
        with seeded_torch(torch, int(seeds[1]), device):
            self._modules = {
                name: module.to(device)
                for name, module in self._make_modules(_nets, transformer.layout, arch).items()
            }
            state = {
                "data": torch.from_numpy(data).to(device),
                "choices": torch.from_numpy(choices).to(device),
                "sampler": _nets.ClassBatchSampler(
                    torch.from_numpy(y_index.astype(np.int64)).to(device), n_classes
                ),
                "spans": _nets.Spans(transformer.layout, device),
                "eye": torch.eye(n_classes, device=device),
                "optimizers": self._build_optimizers(torch, self._modules),
                "batch_size": self._batch_size(arch),
                "arch": arch,
            }
            self.loss_history_ = self._train(_nets, state, n_rows=data.shape[0])
        for module in self._modules.values():
            module.eval()
        logger.info("%s trained %d epochs in %.1f s", owner, self.epochs,
                    time.perf_counter() - started)

    def _train(self, nets: Any, state: dict, n_rows: int) -> pd.DataFrame:
        steps = max(1, n_rows // state["batch_size"])
        return train_epochs(
            type(self).__name__, self._modules,
            lambda: mean_of_steps(lambda: self._train_step(nets, state), steps),
            epochs=int(self.epochs), loss_names=self._loss_names, verbose=bool(self.verbose),
            hint="Lower learning_rate, or scale extreme numeric columns first.",
        )

    def _generate_encoded(self, torch: Any, nets: Any, n_rows: int, label: Any
                          ) -> tuple[np.ndarray, np.ndarray]:
        """Numeric values (finalised) and category codes of ``n_rows`` rows of ``label``."""
        if n_rows == 0:
            return self._codec.numeric[:0], self._codec.codes[:0]
        class_index = int(np.flatnonzero(self.classes_ == label)[0])
        seed = int(self._sample_seeds.randint(_SEED_MAX))
        spans = nets.Spans(self._transformer.layout, self._device)
        with seeded_torch(torch, seed, self._device):
            alpha, choices = self._generate(nets, spans, n_rows, class_index)
        alpha = alpha.double().cpu().numpy()
        choices = choices.cpu().numpy()
        numeric, codes = self._transformer.decode(alpha, choices, class_index,
                                                  np.random.default_rng(seed))
        return self._codec.finalize_numeric(numeric, clip=True), codes

    # ----- after fitting --------------------------------------------------------
    def sample(self, n_rows: int, label: Any) -> pd.DataFrame | np.ndarray:
        """Generate new rows of one class from the fitted model, without refitting.

        Parameters
        ----------
        n_rows : int
            How many rows to generate (exactly this many come back).
        label : object
            The class to generate, one of ``classes_``.

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_rows, n_features)
            New rows in the type ``fit_resample`` received: a DataFrame with the
            original columns and dtypes, or an array of the original dtype.
            Successive calls give different rows; refitting with the same
            ``random_state`` replays the same sequence.
        """
        owner = type(self).__name__
        label = self._check_sample_request(n_rows, label, "loss_history_",
                                           n_columns=len(self._codec.columns)
                                           if hasattr(self, "_codec") else 1)
        torch = import_torch(owner)
        from tabaug.deep import _nets

        numeric, codes = self._generate_encoded(torch, _nets, int(n_rows), label)
        return self._codec.decode(numeric, codes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # text columns are categorical columns
        return tags
