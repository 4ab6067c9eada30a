"""Compose, which owns the generator, and the combinators OneOf, SomeOf and Sequential.

:class:`Compose` chains transforms and owns the random generator that drives
them. The combinators are transforms themselves (each with its own ``p``), so
they nest inside a Compose, inside each other, and inside the policies; they
draw from the generator of the Compose that runs them, never their own.

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

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.image._base import ImageTransform, randint
from tabaug.image._validation import check_pair
from tabaug.utils import check_scalar

__all__ = ["Compose", "OneOf", "Sequential", "SomeOf"]


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


class _Combinator(ImageTransform):
    """A transform made of child transforms; a Compose among them acts as a Sequential."""

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        if isinstance(self.transforms, ImageTransform | Compose) or not isinstance(
            self.transforms, Sequence
        ):
            raise InvalidParameterError(
                f"{owner}: transforms must be a list of transforms, e.g. "
                f"{owner}([HorizontalFlip(), Rotate()]); got {self.transforms!r}."
            )
        children = []
        for child in self.transforms:
            if isinstance(child, Compose):
                child = Sequential(child.transforms)
            elif not isinstance(child, ImageTransform):
                raise InvalidParameterError(f"{owner}: " + _not_a_transform(child))
            children.append(child)
        return {**super().check_params(), "transforms": children}

    def settings(self) -> dict[str, Any]:
        checked = super().settings()
        # Children are checked at every use too: a change to one is not a change to this list.
        for child in checked["transforms"]:
            child.settings()
        return checked

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        raise NotImplementedError(
            f"{type(self).__name__} applies its children through apply_pair/apply_always, "
            "which Compose calls; wrap it in a Compose to use it on an image"
        )


class OneOf(_Combinator):
    """Apply one child transform, picked with probability proportional to the children's ``p``.

    With probability ``p`` one child is picked (child ``i`` with probability
    ``p_i / sum(p)``) and applied unconditionally, as albumentations does; its
    own ``p`` only weighs the pick.

    Parameters
    ----------
    transforms : list of ImageTransform
        The choices. A :class:`Compose` among them acts as one choice (a
        :class:`Sequential` of its transforms).
    p : float, default=1.0
        Probability of applying one of them to each image.

    Notes
    -----
    ``output_sizes`` counts each child's own ``output_sizes``, the input size
    included when that child has ``p < 1``, although a picked child is always
    applied: it may list a size that never occurs, never miss one.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, HorizontalFlip, OneOf, VerticalFlip
    >>> pipeline = Compose([OneOf([HorizontalFlip(p=1.0), VerticalFlip(p=3.0 / 4)])], 0)
    >>> image = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    >>> sorted({pipeline(image=image)["image"].ravel().tolist()[0] for _ in range(20)})
    [2, 3]
    """

    def __init__(self, transforms: Sequence[ImageTransform], p: float = 1.0) -> None:
        self.transforms = transforms
        super().__init__(p)

    def apply_always(
        self, image: np.ndarray, mask: np.ndarray | None, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray | None]:
        children = self.settings()["transforms"]
        weights = np.cumsum([child.settings()["p"] for child in children])
        if not children or weights[-1] <= 0.0:
            raise InvalidParameterError(
                f"{type(self).__name__}: there is nothing to pick from: give at least one "
                "transform with p > 0 (the children's p are the weights of the pick)."
            )
        pick = int(np.searchsorted(weights, rng.random() * weights[-1], side="right"))
        return children[min(pick, len(children) - 1)].apply_always(image, mask, rng)

    def output_sizes(self, height: int, width: int) -> set[tuple[int, int]]:
        settings = self.settings()
        if settings["p"] == 0.0 or not settings["transforms"]:
            return {(height, width)}
        sizes = set().union(
            *(child.output_sizes(height, width) for child in settings["transforms"])
        )
        return sizes if settings["p"] == 1.0 else sizes | {(height, width)}


class SomeOf(_Combinator):
    """Apply ``n`` children picked uniformly, in list order, each with its own ``p``.

    Parameters
    ----------
    transforms : list of ImageTransform
        The choices; a :class:`Compose` among them acts as one choice.
    n : int
        How many children to pick for each image.
    replace : bool, default=False
        Pick with replacement (a child can run twice); without it ``n`` must
        not exceed the number of children.
    p : float, default=1.0
        Probability of applying the picked children to each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Brightness, Compose, HorizontalFlip, SomeOf, VerticalFlip
    >>> flips = SomeOf([HorizontalFlip(p=1.0), VerticalFlip(p=1.0), Brightness()], n=2)
    >>> Compose([flips], random_state=0)(image=np.zeros((4, 4), np.uint8))["image"].shape
    (4, 4)
    """

    def __init__(
        self,
        transforms: Sequence[ImageTransform],
        n: int,
        replace: bool = False,
        p: float = 1.0,
    ) -> None:
        self.transforms = transforms
        self.n = n
        self.replace = replace
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        checked = super().check_params()
        owner = type(self).__name__
        if not isinstance(self.replace, bool | np.bool_):
            raise InvalidParameterError(
                f"{owner}: replace must be True or False; got {self.replace!r}."
            )
        high = None if self.replace else len(checked["transforms"])
        n = check_scalar(self.n, "n", owner=owner, kind=numbers.Integral, low=0, high=high)
        return {**checked, "n": int(n), "replace": bool(self.replace)}

    def apply_always(
        self, image: np.ndarray, mask: np.ndarray | None, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray | None]:
        settings = self.settings()
        children, n = settings["transforms"], settings["n"]
        if n == 0:
            return image, mask
        if settings["replace"]:
            picked = sorted(randint(rng, len(children)) for _ in range(n))
        else:
            picked = sorted(rng.permutation(len(children))[:n].tolist())
        for index in picked:
            image, mask = children[index].apply_pair(image, mask, rng)
        return image, mask

    def output_sizes(self, height: int, width: int) -> set[tuple[int, int]]:
        # Any subset may run, so every child may or may not change the size.
        sizes = {(height, width)}
        for child in self.settings()["transforms"]:
            sizes |= set().union(*(child.output_sizes(*size) for size in sizes))
        return sizes


class Sequential(_Combinator):
    """Apply every child in order, each with its own ``p``, as one unit with its own ``p``.

    A :class:`Compose` without its own generator: inside a Compose, a
    combinator or a policy, it draws from the generator of the Compose that
    runs it.

    Parameters
    ----------
    transforms : list of ImageTransform
        Applied in order.
    p : float, default=1.0
        Probability of applying the whole sequence to each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, HorizontalFlip, OneOf, Sequential, VerticalFlip
    >>> both = Sequential([HorizontalFlip(p=1.0), VerticalFlip(p=1.0)])
    >>> pipeline = Compose([OneOf([both, HorizontalFlip(p=0.0)])], random_state=0)
    >>> pipeline(image=np.array([[1, 2], [3, 4]], dtype=np.uint8))["image"]
    array([[4, 3],
           [2, 1]], dtype=uint8)
    """

    def __init__(self, transforms: Sequence[ImageTransform], p: float = 1.0) -> None:
        self.transforms = transforms
        super().__init__(p)

    def apply_always(
        self, image: np.ndarray, mask: np.ndarray | None, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray | None]:
        for child in self.settings()["transforms"]:
            image, mask = child.apply_pair(image, mask, rng)
        return image, mask

    def output_sizes(self, height: int, width: int) -> set[tuple[int, int]]:
        sizes = {(height, width)}
        for child in self.settings()["transforms"]:
            sizes = set().union(*(child.output_sizes(*size) for size in sizes))
        p = self.settings()["p"]
        if p == 0.0:
            return {(height, width)}
        return sizes if p == 1.0 else sizes | {(height, width)}
