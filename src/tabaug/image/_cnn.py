"""CNNClassifier: the one small-CNN trainer of tabaug (benchmarks, label fidelity, surrogates).

A scikit-learn classifier on image batches, in PyTorch (the ``deep`` extra;
torch is imported on use). Besides ``fit``/``predict``/``predict_proba`` it
exposes what gradient-based code needs: :attr:`CNNClassifier.module_`, a
torch module from ``(N, C, H, W)`` float images in 0..1 to logits over
``classes_``, and :meth:`CNNClassifier.to_tensor` /
:meth:`CNNClassifier.from_tensor` to move image batches in and out of that
space, so an attack (FGSM, PGD) can take gradients with respect to the
pixels and turn the result back into images.
"""

import numbers
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from tabaug.exceptions import InvalidInputError
from tabaug.image._nets import TorchState, from_unit, networks, to_unit
from tabaug.image._validation import check_images
from tabaug.utils import (
    check_consistent_length,
    check_memory,
    check_target,
    fill_doc,
    import_torch,
    require_classes,
    resolve_device,
    seeded_torch,
    train_epochs,
)

__all__ = ["CNNClassifier"]

__doctest_requires__ = {"*": ["torch"]}

_SEED_MAX = 2**31 - 1
# Images per forward pass at prediction time.
_PREDICT_BATCH = 1024


@fill_doc
class CNNClassifier(TorchState, ClassifierMixin, BaseEstimator):
    """A small convolutional network that classifies images, trained with Adam.

    Two stages of two 3x3 convolutions (batch norm, ReLU) with 2x2
    max-pooling while the side is at least 4, global average pooling and a
    linear layer: small enough to train on a CPU in seconds on 8x8 to 32x32
    images, and the model tabaug's benchmarks, its label-fidelity checks and
    gradient-based augmentations share.

    Parameters
    ----------
    width : int, default=32
        Channels of the first stage (the second has twice as many).
    epochs : int, default=20
        Passes over the training images.
    batch_size : int, default=64
        Images per gradient step.
    learning_rate : float, default=1e-3
        Adam's step size.
    weight_decay : float, default=0.0
        Adam's L2 penalty.
    device : str, default='cpu'
        Where to train: 'cpu', 'cuda' or 'cuda:N'.
    {random_state}
    verbose : bool, default=False
        Show a progress bar with the epoch and the loss.

    Attributes
    ----------
    classes_ : ndarray
        The class labels, in the order of the logits.
    image_shape_ : tuple
        ``(H, W)`` or ``(H, W, C)`` of the training images; prediction needs
        the same.
    loss_history_ : DataFrame
        Mean training cross-entropy per epoch (columns ``epoch``, ``loss``).
    module_ : torch.nn.Module
        The trained network, in eval mode, on ``device``: ``(N, C, H, W)``
        float images in 0..1 (see :meth:`to_tensor`) to logits.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import CNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 100, (40, 8, 8), dtype=np.uint8)
    >>> y = np.repeat([0, 1], 20)
    >>> X[y == 1, 2:6, 2:6] += 150  # class 1 has a bright square
    >>> model = CNNClassifier(width=8, epochs=10, learning_rate=1e-2, random_state=0).fit(X, y)
    >>> model.score(X, y)
    1.0
    >>> model.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        "width": [Interval(numbers.Integral, 1, None, closed="left")],
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "weight_decay": [Interval(numbers.Real, 0, None, closed="left")],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        width: int = 32,
        epochs: int = 20,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        weight_decay: float = 0.0,
        device: str = "cpu",
        random_state: int | np.random.RandomState | None = None,
        verbose: bool = False,
    ) -> None:
        self.width = width
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X: Any, y: Any) -> "CNNClassifier":
        """Train the network on images ``X`` with labels ``y``.

        Parameters
        ----------
        X : ndarray of shape (N, H, W) or (N, H, W, C)
            uint8 (0..255) or float32 (0..1) images.
        y : array-like of shape (N,)
            Class labels (at least two classes).

        Returns
        -------
        self : CNNClassifier

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import CNNClassifier
        >>> X = np.zeros((4, 6, 6), np.uint8)
        >>> CNNClassifier(epochs=1, random_state=0).fit(X, [0, 1, 0, 1]).classes_.tolist()
        [0, 1]
        """
        self._validate_params()
        owner = type(self).__name__
        X, _ = check_images(X, None, owner=owner)
        y_1d, _ = check_target(y)
        check_consistent_length(len(X), len(y_1d), rows="images")
        require_classes(y_1d, what="a classifier can't learn to tell classes apart")
        check_memory(
            X.size * 4 * 2,
            what=f"{owner}'s float32 training copy of {len(X):,} images",
            fix="train on fewer or smaller images",
        )
        torch = import_torch(owner)
        device = resolve_device(torch, self.device, owner)
        self.classes_, codes = np.unique(y_1d, return_inverse=True)
        self.image_shape_ = tuple(X.shape[1:])
        self._device = device
        seed = int(check_random_state(self.random_state).randint(_SEED_MAX))
        with seeded_torch(torch, seed, device):
            self._modules = {name: m.to(device) for name, m in self._build_modules().items()}
            net = self._modules["net"]
            data = torch.from_numpy(to_unit(X)).to(device)
            targets = torch.from_numpy(codes.astype(np.int64)).to(device)
            optimizer = torch.optim.Adam(
                net.parameters(), lr=float(self.learning_rate),
                weight_decay=float(self.weight_decay),
            )
            self.loss_history_ = self._train(torch, net, optimizer, data, targets)
        net.eval()
        return self

    def _build_modules(self) -> dict:
        torch = import_torch(type(self).__name__)
        shape = self.image_shape_
        channels = shape[2] if len(shape) == 3 else 1
        net = networks(torch).SmallCNN(
            channels, len(self.classes_), int(self.width), min(shape[0], shape[1])
        )
        return {"net": net}

    def _train(self, torch: Any, net: Any, optimizer: Any, data: Any, targets: Any) -> pd.DataFrame:
        owner = type(self).__name__
        n = data.shape[0]
        batch = min(int(self.batch_size), n)
        loss_fn = torch.nn.CrossEntropyLoss()
        def run_epoch() -> float:
            order = torch.randperm(n, device=data.device)
            total, steps = 0.0, 0
            for start in range(0, n, batch):
                index = order[start : start + batch]
                if len(index) < 2:  # batch norm needs two images per batch
                    continue
                optimizer.zero_grad()
                loss = loss_fn(net(data[index]), targets[index])
                loss.backward()
                optimizer.step()
                total, steps = total + float(loss.detach()), steps + 1
            return total / max(steps, 1)

        return train_epochs(owner, self._modules, run_epoch, epochs=int(self.epochs),
                            loss_names=["loss"], verbose=bool(self.verbose),
                            hint="Lower learning_rate.")

    @property
    def module_(self) -> Any:
        """The trained torch network (eval mode): (N, C, H, W) floats in 0..1 to logits."""
        check_is_fitted(self, "loss_history_")
        return self._modules["net"]

    def to_tensor(self, X: Any) -> Any:
        """Images as the network's input: a float32 tensor (N, C, H, W) in 0..1 on ``device``.

        Parameters
        ----------
        X : ndarray of shape (N, H, W) or (N, H, W, C)
            uint8 or float32 images of the training shape.

        Returns
        -------
        torch.Tensor

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import CNNClassifier
        >>> X = np.full((4, 6, 6), 255, np.uint8)
        >>> model = CNNClassifier(epochs=1, random_state=0).fit(X, [0, 1, 0, 1])
        >>> tensor = model.to_tensor(X)
        >>> tuple(tensor.shape), float(tensor.max())
        ((4, 1, 6, 6), 1.0)
        """
        torch = import_torch(type(self).__name__)
        return torch.from_numpy(to_unit(self._check_predict_images(X))).to(self._device)

    def from_tensor(self, tensor: Any, dtype: Any = np.uint8) -> np.ndarray:
        """Network inputs (N, C, H, W) in 0..1 back to images of the training layout.

        Parameters
        ----------
        tensor : torch.Tensor
            Values outside 0..1 are clipped.
        dtype : {numpy.uint8, numpy.float32}, default=numpy.uint8
            uint8 values are rounded.

        Returns
        -------
        ndarray of shape (N, H, W) or (N, H, W, C)

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import CNNClassifier
        >>> X = np.full((4, 6, 6), 200, np.uint8)
        >>> model = CNNClassifier(epochs=1, random_state=0).fit(X, [0, 1, 0, 1])
        >>> bool((model.from_tensor(model.to_tensor(X)) == X).all())
        True
        """
        check_is_fitted(self, "loss_history_")
        if np.dtype(dtype) not in (np.dtype(np.uint8), np.dtype(np.float32)):
            raise InvalidInputError(f"dtype must be numpy.uint8 or numpy.float32; got {dtype!r}")
        values = tensor.detach().float().cpu().numpy()
        return from_unit(values, np.dtype(dtype), channels_last=len(self.image_shape_) == 3)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : ndarray of shape (N, H, W) or (N, H, W, C)

        Returns
        -------
        ndarray of shape (N, n_classes)

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import CNNClassifier
        >>> X = np.zeros((4, 6, 6), np.uint8)
        >>> model = CNNClassifier(epochs=1, random_state=0).fit(X, [0, 1, 0, 1])
        >>> model.predict_proba(X).sum(axis=1).round(6).tolist()
        [1.0, 1.0, 1.0, 1.0]
        """
        torch = import_torch(type(self).__name__)
        X = self._check_predict_images(X)
        net = self._modules["net"]
        parts = []
        with torch.no_grad():
            for start in range(0, len(X), _PREDICT_BATCH):
                batch = torch.from_numpy(to_unit(X[start : start + _PREDICT_BATCH]))
                logits = net(batch.to(self._device))
                parts.append(torch.softmax(logits.double(), dim=1).cpu().numpy())
        return np.concatenate(parts) if parts else np.empty((0, len(self.classes_)))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each image.

        Parameters
        ----------
        X : ndarray of shape (N, H, W) or (N, H, W, C)

        Returns
        -------
        ndarray of shape (N,)

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import CNNClassifier
        >>> X = np.zeros((4, 6, 6), np.uint8)
        >>> model = CNNClassifier(epochs=1, random_state=0).fit(X, ["a", "b", "a", "b"])
        >>> model.predict(X).shape
        (4,)
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def _check_predict_images(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "loss_history_")
        X, _ = check_images(X, None, owner=type(self).__name__)
        if tuple(X.shape[1:]) != self.image_shape_:
            raise InvalidInputError(
                f"{type(self).__name__} was trained on images of shape {self.image_shape_}; "
                f"got {tuple(X.shape[1:])}. Resize or crop them to the training shape."
            )
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.non_deterministic = self.device != "cpu"
        return tags
