"""Exact per-class counts, split across partitions, and the output's layout.

``sampling_strategy`` gives each class an exact number of rows to keep or to
add. Each class's number is split across the partitions from the counted
rows, with one seeded stream:

* undersampling without replacement: a multivariate hypergeometric draw over
  the per-partition class counts (drawn as a chain of hypergeometric splits,
  halving the partitions each time), so the kept rows are a uniform subset of
  the class; with replacement, a multinomial;
* oversampling (copies, SMOTE's and the noise's seed rows): a multinomial with
  probabilities proportional to the per-partition class counts (draws with
  replacement, as in imbalanced-learn).

Each partition then samples inside itself from its own stream
(``numpy.random.SeedSequence.spawn``), so the same ``random_state`` and the
same partitioning give the same rows whatever the scheduler.

The output keeps each partition's kept rows in order, then the rows made from
them; new rows are cut into even pieces of at most twice the largest input
partition (balancing a class never needs more, so it is one piece per
partition), so no output partition grows without bound. Every piece's
global position is known in advance: the index is the int64 row position and
the divisions are known.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["Piece", "allocate", "hypergeometric_split", "layout", "root_seed"]

# numpy's hypergeometric takes fewer than this many good and bad items.
_HYPERGEOMETRIC_LIMIT = 10**9


@dataclass(frozen=True)
class Piece:
    """One output partition: which input partition it comes from and what it holds."""

    #: The input partition its rows come from.
    partition: int
    #: Whether the partition's kept rows (all rows, for an oversampler) lead this piece.
    originals: bool
    #: ``((label, rows), ...)``: rows kept (undersampling) or made (oversampling) per class.
    counts: tuple
    #: This piece's own random stream.
    seed: np.random.SeedSequence
    #: Global position of the input partition's first row.
    source_start: int
    #: Global position of the piece's first output row, and its number of rows.
    start: int
    n_rows: int


def root_seed(random_state: Any) -> np.random.SeedSequence:
    """The root of every stream: an int seeds it, a RandomState gives it entropy."""
    if random_state is None:
        return np.random.SeedSequence()
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return np.random.SeedSequence(int(random_state))
    state = check_random_state(random_state)
    return np.random.SeedSequence(state.randint(0, 2**31 - 1, size=4).tolist())


def allocate(
    partition_counts: np.ndarray,
    labels: list,
    targets: dict,
    *,
    kind: str,
    rng: np.random.Generator,
) -> dict:
    """Split each class's target across partitions: ``{label: rows per partition}``.

    ``kind`` is 'subset' (undersampling without replacement), 'bootstrap'
    (undersampling with replacement) or 'add' (oversampling).
    """
    out = {}
    for label, n in targets.items():
        counts = partition_counts[:, labels.index(label)]
        if kind == "subset":
            out[label] = hypergeometric_split(counts, int(n), rng)
        else:
            out[label] = rng.multinomial(int(n), counts / counts.sum()).astype(np.int64)
    return out


def hypergeometric_split(counts: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` items drawn without replacement from bins of ``counts``: how many from each bin.

    Halving the bins and drawing how many of the ``n`` fall in the left half
    gives the multivariate hypergeometric distribution exactly. Halves with
    more than 10^9 rows of the class (numpy's limit) use the normal
    approximation of that split, clipped to the feasible range; totals stay exact.
    """
    out = np.zeros(counts.size, dtype=np.int64)
    stack = [(0, counts.size, n)]
    while stack:
        lo, hi, take = stack.pop()
        if take == 0:
            continue
        if hi - lo == 1:
            out[lo] = take
            continue
        mid = (lo + hi) // 2
        left, right = int(counts[lo:mid].sum()), int(counts[mid:hi].sum())
        if left < _HYPERGEOMETRIC_LIMIT and right < _HYPERGEOMETRIC_LIMIT:
            in_left = int(rng.hypergeometric(left, right, take)) if left and right else (
                take if left else 0
            )
        else:
            total = left + right
            mean = take * left / total
            spread = np.sqrt(take * (left / total) * (right / total) * (total - take)
                             / max(total - 1, 1))
            in_left = int(round(mean + spread * rng.standard_normal()))
            in_left = min(max(in_left, take - right, 0), left, take)
        stack.append((mid, hi, take - in_left))
        stack.append((lo, mid, in_left))
    return out


def layout(
    partition_counts: np.ndarray,
    partition_rows: np.ndarray,
    labels: list,
    allocation: dict,
    *,
    kind: str,
    seed: np.random.SeedSequence,
) -> list[Piece]:
    """The output partitions, in order, with their global positions.

    ``kind`` is 'keep' (undersampling: a partition keeps its untouched classes
    and its allocated rows of the others) or 'add' (oversampling: all rows,
    then the allocated new rows in pieces of at most ``2 * max(partition_rows)``).
    """
    n_partitions = partition_rows.size
    streams = seed.spawn(n_partitions)
    sources = np.concatenate([[0], np.cumsum(partition_rows)[:-1]]).astype(np.int64)
    bound = 2 * max(int(partition_rows.max()), 1)
    pieces, start = [], 0
    for p in range(n_partitions):
        wanted = [(label, int(rows[p])) for label, rows in allocation.items()]
        if kind == "keep":
            untouched = sum(
                int(partition_counts[p, j]) for j, label in enumerate(labels)
                if label not in allocation
            )
            n_rows = untouched + sum(n for _, n in wanted)
            chunks = [tuple(wanted)]
        else:
            n_rows = None
            chunks = _chunks([(label, n) for label, n in wanted if n], bound)
        children = streams[p].spawn(len(chunks))
        for j, chunk in enumerate(chunks):
            size = n_rows if kind == "keep" else sum(n for _, n in chunk) + (
                int(partition_rows[p]) if j == 0 else 0
            )
            if size:
                pieces.append(Piece(p, j == 0, chunk, children[j], int(sources[p]), start, size))
                start += size
    return pieces


def _chunks(wanted: list, bound: int) -> list[tuple]:
    """Cut ``[(label, rows), ...]`` into as few even pieces of at most ``bound`` rows as can be.

    There is always at least one piece (it may be empty: the originals alone).
    """
    total = sum(n for _, n in wanted)
    n_chunks = max(-(-total // bound), 1)
    sizes = [total // n_chunks + (1 if j < total % n_chunks else 0) for j in range(n_chunks)]
    chunks, current, room = [], [], sizes[0]
    for label, n in wanted:
        while n:
            take = min(n, room)
            current.append((label, take))
            n -= take
            room -= take
            if room == 0 and len(chunks) + 1 < n_chunks:
                chunks.append(tuple(current))
                current, room = [], sizes[len(chunks)]
    chunks.append(tuple(current))
    return chunks
