"""The sample review agrees with every published fact it encodes."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import SAMPLE_WARNINGS

from theorygraph.backends.convert import document_to_graph, graph_to_document
from theorygraph.cli import main
from theorygraph.graph import TheoryGraph
from theorygraph.theoryfile import dump_document
from theorygraph.validate import load_theory


def test_sample_is_valid_with_only_the_expected_warnings(sample):
    loaded = load_theory(sample)
    assert loaded.errors == []
    assert sorted(p.message for p in loaded.warnings) == SAMPLE_WARNINGS


def test_sample_reports_evidence_for_7_of_10_mechanisms(sample):
    stats = TheoryGraph.open(sample).stats()
    assert stats.headline == "evidence for 7 of 10 mechanisms"
    assert stats.counts["Study"] == 36
    unsupported = sorted(m.id for m in stats.mechanisms if not m.evidenced)
    assert unsupported == ["m-own-resilience", "m-unnamed-candidate-a", "m-unnamed-candidate-b"]
    # the review's most explored mechanism leads on studies and on extracts
    top = stats.mechanisms[0]
    assert top.id == "m-inspiring-intent"
    assert all(top.extracts > m.extracts for m in stats.mechanisms[1:])


def test_sample_studies_are_illustrative_and_without_service_users(sample):
    document = load_theory(sample).document
    assert document is not None
    assert len(document.studies) == 36
    for study in document.studies:
        assert study.title.startswith("Illustrative study ")
        assert not study.authors and study.doi is None
        assert study.service_user_involvement is False
    assert all(x.quote.startswith("Illustrative paraphrase: ") for x in document.extracts)


def test_sample_has_the_unintended_diversity_outcome(sample):
    document = load_theory(sample).document
    assert document is not None
    unintended = [o.id for o in document.outcomes if o.intended is False]
    assert unintended == ["o-less-diversity"]
    assert all(o.intended is True for o in document.outcomes if o.id != "o-less-diversity")
    chain = [c for c in document.cmocs if "o-less-diversity" in c.outcomes]
    assert chain and "c-pre-existing-networks" in chain[0].contexts


def test_sample_round_trips_through_the_graph(sample):
    document = load_theory(sample).document
    assert document is not None
    again = graph_to_document(document_to_graph(document))
    assert dump_document(again.to_data(), "yaml") == dump_document(document.to_data(), "yaml")


def test_stats_command_on_the_sample(sample):
    result = CliRunner().invoke(main, ["stats", str(sample)])
    assert result.exit_code == 0
    assert result.stdout.rstrip().endswith("evidence for 7 of 10 mechanisms")
