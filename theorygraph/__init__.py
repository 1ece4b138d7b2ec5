"""theorygraph: programme-theory modelling for realist reviews.

The public API is :class:`TheoryGraph` (open a review, ask it questions), the model
classes of :mod:`theorygraph.model`, :func:`read_theory` / :func:`load_theory` for
theory files, and the errors of :mod:`theorygraph.errors`. Names are imported on
first use, so ``import theorygraph`` is cheap.

>>> import theorygraph
>>> theorygraph.TheoryGraph.open("samples/ics-leadership").stats().headline
'evidence for 7 of 10 mechanisms'
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "CMOC",
    "Context",
    "Extract",
    "InvalidTheoryError",
    "Mechanism",
    "Outcome",
    "ProgrammeTheory",
    "ReviewInfo",
    "Study",
    "TheoryDocument",
    "TheoryGraph",
    "TheoryGraphError",
    "UnknownIdError",
    "load_theory",
    "read_theory",
]

_WHERE = {
    "TheoryGraph": "graph",
    "load_theory": "validate",
    "read_theory": "validate",
    "InvalidTheoryError": "errors",
    "TheoryGraphError": "errors",
    "UnknownIdError": "errors",
}


def __getattr__(name: str) -> Any:
    if name in __all__:
        module = import_module(f".{_WHERE.get(name, 'model')}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'theorygraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
