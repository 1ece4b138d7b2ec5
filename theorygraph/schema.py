"""The graph schema shared by every backend: node labels, relationship types, properties.

Labels and relationship types are a closed whitelist. The Neo4j backend only ever
puts names from here into Cypher text; everything else travels as parameters.

>>> LABEL_OF_SECTION["mechanisms"]
'Mechanism'
>>> check_label("Mechanism")
'Mechanism'
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "EDGE_TYPES",
    "LABELS",
    "LABEL_OF_SECTION",
    "REFERENCE_FIELDS",
    "SECTION_OF_LABEL",
    "check_label",
    "check_rel_type",
]

#: section of a theory file -> node label
LABEL_OF_SECTION: Final[dict[str, str]] = {
    "theories": "Theory",
    "contexts": "Context",
    "mechanisms": "Mechanism",
    "outcomes": "Outcome",
    "cmocs": "CMOC",
    "studies": "Study",
    "extracts": "Extract",
}
SECTION_OF_LABEL: Final[dict[str, str]] = {v: k for k, v in LABEL_OF_SECTION.items()}
LABELS: Final[frozenset[str]] = frozenset(LABEL_OF_SECTION.values()) | {"Review"}

#: relationship type -> (from label, to label, meaning)
EDGE_TYPES: Final[dict[str, tuple[str, str, str]]] = {
    "HAS_CONTEXT": ("CMOC", "Context", "the CMOC holds in this context"),
    "HAS_MECHANISM": ("CMOC", "Mechanism", "the CMOC's mechanism"),
    "HAS_OUTCOME": ("CMOC", "Outcome", "the CMOC's outcome"),
    "INCLUDES": ("Theory", "CMOC", "the programme theory includes the CMOC"),
    "REFINES": (
        "Theory",
        "Theory",
        "a refined theory points to the version it refines (and a refined CMOC, from CMOC "
        "to CMOC, to the configuration it refines)",
    ),
    "LEADS_TO": ("CMOC", "CMOC", "an outcome of the first is the context of the second"),
    "FROM_STUDY": ("Extract", "Study", "the extract is taken from the study"),
    "EVIDENCES": ("Extract", "CMOC", "the extract bears on the CMOC (or one link of it)"),
}

#: model fields that are stored as relationships, not as node properties
REFERENCE_FIELDS: Final[dict[str, dict[str, str]]] = {
    "theories": {"refines": "REFINES"},
    "cmocs": {
        "contexts": "HAS_CONTEXT",
        "mechanisms": "HAS_MECHANISM",
        "outcomes": "HAS_OUTCOME",
        "theories": "INCLUDES",
        "leads_to": "LEADS_TO",
        "refines": "REFINES",
    },
    "extracts": {"study": "FROM_STUDY", "cmoc": "EVIDENCES", "link": "EVIDENCES"},
}


def check_label(name: str) -> str:
    """Return ``name`` if it is a whitelisted label; raise ``ValueError`` otherwise."""
    if name not in LABELS:
        raise ValueError(f"label {name!r} is not in the schema whitelist")
    return name


def check_rel_type(name: str) -> str:
    """Return ``name`` if it is a whitelisted relationship type; raise otherwise."""
    if name not in EDGE_TYPES:
        raise ValueError(f"relationship type {name!r} is not in the schema whitelist")
    return name
