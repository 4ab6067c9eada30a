"""Rendering helpers shared by the report objects (evaluation, audit).

Plain text tables, self-contained HTML (inline CSS, images embedded as base64
PNG, no network assets), JSON conversion of numpy values, and the lazy
matplotlib import. Nothing here is public.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from tabaug.utils._atomic import write_text_atomic

UNDEFINED = "undefined"

_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2em; color: #222; }
table.tabaug { border-collapse: collapse; margin: 0.5em 0 1em 0; font-size: 0.95em; }
table.tabaug th, table.tabaug td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
table.tabaug th { background: #f2f2f2; text-align: left; }
table.tabaug td.num { text-align: right; font-variant-numeric: tabular-nums; }
.tabaug-verdict { font-weight: 600; margin: 0.5em 0; }
.tabaug-warning { color: #8a4b00; }
"""


def format_number(value: Any, digits: int = 2) -> str:
    """Format a metric: ``undefined`` for None/NaN, fixed decimals otherwise."""
    if value is None:
        return UNDEFINED
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if math.isnan(value):
        return UNDEFINED
    return f"{value:.{digits}f}"


def format_p_value(p: float | None) -> str:
    """Format a p-value the way papers do: ``p = 0.58``, ``p = 0.003``, ``p < 0.001``."""
    if p is None or math.isnan(p):
        return f"p {UNDEFINED}"
    if p < 0.001:
        return "p < 0.001"
    if p < 0.01:
        return f"p = {p:.3f}"
    return f"p = {p:.2f}"


def format_interval(interval: Sequence[float] | None, digits: int = 2) -> str:
    if interval is None:
        return ""
    low, high = interval
    return f"[{format_number(low, digits)}, {format_number(high, digits)}]"


def text_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Left-aligned first column, right-aligned others, two spaces apart."""
    cells = [list(map(str, header))] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        parts = [row[0].ljust(widths[0])]
        parts += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def html_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """An HTML table; cells are escaped, every column but the first is right-aligned."""
    head = "".join(f"<th>{html.escape(str(cell))}</th>" for cell in header)
    body = []
    for row in rows:
        cells = [f"<th>{html.escape(str(row[0]))}</th>"]
        cells += [f'<td class="num">{html.escape(str(cell))}</td>' for cell in row[1:]]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="tabaug"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def html_fragment(body: str) -> str:
    """A fragment for notebooks (``_repr_html_``): scoped styles, no page wrapper."""
    return f"<div class='tabaug-report'><style>{_CSS}</style>{body}</div>"


def html_page(title: str, body: str) -> str:
    """A complete, self-contained HTML document."""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def figure_to_png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def png_img_tag(png: bytes, alt: str) -> str:
    encoded = base64.b64encode(png).decode("ascii")
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{encoded}'>"


def new_figure(**kwargs: Any) -> Any:
    """A matplotlib Figure that does not touch pyplot's global state or GUI backends."""
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            'plotting needs matplotlib; install it with: pip install "tabaug[plot]"'
        ) from error
    return Figure(**kwargs)


def plot_text(text: Any) -> str:
    """A label for a matplotlib chart, shown literally.

    Matplotlib reads text between ``$`` signs as math (and fails on ``$$``);
    escaped dollars keep user strings (labels, column names) as they are.

    Examples
    --------
    >>> print(plot_text("cost $5-$10"))
    cost \\$5-\\$10
    """
    return str(text).replace("$", r"\$")


def has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays (recursively) to plain Python; NaN becomes None."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return None if math.isnan(value) else value
    if value is None or isinstance(value, str):
        return value
    return str(value)


class Report:
    """What every tabaug report shares: JSON and HTML output built on two hooks.

    A report class defines ``to_dict()`` (JSON-ready), ``_html_title`` and
    ``_html_body(with_plot)``; this mixin turns them into :meth:`to_json`,
    :meth:`to_html` (a self-contained page, the figure embedded as a PNG when
    matplotlib is installed) and ``_repr_html_`` (for notebooks).
    """

    _html_title = "tabaug report"

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def _html_body(self, with_plot: bool) -> str:
        raise NotImplementedError

    def to_json(self, path: Any = None, *, indent: int = 2) -> str:
        """:meth:`to_dict` as a JSON string, also written to ``path`` if given.

        Parameters
        ----------
        path : str or path-like, optional
            File to write.
        indent : int, default=2
            JSON indentation.

        Returns
        -------
        str

        Examples
        --------
        >>> from tabaug import evaluate
        >>> '"is_paradox": true' in evaluate([0, 0, 0, 1], [0, 0, 0, 0]).to_json()
        True
        """
        text = json.dumps(self.to_dict(), indent=indent)
        if path is not None:
            write_text_atomic(path, text + "\n")
        return text

    def _repr_html_(self) -> str:
        return html_fragment(self._html_body(with_plot=False))

    def to_html(self, path: Any = None) -> str:
        """A self-contained HTML page, also written to ``path`` if given.

        Tables always; the figure as an embedded PNG when matplotlib is
        installed; no network assets.

        Parameters
        ----------
        path : str or path-like, optional
            File to write.

        Returns
        -------
        str

        Examples
        --------
        >>> from tabaug import audit
        >>> page = audit([0, 0, 0, 1]).to_html()
        >>> page.startswith("<!DOCTYPE html>") and "<table" in page
        True
        """
        page = html_page(self._html_title, self._html_body(with_plot=True))
        if path is not None:
            write_text_atomic(path, page)
        return page
