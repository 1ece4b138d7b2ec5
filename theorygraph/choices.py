"""The closed lists the library accepts, in one light module.

The library checks its arguments against these, and the CLI offers exactly these as its
choices (this module imports nothing, so `theorygraph --help` stays fast).
"""

from __future__ import annotations

__all__ = [
    "COVERAGE_FIELDS",
    "DATA_EXPORTS",
    "EXPORTS",
    "FIGURES",
    "FIGURE_DPI",
    "FIGURE_DPI_RANGE",
    "GAP_KINDS",
    "LAYOUTS",
    "OUTPUT_FORMATS",
]

#: how an answer can be printed
OUTPUT_FORMATS = ("table", "json", "csv", "markdown")

#: what `gaps` can look at, and the node type of each
GAP_KINDS = {
    "mechanism": "Mechanism",
    "context": "Context",
    "outcome": "Outcome",
    "cmoc": "CMOC",
    "link": "Link",
}

#: the study fields `coverage` can spread the evidence over
COVERAGE_FIELDS = (
    "design",
    "sector",
    "country",
    "year",
    "participants",
    "service_user_involvement",
)

#: how a map lays its nodes out
LAYOUTS = ("layered", "force")

#: every export format, with the file names it may be written to (the first is usual); the
#: spreadsheet is the extraction sheet, the workbook the whole review, the others draw the map
EXPORTS = {
    "graphml": (".graphml", ".xml"),
    "gexf": (".gexf", ".xml"),
    "cytoscape": (".json", ".cyjs"),
    "mermaid": (".mmd", ".mermaid", ".md"),
    "dot": (".dot", ".gv"),
    "spreadsheet": (".xlsx", ".csv"),
    "workbook": (".xlsx",),
}
#: the exports that hold the review's own items (written to a file), not the map
DATA_EXPORTS = ("spreadsheet", "workbook")

#: the formats a figure is drawn in, by the suffix of its file
FIGURES = {".svg": "svg", ".pdf": "pdf", ".png": "png"}
#: the resolution of a PNG figure unless told otherwise (what journals ask of line art
#: and text), and the resolutions it may have, in dots per inch
FIGURE_DPI = 300
FIGURE_DPI_RANGE = (50, 1200)
