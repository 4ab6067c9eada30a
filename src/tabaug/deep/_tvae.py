"""TVAEOverSampler: a class-conditional variational autoencoder in the TVAE style."""

from __future__ import annotations

import numbers
from typing import Any

from sklearn.utils._param_validation import Interval

from tabaug.deep._base import _check_dims, _DeepOverSampler
from tabaug.utils import fill_doc

__doctest_requires__ = {"*": ["torch"]}

# TVAE's L2 penalty (Xu et al. 2019, SDV's ``l2scale``).
_WEIGHT_DECAY = 1e-5


@fill_doc
class TVAEOverSampler(_DeepOverSampler):
    """Oversample with a class-conditional variational autoencoder (TVAE as a CVAE).

    Encoder and decoder both receive the class one-hot, so the model learns
    ``p(x | class)`` directly (a conditional VAE, Sohn et al. 2015). New rows
    of class *c* are decoded from prior draws under condition *c*: every
    class gets exactly the number of rows ``sampling_strategy`` asks for.

    Requires PyTorch (``pip install "tabaug[deep]"``), imported only when the
    sampler is fitted, sampled or unpickled.

    Parameters
    ----------
    {over_sampling_strategy}
    epochs : int, default=300
        Passes over the data. One epoch is ``n_rows // batch_size`` steps (at
        least one).
    batch_size : int, default=500
        Rows per step; any positive value.
    learning_rate : float, default=1e-3
        Adam learning rate.
    compress_dims : tuple of int, default=(128, 128)
        Sizes of the encoder's hidden layers.
    decompress_dims : tuple of int, default=(128, 128)
        Sizes of the decoder's hidden layers.
    embedding_dim : int, default=128
        Size of the latent space (the name SDV's ``TVAESynthesizer`` and
        ``CTGANOverSampler`` use for their noise/latent size).
    loss_factor : float, default=2.0
        Weight of the reconstruction term against the KL term, as in TVAE.
    {deep_parameters}
    {categorical_features}
    {random_state}

    Attributes
    ----------
    {deep_attributes}
    loss_history_ : DataFrame
        One row per epoch: ``epoch``, ``loss`` (the negative ELBO with the
        weighted reconstruction), ``reconstruction_loss`` and ``kl_divergence``
        (means over the epoch's steps, per row).
    classes_ : ndarray
        The class labels, in the order of the condition vector.
    categorical_features_ : ndarray of int
        Positions of the columns treated as categorical.
    {fitted_features}

    See Also
    --------
    CTGANOverSampler : The conditional GAN counterpart.
    SDVOverSampler : Use an SDV synthesizer instead.
    SMOTE : Interpolation; often as good downstream, and far cheaper.

    Notes
    -----
    The model follows TVAE (Xu et al. 2019) with the class one-hot added to
    the inputs of both networks:

    * **Transform.** The same mode-specific normalisation as
      :class:`CTGANOverSampler` (see ``tabaug.deep._transform``).
    * **Loss.** The negative evidence lower bound (Kingma & Welling 2014):
      ``loss_factor`` times the reconstruction term (a Gaussian with a learned
      scale per numeric offset, cross-entropy for each mode and category
      choice) plus the KL divergence of the encoder's Gaussian from the
      standard normal prior.
    * **Batches** are drawn like CTGAN's training-by-sampling: classes with
      probability proportional to the log of their frequency, then rows
      within the class, so rare classes are well represented.
    * **Generation** decodes standard normal draws under the class condition,
      adds the learned noise to numeric offsets and draws each mode and
      category from the decoder's softmax (TVAE takes the argmax; drawing
      keeps the class's category proportions).
    * Adam with learning rate ``learning_rate`` and weight decay 1e-5, as TVAE.

    Generated numeric values stay inside each column's observed range;
    integer columns are rounded; datetime columns come back as datetimes.
    A fitted sampler pickles with its networks as CPU state dicts.

    References
    ----------
    .. [1] L. Xu, M. Skoularidou, A. Cuesta-Infante and K. Veeramachaneni,
       "Modeling Tabular data using Conditional GAN", NeurIPS 2019.
    .. [2] D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes",
       ICLR 2014.
    .. [3] K. Sohn, H. Lee and X. Yan, "Learning Structured Output
       Representation using Deep Conditional Generative Models", NeurIPS 2015.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from tabaug import TVAEOverSampler
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"amount": rng.gamma(2.0, 50.0, 120).round(2),
    ...                   "items": rng.integers(1, 6, 120),
    ...                   "member": rng.random(120) < 0.3})
    >>> y = pd.Series(["ok"] * 100 + ["fraud"] * 20, name="label")
    >>> sampler = TVAEOverSampler(epochs=2, batch_size=40, compress_dims=(16,),
    ...                           decompress_dims=(16,), embedding_dim=4,
    ...                           verbose=False, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> y_res.value_counts().to_dict()
    {'ok': 100, 'fraud': 100}
    >>> X_res.dtypes.equals(X.dtypes)
    True
    >>> sampler.loss_history_.columns.tolist()
    ['epoch', 'loss', 'reconstruction_loss', 'kl_divergence']
    """

    _parameter_constraints: dict = {
        **_DeepOverSampler._parameter_constraints,
        "compress_dims": ["array-like"],
        "decompress_dims": ["array-like"],
        "embedding_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "loss_factor": [Interval(numbers.Real, 0, None, closed="neither")],
    }
    _loss_names = ("loss", "reconstruction_loss", "kl_divergence")

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        epochs: int = 300,
        batch_size: int = 500,
        learning_rate: float = 1e-3,
        compress_dims: tuple = (128, 128),
        decompress_dims: tuple = (128, 128),
        embedding_dim: int = 128,
        loss_factor: float = 2.0,
        max_modes: int = 10,
        max_categories: int = 50,
        categorical_features: Any = "auto",
        device: str = "cpu",
        verbose: bool = True,
        random_state: Any = None,
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.compress_dims = compress_dims
        self.decompress_dims = decompress_dims
        self.embedding_dim = embedding_dim
        self.loss_factor = loss_factor
        self.max_modes = max_modes
        self.max_categories = max_categories
        self.categorical_features = categorical_features
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def _check_architecture(self) -> dict:
        owner = type(self).__name__
        return {
            "compress_dims": _check_dims(owner, "compress_dims", self.compress_dims),
            "decompress_dims": _check_dims(owner, "decompress_dims", self.decompress_dims),
            "latent_dim": int(self.embedding_dim),
        }

    def _make_modules(self, nets: Any, layout: Any, arch: dict) -> dict:
        return nets.build_tvae(layout, arch["latent_dim"], arch["compress_dims"],
                               arch["decompress_dims"])

    def _build_optimizers(self, torch: Any, modules: dict) -> dict:
        parameters = [p for module in modules.values() for p in module.parameters()]
        return {"vae": torch.optim.Adam(parameters, lr=self.learning_rate,
                                        weight_decay=_WEIGHT_DECAY)}

    def _train_step(self, nets: Any, state: dict) -> Any:
        return nets.tvae_step(
            self._modules, state["optimizers"], state["data"], state["choices"],
            state["sampler"], state["spans"], state["eye"], state["batch_size"],
            float(self.loss_factor),
        )

    def _generate(self, nets: Any, spans: Any, n_rows: int, class_index: int
                  ) -> tuple[Any, Any]:
        return nets.tvae_generate(self._modules, spans, n_rows, class_index,
                                  self.classes_.size, self._arch["latent_dim"], self._device)
