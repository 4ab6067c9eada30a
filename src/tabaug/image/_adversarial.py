"""ImageAdversarialOverSampler: new minority images by FGSM/PGD against a classifier."""

import math
import numbers
from typing import Any

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from tabaug.exceptions import GenerationError, InvalidInputError, InvalidParameterError
from tabaug.image._cnn import CNNClassifier
from tabaug.image._nets import from_unit, to_unit
from tabaug.image._validation import check_images
from tabaug.utils import (
    Rounds,
    attack_in_rounds,
    check_attack_model,
    check_consistent_length,
    check_memory,
    check_target,
    evaluation_mode,
    fill_doc,
    generation_report,
    import_torch,
    plain_value,
    progress_bar,
    projected_attack,
    report_row,
    require_classes,
    resolve_device,
    resolve_sampling_strategy,
    seeded_torch,
    shortfall_message,
)

__all__ = ["ImageAdversarialOverSampler", "image_model", "uint8_grid"]

__doctest_requires__ = {"*": ["torch"]}

_SEED_MAX = 2**31 - 1
# Images attacked together.
_ATTACK_BATCH = 256
# Madry et al. (2018): a step of 2.5 * epsilon / steps lets the walk cross the ball.
_STEP_FACTOR = 2.5


def image_model(torch: Any, model: Any, owner: str) -> tuple[Any, Any]:
    """(network, device) of a fitted CNNClassifier or a user's torch model (device None: any)."""
    if isinstance(model, CNNClassifier):
        if not hasattr(model, "loss_history_"):
            raise InvalidParameterError(
                f"{owner}: the CNNClassifier model is not fitted; call model.fit(X, y) first "
                "(or give it to ImageAdversarialOverSampler, which fits an unfitted one)."
            )
        model = model.module_
    if not callable(model):
        raise InvalidParameterError(
            f"{owner}: model must be a fitted tabaug.image.CNNClassifier or a torch model "
            f"from (N, C, H, W) float32 images in 0..1 to logits; got {type(model).__name__}."
        )
    parameters = getattr(model, "parameters", None)
    first = next(iter(parameters()), None) if callable(parameters) else None
    return model, (first.device if first is not None else None)


def uint8_grid(torch: Any, start: Any, epsilon: float) -> Any:
    """Finalizer: candidates on the uint8 grid, no more whole levels from ``start`` than fit."""
    reach = math.floor(float(epsilon) * 255 + 1e-6)
    levels = torch.round(start * 255)

    def finalize(x: Any) -> Any:
        k = torch.minimum(torch.maximum(torch.round(x * 255), levels - reach), levels + reach)
        return k.clamp(0, 255) / 255

    return finalize


@fill_doc
class ImageAdversarialOverSampler(BaseOverSampler):
    """Balance image classes with adversarial examples (FGSM/PGD) against a classifier.

    New images of class ``c`` are made by L-infinity projected gradient
    descent (PGD; FGSM with ``steps=1``) against a CNN, with the
    :class:`ImageOverSampler` API:

    * ``mode="boundary"``: start from images of ``c`` and push them toward
      the decision boundary, keeping the furthest point the model still
      assigns to ``c``: hard examples that stay in their class. With masks,
      each new image copies the mask of the image it started from.
    * ``mode="m2m"``: start from images of the other classes and walk them
      into ``c`` until the model assigns them to it with probability at
      least ``confidence`` (M2m, Kim et al. 2020). Not with masks: an image
      of another class carries a mask of another object.

    Parameters
    ----------
    model : CNNClassifier, torch.nn.Module or None, default=None
        The classifier attacked. None trains a :class:`CNNClassifier` (its
        defaults, with ``device``, ``verbose`` and a seed from
        ``random_state``); an unfitted CNNClassifier is cloned and trained.
        Both are trained on a class-balanced copy of the images (rare
        images repeated), so that the model does not simply ignore rare
        classes. A fitted CNNClassifier, or a torch model from ``(N, C, H,
        W)`` float32 images in 0..1 to logits over the sorted class labels,
        is used as given and never changed (eval mode, restored afterwards).
    mode : {{'boundary', 'm2m'}}, default='boundary'
        Where the walk starts and what counts as a success (see above).
    epsilon : float, default=8/255
        L-infinity radius, in the 0..1 scale of the pixels (for uint8,
        ``8/255`` is 8 grey levels).
    steps : int, default=10
        Gradient steps (1 is FGSM with a random start).
    step_size : float or None, default=None
        Size of one step; None is ``2.5 * epsilon / steps`` (Madry et al.).
    max_attempts : int, default=10
        A class that needs ``n`` new images gets at most ``max_attempts *
        n`` starting images; a class still short raises
        :class:`~tabaug.exceptions.GenerationError`.
    confidence : float, default=0.5
        ``mode="m2m"`` only: the probability of ``c`` a new image must reach
        (it must also be the most probable class).
    {over_sampling_strategy}
    {random_state}
    device : str, default='cpu'
        Where to train and attack: 'cpu', 'cuda' or 'cuda:N' (a user's torch
        model is attacked on the device of its parameters).
    verbose : bool, default=True
        Show progress bars for the CNN's training and the generation.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of images added per class.
    n_generated_ : dict
        Images generated per class (equal to ``sampling_strategy_``).
    sample_indices_ : ndarray of shape (n_samples_new,)
        Index in ``X`` of the image each output image started from (the
        first ``n_samples`` entries are ``0 .. n_samples - 1``).
    generation_report_ : DataFrame
        Per class (index ``class``): ``generated``, ``attempts``,
        ``successes``, ``success_rate`` and ``mean_perturbation`` (mean
        L-infinity distance from the starting image, 0..1 scale).
    model_ : CNNClassifier or torch.nn.Module
        The classifier that was attacked.
    classes_ : ndarray
        The class labels, in the order of the model's logits.

    See Also
    --------
    ImageOverSampler : Augmented copies (flips, rotations, policies).
    AdversarialNoise : Adversarial noise as a transform inside Compose.
    tabaug.AdversarialOverSampler : The same for tables.

    Notes
    -----
    Every new image lies within ``epsilon`` of its starting image in every
    pixel, inside 0..1 (uint8: whole grey levels, at most
    ``floor(255 * epsilon)`` from the start), and is judged in its returned
    dtype: a uint8 image is rounded before the model scores it. The
    perturbation is small by construction, which is why a copied mask still
    fits its image: in boundary mode no pixel moves, only its intensity, by
    at most ``epsilon``. Starting images are drawn with replacement, round
    after round, until a class has its images or ``max_attempts`` times its
    count has been tried; the walk starts at a random point of the box, so
    an image drawn twice gives two different images.

    References
    ----------
    .. [1] J. Kim, J. Jeong and J. Shin, "M2m: Imbalanced Classification via
       Major-to-minor Translation", CVPR 2020.
    .. [2] I. Goodfellow, J. Shlens and C. Szegedy, "Explaining and Harnessing
       Adversarial Examples", ICLR 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import CNNClassifier, ImageAdversarialOverSampler
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 100, (40, 8, 8), dtype=np.uint8)
    >>> y = np.array([0] * 32 + [1] * 8)
    >>> X[y == 1, 2:6, 2:6] += 150  # class 1 has a bright square
    >>> cnn = CNNClassifier(width=4, epochs=10, learning_rate=1e-2, random_state=0)
    >>> sampler = ImageAdversarialOverSampler(cnn, verbose=False, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res.shape, X_res.dtype, np.bincount(y_res).tolist()
    ((64, 8, 8), dtype('uint8'), [32, 32])
    >>> moved = np.abs(X_res[40:].astype(int) - X[sampler.sample_indices_[40:]])
    >>> int(moved.max()) <= 8
    True
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "model": [CNNClassifier, callable, None],
        "mode": [StrOptions({"boundary", "m2m"})],
        "epsilon": [Interval(numbers.Real, 0, 1, closed="right")],
        "steps": [Interval(numbers.Integral, 1, None, closed="left")],
        "step_size": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "max_attempts": [Interval(numbers.Integral, 1, None, closed="left")],
        "confidence": [Interval(numbers.Real, 0, 1, closed="right")],
        "device": [str],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        model: Any = None,
        mode: str = "boundary",
        epsilon: float = 8 / 255,
        steps: int = 10,
        step_size: float | None = None,
        max_attempts: int = 10,
        confidence: float = 0.5,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        device: str = "cpu",
        verbose: bool = True,
    ) -> None:
        self.model = model
        self.mode = mode
        self.epsilon = epsilon
        self.steps = steps
        self.step_size = step_size
        self.max_attempts = max_attempts
        self.confidence = confidence
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def fit(self, X: Any, y: Any, masks: Any = None) -> "ImageAdversarialOverSampler":
        """Check the images, resolve ``sampling_strategy_`` and train (or check) the model.

        Parameters
        ----------
        X : ndarray of shape (N, H, W) or (N, H, W, C)
            uint8 (0..255) or float32 (0..1) images.
        y : array-like of shape (N,)
            Class labels.
        masks : ndarray of shape (N, H, W), optional
            Integer label masks (refused with ``mode="m2m"``).

        Returns
        -------
        self : ImageAdversarialOverSampler

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import CNNClassifier, ImageAdversarialOverSampler
        >>> X = np.zeros((6, 8, 8), np.uint8)
        >>> sampler = ImageAdversarialOverSampler(CNNClassifier(epochs=1), verbose=False)
        >>> sampler.fit(X, [0, 0, 0, 0, 1, 1]).sampling_strategy_ == {1: 2}
        True
        """
        self._fit(X, y, masks, guard_output=False)
        return self

    def fit_resample(
        self, X: Any, y: Any, masks: Any = None
    ) -> tuple[np.ndarray, Any] | tuple[np.ndarray, Any, np.ndarray]:
        """Return the originals followed by adversarial images that balance the classes.

        Parameters
        ----------
        X : ndarray of shape (N, H, W) or (N, H, W, C)
            uint8 (0..255) or float32 (0..1) images.
        y : array-like of shape (N,)
            Class labels.
        masks : ndarray of shape (N, H, W), optional
            Integer label masks; a new image gets its starting image's mask.

        Returns
        -------
        X_resampled : ndarray of shape (N + n_new, H, W[, C])
            Same dtype as ``X``; originals first, then the new images class
            by class, exactly ``sampling_strategy_[c]`` of class ``c``.
        y_resampled : same container as ``y``
        masks_resampled : ndarray of shape (N + n_new, H, W)
            Only when ``masks`` is given.

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import CNNClassifier, ImageAdversarialOverSampler
        >>> X = np.random.default_rng(0).random((6, 8, 8), dtype=np.float32)
        >>> sampler = ImageAdversarialOverSampler(CNNClassifier(epochs=5), verbose=False,
        ...                                       max_attempts=50, random_state=0)
        >>> X_res, y_res = sampler.fit_resample(X, [0, 0, 0, 0, 1, 1])
        >>> X_res.dtype, len(y_res)
        (dtype('float32'), 8)
        """
        X, y_1d, masks, target = self._fit(X, y, masks, guard_output=True)
        X_res, y_res, masks_res = self._fit_resample(X, y_1d, masks)
        y_res = target.restore(y_res)
        return (X_res, y_res) if masks is None else (X_res, y_res, masks_res)

    def _fit_resample(
        self, X: np.ndarray, y: np.ndarray, masks: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The originals, then class by class the adversarial images (the model is ready)."""
        torch = import_torch(type(self).__name__)
        wanted = {label: int(n) for label, n in self.sampling_strategy_.items() if n}
        self.n_generated_ = {plain_value(label): int(n)
                             for label, n in self.sampling_strategy_.items()}
        bar = progress_bar(type(self).__name__, sum(wanted.values()), bool(self.verbose),
                           desc="generating", unit="image")
        seeds = np.random.RandomState(self._seeds[1])
        images, labels, sources, report = [X], [y], [np.arange(len(X))], []
        try:
            for label, n_new in wanted.items():
                rounds = self._generate(torch, X, y, label, n_new,
                                        int(seeds.randint(_SEED_MAX)), bar)
                report.append(report_row(label, rounds, rounds.kept[1]))
                if len(rounds.sources) < n_new:
                    self.generation_report_ = generation_report(report)
                    raise GenerationError(shortfall_message(
                        type(self).__name__, self.mode, label, n_new, rounds,
                        epsilon=self.epsilon, steps=self.steps,
                        max_attempts=self.max_attempts, confidence=self.confidence,
                        model="model", rows="images"))
                images.append(rounds.kept[0])
                labels.append(np.full(n_new, label, dtype=y.dtype))
                sources.append(rounds.sources)
        finally:
            if bar is not None:
                bar.close()
        self.generation_report_ = generation_report(report)
        self.sample_indices_ = np.concatenate(sources).astype(np.intp)
        masks_res = None if masks is None else masks[self.sample_indices_]
        return np.concatenate(images), np.concatenate(labels), masks_res

    def _fit(self, X: Any, y: Any, masks: Any, guard_output: bool) -> tuple:
        """Check, guard memory (the resampled output too with ``guard_output``), get the model."""
        self._validate_params()
        owner = type(self).__name__
        y_1d, target = check_target(y)
        require_classes(y_1d)
        X, masks = check_images(X, masks, owner=owner)
        check_consistent_length(len(X), len(y_1d), rows="images")
        if masks is not None and self.mode == "m2m":
            raise InvalidParameterError(
                f"{owner}: mode='m2m' starts from images of other classes, whose masks "
                "outline other objects, so it cannot give new images a mask. Use "
                "mode='boundary' with masks (it starts from the class's own images and "
                "copies their masks), or leave the masks out."
            )
        self.sampling_strategy_ = resolve_sampling_strategy(
            self.sampling_strategy, y_1d, self._sampling_type, owner=owner
        )
        if guard_output:
            n_out = len(X) + sum(self.sampling_strategy_.values())
            per_image = X[0].nbytes + (0 if masks is None else masks[0].nbytes)
            check_memory(
                n_out * per_image,
                what=f"{owner}.fit_resample's output ({n_out:,} images of "
                f"{'x'.join(map(str, X.shape[1:]))} {X.dtype})",
                fix="ask for fewer new images with a smaller sampling_strategy",
            )
        self.classes_ = np.unique(y_1d)
        self._seeds = check_random_state(self.random_state).randint(_SEED_MAX, size=2)
        torch = import_torch(owner)
        device = resolve_device(torch, self.device, owner)
        self.model_ = self._prepare_model(torch, X, y_1d, device)
        network, model_device = image_model(torch, self.model_, owner)
        self._device = model_device if model_device is not None else device
        self._check_network(torch, network, X[:2])
        return X, y_1d, masks, target

    def _prepare_model(self, torch: Any, X: np.ndarray, y: np.ndarray, device: Any) -> Any:
        model = self.model
        if isinstance(model, CNNClassifier) and hasattr(model, "loss_history_"):
            if not np.array_equal(model.classes_, self.classes_):
                raise InvalidInputError(
                    f"{type(self).__name__}: the fitted model knows classes "
                    f"{[plain_value(c) for c in model.classes_]}, but y has "
                    f"{[plain_value(c) for c in self.classes_]}. Pass a model fitted on these "
                    "classes, or an unfitted CNNClassifier to train one."
                )
            return model
        if model is not None and not isinstance(model, CNNClassifier):
            return model
        if model is None:
            model = CNNClassifier(device=self.device, verbose=bool(self.verbose),
                                  random_state=int(self._seeds[0]))
        else:
            model = clone(model)
        balanced = self._balanced_indices(y)
        check_memory(
            len(balanced) * X[0].nbytes,
            what=f"{type(self).__name__}'s class-balanced training copy ({len(balanced):,} "
            "images)",
            fix="train a CNNClassifier yourself and pass it fitted as model",
        )
        return model.fit(X[balanced], y[balanced])

    def _balanced_indices(self, y: np.ndarray) -> np.ndarray:
        """Every image once, and rare classes' images repeated up to the largest class."""
        rng = np.random.RandomState(self._seeds[0])
        largest = max(int((y == label).sum()) for label in self.classes_)
        parts = []
        for label in self.classes_:
            members = np.flatnonzero(y == label)
            extra = largest - members.size
            parts += [members, members[rng.randint(0, members.size, size=extra)]]
        return np.sort(np.concatenate(parts))

    def _check_network(self, torch: Any, network: Any, probe: np.ndarray) -> None:
        n_classes = len(self.classes_)
        with evaluation_mode(network):
            check_attack_model(
                torch, network, torch.from_numpy(to_unit(probe)).to(self._device), n_classes,
                owner=type(self).__name__, name="model", inputs="the images", unit="images",
                contract="It must take (N, C, H, W) float32 images in 0..1 and return logits "
                f"(N, {n_classes}) over the sorted class labels, differentiably.",
                default="model=None",
            )

    def _generate(self, torch: Any, X: np.ndarray, y: np.ndarray, label: Any, n_new: int,
                  seed: int, bar: Any) -> Rounds:
        """Kept payload: (new images in X's dtype, their L-infinity perturbation)."""
        network, _ = image_model(torch, self.model_, type(self).__name__)
        target = int(np.flatnonzero(self.classes_ == label)[0])
        boundary = self.mode == "boundary"
        pool = np.flatnonzero(y == label) if boundary else np.flatnonzero(y != label)
        epsilon = float(self.epsilon)
        step = (float(self.step_size) if self.step_size is not None
                else _STEP_FACTOR * epsilon / int(self.steps))
        device = self._device
        low = torch.zeros((), device=device)
        high = torch.ones((), device=device)
        channels_last = X.ndim == 4

        def attack(sources: np.ndarray) -> tuple:
            start = torch.from_numpy(to_unit(X[sources])).to(device)
            result = projected_attack(
                torch, network, start,
                torch.full((len(sources),), target, dtype=torch.long, device=device),
                goal="stay" if boundary else "reach", radius=epsilon, low=low, high=high,
                step_size=step, steps=int(self.steps),
                finalize=uint8_grid(torch, start, epsilon) if X.dtype == np.uint8 else None,
                confidence=float(self.confidence),
            )
            moved = (result.rows - start).abs().flatten(1).max(dim=1).values
            new = from_unit(result.rows.cpu().numpy(), X.dtype, channels_last)
            return result.success.cpu().numpy(), (new, moved.double().cpu().numpy())

        with seeded_torch(torch, seed, device), evaluation_mode(network):
            rounds = attack_in_rounds(n_new, pool, attack, max_attempts=int(self.max_attempts),
                                      batch=_ATTACK_BATCH, rng=np.random.RandomState(seed),
                                      bar=bar)
        if not rounds.kept:
            empty = (np.empty((0, *X.shape[1:]), X.dtype), np.empty(0))
            rounds = Rounds(empty, rounds.sources, rounds.attempts, rounds.successes)
        return rounds

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.input_tags.sparse = False
        tags.input_tags.dataframe = False
        tags.sampler_tags.sample_indices = True
        tags.non_deterministic = self.device != "cpu"
        return tags

