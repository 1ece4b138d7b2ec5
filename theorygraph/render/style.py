"""How the parts of a theory look, in every drawing: the HTML map, figures, DOT and Mermaid.

Stance colours are the Okabe-Ito palette, which colour-blind readers can tell apart; each
drawing also tells stances apart by line and arrowhead, so greyscale prints keep them.
"""

from __future__ import annotations

__all__ = [
    "NODE_COLOURS",
    "STANCE_COLOURS",
    "STANCE_SIGNS",
    "UNINTENDED_COLOURS",
    "UNSUPPORTED_COLOURS",
]

#: (fill, border) of each type of node
NODE_COLOURS: dict[str, tuple[str, str]] = {
    "Context": ("#dbeafe", "#2563eb"),
    "Mechanism": ("#fef3c7", "#b45309"),
    "Outcome": ("#dcfce7", "#15803d"),
}
#: a mechanism without evidence, and a node that no CMOC names
UNSUPPORTED_COLOURS = ("#f3f4f6", "#6b7280")
#: an unintended outcome
UNINTENDED_COLOURS = ("#fee2e2", "#b91c1c")

#: the colour of an arrow of each stance
STANCE_COLOURS: dict[str, str] = {
    "supporting": "#009e73",
    "refuting": "#d55e00",
    "contested": "#cc79a7",
    "refining": "#0072b2",
    "none": "#9ca3af",
    "leads-to": "#4b5563",
}
#: a sign for each stance, for text that cannot rely on colour (panels, keys, legends)
STANCE_SIGNS: dict[str, str] = {
    "supporting": "\u2713",
    "refuting": "\u2717",
    "contested": "\u00b1",
    "refining": "~",
    "none": "\u2205",
    "leads-to": "\u21aa",
}
