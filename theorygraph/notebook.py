"""Answers in a notebook: each one as a pandas DataFrame and as an HTML table, and a review
as a one-line summary.

The rows are the CSV's (:func:`theorygraph.present.table` is their one home), so a DataFrame
has exactly the CSV's columns, in its order. Its types come from the values: counts are
integers, yes/no columns are pandas' nullable ``boolean`` (a value the review does not know
stays ``<NA>``: an unknown never becomes False), text is ``string`` (missing text is
``<NA>``), and lists (the refuting studies of a contested link) stay lists. A column that
holds no value at all says nothing of its type and stays ``object``.

pandas is an optional extra (``pip install 'theorygraph[notebook]'``), imported only when a
DataFrame is asked for; the HTML tables need nothing beyond the standard library.

>>> from theorygraph import TheoryGraph
>>> tg = TheoryGraph.open("samples/ics-leadership")
>>> tg
<TheoryGraph 'What does success look like for leaders of integrated health and social care systems?' from samples/ics-leadership: 2 theories, 14 CMOCs, 10 mechanisms, 36 studies, 118 extracts>
"""  # noqa: E501

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import MissingExtraError, TheoryGraphError
from .words import plural

if TYPE_CHECKING:
    import pandas as pd

    from .graph import TheoryGraph

__all__ = ["MAX_HTML_ROWS", "Tabular", "answer_html", "frame", "graph_html", "graph_repr"]

#: the rows an answer shows inline; a notebook slows down on thousands of table rows, and
#: ``to_pandas()`` holds them all
MAX_HTML_ROWS = 200

#: the counts a review's summary gives, by node label, with their names
SUMMARY_COUNTS = (
    ("Theory", "theory"),
    ("CMOC", "CMOC"),
    ("Mechanism", "mechanism"),
    ("Study", "study"),
    ("Extract", "extract"),
)


class Tabular:
    """What every answer offers a notebook: its rows as a DataFrame, and an HTML table
    that Jupyter shows when the answer is the value of a cell."""

    def to_pandas(self) -> pd.DataFrame:
        """The answer's rows as a pandas DataFrame, with the CSV's columns; the headline
        is in ``.attrs["headline"]``. Needs pandas: ``pip install 'theorygraph[notebook]'``."""
        from . import present

        headers, rows, numeric = present.table(self)
        df = frame(headers, rows, numeric)
        df.attrs["headline"] = getattr(self, "headline", "")
        return df

    def _repr_html_(self) -> str:
        return answer_html(self)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise MissingExtraError("DataFrames", "pandas", "notebook") from exc
    return pandas


def _dtype(values: list[Any], numeric: bool) -> str:
    """The pandas type of one column, from the values it holds (None is a missing value)."""
    known = [v for v in values if v is not None]
    if numeric:
        return "int64" if len(known) == len(values) else "Int64"
    if not known:
        return "object"
    if all(isinstance(v, bool) for v in known):
        return "boolean"
    if all(isinstance(v, str) for v in known):
        return "string"
    return "object"


def frame(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int]) -> Any:
    """Rows as a DataFrame, each column typed by :func:`_dtype`.

    >>> df = frame(["id", "n", "intended"], [["o1", 2, True], ["o2", 0, None]], {1})
    >>> df.dtypes.astype(str).tolist()
    ['string', 'int64', 'boolean']
    >>> df["intended"].tolist()
    [True, <NA>]
    """
    pd = _pandas()
    columns = {
        i: pd.array([row[i] for row in rows], dtype=_dtype([row[i] for row in rows], i in numeric))
        for i in range(len(headers))
    }
    df = pd.DataFrame(columns)
    # set afterwards: two columns may share a name (a coverage value called "label")
    df.columns = list(headers)
    return df


# -- HTML ----------------------------------------------------------------------------------
def answer_html(answer: Any) -> str:
    """An answer as Jupyter shows it: its headline, then its rows (the first
    :data:`MAX_HTML_ROWS`), or the sentence that says nothing was found."""
    from . import present
    from .output import html_table

    if answer.empty:
        return f"<p>{html.escape(answer.empty_message)}</p>"
    headers, rows, numeric = present.table(answer)
    parts = []
    if answer.headline:
        parts.append(f"<p>{html.escape(answer.headline)}</p>")
    parts.append(html_table(headers, rows[:MAX_HTML_ROWS], numeric))
    if len(rows) > MAX_HTML_ROWS:
        parts.append(
            f"<p>showing the first {MAX_HTML_ROWS} of {plural(len(rows), 'row')}: "
            "<code>.to_pandas()</code> holds them all</p>"
        )
    return "\n".join(parts)


# -- the review --------------------------------------------------------------------------
def _summary(graph: TheoryGraph) -> tuple[str | None, list[str], str | None]:
    """The review's title, its counts in words, and why they could not be read (or None)."""
    backend = graph.backend
    try:
        review, counts = backend.consistent(lambda: (backend.review(), backend.counts()))
    except TheoryGraphError as exc:  # a summary must not fail: say why it is missing
        return None, [], str(exc).splitlines()[0]
    words = [plural(counts.get(label, 0), noun) for label, noun in SUMMARY_COUNTS]
    return review.title, words, None


def graph_repr(graph: TheoryGraph) -> str:
    """One line: the review's title, where it comes from and how much it holds."""
    title, words, failed = _summary(graph)
    where = f" from {graph.source}" if graph.source else ""
    if failed:
        return f"<TheoryGraph{where}: {failed}>"
    return f"<TheoryGraph {title!r}{where}: {', '.join(words)}>"


def graph_html(graph: TheoryGraph) -> str:
    """The summary as Jupyter shows it, every value escaped."""
    title, words, failed = _summary(graph)
    where = f" <code>{html.escape(graph.source)}</code>" if graph.source else ""
    if failed:
        return f"<p>TheoryGraph{where}: {html.escape(failed)}</p>"
    return (
        f"<p><strong>{html.escape(title or '')}</strong>{where}<br>"
        f"{html.escape(', '.join(words))}</p>"
    )
