"""AdversarialNoise: a transform that perturbs an image against a model's own prediction."""

import copy
import numbers
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidParameterError
from tabaug.image._adversarial import image_model, uint8_grid
from tabaug.image._base import ImageTransform
from tabaug.image._cnn import CNNClassifier
from tabaug.image._nets import from_unit, to_unit
from tabaug.utils import check_scalar, evaluation_mode, import_torch, projected_attack

__all__ = ["AdversarialNoise"]

__doctest_requires__ = {"*": ["torch"]}

# Madry et al. (2018): a step of 2.5 * epsilon / steps lets the walk cross the ball.
_STEP_FACTOR = 2.5


class AdversarialNoise(ImageTransform):
    """Perturb an image against a model's own prediction (FGSM/PGD); masks are left alone.

    The image is moved, within ``epsilon`` of every pixel, in the direction
    that most raises the model's loss for the class it predicts for the
    image: FGSM (Goodfellow et al. 2015) with ``steps=1``, projected
    gradient descent (Madry et al. 2018) from a random start with more.

    Parameters
    ----------
    model : CNNClassifier or torch.nn.Module
        A fitted :class:`~tabaug.image.CNNClassifier`, or a torch model from
        ``(N, C, H, W)`` float32 images in 0..1 to logits, for images of the
        size and channels it was built for. Held by reference (see Notes).
    epsilon : float, default=4/255
        Largest change of a pixel, in the 0..1 scale (for uint8, 4/255 is 4
        grey levels).
    steps : int, default=1
        1 is FGSM: one step of ``epsilon`` from the image. More is PGD: a
        start drawn uniformly within ``epsilon`` (from the Compose's
        generator), then steps of ``2.5 * epsilon / steps``.
    p : float, default=0.5
        Probability of perturbing each image.

    Notes
    -----
    **Label-free.** A transform does not see labels, so the attack raises
    the loss of the class the model predicts for the image, not of its true
    class: for an image the model gets right this is the usual untargeted
    attack; for one it gets wrong, it pushes the image further from the
    wrong class. Use :class:`~tabaug.image.ImageAdversarialOverSampler` to
    attack the true labels.

    **The model is held by reference, not as a setting.** It is not among
    :meth:`check_params`'s values; copies of the transform (``copy.deepcopy``,
    or ``sklearn.base.clone`` of an :class:`~tabaug.image.ImageOverSampler`
    that holds it) share the model instead of copying the network; and the
    transform never trains or changes it (eval mode during the attack,
    restored afterwards). Pickling stores the model with the transform.
    PyTorch is imported on first use. Images of a batch are attacked one by
    one, as Compose applies every transform, so this transform is slower than
    :class:`~tabaug.image.ImageAdversarialOverSampler`'s batched attack.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import AdversarialNoise, CNNClassifier, Compose
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 256, (20, 8, 8), dtype=np.uint8)
    >>> model = CNNClassifier(width=4, epochs=2, random_state=0).fit(X, [0, 1] * 10)
    >>> noise = Compose([AdversarialNoise(model, epsilon=4 / 255, p=1.0)], random_state=0)
    >>> out = noise(image=X[0])["image"]
    >>> out.dtype, int(np.abs(out.astype(int) - X[0]).max()) <= 4
    (dtype('uint8'), True)
    """

    def __init__(self, model: Any, epsilon: float = 4 / 255, steps: int = 1,
                 p: float = 0.5) -> None:
        self.model = model
        self.epsilon = epsilon
        self.steps = steps
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        if not (isinstance(self.model, CNNClassifier) or callable(self.model)):
            raise InvalidParameterError(
                f"{owner}: model must be a fitted tabaug.image.CNNClassifier or a torch model "
                "from (N, C, H, W) float32 images in 0..1 to logits; got "
                f"{type(self.model).__name__}."
            )
        epsilon = check_scalar(self.epsilon, "epsilon", owner=owner, low=0.0, high=1.0,
                               include_low=False)
        steps = check_scalar(self.steps, "steps", owner=owner, kind=numbers.Integral, low=1)
        return {**super().check_params(), "epsilon": float(epsilon), "steps": int(steps)}

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        if self.settings()["steps"] == 1:
            return {"start": None}
        return {"start": rng.uniform(-1.0, 1.0, size=image.shape).astype(np.float32)}

    def apply(self, image: np.ndarray, start: np.ndarray | None = None,
              **params: Any) -> np.ndarray:
        owner = type(self).__name__
        settings = self.settings()
        epsilon, steps = settings["epsilon"], settings["steps"]
        torch = import_torch(owner)
        network, device = image_model(torch, self.model, owner)
        device = device if device is not None else torch.device("cpu")
        unit = torch.from_numpy(to_unit(image[None])).to(device)
        initial = None
        if start is not None:
            initial = unit + epsilon * torch.from_numpy(to_unit(start[None])).to(device)
        with evaluation_mode(network):
            result = projected_attack(
                torch, network, unit, None, goal="away", radius=epsilon,
                low=torch.zeros((), device=device), high=torch.ones((), device=device),
                step_size=epsilon if steps == 1 else _STEP_FACTOR * epsilon / steps,
                steps=steps, random_start=False, initial=initial,
                finalize=uint8_grid(torch, unit, epsilon) if image.dtype == np.uint8 else None,
            )
        return from_unit(result.rows.cpu().numpy(), image.dtype, image.ndim == 3)[0]

    def __deepcopy__(self, memo: dict) -> "AdversarialNoise":
        twin = copy.copy(self)
        memo[id(self)] = twin
        for name, value in self.__dict__.items():
            if name != "model":
                object.__setattr__(twin, name, copy.deepcopy(value, memo))
        return twin

    def __repr__(self) -> str:
        return (f"AdversarialNoise(model=<{type(self.model).__name__}>, "
                f"epsilon={self.epsilon!r}, steps={self.steps!r}, p={self.p!r})")
