"""AdversarialOverSampler: hard minority rows made by gradient steps against a surrogate."""

from __future__ import annotations

import numbers
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from tabaug.base import BaseOverResampler
from tabaug.deep._surrogate import (
    build_mlp,
    make_forward,
    one_hot,
    train_mlp,
)
from tabaug.exceptions import GenerationError, InvalidInputError, InvalidParameterError
from tabaug.utils import (
    Rounds,
    TableCodec,
    TorchState,
    append_rows,
    attack_in_rounds,
    check_attack_model,
    check_memory,
    evaluation_mode,
    fill_doc,
    generation_report,
    import_torch,
    mixed_features,
    neighbour_modes,
    plain_value,
    progress_bar,
    projected_attack,
    report_row,
    resolve_device,
    seeded_torch,
    shortfall_message,
)

__all__ = ["AdversarialOverSampler"]

__doctest_requires__ = {"*": ["torch"]}

_SEED_MAX = 2**31 - 1
# Starting rows attacked together: bounds the attack's tensors to a few MiB.
_ATTACK_BATCH = 2048
# Madry et al. (2018): a step of 2.5 * epsilon / steps lets the walk cross the ball.
_STEP_FACTOR = 2.5
# The MLP's default batch: a tenth of the rows within these bounds, so an epoch is about
# ten steps (one step per epoch left glass's six classes half learnt after 50 epochs).
_MIN_BATCH, _MAX_BATCH = 32, 512

@fill_doc
class AdversarialOverSampler(TorchState, BaseOverResampler):
    """Oversample with adversarial examples: rows pushed by gradient steps against a classifier.

    A differentiable surrogate classifier (a small PyTorch MLP trained on the
    table, or your own model) is attacked with L-infinity projected gradient
    descent (PGD): every step moves each numeric column by ``step_size`` of
    its standard deviation in the direction that changes the surrogate's
    verdict most, and projects back into a box of radius ``epsilon`` standard
    deviations around the starting row, inside the column's observed range.

    * ``mode="boundary"``: start from rows of the class being grown and push
      them toward the decision boundary, keeping the furthest point the
      surrogate still assigns to their class: hard examples that stay in
      their class.
    * ``mode="m2m"``: start from rows of the other classes and walk them into
      the class being grown, stopping at the first point the surrogate
      assigns to it with probability at least ``confidence`` (M2m, Kim et
      al. 2020); the rows that never get there are dropped.

    Requires PyTorch (``pip install "tabaug[deep]"``), imported only when the
    sampler is fitted, sampled or unpickled.

    Parameters
    ----------
    {over_sampling_strategy}
    mode : {{'boundary', 'm2m'}}, default='boundary'
        Where the walk starts and what counts as a success (see above).
    epsilon : float, default=0.1
        L-infinity radius of the perturbation, in standard deviations of
        each numeric column (computed over all rows of ``X``), in both modes.
    steps : int, default=10
        Gradient steps per starting row (1 is FGSM with a random start).
    step_size : float or None, default=None
        Size of one step in standard deviations; None is
        ``2.5 * epsilon / steps`` (Madry et al. 2018).
    max_attempts : int, default=10
        A class that needs ``n`` new rows gets at most ``max_attempts * n``
        starting rows; a class still short then raises
        :class:`~tabaug.exceptions.GenerationError`.
    confidence : float, default=0.5
        ``mode="m2m"`` only: the surrogate probability of the target class
        a row must reach (it must also be the most probable class).
    surrogate : torch.nn.Module, callable or None, default=None
        None trains tabaug's MLP (``hidden_dims``, ``epochs``, ``batch_size``,
        ``learning_rate``) in ``fit``. Otherwise a differentiable model used
        as given and never trained or changed (it runs in eval mode, which is
        restored afterwards): it takes a float32 tensor ``(n, n_columns)`` in
        the column order of ``X`` (numeric columns in their own units,
        categorical columns as category codes: positions among the column's
        sorted values, or its ``category`` dtype's categories) on ``device``,
        and returns logits ``(n, n_classes)`` over the sorted class labels.
    hidden_dims : tuple of int, default=(64, 64)
        Hidden layer sizes of tabaug's MLP.
    epochs : int, default=100
        Passes over the data when training the MLP.
    batch_size : int or None, default=None
        Rows per training step of the MLP; None is a tenth of the rows,
        from 32 to 512, so that an epoch is about ten steps on any table.
    learning_rate : float, default=3e-3
        Adam's step size for the MLP.
    categorical : {{'keep', 'vote'}}, default='keep'
        Categorical and boolean columns are never perturbed: 'keep' copies
        them from the starting row; 'vote' gives each column the most frequent
        value among the ``k_neighbors`` nearest rows of the class being grown
        (SMOTE-NC's rule, shared with :class:`~tabaug.SMOTE`; the starting row
        itself excluded in boundary mode), before the attack.
    k_neighbors : int, default=5
        Neighbours that vote with ``categorical='vote'``.
    {categorical_features}
    device : str, default='cpu'
        Where to train and attack: 'cpu', 'cuda' or 'cuda:N'.
    verbose : bool, default=True
        Show progress bars for the surrogate's training and the generation.
    {random_state}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows added to each class.
    n_generated_ : dict
        Rows generated for each class (equal to ``sampling_strategy_``).
    generation_report_ : DataFrame
        One row per class that got new rows (index ``class``): ``generated``,
        ``attempts`` (starting rows attacked), ``successes`` (those that met
        the mode's goal), ``success_rate`` and ``mean_perturbation`` (mean
        L-infinity distance of the kept rows from their starting rows, in
        standard deviations; at most ``epsilon``). Set before a
        :class:`~tabaug.exceptions.GenerationError` is raised, too.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Index in ``X`` of the starting row behind every output row (the
        originals map to themselves).
    loss_history_ : DataFrame or None
        Training loss of tabaug's MLP per epoch (None with a user's surrogate).
    classes_ : ndarray
        The class labels, in the order of the surrogate's logits.
    categorical_features_ : ndarray of int
        Positions of the columns treated as categorical.
    {fitted_features}

    See Also
    --------
    SMOTE : Interpolation between neighbours; the usual first choice.
    tabaug.image.ImageAdversarialOverSampler : The same for images.

    Notes
    -----
    Success is judged on the row as it is returned: integer columns are
    rounded (and move only by whole steps that fit in the radius), values
    are clipped to the observed range, float32 columns are cast, and then
    the surrogate scores the row. Every kept row lies within ``epsilon``
    standard deviations of its starting row in every numeric column.
    Starting rows are drawn with replacement, uniformly among the class's
    rows (boundary) or all rows of other classes (m2m), round after round,
    until the class has its rows or ``max_attempts`` times its count has
    been tried; the walk starts at a random point of the box (PGD), so a row
    drawn twice gives two different rows. In boundary mode a starting row
    the surrogate already assigns to another class fails. M2m with a small
    ``epsilon`` often cannot reach a class whose rows are far from the
    others: the error then says how often it got there and what to change.

    The fitted sampler keeps the training rows (its :meth:`sample` perturbs
    them), so its pickle holds them; tabaug's MLP is pickled as a CPU state
    dict.

    References
    ----------
    .. [1] J. Kim, J. Jeong and J. Shin, "M2m: Imbalanced Classification via
       Major-to-minor Translation", CVPR 2020.
    .. [2] A. Madry, A. Makelov, L. Schmidt, D. Tsipras and A. Vladu, "Towards
       Deep Learning Models Resistant to Adversarial Attacks", ICLR 2018.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from tabaug import AdversarialOverSampler
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"amount": rng.normal(100.0, 20.0, 120).round(2),
    ...                   "items": rng.integers(1, 6, 120),
    ...                   "channel": pd.Categorical(rng.choice(["web", "shop"], 120))})
    >>> y = np.array([0] * 100 + [1] * 20)
    >>> X.loc[y == 1, "amount"] += 40
    >>> sampler = AdversarialOverSampler(hidden_dims=(16,), epochs=10, verbose=False,
    ...                                  random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist(), X_res.dtypes.equals(X.dtypes)
    ([100, 100], True)
    >>> sampler.generation_report_.columns.tolist()
    ['generated', 'attempts', 'successes', 'success_rate', 'mean_perturbation']
    >>> bool(sampler.generation_report_["mean_perturbation"].max() <= 0.1)
    True
    """

    _parameter_constraints: dict = {
        **BaseOverResampler._parameter_constraints,
        "mode": [StrOptions({"boundary", "m2m"})],
        "epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "steps": [Interval(numbers.Integral, 1, None, closed="left")],
        "step_size": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "max_attempts": [Interval(numbers.Integral, 1, None, closed="left")],
        "confidence": [Interval(numbers.Real, 0, 1, closed="right")],
        "surrogate": [callable, None],
        "hidden_dims": ["array-like"],
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "categorical": [StrOptions({"keep", "vote"})],
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "categorical_features": [StrOptions({"auto"}), "array-like", None],
        "device": [str],
        "verbose": ["verbose"],
    }
    _accepts_sparse = False

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        mode: str = "boundary",
        epsilon: float = 0.1,
        steps: int = 10,
        step_size: float | None = None,
        max_attempts: int = 10,
        confidence: float = 0.5,
        surrogate: Any = None,
        hidden_dims: tuple = (64, 64),
        epochs: int = 100,
        batch_size: int | None = None,
        learning_rate: float = 3e-3,
        categorical: str = "keep",
        k_neighbors: int = 5,
        categorical_features: Any = "auto",
        device: str = "cpu",
        verbose: bool = True,
        random_state: Any = None,
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.mode = mode
        self.epsilon = epsilon
        self.steps = steps
        self.step_size = step_size
        self.max_attempts = max_attempts
        self.confidence = confidence
        self.surrogate = surrogate
        self.hidden_dims = hidden_dims
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.categorical = categorical
        self.k_neighbors = k_neighbors
        self.categorical_features = categorical_features
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # ----- fitting --------------------------------------------------------------
    def _fit_model(self, X: Any, y: np.ndarray) -> None:
        """Encode the table, keep its rows, and train (or check) the surrogate."""
        owner = type(self).__name__
        hidden = _check_hidden(owner, self.hidden_dims)
        torch = import_torch(owner)
        device = resolve_device(torch, self.device, owner)
        codec = TableCodec.from_data(X, self.categorical_features, owner=owner)
        if codec.n_numeric == 0:
            raise InvalidInputError(
                f"{owner} perturbs numeric columns, and X has none (all {len(codec.columns)} "
                "columns are categorical). Use SMOTE, which votes categories, or "
                "RandomOverSampler."
            )
        # A copy: for a float array the codec's numbers are a view of the caller's X.
        self._codec = replace(codec, numeric=np.array(codec.numeric, dtype=np.float64))
        self.categorical_features_ = codec.categorical_index
        self.classes_, self._y_index = np.unique(y, return_inverse=True)
        n_classes = self.classes_.size
        numeric = self._codec.numeric
        self._mean = numeric.mean(axis=0)
        self._std = numeric.std(axis=0)
        sizes = [len(values) for values in codec.categories]
        self._arch = {"inputs": codec.n_numeric + sum(sizes), "hidden": hidden,
                      "classes": n_classes, "category_sizes": sizes}
        self._device = device
        seeds = check_random_state(self.random_state).randint(_SEED_MAX, size=2)
        self._sample_seeds = np.random.RandomState(int(seeds[1]))
        self.__dict__.pop("_modules", None)
        if self.surrogate is not None:
            self.loss_history_ = None
            self._check_surrogate(torch)
            return
        check_memory(
            len(numeric) * self._arch["inputs"] * 4 * 2,
            what=f"{owner}'s float32 training copy of the table ({len(numeric):,} rows x "
            f"{self._arch['inputs']:,} encoded columns)",
            fix="train on a sample of the rows, or merge rare categories first",
        )
        scale = np.where(self._std > 0, self._std, 1.0)
        features = np.hstack([((numeric - self._mean) / scale).astype(np.float32),
                              one_hot(self._codec.codes, sizes)])
        batch_size = (int(self.batch_size) if self.batch_size is not None
                      else int(np.clip(len(numeric) // 10, _MIN_BATCH, _MAX_BATCH)))
        with seeded_torch(torch, int(seeds[0]), device):
            net = self._build_modules()["surrogate"].to(device)
            self.loss_history_ = train_mlp(
                torch, net, features, self._y_index, n_classes, epochs=int(self.epochs),
                batch_size=batch_size, learning_rate=float(self.learning_rate),
                verbose=bool(self.verbose), owner=owner,
            )
        self._modules = {"surrogate": net}

    def _build_modules(self) -> dict:
        torch = import_torch(type(self).__name__)
        arch = self._arch
        return {"surrogate": build_mlp(torch, arch["inputs"], arch["hidden"], arch["classes"])}

    def _model(self) -> Any:
        return self.surrogate if self.surrogate is not None else self._modules["surrogate"]

    def _check_surrogate(self, torch: Any) -> None:
        rows = np.arange(min(8, len(self._y_index)))
        forward = self._forward(torch, self._codec.codes[rows])
        probe = torch.from_numpy(self._codec.numeric[rows]).to(self._device)
        with evaluation_mode(self.surrogate):
            check_attack_model(
                torch, forward, probe, self.classes_.size, owner=type(self).__name__,
                name="surrogate", inputs="a batch of the table", unit="rows",
                contract="It must take a float32 tensor (n, n_columns) in the column order of X "
                "(numeric columns in their own units, categorical columns as category codes) "
                f"and return logits (n, {self.classes_.size}) over the sorted class labels, "
                "differentiably.",
                default="surrogate=None",
            )

    def _forward(self, torch: Any, codes: np.ndarray) -> Any:
        codec = self._codec
        order = np.argsort(np.concatenate([codec.numeric_index, codec.categorical_index]))
        device = self._device
        return make_forward(
            torch, self._model(), own=self.surrogate is None, codes=codes,
            category_sizes=self._arch["category_sizes"],
            mean=torch.from_numpy(self._mean).to(device),
            scale=torch.from_numpy(np.where(self._std > 0, self._std, 1.0)).to(device),
            column_order=torch.from_numpy(order).to(device),
        )

    def _fit_resample(self, X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
        self._warn_extreme()
        self._fit_model(X, y)
        torch = import_torch(type(self).__name__)
        wanted = {label: int(n) for label, n in self.sampling_strategy_.items() if n}
        self.n_generated_ = {plain_value(label): int(n)
                             for label, n in self.sampling_strategy_.items()}
        bar = progress_bar(type(self).__name__, sum(wanted.values()), bool(self.verbose),
                           desc="generating", unit="row")
        results, report = {}, []
        try:
            for label, n_new in wanted.items():
                rounds = self._generate(torch, label, n_new, bar)
                report.append(report_row(label, rounds, self._perturbation(rounds)))
                if len(rounds.sources) < n_new:
                    self.generation_report_ = generation_report(report)
                    raise GenerationError(self._shortfall(label, n_new, rounds))
                results[label] = rounds
        finally:
            if bar is not None:
                bar.close()
        self.generation_report_ = generation_report(report)
        codec = self._codec
        parts = list(results.values())
        numeric = np.concatenate([p.kept[0] for p in parts] or [codec.numeric[:0]])
        codes = np.concatenate([p.kept[1] for p in parts] or [codec.codes[:0]])
        self.sample_indices_ = np.concatenate(
            [np.arange(len(y)), *(p.sources for p in parts)]).astype(np.intp)
        labels = [np.full(len(p.sources), label, dtype=y.dtype) for label, p in results.items()]
        return append_rows(X, codec.decode(numeric, codes)), np.concatenate([y, *labels])

    # ----- generating -----------------------------------------------------------
    def _generate(self, torch: Any, label: Any, n_rows: int, bar: Any) -> Rounds:
        """Attack starting rows, round after round, until ``n_rows`` succeed or the budget ends.

        The kept payload is (final numeric values, category codes, starting values).
        """
        codec = self._codec
        target = int(np.flatnonzero(self.classes_ == label)[0])
        members = np.flatnonzero(self._y_index == target)
        boundary = self.mode == "boundary"
        seed = int(self._sample_seeds.randint(_SEED_MAX))
        rng = np.random.RandomState(seed)
        radius = float(self.epsilon) * self._std
        step = (float(self.step_size) if self.step_size is not None
                else _STEP_FACTOR * float(self.epsilon) / int(self.steps))
        device = self._device
        tensor = {name: torch.from_numpy(value).to(device) for name, value in (
            ("radius", radius), ("low", codec.minimum), ("high", codec.maximum),
            ("step", step * self._std))}

        def attack(sources: np.ndarray) -> tuple:
            codes = self._start_codes(sources, members, boundary, rng)
            start = codec.numeric[sources]
            result = projected_attack(
                torch, self._forward(torch, codes), torch.from_numpy(start).to(device),
                torch.full((len(sources),), target, dtype=torch.long, device=device),
                goal="stay" if boundary else "reach", radius=tensor["radius"],
                low=tensor["low"], high=tensor["high"], step_size=tensor["step"],
                steps=int(self.steps), finalize=_Finalizer(torch, codec, start, radius, device),
                confidence=float(self.confidence),
            )
            return result.success.cpu().numpy(), (result.rows.cpu().numpy(), codes, start)

        with seeded_torch(torch, seed, device), evaluation_mode(self._model()):
            rounds = attack_in_rounds(
                n_rows, members if boundary else np.flatnonzero(self._y_index != target),
                attack, max_attempts=int(self.max_attempts), batch=_ATTACK_BATCH, rng=rng,
                bar=bar,
            )
        if not rounds.kept:
            empty = (codec.numeric[:0], codec.codes[:0], codec.numeric[:0])
            rounds = Rounds(empty, rounds.sources, rounds.attempts, rounds.successes)
        return rounds

    def _perturbation(self, rounds: Rounds) -> np.ndarray:
        """L-infinity distance of each kept row from its start, in standard deviations."""
        final, _, start = rounds.kept
        scale = np.where(self._std > 0, self._std, np.inf)
        return (np.abs(final - start) / scale).max(axis=1, initial=0.0)

    def _start_codes(self, sources: np.ndarray, members: np.ndarray, boundary: bool,
                     rng: np.random.RandomState) -> np.ndarray:
        """The categories each new row gets: its starting row's, or the neighbours' vote."""
        codec = self._codec
        codes = codec.codes[sources]
        if self.categorical == "keep" or codec.n_categorical == 0:
            return codes
        k = min(int(self.k_neighbors), members.size - (1 if boundary else 0))
        if k < 1:
            return codes
        unique, inverse = np.unique(sources, return_inverse=True)
        features = mixed_features(
            np.vstack([codec.numeric[members], codec.numeric[unique]]),
            np.vstack([codec.codes[members], codec.codes[unique]]),
        )
        nn = NearestNeighbors(n_neighbors=k + (1 if boundary else 0))
        nn.fit(features[: members.size])
        neighbours = nn.kneighbors(features[members.size :], return_distance=False)
        if boundary:
            neighbours = neighbours[:, 1:]
        return neighbour_modes(codec.codes[members], neighbours, rng)[inverse]

    def _shortfall(self, label: Any, n_rows: int, rounds: Rounds) -> str:
        return shortfall_message(
            type(self).__name__, self.mode, label, n_rows, rounds, epsilon=self.epsilon,
            steps=self.steps, max_attempts=self.max_attempts, confidence=self.confidence,
            model="surrogate",
        )

    # ----- after fitting --------------------------------------------------------
    def sample(self, n_rows: int, label: Any) -> pd.DataFrame | np.ndarray:
        """Generate new rows of one class by attacking the fitted surrogate, without refitting.

        Parameters
        ----------
        n_rows : int
            How many rows (exactly this many come back, or a
            :class:`~tabaug.exceptions.GenerationError` as in ``fit_resample``).
        label : object
            The class to generate, one of ``classes_``.

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_rows, n_features)
            In the type ``fit`` received. Successive calls give different
            rows; refitting with the same ``random_state`` replays them.

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug import AdversarialOverSampler
        >>> rng = np.random.default_rng(0)
        >>> X = np.r_[rng.normal(0, 1, (60, 2)), rng.normal(3, 1, (15, 2))]
        >>> y = np.r_[np.zeros(60, int), np.ones(15, int)]
        >>> sampler = AdversarialOverSampler(hidden_dims=(8,), epochs=10, verbose=False,
        ...                                  random_state=0).fit(X, y)
        >>> sampler.sample(4, label=1).shape
        (4, 2)
        """
        owner = type(self).__name__
        n_columns = len(self._codec.columns) if hasattr(self, "_codec") else 1
        label = self._check_sample_request(n_rows, label, "classes_", n_columns=n_columns)
        torch = import_torch(owner)
        rounds = self._generate(torch, label, int(n_rows), None)
        if len(rounds.sources) < n_rows:
            raise GenerationError(self._shortfall(label, int(n_rows), rounds))
        return self._codec.decode(rounds.kept[0], rounds.kept[1])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Text columns are categorical columns, kept as they are; a table of text alone has
        # nothing to perturb and is refused, so the sampler does not claim string input.
        tags.input_tags.string = False
        tags.sampler_tags.sample_indices = True
        tags.non_deterministic = self.device != "cpu"
        return tags


class _Finalizer:
    """Candidates as they will be returned: range, integer grid, radius, float32 precision."""

    def __init__(self, torch: Any, codec: TableCodec, start: np.ndarray, radius: np.ndarray,
                 device: Any) -> None:
        self.torch = torch
        self.codec = codec
        self.start = start
        self.device = device
        self.ints = codec.is_integer
        # Whole grid steps that fit in the radius (the start is on the grid).
        self.reach = np.floor(radius[self.ints] / codec.step[self.ints] + 1e-9) \
            * codec.step[self.ints]
        dtypes = [np.dtype(codec.dtypes[i] if codec.is_frame else codec.input_dtype)
                  if getattr(codec.dtypes[i], "kind", "") == "f" else None
                  for i in codec.numeric_index]
        self.narrow = [(np.flatnonzero([d == dtype for d in dtypes]), dtype)
                       for dtype in {d for d in dtypes if d is not None and d.itemsize < 8}]

    def __call__(self, x: Any) -> Any:
        values = x.detach().cpu().numpy().astype(np.float64)
        self.codec.finalize_numeric(values, clip=True)
        if self.ints.any():
            anchor = self.start[:, self.ints]
            values[:, self.ints] = np.clip(values[:, self.ints], anchor - self.reach,
                                           anchor + self.reach)
        for columns, dtype in self.narrow:
            values[:, columns] = values[:, columns].astype(dtype)
        return self.torch.from_numpy(values).to(self.device)


def _check_hidden(owner: str, value: Any) -> tuple:
    try:
        dims = tuple(value)
    except TypeError:
        dims = None
    if not dims or not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0
                           for d in dims):
        raise InvalidParameterError(
            f"The 'hidden_dims' parameter of {owner} must be a tuple of positive ints (one per "
            f"hidden layer), e.g. (64, 64); got {value!r}."
        )
    return tuple(int(d) for d in dims)
