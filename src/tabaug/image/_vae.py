"""ImageVAEOverSampler: a class-conditional variational autoencoder for new images (and masks)."""

import numbers
from typing import Any

from sklearn.utils._param_validation import Interval

from tabaug.image._generators import ImageGenerator
from tabaug.image._nets import networks
from tabaug.utils import fill_doc, import_torch

__all__ = ["ImageVAEOverSampler"]

__doctest_requires__ = {"*": ["torch"]}


@fill_doc
class ImageVAEOverSampler(ImageGenerator):
    """Oversample with a class-conditional variational autoencoder (VAE).

    An encoder maps an image and its class to a Gaussian code; a decoder maps
    a code and the class back to an image (Kingma and Welling, 2014; the
    conditional form of Sohn et al., 2015). New images of class ``c`` are
    decoded from codes drawn from the standard normal with ``c`` as the
    condition, so exactly ``sampling_strategy_[c]`` come out. Images are
    smoother than a GAN's, training is steadier and faster. The networks are
    small convolutional ones for images up to 64x64, padded to a square side
    of 8, 16, 32 or 64; batches are class-balanced. Masks, when given, are
    reconstructed and generated jointly: one channel per label, with a
    cross-entropy loss.

    Parameters
    ----------
    {over_sampling_strategy}
    epochs : int, default=300
        Passes over the training images.
    batch_size : int, default=64
        Images per step.
    latent_dim : int, default=32
        Size of the code.
    width : int, default=32
        Channels of the networks' outermost convolutions; they double at
        every halving of the side.
    learning_rate : float, default=1e-3
        Adam's step size.
    beta : float, default=1.0
        Weight of the KL term (1 is the plain VAE; lower gives sharper,
        less varied images).
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
        Images generated for each class in ``fit_resample``.
    classes_ : ndarray
        The class labels.
    image_shape_ : tuple
        ``(H, W)`` or ``(H, W, C)`` of the training images.
    mask_labels_ : ndarray or None
        The mask labels modelled, when fitted with masks.
    loss_history_ : DataFrame
        Mean reconstruction error (squared error of the image in -1..1, plus
        the masks' cross-entropy, summed over pixels) and KL divergence per
        epoch (``epoch``, ``reconstruction``, ``kl``).

    See Also
    --------
    ImageGANOverSampler : A conditional WGAN-GP; sharper images, slower training.

    References
    ----------
    Kingma, D. P. and Welling, M. (2014). Auto-encoding variational Bayes. ICLR.
    Sohn, K., Lee, H. and Yan, X. (2015). Learning structured output
    representation using deep conditional generative models. NeurIPS.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import ImageVAEOverSampler
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((30, 12, 12, 3)).astype(np.float32)
    >>> masks = (X[..., 0] > 0.5).astype(np.uint8)
    >>> y = np.array([0] * 24 + [1] * 6)
    >>> vae = ImageVAEOverSampler(epochs=1, width=4, verbose=False, random_state=0)
    >>> X_res, y_res, masks_res = vae.fit_resample(X, y, masks=masks)
    >>> X_res.shape, masks_res.shape, set(np.unique(masks_res[30:])) <= {0, 1}
    ((48, 12, 12, 3), (48, 12, 12), True)
    """

    _parameter_constraints: dict = {
        **ImageGenerator._parameter_constraints,
        "beta": [Interval(numbers.Real, 0, None, closed="left")],
    }
    _loss_names = ("reconstruction", "kl")

    def __init__(
        self,
        sampling_strategy: Any = "auto",
        epochs: int = 300,
        batch_size: int = 64,
        latent_dim: int = 32,
        width: int = 32,
        learning_rate: float = 1e-3,
        beta: float = 1.0,
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
        self.beta = beta
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _build_modules(self) -> dict:
        nets = networks(import_torch(type(self).__name__))
        arch = self._arch
        channels = arch["image_channels"] + arch["mask_channels"]
        latent = int(self.latent_dim)
        return {
            "encoder": nets.DownNet(channels, arch["n_classes"], 2 * latent, arch["side"],
                                    int(self.width)),
            "decoder": nets.UpNet(latent, arch["n_classes"], channels, arch["side"],
                                  int(self.width)),
        }

    def _build_optimizers(self, torch: Any) -> dict:
        parameters = [p for module in self._modules.values() for p in module.parameters()]
        return {"vae": torch.optim.Adam(parameters, lr=float(self.learning_rate))}

    def _decoder(self) -> Any:
        return self._modules["decoder"]

    def _train_step(self, torch: Any, state: dict) -> Any:
        index, onehot = self._batch(torch, state)
        x = state["data"][index]
        mean, log_var = self._modules["encoder"](x, onehot).chunk(2, dim=1)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * log_var)
        image, mask_logits = self._split(torch, self._modules["decoder"](z, onehot))
        channels = self._arch["image_channels"]
        reconstruction = ((image - x[:, :channels]) ** 2).flatten(1).sum(dim=1).mean()
        if mask_logits is not None:
            reconstruction = reconstruction + torch.nn.functional.cross_entropy(
                mask_logits, state["mask_codes"][index], reduction="sum"
            ) / x.shape[0]
        kl = (-0.5 * (1.0 + log_var - mean**2 - log_var.exp())).sum(dim=1).mean()
        optimizer = state["optimizers"]["vae"]
        optimizer.zero_grad()
        (reconstruction + float(self.beta) * kl).backward()
        optimizer.step()
        return torch.stack([reconstruction.detach(), kl.detach()])
