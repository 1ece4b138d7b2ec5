"""Theory files written before the model learnt unknowns, qualifiers and cited studies
still validate unchanged, and the sample kept as it was still gives the review's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE_WARNINGS

from theorygraph.graph import TheoryGraph
from theorygraph.validate import load_theory

LEGACY = Path(__file__).parent / "data" / "legacy" / "ics-leadership-v1"


@pytest.fixture(scope="module")
def legacy() -> TheoryGraph:
    return TheoryGraph.open(LEGACY)


def test_the_old_sample_validates_unchanged():
    loaded = load_theory(LEGACY)
    assert loaded.errors == []
    assert sorted(p.message for p in loaded.warnings) == SAMPLE_WARNINGS


def test_the_old_sample_gives_the_published_numbers(legacy):
    stats = legacy.stats()
    assert stats.headline == "evidence for 7 of 10 mechanisms"
    assert stats.counts["Study"] == 36
    coverage = legacy.coverage(by="service_user_involvement")
    assert coverage.headline == (
        "no evidence from studies involving service users: 0 of 36 studies involved them"
    )
    assert [o.id for o, _ in legacy.unintended().outcomes] == ["o-less-diversity"]


def test_what_the_old_file_left_unsaid_is_unknown_not_assumed(legacy):
    """Outcomes without ``intended`` were taken as intended before; they are unknown now,
    and the answer says so rather than 'every other outcome is intended'."""
    answer = legacy.unintended()
    assert answer.unclassified == 13 and answer.outcomes_in_all == 14
    assert answer.headline == "1 unintended outcome; 13 outcomes not classified as intended or not"


def test_the_old_and_the_current_sample_answer_the_same_chains(legacy, sample):
    current = TheoryGraph.open(sample)
    for kwargs in ({}, {"through": "m-inspiring-intent"}, {"start": "c-no-legal-mandate"}):
        assert legacy.chains(**kwargs).as_dict() == current.chains(**kwargs).as_dict()
    assert legacy.gaps().as_dict() == current.gaps().as_dict()
