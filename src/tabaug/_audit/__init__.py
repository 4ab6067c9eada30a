"""The class-balance audit: :func:`audit` and its result, :class:`BalanceAudit`.

A private package split by job; users import ``tabaug.audit`` and
``tabaug.BalanceAudit``:

- ``_api``: the :func:`audit` function, its settings checks and the order of
  the steps;
- ``_inputs``: every input form (a target, a DataFrame, a dict of splits, a
  file) read into counts per split and, where needed, row hashes and a
  table of features;
- ``_counting``: counts, shares, imbalance, entropy, minority classes, drift
  between splits and the warnings they raise;
- ``_encoding``: rows as points whose Euclidean distance is HEOM;
- ``_leakage`` and ``_synthetic``: held-out rows that repeat or were made
  from training rows (exact repeats, near duplicates, SMOTE segments), each
  class against the largest;
- ``_difficulty``: example types, N3 and the Fisher ratio;
- ``_checks``: those checks run on the rows the inputs provide;
- ``_rows``: row sets, seeded samples, distinct rows;
- ``_result``: :class:`BalanceAudit` and its plain-Python form;
- ``_render`` and ``_charts``: text, the HTML report and its charts.

Examples
--------
>>> from tabaug import audit
>>> audit([0, 0, 0, 1]).imbalance_ratio
3.0
"""

from tabaug._audit._api import audit
from tabaug._audit._result import BalanceAudit

__all__ = ["BalanceAudit", "audit"]
