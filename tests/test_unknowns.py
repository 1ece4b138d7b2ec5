"""Unknown is not false: yes/no facts a review may not report (whether an outcome is
intended, whether service users took part in a study) accept ``unknown``, absent means
unknown, and every answer reports unknowns as unknowns."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from theorygraph.cli import main
from theorygraph.graph import TheoryGraph
from theorygraph.model import TheoryDocument
from theorygraph.theoryfile import dump_document


def with_values(mini, intended, involvement) -> TheoryDocument:
    """The mini review with the given values (a list, one per outcome / study; absent for
    the string 'absent')."""
    for outcome, value in zip(mini["outcomes"], intended, strict=True):
        outcome.pop("intended", None)
        if value != "absent":
            outcome["intended"] = value
    for study, value in zip(mini["studies"], involvement, strict=True):
        study.pop("service_user_involvement", None)
        if value != "absent":
            study["service_user_involvement"] = value
    return TheoryDocument.model_validate(mini)


def test_absent_and_unknown_are_unknown_and_false_stays_false(mini):
    n = len(mini["studies"])
    doc = with_values(mini, ["absent", "unknown"], ["Unknown"] + [False] * (n - 1))
    assert [o.intended for o in doc.outcomes] == [None, None]
    assert doc.studies[0].service_user_involvement is None
    assert all(s.service_user_involvement is False for s in doc.studies[1:])
    text = dump_document(doc.to_data(), "yaml")
    assert "intended" not in text  # unknown is written as absent, never as false


def test_a_review_that_never_classified_its_outcomes_has_no_intended_ones(open_graph, mini):
    n = len(mini["studies"])
    graph = open_graph(with_values(mini, ["absent", "absent"], ["absent"] * n))
    answer = graph.unintended()
    assert answer.empty
    assert "every outcome is marked intended" not in answer.empty_message
    assert answer.empty_message == (
        "no outcome is marked unintended, and none of the 2 outcomes is classified as "
        "intended or not (intended: unknown)"
    )


def test_unknown_involvement_is_not_reported_as_a_finding(open_graph, mini):
    n = len(mini["studies"])
    graph = open_graph(with_values(mini, [True, False], ["absent"] * n))
    answer = graph.coverage(by="service_user_involvement")
    assert answer.headline.startswith(f"service-user involvement is unknown for all {n} studies")
    assert "0 of" not in answer.headline
    assert answer.all_studies["unknown"] == n and answer.all_studies["yes"] == 0


def test_a_mix_says_how_many_do_not_say(open_graph, mini):
    n = len(mini["studies"])
    assert n >= 2
    graph = open_graph(with_values(mini, [True, False], [True] + ["absent"] * (n - 1)))
    answer = graph.coverage(by="service_user_involvement")
    said = f"1 of {n} studies involved service users ({n - 1} do not say)"
    assert answer.headline.startswith(said)
    assert answer.values[-1] == "unknown"


def test_unknowns_round_trip_through_every_backend(open_graph, mini):
    n = len(mini["studies"])
    doc = with_values(mini, ["unknown", False], [None, True] + [False] * (n - 2))
    assert open_graph(doc).document() == doc


def test_a_wrong_value_names_what_is_allowed(write_yaml, mini):
    mini["outcomes"][0]["intended"] = "maybe"
    path = write_yaml(mini)
    done = CliRunner().invoke(main, ["validate", str(path)])
    assert done.exit_code == 1
    assert "outcomes[0].intended: expected true, false or unknown, got text ('maybe')" in (
        done.output
    )


def test_the_map_says_unknown_intent_in_the_panel_data(mini):
    n = len(mini["studies"])
    doc = with_values(mini, ["absent", False], [False] * n)
    html = TheoryGraph.from_document(doc).map().html
    assert '"intended": "unknown"' in html and '"intended": "unintended"' in html


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_exports_leave_unknown_out_and_keep_false(tmp_path, mini, fmt):
    import networkx as nx

    n = len(mini["studies"])
    doc = with_values(mini, ["absent", False], [False] * n)
    path = tmp_path / f"map.{fmt}"
    path.write_text(TheoryGraph.from_document(doc).export(fmt), encoding="utf-8")
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert graph.nodes["o-narrow"]["intended"] in (False, "false")
    assert "intended" not in graph.nodes["o-collab"]  # unknown: no value, never false
