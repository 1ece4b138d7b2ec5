"""The rules of qualifiers and quotes: each bad value names the file, the line, the field,
what is wrong and what is allowed, with exit status 1 and nothing else said."""

from __future__ import annotations

from click.testing import CliRunner

from theorygraph.cli import main


def validate(path) -> tuple[int, list[str]]:
    done = CliRunner().invoke(main, ["validate", str(path)])
    return done.exit_code, [line for line in done.output.splitlines() if line.startswith("error")]


def test_a_qualifier_names_a_member_of_its_cmoc(write_yaml, mini):
    mini["cmocs"][0]["qualifiers"] = [{"id": "o-narrow", "qualifier": "absent"}]
    code, errors = validate(write_yaml(mini))
    assert code == 1
    assert len(errors) == 1
    assert errors[0].endswith(
        "cmocs[0].qualifiers[0].id: 'o-narrow' is not a context, mechanism or outcome of "
        "'cmoc-1' (its members: c-voluntary, m-inspire, o-collab)"
    )


def test_a_member_is_qualified_once(write_yaml, mini):
    mini["cmocs"][0]["qualifiers"] = [
        {"id": "o-collab", "qualifier": "present"},
        {"id": "o-collab", "qualifier": "absent"},
    ]
    code, errors = validate(write_yaml(mini))
    assert code == 1 and len(errors) == 1
    assert errors[0].endswith("cmocs[0].qualifiers[1].id: 'o-collab' is qualified twice")


def test_activated_qualifies_mechanisms_only(write_yaml, mini):
    mini["cmocs"][0]["outcomes"] = [{"id": "o-collab", "qualifier": "activated"}]
    code, errors = validate(write_yaml(mini))
    assert code == 1 and len(errors) == 1
    assert errors[0].endswith(
        "cmocs[0].qualifiers[0].qualifier: 'activated' qualifies a mechanism, and 'o-collab' "
        "is not a mechanism of 'cmoc-1' (a context or an outcome is increased, decreased, "
        "present or absent)"
    )


def test_an_unknown_qualifier_names_the_allowed_ones(write_yaml, mini):
    mini["cmocs"][0]["mechanisms"] = [{"id": "m-inspire", "qualifier": "up"}]
    code, errors = validate(write_yaml(mini))
    assert code == 1 and len(errors) == 1
    assert "'up' is not an allowed value" in errors[0]
    assert "increased, decreased, present, absent, activated, not-activated" in errors[0]


def test_an_extract_without_a_quote_must_be_a_citation(write_yaml, mini):
    del mini["extracts"][0]["quote"]
    code, errors = validate(write_yaml(mini))
    assert code == 1 and len(errors) == 1
    assert errors[0].endswith(
        "extracts[0].quote: an extract needs a quote (or a paraphrase) (a quote, or "
        "kind: citation for a study cited without one)"
    )
    mini["extracts"][0]["kind"] = "citation"
    assert validate(write_yaml(mini)) == (0, [])


def test_an_unknown_theme_or_theory_is_bad_data(sample):
    runner = CliRunner()
    done = runner.invoke(main, ["query", "gaps", str(sample), "--theme", "Trust"])
    assert done.exit_code == 2
    assert done.output.strip() == (
        "error: no CMOC has the theme 'Trust'; themes: none: no CMOC has a theme"
    )
