"""Errors and warnings raised by tabaug.

Every error is a subclass of :class:`ValueError` or :class:`TypeError`, so code
that already catches scikit-learn's errors keeps working; the message always
says what was wrong and what to do about it.

Examples
--------
>>> from tabaug.exceptions import InvalidInputError
>>> issubclass(InvalidInputError, ValueError)
True
"""


class TabaugError(Exception):
    """Base class of every error raised by tabaug itself."""


class InvalidInputError(TabaugError, ValueError):
    """The data (X, y, images, masks, a file) cannot be used as given."""


class InvalidTargetError(InvalidInputError):
    """The target is not a usable classification target (one class, continuous, empty)."""


class InsufficientSamplesError(InvalidInputError):
    """A class has too few rows for the algorithm (e.g. fewer than ``k_neighbors + 1``)."""


class InvalidTypeError(TabaugError, TypeError):
    """An argument has the wrong type (e.g. an image of dtype int64)."""


class InvalidParameterError(InvalidInputError, InvalidTypeError):
    """A setting is invalid: a value out of range, an unknown option or a wrong type.

    Raised for parameters of functions and estimators (not for data). Like
    scikit-learn's ``InvalidParameterError`` it is both a ``ValueError`` and a
    ``TypeError``; the command line maps it to exit status 2 (a usage error).
    """


class MemoryLimitError(InvalidInputError, MemoryError):
    """An output would exceed tabaug's memory limit; refused before allocating.

    The message gives the estimated size, the limit, and both fixes: ask for
    less, or raise the limit with :func:`tabaug.set_config` (``max_memory``)
    or the ``TABAUG_MAX_MEMORY`` environment variable.
    """


class GenerationError(TabaugError, RuntimeError):
    """A generator could not produce the rows asked for."""


class TabaugWarning(UserWarning):
    """Base class of tabaug's warnings: suspicious but legal use."""


class ExtremeOversamplingWarning(TabaugWarning):
    """A tiny class is being multiplied many times over; new rows will be near-copies."""


class IDLikeColumnWarning(TabaugWarning):
    """A column has a distinct value on every row; a generator cannot learn it."""


class HighCardinalityWarning(TabaugWarning):
    """A categorical column has so many categories that it was capped."""


__all__ = [
    "ExtremeOversamplingWarning",
    "GenerationError",
    "HighCardinalityWarning",
    "IDLikeColumnWarning",
    "InsufficientSamplesError",
    "InvalidInputError",
    "InvalidParameterError",
    "InvalidTargetError",
    "InvalidTypeError",
    "MemoryLimitError",
    "TabaugError",
    "TabaugWarning",
]
