"""The class-balance audit: :func:`audit` and its result, :class:`BalanceAudit`.

A private package split by job; users import ``tabaug.audit`` and
``tabaug.BalanceAudit``:

- ``_api``: the :func:`audit` function, its settings checks and the order of
  the steps;
- ``_inputs``: every input form (a target, a DataFrame, a dict of splits, a
  file) read into counts per split and, where needed, row hashes;
- ``_counting``: counts, shares, imbalance, entropy, minority classes, drift
  between splits and the warnings they raise;
- ``_leakage``: rows of one split that exactly repeat rows of another;
- ``_result``: :class:`BalanceAudit` and its plain-Python form;
- ``_render``: text, HTML and chart rendering.

Examples
--------
>>> from tabaug import audit
>>> audit([0, 0, 0, 1]).imbalance_ratio
3.0
"""

from tabaug._audit._api import audit
from tabaug._audit._result import BalanceAudit

__all__ = ["BalanceAudit", "audit"]
