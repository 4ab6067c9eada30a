"""ImageOverSampler: balance an image set by appending augmented copies of minority images."""

import math
import numbers
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.utils import check_random_state

from tabaug.exceptions import GenerationError, InvalidParameterError
from tabaug.image._base import ImageTransform
from tabaug.image._composition import Compose
from tabaug.image._validation import check_images
from tabaug.utils import (
    TargetInfo,
    check_consistent_length,
    check_memory,
    check_scalar,
    check_target,
    fill_doc,
    format_bytes,
    label_text,
    require_classes,
    resolve_sampling_strategy,
)

__all__ = ["ImageOverSampler"]

# Bytes of bookkeeping per new image: its source index and seed, its entry in
# sample_indices_, and the sort keys that spread copies over the originals.
_INDEX_BYTES_PER_NEW = 40
# A Python (int, int) tuple in plan()'s list: the tuple, two ints and the list's pointer.
_PLAN_BYTES_PER_PAIR = 64 + 2 * 32 + 8


@fill_doc
class ImageOverSampler(BaseOverSampler):
    """Balance classes by appending augmented copies of minority-class images.

    Every new image is one original of its class passed through ``transform``
    with its own seed; originals come first, in order, then the new images
    class by class. The number of new images per class is exactly what
    imbalanced-learn's ``sampling_strategy`` resolves to (rows to add). Masks,
    when given, travel with their images.

    Parameters
    ----------
    transform : Compose, ImageTransform or dict
        The augmentation: a transform or :class:`~tabaug.image.Compose` for
        every class, or a dict ``{class: transform}`` so a rare class can be
        augmented harder (every class that gets new images needs an entry).
        It must keep the image size (use
        :class:`~tabaug.image.RandomResizedCrop`, or pad then crop back);
        pipelines that can change it are refused. A Compose's own
        ``random_state`` is not used: the sampler's decides.
    {over_sampling_strategy}
    {random_state}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of images added per class.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Index in ``X`` of the original behind every output image (the first
        ``n_samples`` entries are ``0 .. n_samples - 1``).

    Notes
    -----
    Copies are spread evenly: each class's originals are cycled in random order,
    so every original is used ``k`` or ``k + 1`` times. Each new image depends
    only on its (source index, seed) pair from :meth:`plan`, which is what
    lets :meth:`iter_resample` stream exactly the images :meth:`fit_resample`
    returns. The sampler has no ``transform`` method (imbalanced-learn's
    Pipeline refuses objects with both), so it works in
    ``imblearn.pipeline.Pipeline`` before a step that flattens the images.

    Before it allocates anything, the sampler estimates its output (the whole
    resampled set for :meth:`fit_resample`, one batch for
    :meth:`iter_resample`) and refuses with a
    :class:`~tabaug.exceptions.MemoryLimitError` above
    ``tabaug.get_config()["max_memory"]``.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import ColorJitter, Compose, HorizontalFlip, ImageOverSampler
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 256, size=(10, 16, 16, 3), dtype=np.uint8)
    >>> y = np.array([0] * 8 + [1] * 2)
    >>> masks = (X[..., 0] > 127).astype(np.uint8)
    >>> sampler = ImageOverSampler(Compose([HorizontalFlip(), ColorJitter()]), random_state=0)
    >>> X_res, y_res, masks_res = sampler.fit_resample(X, y, masks=masks)
    >>> X_res.shape, np.bincount(y_res).tolist(), masks_res.shape
    ((16, 16, 16, 3), [8, 8], (16, 16, 16))
    >>> np.bincount(sampler.sample_indices_[10:]).tolist()[8:]  # copies per minority image
    [3, 3]
    """

    # imbalanced-learn's own constraints for sampling_strategy and random_state.
    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "transform": "no_validation",
    }

    def __init__(
        self,
        transform: Compose | ImageTransform,
        sampling_strategy: float | str | dict | Any = "auto",
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.transform = transform
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    # imbalanced-learn's Pipeline refuses a step that has both ``fit_resample`` and
    # ``transform``, and it asks with hasattr(), which sees parameters too. So the
    # ``transform`` parameter is stored under ``_transform`` and read back through
    # get_params(); reading ``sampler.transform`` raises AttributeError.
    @property
    def transform(self) -> Any:
        raise AttributeError(
            "ImageOverSampler has no transform method: it resamples (fit_resample) and "
            "is skipped at predict time. Its augmentation is get_params()['transform']."
        )

    @transform.setter
    def transform(self, value: Compose | ImageTransform) -> None:
        self._transform = value

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Get the parameters of this sampler.

        Parameters
        ----------
        deep : bool, default=True
            Unused: no parameter is itself an estimator.

        Returns
        -------
        dict
            ``transform``, ``sampling_strategy`` and ``random_state``.

        Examples
        --------
        >>> from tabaug.image import HorizontalFlip, ImageOverSampler
        >>> sorted(ImageOverSampler(HorizontalFlip()).get_params())
        ['random_state', 'sampling_strategy', 'transform']
        """
        return {
            "transform": self._transform,
            "sampling_strategy": self.sampling_strategy,
            "random_state": self.random_state,
        }

    def fit(self, X: Any, y: Any, masks: Any = None) -> "ImageOverSampler":
        """Check the images and labels and resolve ``sampling_strategy_`` without resampling.

        Parameters
        ----------
        X : ndarray of shape (N, H, W) or (N, H, W, C)
            uint8 (0..255) or float32 (0..1) images.
        y : array-like of shape (N,)
            Class labels.
        masks : ndarray of shape (N, H, W), optional
            Integer label masks.

        Returns
        -------
        self : ImageOverSampler

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import HorizontalFlip, ImageOverSampler
        >>> X = np.zeros((3, 4, 4), dtype=np.uint8)
        >>> ImageOverSampler(HorizontalFlip()).fit(X, [0, 0, 1]).sampling_strategy_ == {1: 1}
        True
        """
        self._check_inputs(X, y, masks)
        return self

    def fit_resample(
        self, X: Any, y: Any, masks: Any = None
    ) -> tuple[np.ndarray, Any] | tuple[np.ndarray, Any, np.ndarray]:
        """Return the originals followed by augmented copies that balance the classes.

        Parameters
        ----------
        X : ndarray of shape (N, H, W) or (N, H, W, C)
            uint8 (0..255) or float32 (0..1) images; always a batch, so
            ``(N, H, W)`` is N greyscale images.
        y : array-like of shape (N,)
            Class labels.
        masks : ndarray of shape (N, H, W), optional
            Integer label masks, moved with their images.

        Returns
        -------
        X_resampled : ndarray of shape (N + n_new, H, W[, C])
            Same dtype as ``X``.
        y_resampled : same container as ``y``
            The labels of ``X_resampled``.
        masks_resampled : ndarray of shape (N + n_new, H, W)
            Only when ``masks`` is given.

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import ImageOverSampler, VerticalFlip
        >>> X = np.zeros((5, 8, 8), dtype=np.float32)
        >>> X_res, y_res = ImageOverSampler(VerticalFlip()).fit_resample(X, [0, 0, 0, 1, 1])
        >>> X_res.shape, X_res.dtype
        ((6, 8, 8), dtype('float32'))
        """
        X, y_1d, masks, target = self._check_inputs(X, y, masks)
        n_out = len(X) + sum(self.sampling_strategy_.values())
        check_memory(
            _image_bytes(X, masks, n_out) + _index_bytes(n_out - len(X)),
            what=f"ImageOverSampler.fit_resample's output ({_describe(X, n_out)})",
            fix="ask for fewer new images with a smaller sampling_strategy, or stream the "
            "output with iter_resample(X, y, batch_size=...), which holds one batch at a time",
        )
        X_res, y_res, masks_res = self._fit_resample(X, y_1d, masks=masks)
        y_res = target.restore(y_res)
        return (X_res, y_res) if masks is None else (X_res, y_res, masks_res)

    def _fit_resample(
        self, X: np.ndarray, y: np.ndarray, masks: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        sources, seeds = self._draw(y)
        self.sample_indices_ = np.concatenate([np.arange(len(X)), sources])
        total = len(self.sample_indices_)
        pipelines = self._pipelines()
        X_res, masks_res = _rows(pipelines, X, masks, y, sources, seeds, 0, total)
        return X_res, y[self.sample_indices_], masks_res

    def plan(self, y: Any) -> list[tuple[int, int]]:
        """The (source index, seed) pair behind every image the sampler would add.

        New image ``i`` depends on nothing but its pair: it equals
        ``Compose(transforms, random_state=seed)(image=X[source], mask=...)``
        with the sampler's transforms. With an int ``random_state`` the plan,
        and so the output, is the same on every call.

        Parameters
        ----------
        y : array-like of shape (N,)
            Class labels.

        Returns
        -------
        list of (int, int)
            One pair per new image, in output order.

        Examples
        --------
        >>> from tabaug.image import HorizontalFlip, ImageOverSampler
        >>> plan = ImageOverSampler(HorizontalFlip(), random_state=0).plan([0, 0, 0, 1])
        >>> [source for source, seed in plan]
        [3, 3]
        """
        self._validate_params()
        pipelines = self._pipelines()
        y_1d, _ = check_target(y)
        self._set_strategy(y_1d)
        pipelines.check_classes(self.sampling_strategy_)
        n_new = sum(self.sampling_strategy_.values())
        check_memory(
            n_new * (_INDEX_BYTES_PER_NEW + _PLAN_BYTES_PER_PAIR),
            what=f"ImageOverSampler.plan's list of {n_new:,} (source, seed) pairs",
            fix="ask for fewer new images with a smaller sampling_strategy",
        )
        sources, seeds = self._draw(y_1d)
        return list(zip(sources.tolist(), seeds.tolist(), strict=True))

    def iter_resample(
        self, X: Any, y: Any, masks: Any = None, batch_size: int = 256
    ) -> Iterator[tuple[np.ndarray, Any] | tuple[np.ndarray, Any, np.ndarray]]:
        """Yield the output of :meth:`fit_resample` in batches, computing copies on the fly.

        For sets too large to hold twice in memory (``X`` may be a
        ``numpy.memmap``): the batches, concatenated, equal what
        :meth:`fit_resample` returns with the same ``random_state``, originals
        first. Inputs are checked and ``sample_indices_`` is set when this
        method is called, before the first batch.

        Parameters
        ----------
        X, y, masks
            As in :meth:`fit_resample`.
        batch_size : int, default=256
            Images per batch (the last batch may be smaller).

        Yields
        ------
        tuple
            ``(X_batch, y_batch)``, or ``(X_batch, y_batch, masks_batch)`` when
            ``masks`` is given; ``y_batch`` has the container of ``y``.

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import HorizontalFlip, ImageOverSampler
        >>> X = np.arange(5 * 4 * 4, dtype=np.uint8).reshape(5, 4, 4)
        >>> y = [0, 0, 0, 1, 1]
        >>> sampler = ImageOverSampler(HorizontalFlip(), random_state=0)
        >>> batches = list(sampler.iter_resample(X, y, batch_size=4))
        >>> [len(batch[0]) for batch in batches]
        [4, 2]
        >>> X_all, _ = sampler.fit_resample(X, y)
        >>> bool((np.concatenate([b[0] for b in batches]) == X_all).all())
        True
        """
        check_scalar(batch_size, "batch_size", owner="ImageOverSampler.iter_resample",
                     kind=numbers.Integral, low=1)
        X, y_1d, masks, target = self._check_inputs(X, y, masks)
        n_new = sum(self.sampling_strategy_.values())
        batch = min(batch_size, len(X) + n_new)
        check_memory(
            _image_bytes(X, masks, batch) + _index_bytes(n_new),
            what=f"ImageOverSampler.iter_resample's batches ({_describe(X, batch)} per batch, "
            f"plus {format_bytes(_index_bytes(n_new))} of indices for {n_new:,} new images)",
            fix="use a smaller batch_size, or ask for fewer new images with a smaller "
            "sampling_strategy",
        )
        pipelines = self._pipelines()
        sources, seeds = self._draw(y_1d)
        self.sample_indices_ = indices = np.concatenate([np.arange(len(X)), sources])

        def batches() -> Iterator[tuple]:
            for start in range(0, len(indices), batch_size):
                stop = min(start + batch_size, len(indices))
                X_batch, masks_batch = _rows(
                    pipelines, X, masks, y_1d, sources, seeds, start, stop
                )
                y_batch = target.restore(y_1d[indices[start:stop]])
                yield (X_batch, y_batch) if masks is None else (X_batch, y_batch, masks_batch)

        return batches()

    def _set_strategy(self, y: np.ndarray) -> None:
        require_classes(y)
        self.sampling_strategy_ = resolve_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type, owner=type(self).__name__
        )

    def _pipelines(self) -> "_Pipelines":
        """The transform as one Compose or one per class, its parameters checked."""
        transform = self._transform
        if isinstance(transform, Mapping):
            if not transform:
                raise InvalidParameterError(
                    "ImageOverSampler: transform is an empty dict; give {class: transform} "
                    "for every class that gets new images"
                )
            by_class = {
                label: _as_compose(one, f"transform[{label_text(label)}]")
                for label, one in transform.items()
            }
            return _Pipelines(None, by_class)
        return _Pipelines(_as_compose(transform, "transform"), {})

    def _check_inputs(
        self, X: Any, y: Any, masks: Any
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, TargetInfo]:
        """Validate everything, set ``sampling_strategy_``, return arrays ready to sample."""
        self._validate_params()
        pipelines = self._pipelines()
        y_1d, target = check_target(y)
        require_classes(y_1d)
        X, masks = check_images(X, masks, owner="ImageOverSampler")
        check_consistent_length(len(X), len(y_1d), rows="images")
        height, width = X.shape[1:3]
        for pipeline in pipelines.all():
            sizes = pipeline.output_sizes(height, width)
            if sizes != {(height, width)}:
                other = sorted(sizes - {(height, width)})
                raise InvalidParameterError(
                    f"ImageOverSampler: the transform must keep the image size {height}x{width}, "
                    f"but {pipeline!r} can produce {', '.join(f'{h}x{w}' for h, w in other)}. "
                    f"Use RandomResizedCrop({height}, {width}) to crop and resize, or pad and "
                    f"crop back with Pad(...) followed by RandomCrop({height}, {width}), both "
                    "with p=1.0"
                )
        self._set_strategy(y_1d)
        pipelines.check_classes(self.sampling_strategy_)
        return X, y_1d, masks, target

    def _draw(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Source index and seed of every new image, class by class."""
        random_state = check_random_state(self.random_state)
        sources = []
        for label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            members = np.flatnonzero(y == label)
            cycles = -(-n_new // len(members))
            # One random permutation of the class per cycle, so uses differ by at most one.
            orders = random_state.random_sample((cycles, len(members))).argsort(axis=1)
            sources.append(members[orders].ravel()[:n_new])
        sources = np.concatenate(sources) if sources else np.empty(0, dtype=np.int64)
        seeds = random_state.randint(0, np.iinfo(np.int64).max, size=len(sources), dtype=np.int64)
        return sources.astype(np.int64), seeds

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.input_tags.sparse = False
        tags.input_tags.dataframe = False
        tags.sampler_tags.sample_indices = True
        return tags


def _image_bytes(X: np.ndarray, masks: np.ndarray | None, n_images: int) -> int:
    """Bytes of ``n_images`` images like ``X``'s (and masks like ``masks``)."""
    per_image = math.prod(X.shape[1:]) * X.dtype.itemsize
    if masks is not None:
        per_image += math.prod(masks.shape[1:]) * masks.dtype.itemsize
    return n_images * per_image


def _index_bytes(n_new: int) -> int:
    return n_new * _INDEX_BYTES_PER_NEW


def _describe(X: np.ndarray, n_images: int) -> str:
    shape = "x".join(str(side) for side in X.shape[1:])
    return f"{n_images:,} images of {shape} {X.dtype}"


def _as_compose(transform: Any, name: str) -> Compose:
    if isinstance(transform, ImageTransform):
        transform = Compose([transform])
    elif not isinstance(transform, Compose):
        raise InvalidParameterError(
            f"ImageOverSampler: {name} must be a tabaug.image Compose or transform, e.g. "
            f"Compose([HorizontalFlip(), Rotate(15)]); got {type(transform).__name__}"
        )
    transform.check_params()
    return transform


@dataclass(frozen=True)
class _Pipelines:
    """The Compose that augments each class: one shared by all, or one per class."""

    shared: Compose | None
    by_class: dict

    def get(self, label: Any) -> Compose:
        return self.shared if self.shared is not None else self.by_class[label]

    def all(self) -> list[Compose]:
        return [self.shared] if self.shared is not None else list(self.by_class.values())

    def check_classes(self, strategy: dict) -> None:
        """Refuse a per-class dict that misses a class which gets new images."""
        if self.shared is not None:
            return
        missing = [
            label for label, n_new in strategy.items() if n_new and label not in self.by_class
        ]
        if missing:
            names = ", ".join(label_text(label) for label in missing)
            raise InvalidParameterError(
                f"ImageOverSampler: transform has no entry for class {names}, which gets new "
                f"images; add {{{label_text(missing[0])}: transform}} to the dict, or leave "
                "the class out of sampling_strategy"
            )


def _rows(
    pipelines: _Pipelines,
    X: np.ndarray,
    masks: np.ndarray | None,
    y: np.ndarray,
    sources: np.ndarray,
    seeds: np.ndarray,
    start: int,
    stop: int,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Output images ``start:stop``: originals first, then augmented copies."""
    n_original = len(X)
    X_out = np.empty((stop - start, *X.shape[1:]), dtype=X.dtype)
    masks_out = None if masks is None else np.empty((stop - start, *masks.shape[1:]), masks.dtype)
    copied = max(0, min(stop, n_original) - start)
    if copied:
        X_out[:copied] = X[start : start + copied]
        if masks is not None:
            masks_out[:copied] = masks[start : start + copied]
    for row in range(copied, stop - start):
        new = start + row - n_original
        source = sources[new]
        image, mask = pipelines.get(y[source]).apply_pair(
            np.ascontiguousarray(X[source]),
            None if masks is None else np.ascontiguousarray(masks[source]),
            np.random.default_rng(seeds[new]),
        )
        if image.shape != X.shape[1:] or image.dtype != X.dtype:
            raise GenerationError(
                f"the transform turned an image of shape {X.shape[1:]} and dtype {X.dtype} "
                f"into shape {image.shape} and dtype {image.dtype}; it must keep both"
            )
        X_out[row] = image
        if masks is not None:
            masks_out[row] = mask
    return X_out, masks_out
