"""The Dask paths behind tabaug's public calls (needs ``pip install "tabaug[dask]"``).

Not public API: users call the same ``RandomUnderSampler``,
``RandomOverSampler``, ``SMOTE`` and ``GaussianNoiseOverSampler`` with a
Dask DataFrame ``X`` and Dask Series ``y`` (``BaseResampler.fit_resample``
sends them here), and get a lazy ``(DataFrame, Series)`` pair back;
``tabaug.evaluate`` and ``tabaug.audit`` take Dask collections too. The core
reaches this package only through ``tabaug.utils.dask_backend`` and never
imports Dask itself.

- ``_inputs``: ``X`` and ``y`` checked and joined partition by partition;
- ``_counting``: the one counting pass (classes, categories, ranges);
- ``_plan``: exact per-class counts split across partitions, seeded streams,
  the output's layout;
- ``_resample`` and ``_smote``: the per-partition work and the memory guard;
- ``_evaluate`` and ``_curves``: label pairs and score histograms in one
  pass, areas with an error bound; ``_audit``: counts, hash joins, samples;
- ``_cluster``, ``_progress`` and ``_io``: a scheduler for the command line,
  its progress display, Parquet directories read lazily and written
  atomically.
"""

from tabaug._dask._audit import audit_input, leakage_input
from tabaug._dask._cluster import dask_client, worker_memory_limit
from tabaug._dask._evaluate import evaluate
from tabaug._dask._io import (
    is_dataset,
    read_parquet,
    require_columns,
    split_target,
    write_parquet,
    write_resampled,
)
from tabaug._dask._progress import progress_compute, show_progress
from tabaug._dask._resample import fit, fit_resample

__all__ = [
    "audit_input",
    "leakage_input",
    "dask_client",
    "evaluate",
    "fit",
    "fit_resample",
    "is_dataset",
    "progress_compute",
    "read_parquet",
    "require_columns",
    "show_progress",
    "split_target",
    "worker_memory_limit",
    "write_parquet",
    "write_resampled",
]
