"""ImageTransform: the base class of every image transform, and the protocol it follows.

A transform is a small object with a probability ``p`` and parameters stored
untouched under their own names, as in scikit-learn. :class:`Compose` (and
:class:`~tabaug.image.ImageOverSampler` through it) drives it through these
methods:

``check_params()``
    Validate the current parameter values and return them normalized (a dict:
    ranges as ``(low, high)`` floats, sizes as ints, ``p`` as a float). Raises
    :class:`~tabaug.exceptions.InvalidParameterError` whose message starts with
    the class name, ``"Rotate: limit must ..."``. Subclasses extend
    ``super().check_params()``.
``settings()``
    ``check_params()``'s result, cached on the parameter values: the check runs
    once per distinct setting, and again after any change (attribute
    assignment, an edited list). :meth:`draw_params` and :meth:`apply` read
    their parameters from here, never from private copies, so a change made
    after construction is both honoured and checked.
``draw_params(rng, image)``
    Draw this call's random parameters from the Compose's generator.
``apply(image, **params)`` / ``apply_to_mask(mask, **params)``
    Apply them deterministically, so an image and its mask always get the
    same parameters; photometric transforms return the mask unchanged.
``output_size(height, width)``
    The output size for an input size, when applied (the sampler refuses
    size changes); ``output_sizes`` gives every size it can produce, the
    input size included when ``p < 1``.
``apply_pair(image, mask, rng)``
    The step Compose takes for each transform: check the settings, then
    with probability ``p`` (one ``rng.random()`` draw when ``p < 1``) call
    ``apply_always``.
``apply_always(image, mask, rng)``
    Draw the parameters and apply them to the image and the mask, whatever
    ``p`` says. Combinators of transforms (:class:`~tabaug.image.OneOf`,
    :class:`~tabaug.image.SomeOf`, :class:`~tabaug.image.Sequential`)
    override it and ``output_sizes``, and leave ``draw_params``/``apply``
    unused.

Parameters are checked at construction too (``__init__`` stores them, then
``super().__init__(p)`` calls :meth:`ImageTransform.settings`), and whenever
the transform is applied: every :meth:`apply_pair`, every
:meth:`Compose.check_params` (which :class:`~tabaug.image.ImageOverSampler`
calls in ``fit_resample``, ``plan`` and ``iter_resample``).
"""

import inspect
from functools import cache
from typing import Any

import numpy as np

from tabaug.image._validation import check_probability

__all__ = ["ImageTransform", "parameter_names", "randint", "uniform"]


def uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    """A uniform draw from ``[low, high]``; no draw at all when the range is one value."""
    low, high = bounds
    return low if low == high else low + (high - low) * rng.random()


def randint(rng: np.random.Generator, high: int) -> int:
    """A uniform integer in [0, high); cheaper than ``rng.integers`` for one value."""
    return int(rng.random() * high)


@cache
def parameter_names(cls: type) -> tuple[str, ...]:
    """The names of a transform's parameters: the arguments of its ``__init__``."""
    return tuple(
        name
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if name != "self"
        and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    )


def _is_mutable(value: Any) -> bool:
    """Whether a parameter value can change in place (a list, an array), inside tuples too."""
    if isinstance(value, tuple):
        return any(_is_mutable(item) for item in value)
    return isinstance(value, list | np.ndarray | dict | set)


def _snapshot(value: Any) -> Any:
    """A copy of a parameter value that later in-place edits of the original cannot reach."""
    if isinstance(value, list):
        return [_snapshot(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_snapshot(item) for item in value)
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {key: _snapshot(item) for key, item in value.items()}
    if isinstance(value, set):
        return set(value)
    return value


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and np.array_equal(a, b)
        )
    if isinstance(a, list | tuple):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(_equal(x, y) for x, y in zip(a, b, strict=True))
        )
    if a is b:
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _same_values(values: tuple, snapshot: tuple) -> bool:
    try:
        # Fast path: identical scalars compare by identity inside the tuple comparison.
        return bool(values == snapshot)
    except (TypeError, ValueError):  # numpy arrays among the values
        return _equal(values, snapshot)


class ImageTransform:
    """Base class of the image transforms.

    A transform draws its random parameters in :meth:`draw_params` and applies
    them deterministically in :meth:`apply` (image) and :meth:`apply_to_mask`
    (mask), so an image and its mask always get the same parameters. Subclass
    it and override those methods (and :meth:`output_size` if the size
    changes, :meth:`check_params` if it has settings to check) to write your
    own transform that works inside :class:`~tabaug.image.Compose` and
    :class:`~tabaug.image.ImageOverSampler`: store each ``__init__`` argument
    under its own name, then call ``super().__init__(p)``, which checks them.
    (The method is not called ``get_params`` as in albumentations:
    scikit-learn reserves that name, and transforms are parameters of a
    scikit-learn estimator, the sampler.) The protocol is described in full
    in the module ``tabaug.image._base``.

    Parameters
    ----------
    p : float, default=1.0
        Probability of applying the transform to each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, ImageTransform
    >>> class Invert(ImageTransform):
    ...     def apply(self, image, **params):
    ...         return 255 - image
    >>> Compose([Invert()])(image=np.zeros((2, 2), dtype=np.uint8))["image"]
    array([[255, 255],
           [255, 255]], dtype=uint8)
    """

    def __init__(self, p: float = 1.0) -> None:
        self.p = p
        self.settings()

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if not name.startswith("_"):
            # Compare the values at the next use (an assignment may change nothing).
            self.__dict__.pop("_settings", None)

    def check_params(self) -> dict[str, Any]:
        """Check the current parameter values; return them in the form the methods use.

        Subclasses add their own parameters to ``super().check_params()``.
        Call :meth:`settings` instead to get the cached result.

        Returns
        -------
        dict
            Parameter name -> checked, normalized value.

        Raises
        ------
        tabaug.exceptions.InvalidParameterError
            A value is out of range, not finite, of the wrong type or not an option.

        Examples
        --------
        >>> from tabaug.image import Rotate
        >>> Rotate(limit=10).check_params()["limit"]
        (-10.0, 10.0)
        """
        return {"p": check_probability(self.p, type(self).__name__)}

    def settings(self) -> dict[str, Any]:
        """The checked parameters, from :meth:`check_params`, cached on the current values.

        The check runs again whenever a parameter has changed since the last
        call (an assignment, ``set_params`` of a sampler holding the
        transform, a list edited in place), so a bad value is refused at the
        first use after the change.

        Returns
        -------
        dict

        Examples
        --------
        >>> from tabaug.image import Rotate
        >>> rotate = Rotate(limit=10)
        >>> rotate.limit = (0, 45)
        >>> rotate.settings()["limit"]
        (0.0, 45.0)
        """
        # Fast path: nothing assigned since the last check, and no value that can change
        # in place; it runs several times per image, so it is one dictionary lookup.
        checked = self.__dict__.get("_settings")
        if checked is not None:
            return checked
        cached = self.__dict__.get("_settings_cache")
        values = tuple(getattr(self, name) for name in parameter_names(type(self)))
        watch = _is_mutable(values)
        if cached is not None and _same_values(values, cached[0]):
            checked = cached[1]
        else:
            checked = self.check_params()
            self.__dict__["_settings_cache"] = (_snapshot(values), checked)
        if not watch:
            self.__dict__["_settings"] = checked
        return checked

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        """Draw this call's random parameters.

        Parameters
        ----------
        rng : numpy.random.Generator
            The generator owned by the :class:`~tabaug.image.Compose`.
        image : ndarray of shape (H, W) or (H, W, C)
            The image the parameters are for (its size, channels and dtype).

        Returns
        -------
        dict
            Keyword arguments for :meth:`apply` and :meth:`apply_to_mask`.

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import RandomCrop
        >>> RandomCrop(4, 4).draw_params(np.random.default_rng(0), np.zeros((8, 8)))
        {'top': 3, 'left': 1}
        """
        return {}

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        """Apply the transform to one image with the given parameters.

        Parameters
        ----------
        image : ndarray of shape (H, W) or (H, W, C)
        **params
            As returned by :meth:`draw_params`.

        Returns
        -------
        ndarray

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import HorizontalFlip
        >>> HorizontalFlip().apply(np.array([[1, 2]], dtype=np.uint8))
        array([[2, 1]], dtype=uint8)
        """
        raise NotImplementedError(f"{type(self).__name__} must implement apply()")

    def apply_to_mask(self, mask: np.ndarray, **params: Any) -> np.ndarray:
        """Apply the transform to one label mask; photometric transforms return it unchanged.

        Parameters
        ----------
        mask : ndarray of shape (H, W)
        **params
            As returned by :meth:`draw_params`.

        Returns
        -------
        ndarray

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import GaussianNoise
        >>> mask = np.ones((2, 2), dtype=np.uint8)
        >>> GaussianNoise().apply_to_mask(mask) is mask
        True
        """
        return mask

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        """The (height, width) of the output for an input of the given size, when applied.

        Parameters
        ----------
        height, width : int

        Returns
        -------
        (int, int)

        Examples
        --------
        >>> from tabaug.image import RandomCrop
        >>> RandomCrop(24, 20).output_size(32, 32)
        (24, 20)
        """
        return height, width

    def output_sizes(self, height: int, width: int) -> set[tuple[int, int]]:
        """Every (height, width) this transform can give for an input of the given size.

        The input size is among them when the transform may be skipped
        (``p < 1``); combinators of transforms override this.

        Parameters
        ----------
        height, width : int

        Returns
        -------
        set of (int, int)

        Examples
        --------
        >>> from tabaug.image import RandomCrop
        >>> sorted(RandomCrop(24, 20, p=0.5).output_sizes(32, 32))
        [(24, 20), (32, 32)]
        """
        p = self.settings()["p"]
        if p == 0.0:
            return {(height, width)}
        applied = {self.output_size(height, width)}
        return applied if p == 1.0 else applied | {(height, width)}

    def apply_pair(
        self, image: np.ndarray, mask: np.ndarray | None, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Apply with probability ``p`` to one checked image and its mask: Compose's step.

        The settings are checked first (cached), then one ``rng.random()`` is
        drawn against ``p`` when ``p < 1``, then :meth:`apply_always` runs.
        ``image`` must already have passed Compose's input checks (dtype,
        layout, contiguity).

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
        >>> from tabaug.image import HorizontalFlip
        >>> image, mask = HorizontalFlip(p=1.0).apply_pair(
        ...     np.array([[1, 2]], dtype=np.uint8), None, np.random.default_rng(0))
        >>> image
        array([[2, 1]], dtype=uint8)
        """
        p = self.settings()["p"]
        if p < 1.0 and rng.random() >= p:
            return image, mask
        return self.apply_always(image, mask, rng)

    def apply_always(
        self, image: np.ndarray, mask: np.ndarray | None, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Apply regardless of ``p``: draw the parameters, apply them to image and mask.

        :class:`~tabaug.image.OneOf` calls it on the child it picks;
        combinators of transforms override it.

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
        >>> from tabaug.image import VerticalFlip
        >>> VerticalFlip(p=0.0).apply_always(
        ...     np.array([[1], [2]], dtype=np.uint8), None, np.random.default_rng(0))[0].ravel()
        array([2, 1], dtype=uint8)
        """
        params = self.draw_params(rng, image)
        image = self.apply(image, **params)
        if mask is not None:
            mask = self.apply_to_mask(mask, **params)
        return image, mask

    def __call__(
        self, *, image: np.ndarray, mask: np.ndarray | None = None, batch: bool | None = None
    ) -> dict[str, np.ndarray | None]:
        """Apply this transform alone, with a fresh unseeded generator.

        For reproducible results wrap it: ``Compose([transform], random_state=0)``.

        Parameters
        ----------
        image, mask, batch
            As in :meth:`Compose.__call__ <tabaug.image.Compose.__call__>`.

        Returns
        -------
        dict
            ``{"image": ..., "mask": ...}``.

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import VerticalFlip
        >>> VerticalFlip(p=1.0)(image=np.array([[1], [2]], dtype=np.uint8))["image"].ravel()
        array([2, 1], dtype=uint8)
        """
        # Imported here: composition builds on this module.
        from tabaug.image._composition import Compose

        return Compose([self])(image=image, mask=mask, batch=batch)

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in parameter_names(type(self)))
        return f"{type(self).__name__}({args})"
