"""ImageGANOverSampler: a class-conditional WGAN-GP that generates new images (and masks)."""

import numbers
from typing import Any

from sklearn.utils._param_validation import Interval

from tabaug.image._generators import ImageGenerator
from tabaug.image._nets import networks
from tabaug.utils import fill_doc, import_torch

__all__ = ["ImageGANOverSampler"]

__doctest_requires__ = {"*": ["torch"]}


@fill_doc
class ImageGANOverSampler(ImageGenerator):
    """Oversample with a class-conditional Wasserstein GAN with gradient penalty (WGAN-GP).

    A generator turns a random code and the class into an image; a critic
    scores images of a class as real or generated, and the gradient penalty
    keeps it 1-Lipschitz (Gulrajani et al., 2017). Both are small
    convolutional networks for images up to 64x64, padded to a square side
    of 8, 16, 32 or 64. Batches are class-balanced, so a rare class is seen
    as often as a common one. Because the class is the condition, exactly
    ``sampling_strategy_[c]`` new images of class ``c`` come out, however rare
    ``c`` is. Masks, when given, are generated jointly: one channel per label.

    Parameters
    ----------
    {over_sampling_strategy}
    epochs : int, default=300
        Passes over the training images (each pass is ``N // batch_size``
        generator steps).
    batch_size : int, default=64
        Images per step.
    latent_dim : int, default=64
        Size of the random code.
    width : int, default=32
        Channels of the networks' last (generator) and first (critic)
        convolution; they double at every halving of the side.
    learning_rate : float, default=2e-4
        Adam's step size for both networks (betas 0.5 and 0.9).
    n_critic : int, default=5
        Critic steps per generator step.
    gradient_penalty : float, default=10.0
        Weight of the gradient penalty.
    device : str, default='cpu'
        Where to train: 'cpu', 'cuda' or 'cuda:N'.
    {random_state}
    verbose : bool, default=True
        Show a progress bar with the epoch and the losses.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of images added to each class.
    n_generated_ : dict
        Images generated for each class in ``fit_resample`` (equal to
        ``sampling_strategy_``).
    classes_ : ndarray
        The class labels.
    image_shape_ : tuple
        ``(H, W)`` or ``(H, W, C)`` of the training images.
    mask_labels_ : ndarray or None
        The mask labels modelled, when fitted with masks.
    loss_history_ : DataFrame
        Mean critic and generator losses per epoch (``epoch``, ``critic``,
        ``generator``).

    See Also
    --------
    ImageVAEOverSampler : A conditional VAE; smoother images, steadier training.
    ImageOverSampler : Augmented copies of real images instead of new ones.

    References
    ----------
    Gulrajani, I., Ahmed, F., Arjovsky, M., Dumoulin, V. and Courville, A.
    (2017). Improved training of Wasserstein GANs. NeurIPS.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import ImageGANOverSampler
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 256, (30, 8, 8), dtype=np.uint8)
    >>> y = np.array([0] * 24 + [1] * 6)
    >>> gan = ImageGANOverSampler(epochs=1, width=4, verbose=False, random_state=0)
    >>> X_res, y_res = gan.fit_resample(X, y)
    >>> X_res.shape, np.bincount(y_res).tolist(), X_res.dtype
    ((48, 8, 8), [24, 24], dtype('uint8'))
    >>> gan.sample(3, label=1).shape
    (3, 8, 8)
    """

    _parameter_constraints: dict = {
        **ImageGenerator._parameter_constraints,
        "n_critic": [Interval(numbers.Integral, 1, None, closed="left")],
        "gradient_penalty": [Interval(numbers.Real, 0, None, closed="left")],
    }
    _loss_names = ("critic", "generator")

    def __init__(
        self,
        sampling_strategy: Any = "auto",
        epochs: int = 300,
        batch_size: int = 64,
        latent_dim: int = 64,
        width: int = 32,
        learning_rate: float = 2e-4,
        n_critic: int = 5,
        gradient_penalty: float = 10.0,
        device: str = "cpu",
        random_state: Any = None,
        verbose: bool = True,
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.epochs = epochs
        self.batch_size = batch_size
        self.latent_dim = latent_dim
        self.width = width
        self.learning_rate = learning_rate
        self.n_critic = n_critic
        self.gradient_penalty = gradient_penalty
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _build_modules(self) -> dict:
        nets = networks(import_torch(type(self).__name__))
        arch = self._arch
        channels = arch["image_channels"] + arch["mask_channels"]
        return {
            "generator": nets.UpNet(int(self.latent_dim), arch["n_classes"], channels,
                                    arch["side"], int(self.width)),
            "critic": nets.DownNet(channels, arch["n_classes"], 1, arch["side"], int(self.width)),
        }

    def _build_optimizers(self, torch: Any) -> dict:
        return {
            name: torch.optim.Adam(module.parameters(), lr=float(self.learning_rate),
                                   betas=(0.5, 0.9))
            for name, module in self._modules.items()
        }

    def _decoder(self) -> Any:
        return self._modules["generator"]

    def _fake(self, torch: Any, onehot: Any) -> Any:
        """Generated images as the critic sees them: image in -1..1, mask probabilities 2p - 1."""
        z = torch.randn(onehot.shape[0], int(self.latent_dim), device=onehot.device)
        image, mask_logits = self._split(torch, self._modules["generator"](z, onehot))
        if mask_logits is None:
            return image
        return torch.cat([image, torch.softmax(mask_logits, dim=1) * 2.0 - 1.0], dim=1)

    def _train_step(self, torch: Any, state: dict) -> Any:
        critic = self._modules["critic"]
        optimizers = state["optimizers"]
        for _ in range(int(self.n_critic)):
            index, onehot = self._batch(torch, state)
            real = state["data"][index]
            with torch.no_grad():
                fake = self._fake(torch, onehot)
            critic_loss = critic(fake, onehot).mean() - critic(real, onehot).mean()
            mix = torch.rand(real.shape[0], 1, 1, 1, device=real.device)
            between = (mix * real + (1.0 - mix) * fake).requires_grad_(True)
            (grad,) = torch.autograd.grad(critic(between, onehot).sum(), between,
                                          create_graph=True)
            penalty = ((grad.flatten(1).norm(dim=1) - 1.0) ** 2).mean()
            optimizers["critic"].zero_grad()
            (critic_loss + float(self.gradient_penalty) * penalty).backward()
            optimizers["critic"].step()
        _, onehot = self._batch(torch, state)
        generator_loss = -critic(self._fake(torch, onehot), onehot).mean()
        optimizers["generator"].zero_grad()
        generator_loss.backward()
        optimizers["generator"].step()
        return torch.stack([critic_loss.detach(), generator_loss.detach()])
