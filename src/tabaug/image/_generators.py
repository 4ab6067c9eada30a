"""What ImageGANOverSampler and ImageVAEOverSampler share: checks, training loop, generation.

A subclass builds its networks and optimizers and takes one training step;
:class:`ImageGenerator` does the rest: the image and mask checks, padding to
the square side the networks model (8, 16, 32 or 64), class-balanced
batches, the epoch loop with its progress bar and loss history, generating
exactly the images ``sampling_strategy_`` asks for, the memory guard, and
pickling the networks as CPU state dicts.

Masks are modelled jointly with their images: each mask label becomes one
extra channel (one-hot), the networks see image and mask channels together,
and a generated mask is the most probable label of each pixel, so a mask is
never invented apart from its image.

Reproducibility: every torch draw happens inside ``torch.random.fork_rng``
after ``torch.manual_seed(seed)`` with ``seed`` from ``random_state``; the
global torch random state is restored afterwards and torch's thread settings
are never touched. The same ``random_state`` gives identical images on the
same machine and library versions (CPU; CUDA kernels are not all
deterministic).
"""

import numbers
from typing import Any

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.image._nets import TorchState, from_unit, padded_side, to_unit
from tabaug.image._validation import check_images
from tabaug.utils import (
    check_consistent_length,
    check_memory,
    check_scalar,
    check_target,
    format_bytes,
    import_torch,
    label_text,
    mean_of_steps,
    plain_value,
    require_classes,
    resolve_device,
    resolve_sampling_strategy,
    seeded_torch,
    train_epochs,
)

__all__ = ["ImageGenerator"]

_SEED_MAX = 2**31 - 1
# Most mask labels modelled as one-hot channels; more would swamp the image channels.
_MAX_MASK_LABELS = 64
# Images decoded per forward pass when generating.
_GENERATE_BATCH = 512


class ImageGenerator(TorchState, BaseOverSampler):
    """Shared machinery of the class-conditional image generators (see the module docstring)."""

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "width": [Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "device": [str],
        "verbose": ["verbose"],
    }
    # Names of the losses a training step returns, in order.
    _loss_names: tuple = ()

    # ----- hooks for subclasses -------------------------------------------------
    def _build_modules(self) -> dict:
        raise NotImplementedError

    def _build_optimizers(self, torch: Any) -> dict:
        raise NotImplementedError

    def _train_step(self, torch: Any, state: dict) -> Any:
        """One step on a class-balanced batch; returns a tensor of the losses."""
        raise NotImplementedError

    def _decoder(self) -> Any:
        """The module mapping (latent code, one-hot class) to image and mask channels."""
        raise NotImplementedError

    # ----- fitting --------------------------------------------------------------
    def fit(self, X: Any, y: Any, masks: Any = None) -> "ImageGenerator":
        """Train the generator on images ``X`` of classes ``y`` (and their masks).

        Parameters
        ----------
        X : ndarray of shape (N, H, W) or (N, H, W, C)
            uint8 (0..255) or float32 (0..1) images, H and W at most 64.
        y : array-like of shape (N,)
            Class labels.
        masks : ndarray of shape (N, H, W), optional
            Integer label masks, modelled jointly with the images.

        Returns
        -------
        self
            Fitted: :meth:`sample` generates new images of any class.
        """
        self._fit(X, y, masks, guard_output=False)
        return self

    def fit_resample(
        self, X: Any, y: Any, masks: Any = None
    ) -> tuple[np.ndarray, Any] | tuple[np.ndarray, Any, np.ndarray]:
        """Train, then return the originals followed by generated images that balance the classes.

        Parameters
        ----------
        X : ndarray of shape (N, H, W) or (N, H, W, C)
            uint8 (0..255) or float32 (0..1) images, H and W at most 64.
        y : array-like of shape (N,)
            Class labels.
        masks : ndarray of shape (N, H, W), optional
            Integer label masks, generated jointly with the new images.

        Returns
        -------
        X_resampled : ndarray of shape (N + n_new, H, W[, C])
            Same dtype as ``X``; the originals first, then the new images
            class by class, exactly ``sampling_strategy_[c]`` of class ``c``.
        y_resampled : same container as ``y``
        masks_resampled : ndarray of shape (N + n_new, H, W)
            Only when ``masks`` is given; new masks hold labels seen in ``masks``.
        """
        X, y_1d, masks, target = self._fit(X, y, masks, guard_output=True)
        X_res, y_res, masks_res = self._fit_resample(X, y_1d, masks)
        y_res = target.restore(y_res)
        return (X_res, y_res) if masks is None else (X_res, y_res, masks_res)

    def _fit_resample(
        self, X: np.ndarray, y: np.ndarray, masks: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The originals and, class by class, the generated images (the model is fitted)."""
        images, labels, new_masks = [X], [y], [masks]
        self.n_generated_ = {}
        for label, n_new in self.sampling_strategy_.items():
            self.n_generated_[plain_value(label)] = int(n_new)
            if n_new == 0:
                continue
            generated = self._generate(int(n_new), label)
            images.append(generated[0])
            labels.append(np.full(n_new, label, dtype=y.dtype))
            new_masks.append(generated[1])
        masks_res = None if masks is None else np.concatenate(new_masks)
        return np.concatenate(images), np.concatenate(labels), masks_res

    def _fit(self, X: Any, y: Any, masks: Any, guard_output: bool) -> tuple:
        """Check, guard memory (the resampled output too with ``guard_output``), train."""
        self._validate_params()
        owner = type(self).__name__
        y_1d, target = check_target(y)
        require_classes(y_1d)
        X, masks = check_images(X, masks, owner=owner)
        check_consistent_length(len(X), len(y_1d), rows="images")
        height, width = X.shape[1:3]
        side = padded_side(height, width, owner)
        self.sampling_strategy_ = resolve_sampling_strategy(
            self.sampling_strategy, y_1d, self._sampling_type, owner=owner
        )
        mask_labels = None if masks is None else np.unique(masks)
        if mask_labels is not None and len(mask_labels) > _MAX_MASK_LABELS:
            raise InvalidInputError(
                f"{owner} models each mask label as a channel, up to {_MAX_MASK_LABELS}; the "
                f"masks hold {len(mask_labels)} labels. Merge rare labels first, or balance "
                "with ImageOverSampler, which copies masks."
            )
        channels = X.shape[3] if X.ndim == 4 else 1
        n_mask = 0 if mask_labels is None else len(mask_labels)
        check_memory(
            len(X) * (channels + n_mask) * side * side * 4 * 2,
            what=f"{owner}'s training tensors ({len(X):,} images padded to {side}x{side} with "
            f"{channels} image and {n_mask} mask channels, float32)",
            fix="train on fewer or smaller images",
        )
        if guard_output:
            n_new = sum(self.sampling_strategy_.values())
            per_image = X[0].nbytes + (0 if masks is None else masks[0].nbytes)
            check_memory(
                (len(X) + n_new) * per_image,
                what=f"{owner}.fit_resample's output ({len(X) + n_new:,} images of "
                f"{'x'.join(map(str, X.shape[1:]))} {X.dtype})",
                fix="ask for fewer new images with a smaller sampling_strategy, or fit() "
                "and call sample(n, label) in parts",
            )
        torch = import_torch(owner)
        device = resolve_device(torch, self.device, owner)
        self.classes_, codes = np.unique(y_1d, return_inverse=True)
        self.image_shape_ = tuple(X.shape[1:])
        self.mask_labels_ = mask_labels
        self._image_dtype = X.dtype
        self._mask_dtype = None if masks is None else masks.dtype
        self._arch = {
            "side": side,
            "image_channels": channels,
            "mask_channels": n_mask,
            "n_classes": len(self.classes_),
        }
        self._device = device
        seeds = check_random_state(self.random_state).randint(_SEED_MAX, size=2)
        self._sample_seeds = np.random.RandomState(int(seeds[1]))
        with seeded_torch(torch, int(seeds[0]), device):
            self._modules = {name: m.to(device) for name, m in self._build_modules().items()}
            state = self._training_state(torch, X, masks, codes, device)
            self.loss_history_ = self._train(torch, state, len(X))
        for module in self._modules.values():
            module.eval()
        return X, y_1d, masks, target

    def _training_state(
        self, torch: Any, X: np.ndarray, masks: np.ndarray | None, codes: np.ndarray, device: Any
    ) -> dict:
        side = self._arch["side"]
        height, width = X.shape[1:3]
        pad = ((0, 0), (0, 0), (0, side - height), (0, side - width))
        images = np.pad(to_unit(X) * 2.0 - 1.0, pad, mode="edge")
        parts = [images]
        mask_codes = None
        if masks is not None:
            mask_codes = np.pad(np.searchsorted(self.mask_labels_, masks), pad[:1] + pad[2:],
                                mode="edge")
            onehot = np.eye(len(self.mask_labels_), dtype=np.float32)[mask_codes]
            parts.append(onehot.transpose(0, 3, 1, 2) * 2.0 - 1.0)
        counts = np.bincount(codes)
        return {
            "data": torch.from_numpy(np.concatenate(parts, axis=1).astype(np.float32)).to(device),
            "mask_codes": None if mask_codes is None
            else torch.from_numpy(mask_codes.astype(np.int64)).to(device),
            "classes": torch.from_numpy(codes.astype(np.int64)).to(device),
            # Class-balanced batches: every class is drawn equally often.
            "weights": torch.from_numpy(1.0 / counts[codes]).to(device),
            "eye": torch.eye(len(self.classes_), device=device),
            "optimizers": self._build_optimizers(torch),
            "batch_size": min(int(self.batch_size), len(X)),
        }

    def _train(self, torch: Any, state: dict, n_images: int) -> pd.DataFrame:
        steps = max(1, n_images // state["batch_size"])
        return train_epochs(
            type(self).__name__, self._modules,
            lambda: mean_of_steps(lambda: self._train_step(torch, state), steps),
            epochs=int(self.epochs), loss_names=self._loss_names, verbose=bool(self.verbose),
            hint="Lower learning_rate.",
        )

    @staticmethod
    def _batch(torch: Any, state: dict) -> tuple[Any, Any]:
        """Indices and one-hot classes of a class-balanced batch."""
        index = torch.multinomial(state["weights"], state["batch_size"], replacement=True)
        return index, state["eye"][state["classes"][index]]

    def _split(self, torch: Any, raw: Any) -> tuple[Any, Any]:
        """Decoder output -> image channels in -1..1 and mask logits (or None)."""
        channels = self._arch["image_channels"]
        image = torch.tanh(raw[:, :channels])
        return image, (raw[:, channels:] if self._arch["mask_channels"] else None)

    # ----- generating -----------------------------------------------------------
    def _generate(self, n_images: int, label: Any) -> tuple[np.ndarray, np.ndarray | None]:
        torch = import_torch(type(self).__name__)
        class_index = int(np.flatnonzero(self.classes_ == label)[0])
        height, width = self.image_shape_[:2]
        seed = int(self._sample_seeds.randint(_SEED_MAX))
        decoder = self._decoder()
        images, masks = [], []
        with seeded_torch(torch, seed, self._device), torch.no_grad():
            for start in range(0, n_images, _GENERATE_BATCH):
                count = min(_GENERATE_BATCH, n_images - start)
                z = torch.randn(count, int(self.latent_dim), device=self._device)
                onehot = torch.zeros(count, len(self.classes_), device=self._device)
                onehot[:, class_index] = 1.0
                image, mask_logits = self._split(torch, decoder(z, onehot))
                unit = ((image[:, :, :height, :width] + 1.0) / 2.0).float().cpu().numpy()
                images.append(from_unit(unit, self._image_dtype, len(self.image_shape_) == 3))
                if mask_logits is not None:
                    codes = mask_logits[:, :, :height, :width].argmax(dim=1).cpu().numpy()
                    masks.append(self.mask_labels_[codes].astype(self._mask_dtype))
        empty = (0, *self.image_shape_)
        out = np.concatenate(images) if images else np.empty(empty, self._image_dtype)
        if self.mask_labels_ is None:
            return out, None
        out_masks = (np.concatenate(masks) if masks
                     else np.empty((0, height, width), self._mask_dtype))
        return out, out_masks

    def sample(self, n_images: int, label: Any) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Generate new images of one class from the fitted model, without refitting.

        Parameters
        ----------
        n_images : int
            How many images (exactly this many come back).
        label : object
            The class to generate, one of ``classes_``.

        Returns
        -------
        images : ndarray of shape (n_images, H, W[, C])
            In the dtype of the training images.
        masks : ndarray of shape (n_images, H, W)
            Only when the model was fitted with masks: ``(images, masks)``.
            Successive calls give different images; refitting with the same
            ``random_state`` replays the same sequence.
        """
        check_is_fitted(self, "loss_history_")
        owner = type(self).__name__
        check_scalar(n_images, "n_images", owner=f"{owner}.sample", kind=numbers.Integral, low=0)
        matches = np.flatnonzero(self.classes_ == label)
        if matches.size == 0:
            raise InvalidParameterError(
                f"{owner}.sample: label {label_text(label)} is not a class the model was fitted "
                f"on; classes are {[plain_value(c) for c in self.classes_]}."
            )
        per_image = int(np.prod(self.image_shape_)) * np.dtype(self._image_dtype).itemsize
        if self.mask_labels_ is not None:
            per_image += int(np.prod(self.image_shape_[:2])) * np.dtype(self._mask_dtype).itemsize
        check_memory(
            int(n_images) * per_image,
            what=f"{owner}.sample's {int(n_images):,} images "
            f"({format_bytes(per_image)} each with their masks)",
            fix="ask for fewer images per call",
        )
        images, masks = self._generate(int(n_images), self.classes_[matches[0]])
        return images if masks is None else (images, masks)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.input_tags.sparse = False
        tags.input_tags.dataframe = False
        tags.non_deterministic = self.device != "cpu"
        return tags
