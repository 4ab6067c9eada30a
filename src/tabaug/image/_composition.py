"""Compose: chain transforms and own the random generator that drives them.

Compose's protocol, used by :class:`~tabaug.image.ImageOverSampler` and by
anything that drives a pipeline image by image with generators of its own:

``check_params()``
    Check every transform's current parameters (cached per setting; see
    :mod:`tabaug.image._base`).
``output_sizes(height, width)``
    Every output size the pipeline can give for one input size.
``apply_pair(image, mask, rng)``
    One checked image and its mask through every transform, drawing from
    ``rng``; the same ``rng`` state gives the same output.
"""

from collections.abc import Sequence

import numpy as np

from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.image._base import ImageTransform
from tabaug.image._validation import check_pair

__all__ = ["Compose"]


class Compose:
    """Chain transforms and own the random generator that drives them.

    Parameters
    ----------
    transforms : sequence of ImageTransform or Compose
        Applied in order, each with its own probability ``p``. A nested
        ``Compose`` adds its transforms in place (its own ``random_state`` is
        not used: this Compose's generator drives them all).
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the generator (a ``numpy.random.Generator``; the global numpy
        RNG is never used). The same seed gives the same sequence of outputs.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import ColorJitter, Compose, HorizontalFlip
    >>> pipeline = Compose([HorizontalFlip(), ColorJitter()], random_state=42)
    >>> images = np.zeros((5, 16, 16, 3), dtype=np.uint8)
    >>> masks = np.zeros((5, 16, 16), dtype=np.int64)
    >>> out = pipeline(image=images, mask=masks)
    >>> out["image"].shape, out["mask"].shape
    ((5, 16, 16, 3), (5, 16, 16))
    """

    def __init__(
        self,
        transforms: Sequence[ImageTransform],
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.transforms = _flatten(transforms)
        self.random_state = random_state
        try:
            self._rng = np.random.default_rng(random_state)
        except TypeError as error:
            raise InvalidParameterError(
                "Compose: random_state must be None, an int or a numpy Generator; "
                f"got {random_state!r}."
            ) from error

    def __call__(
        self, *, image: np.ndarray, mask: np.ndarray | None = None, batch: bool | None = None
    ) -> dict[str, np.ndarray | None]:
        """Transform an image (or batch) and its mask with the same random parameters.

        Parameters
        ----------
        image : ndarray of shape (H, W), (H, W, C), (N, H, W) or (N, H, W, C)
            uint8 (0..255) or float32 (0..1); the output keeps the dtype.
        mask : ndarray of shape (H, W) or (N, H, W), optional
            Integer or boolean labels.
        batch : bool or None, default=None
            Whether a 3-D ``image`` is a batch ``(N, H, W)``; None applies the
            layout rule of :mod:`tabaug.image.transforms`. Each image of a batch gets its own
            random parameters.

        Returns
        -------
        dict
            ``{"image": ndarray, "mask": ndarray or None}``.

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import Compose, HorizontalFlip
        >>> out = Compose([HorizontalFlip(p=1.0)])(image=np.eye(2, dtype=np.float32))
        >>> out["image"]
        array([[0., 1.],
               [1., 0.]], dtype=float32)
        """
        image, mask, is_batch = check_pair(image, mask, batch)
        rng = self._rng
        try:
            if not is_batch:
                for transform in self.transforms:
                    image, mask = transform.apply_pair(image, mask, rng)
                return {"image": image, "mask": mask}
            images, masks = [], []
            for index in range(image.shape[0]):
                one, one_mask = self.apply_pair(
                    image[index], None if mask is None else mask[index], rng
                )
                images.append(one)
                masks.append(one_mask)
        except AttributeError:
            self.check_params()  # a clear error if something else was put among the transforms
            raise
        if len({one.shape for one in images}) > 1:
            raise InvalidInputError(
                "the transforms produced images of different sizes within one batch; give "
                "size-changing transforms (RandomCrop, Pad) p=1.0 or transform images one by one"
            )
        return {"image": np.stack(images), "mask": None if mask is None else np.stack(masks)}

    def check_params(self) -> None:
        """Check the current parameters of every transform (cached per setting).

        :class:`~tabaug.image.ImageOverSampler` calls it before it transforms
        anything. (A call of the Compose checks each transform as it is
        applied, through :meth:`ImageTransform.apply_pair
        <tabaug.image.ImageTransform.apply_pair>`, skipped or not.)

        Raises
        ------
        tabaug.exceptions.InvalidParameterError
            A transform has a bad setting; the message names its class.

        Examples
        --------
        >>> from tabaug.image import Compose, Rotate
        >>> rotate = Rotate()
        >>> pipeline = Compose([rotate])
        >>> rotate.limit = float("nan")
        >>> pipeline.check_params()
        Traceback (most recent call last):
        ...
        tabaug.exceptions.InvalidParameterError: Rotate: limit must be a finite number ...
        """
        for transform in self.transforms:
            if not isinstance(transform, ImageTransform):
                raise InvalidParameterError(_not_a_transform(transform))
            transform.settings()

    def output_sizes(self, height: int, width: int) -> set[tuple[int, int]]:
        """Every output size the pipeline can produce for one input size.

        Parameters
        ----------
        height, width : int

        Returns
        -------
        set of (int, int)

        Examples
        --------
        >>> from tabaug.image import Compose, Pad, RandomCrop
        >>> sorted(Compose([Pad(2, p=0.5), RandomCrop(8, 8)]).output_sizes(8, 8))
        [(8, 8)]
        >>> sorted(Compose([Pad(2, p=0.5)]).output_sizes(8, 8))
        [(8, 8), (12, 12)]
        """
        sizes = {(height, width)}
        for transform in self.transforms:
            sizes = set().union(*(transform.output_sizes(*size) for size in sizes))
        return sizes

    def apply_pair(
        self, image: np.ndarray, mask: np.ndarray | None, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Apply every transform to one checked image and its mask, drawing from ``rng``.

        The image must have passed the input checks of :meth:`__call__` (or of
        :class:`~tabaug.image.ImageOverSampler`): uint8 or float32 in range,
        ``(H, W)`` or ``(H, W, C)``, C-contiguous. The same ``rng`` state gives
        the same output; the Compose's own generator is not used.

        Parameters
        ----------
        image : ndarray of shape (H, W) or (H, W, C)
        mask : ndarray of shape (H, W) or None
        rng : numpy.random.Generator

        Returns
        -------
        (ndarray, ndarray or None)

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import Compose, HorizontalFlip
        >>> image = np.array([[1, 2]], dtype=np.uint8)
        >>> Compose([HorizontalFlip()]).apply_pair(image, None, np.random.default_rng(2))[0]
        array([[2, 1]], dtype=uint8)
        """
        for transform in self.transforms:
            image, mask = transform.apply_pair(image, mask, rng)
        return image, mask

    def __len__(self) -> int:
        return len(self.transforms)

    def __repr__(self) -> str:
        inner = ", ".join(repr(t) for t in self.transforms)
        return f"Compose([{inner}], random_state={self.random_state!r})"


def _not_a_transform(transform: object) -> str:
    return (
        f"Compose got {type(transform).__module__}.{type(transform).__name__}; "
        "it takes tabaug.image transforms (subclasses of ImageTransform)"
    )


def _flatten(transforms: object) -> list[ImageTransform]:
    """The transforms as a flat list; a nested Compose adds its transforms in place."""
    if isinstance(transforms, ImageTransform) or not isinstance(transforms, Sequence):
        raise InvalidParameterError(
            "Compose takes a list of transforms, e.g. Compose([HorizontalFlip(), Rotate()])"
        )
    flat: list[ImageTransform] = []
    for transform in transforms:
        if isinstance(transform, Compose):
            # The outer generator drives the nested transforms.
            flat.extend(transform.transforms)
        elif isinstance(transform, ImageTransform):
            flat.append(transform)
        else:
            raise InvalidParameterError(_not_a_transform(transform))
    return flat
