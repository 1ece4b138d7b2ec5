"""The pydantic model: defaults, aliases, enums and the generated JSON Schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from theorygraph.model import (
    Extract,
    Mechanism,
    Outcome,
    Stance,
    TheoryDocument,
    file_schema,
)


def test_link_uses_from_and_to_in_files():
    extract = Extract.model_validate(
        {
            "id": "x1",
            "study": "s1",
            "quote": "q",
            "cmoc": "c1",
            "stance": "refines",
            "link": {"from": "c-a", "to": "m-b"},
        }
    )
    assert extract.link is not None
    assert (extract.link.source, extract.link.target) == ("c-a", "m-b")
    assert extract.stance is Stance.refines
    dumped = extract.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    assert dumped["link"] == {"from": "c-a", "to": "m-b"}


def test_defaults_are_left_out_of_canonical_data(mini):
    document = TheoryDocument.model_validate(mini)
    data = document.to_data()
    assert next(iter(data)) == "theorygraph"
    assert "intended" not in data["outcomes"][0]  # default True
    assert data["outcomes"][1]["intended"] is False


def test_an_outcome_not_classified_is_of_unknown_intent():
    assert Outcome(id="o-a", label="A").intended is None
    assert Outcome(id="o-a", label="A", intended="unknown").intended is None
    assert Outcome(id="o-a", label="A", intended=False).intended is False


@pytest.mark.parametrize("bad", ["Upper", "has space", "-leading", "x" * 81, ""])
def test_ids_are_checked(bad):
    with pytest.raises(ValidationError):
        Mechanism(id=bad, label="A")


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError):
        Mechanism.model_validate({"id": "m-a", "label": "A", "colour": "red"})


def test_schema_lists_enums_and_allows_review_to_be_elsewhere():
    schema = file_schema()
    assert schema["title"] == "theorygraph theory file"
    assert schema["required"] == ["theorygraph"]
    stance = schema["$defs"]["Stance"]["enum"]
    assert stance == ["supports", "refutes", "refines"]
    link = schema["$defs"]["Link"]["properties"]
    assert set(link) == {"from", "to"}
    assert schema["properties"]["theorygraph"]["minimum"] == 1


@pytest.mark.parametrize("sample", ["ics-leadership", "portfolio-srl"])
def test_every_sample_file_meets_the_schema(sample):
    """Editors check theory files against the schema: every construct the samples use
    (inline qualifiers and hand-offs, unknowns, citations, themes) is allowed in it."""
    import jsonschema
    from ruamel.yaml import YAML

    schema = file_schema()
    validator = jsonschema.Draft202012Validator(schema)
    folder = Path(__file__).resolve().parent.parent / "samples" / sample
    for path in sorted(folder.glob("*.yaml")):
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        assert [e.message for e in validator.iter_errors(data)] == [], path.name


def test_the_schema_refuses_what_the_model_refuses():
    import jsonschema

    validator = jsonschema.Draft202012Validator(file_schema())
    bad = {
        "theorygraph": 1,
        "outcomes": [{"id": "o-a", "label": "A", "intended": "maybe"}],
        "cmocs": [
            {
                "id": "k",
                "label": "K",
                "mechanisms": [{"id": "m", "qualifier": "up"}],
                "outcomes": ["o-a"],
            }
        ],
    }
    assert len(list(validator.iter_errors(bad))) == 2
