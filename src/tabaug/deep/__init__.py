"""Deep generative oversamplers: class-conditional CTGAN and TVAE in PyTorch, and an SDV backend.

Importing this package imports neither torch nor sdv: they are imported when
a sampler is fitted, sampled or unpickled. Install them with
``pip install "tabaug[deep]"`` (PyTorch, tqdm) and ``pip install "tabaug[sdv]"``.

* :class:`CTGANOverSampler`: a conditional WGAN-GP in the CTGAN style.
* :class:`TVAEOverSampler`: a conditional variational autoencoder in the TVAE style.
* :class:`SDVOverSampler`: any SDV single-table synthesizer, with per-class
  conditional sampling and a clear error when SDV cannot deliver.
* :class:`AdversarialOverSampler`: adversarial examples as augmentation:
  rows pushed by projected gradient steps against a surrogate classifier,
  toward the decision boundary or from other classes into the rare one (M2m).

Both tabaug generative models take the class label as their condition, so
they generate exactly the rows ``sampling_strategy`` asks for; the
adversarial sampler tries starting rows until it has them, within a stated
budget, and says so when it cannot.

Examples
--------
>>> from tabaug.deep import CTGANOverSampler
>>> CTGANOverSampler(epochs=10).epochs
10
"""

from tabaug.deep._adversarial import AdversarialOverSampler
from tabaug.deep._ctgan import CTGANOverSampler
from tabaug.deep._sdv import SDVOverSampler
from tabaug.deep._tvae import TVAEOverSampler

__all__ = ["AdversarialOverSampler", "CTGANOverSampler", "SDVOverSampler", "TVAEOverSampler"]
