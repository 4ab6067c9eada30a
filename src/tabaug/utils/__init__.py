"""Shared internals of tabaug: one home for what several packages need.

Not public API (names may change between releases), but the only way the
packages of tabaug share code: modules elsewhere import from ``tabaug.utils``,
never a private name of another package.

- validation (``_validation``): containers, targets, labels, settings and the
  memory guard; one check, one message, one exception class for every entry
  point;
- configuration (``_config``): ``set_config``/``config_context`` and the
  memory limit;
- the table codec (``_table``): numbers and category codes out, the caller's
  dtypes back;
- atomic writes (``_atomic``): a failed write leaves the old file untouched;
- row hashes (``_hashing``) for the exact-repeat checks, in memory and on Dask;
- nearest neighbours (``_neighbors``): exact, or approximate with the
  optional faiss backend, behind one function;
- the projected-gradient attack behind the adversarial augmentations
  (``_adversarial``; torch passed in by the caller);
- row selection (``_indexing``), shared docstrings (``_docstrings``), report
  rendering (``_report``), file reading and writing (``_io``) and the PyTorch
  helpers (``_torch``: import, device, seeding, progress, pickling networks;
  torch imported on use);
- SMOTE's kernels and SMOTE-NC's neighbour vote (``_interpolation``), shared
  by the in-memory SMOTE, its Dask path and the adversarial sampler;
  ``sampling_strategy`` resolved from class counts alone (``_strategy``), and
  recognising a Dask collection without importing Dask (``_lazy``).

Examples
--------
>>> from tabaug.utils import label_text
>>> label_text(1, prefix=True)
'class 1'
"""

from tabaug.utils._adversarial import (
    ATTACK_GOALS,
    AttackResult,
    Rounds,
    attack_in_rounds,
    check_attack_model,
    generation_report,
    projected_attack,
    report_row,
    shortfall_message,
)
from tabaug.utils._atomic import atomic_directory, atomic_file, write_text_atomic
from tabaug.utils._config import (
    config_context,
    format_bytes,
    get_config,
    memory_limit,
    parse_bytes,
    set_config,
)
from tabaug.utils._docstrings import fill_doc
from tabaug.utils._hashing import row_hashes, unhashable_error
from tabaug.utils._indexing import take_rows
from tabaug.utils._interpolation import (
    class_share_embedding,
    interpolate_rows,
    mixed_features,
    neighbour_modes,
    require_neighbours,
    value_difference_embedding,
)
from tabaug.utils._io import (
    CHUNK_ROWS,
    columns_of,
    count_rows,
    file_format,
    is_path,
    iter_chunks,
    read_table,
    require_columns,
    table_bytes,
    write_table,
)
from tabaug.utils._lazy import dask_backend, is_dask_collection
from tabaug.utils._neighbors import APPROXIMATE_ABOVE, Neighbors, has_faiss, nearest_neighbors
from tabaug.utils._report import (
    UNDEFINED,
    Report,
    figure_to_png,
    format_interval,
    format_number,
    format_p_value,
    has_matplotlib,
    html_fragment,
    html_page,
    html_table,
    jsonable,
    new_figure,
    plot_text,
    png_img_tag,
    text_table,
)
from tabaug.utils._settings import (
    check_memory,
    check_option,
    check_scalar,
    resolve_sampling_strategy,
)
from tabaug.utils._strategy import class_targets
from tabaug.utils._table import TableCodec, append_rows
from tabaug.utils._torch import (
    TorchState,
    evaluation_mode,
    import_torch,
    mean_of_steps,
    progress_bar,
    resolve_device,
    seeded_torch,
    train_epochs,
)
from tabaug.utils._validation import (
    TargetInfo,
    categorical_columns,
    check_consistent_length,
    check_features,
    check_labels,
    check_target,
    container_kind,
    is_categorical_dtype,
    label_text,
    plain_value,
    require_classes,
)

__all__ = [
    "APPROXIMATE_ABOVE",
    "ATTACK_GOALS",
    "CHUNK_ROWS",
    "UNDEFINED",
    "AttackResult",
    "Neighbors",
    "Report",
    "Rounds",
    "TableCodec",
    "TargetInfo",
    "TorchState",
    "append_rows",
    "atomic_directory",
    "atomic_file",
    "attack_in_rounds",
    "check_attack_model",
    "categorical_columns",
    "check_consistent_length",
    "check_features",
    "check_labels",
    "check_memory",
    "check_option",
    "check_scalar",
    "check_target",
    "class_share_embedding",
    "class_targets",
    "columns_of",
    "config_context",
    "container_kind",
    "count_rows",
    "dask_backend",
    "evaluation_mode",
    "figure_to_png",
    "file_format",
    "fill_doc",
    "format_bytes",
    "format_interval",
    "format_number",
    "format_p_value",
    "generation_report",
    "get_config",
    "has_faiss",
    "has_matplotlib",
    "html_fragment",
    "html_page",
    "html_table",
    "import_torch",
    "interpolate_rows",
    "is_categorical_dtype",
    "is_dask_collection",
    "is_path",
    "iter_chunks",
    "jsonable",
    "label_text",
    "mean_of_steps",
    "memory_limit",
    "mixed_features",
    "nearest_neighbors",
    "neighbour_modes",
    "new_figure",
    "parse_bytes",
    "plain_value",
    "plot_text",
    "png_img_tag",
    "progress_bar",
    "projected_attack",
    "read_table",
    "report_row",
    "require_classes",
    "row_hashes",
    "require_columns",
    "require_neighbours",
    "resolve_device",
    "resolve_sampling_strategy",
    "seeded_torch",
    "set_config",
    "shortfall_message",
    "table_bytes",
    "take_rows",
    "text_table",
    "train_epochs",
    "unhashable_error",
    "value_difference_embedding",
    "write_table",
    "write_text_atomic",
]
