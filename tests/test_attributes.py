"""Studies carry the review's own attributes (type of collaboration, programme...): they
round-trip everywhere, and coverage spreads the evidence over them, and over tags."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from theorygraph.cli import main
from theorygraph.errors import UsageError
from theorygraph.model import TheoryDocument


def charted(mini: dict) -> TheoryDocument:
    studies = mini["studies"]
    studies[0]["attributes"] = {"programme": "GP training", "collaboration": ["school", "ward"]}
    studies[1]["attributes"] = {"programme": "Nursing", "collaboration": []}
    studies[0]["tags"] = ["pilot"]
    return TheoryDocument.model_validate(mini)


def test_attributes_round_trip_through_every_backend(open_graph, mini):
    document = charted(mini)
    assert open_graph(document).document() == document


def test_coverage_by_an_attribute_of_the_review(open_graph, mini):
    graph = open_graph(charted(mini))
    by_programme = graph.coverage(by="programme")
    total = len(mini["studies"])
    expected = {"GP training": 1, "Nursing": 1}
    if total > 2:
        expected["unknown"] = total - 2
    assert by_programme.all_studies == expected
    assert by_programme.values[-1] == ("unknown" if total > 2 else "Nursing")
    by_collaboration = graph.coverage(by="collaboration")
    assert by_collaboration.all_studies["school"] == by_collaboration.all_studies["ward"] == 1
    by_tags = graph.coverage(by="tags")
    assert by_tags.all_studies["pilot"] == 1 and by_tags.all_studies["no tag"] == total - 1


def test_an_unknown_field_names_the_review_s_own(mini):
    from theorygraph.graph import TheoryGraph

    graph = TheoryGraph.from_document(charted(mini))
    with pytest.raises(UsageError) as caught:
        graph.coverage(by="programm")
    assert str(caught.value).endswith("the review's own attributes: collaboration, programme")


def test_the_cli_covers_by_an_attribute(write_yaml, mini):
    path = write_yaml(charted(mini).to_data())
    done = CliRunner().invoke(main, ["query", "coverage", str(path), "--by", "programme"])
    assert done.exit_code == 0, done.output
    assert "studies by programme: GP training 1, Nursing 1" in done.output


def test_a_study_s_answer_says_its_tags_and_attributes(open_graph, mini):
    graph = open_graph(charted(mini))
    answer = graph.study("s1")
    assert answer.headline.endswith(
        "(tags: pilot; collaboration: school, ward; programme: GP training)"
    )
    assert answer.as_dict()["study"]["attributes"] == {
        "collaboration": ["school", "ward"],
        "programme": "GP training",
    }
