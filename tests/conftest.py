"""Shared fixtures: a small valid theory, the sample, and a file writer under tmp_path."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "ics-leadership"

MINI: dict[str, Any] = {
    "theorygraph": 1,
    "review": {"id": "mini", "title": "A small review"},
    "theories": [
        {"id": "t1", "label": "Initial theory", "version": "1.0", "status": "initial"},
        {
            "id": "t2",
            "label": "Refined theory",
            "version": "2.0",
            "status": "refined",
            "refines": "t1",
        },
    ],
    "contexts": [
        {"id": "c-voluntary", "label": "Voluntary cooperation", "kind": "policy"},
        {"id": "c-trust", "label": "Trust between teams"},
    ],
    "mechanisms": [
        {
            "id": "m-inspire",
            "label": "Inspiring intent",
            "resource": "A shared story",
            "reasoning": "Staff want to join in",
        },
        {"id": "m-power", "label": "Sharing power"},
    ],
    "outcomes": [
        {"id": "o-collab", "label": "Collaboration", "level": "proximal"},
        {"id": "o-narrow", "label": "Less diversity", "intended": False, "level": "distal"},
    ],
    "cmocs": [
        {
            "id": "cmoc-1",
            "label": "Voluntary cooperation: inspiring intent gives collaboration",
            "contexts": ["c-voluntary"],
            "mechanisms": ["m-inspire"],
            "outcomes": ["o-collab"],
            "theories": ["t1", "t2"],
            "leads_to": ["cmoc-2"],
        },
        {
            "id": "cmoc-2",
            "label": "Trust: sharing power narrows the circle",
            "contexts": ["c-trust"],
            "mechanisms": ["m-power"],
            "outcomes": ["o-narrow"],
            "theories": ["t2"],
            "strategy": "Leadership programme",
            "actors": ["leaders"],
        },
    ],
    "studies": [
        {
            "id": "s1",
            "title": "Study one",
            "authors": ["Doe J"],
            "year": 2019,
            "design": "qualitative",
            "country": "England",
            "sector": "health",
            "participants": ["leaders"],
        },
        {
            "id": "s2",
            "title": "Study two",
            "year": 2020,
            "design": "case-study",
            "sector": "social-care",
            "service_user_involvement": True,
        },
    ],
    "extracts": [
        {
            "id": "x1",
            "study": "s1",
            "quote": "Leaders rallied teams.",
            "location": "p. 3",
            "cmoc": "cmoc-1",
            "stance": "supports",
            "relevance": "high",
            "rigour": "moderate",
        },
        {
            "id": "x2",
            "study": "s2",
            "quote": "Only old friends were asked.",
            "cmoc": "cmoc-2",
            "link": {"from": "m-power", "to": "o-narrow"},
            "stance": "supports",
        },
        {
            "id": "x3",
            "study": "s2",
            "quote": "Intent faded.",
            "cmoc": "cmoc-1",
            "link": {"from": "c-voluntary", "to": "m-inspire"},
            "stance": "refutes",
            "rationale": "Contradicts the C-M link",
        },
    ],
}


@pytest.fixture
def mini() -> dict[str, Any]:
    """A deep copy of a small valid theory, to change freely in a test."""
    return copy.deepcopy(MINI)


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write data (or raw text) as a YAML file under tmp_path and return its path."""
    from theorygraph.theoryfile import dump_document

    def write(data: Any, name: str = "theory.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = data if isinstance(data, str) else dump_document(data, "yaml")
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def sample() -> Path:
    return SAMPLE
