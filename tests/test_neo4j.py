"""Neo4j for real: push, pull, idempotence, atomicity and the errors users meet."""

from __future__ import annotations

import copy
import time

import pytest
from click.testing import CliRunner

from theorygraph.backends.neo4j import (
    Neo4jBackend,
    Neo4jSettings,
    Neo4jStore,
    ReviewExists,
)
from theorygraph.cli import main
from theorygraph.errors import BackendError, ConnectionFailed, SourceError, UsageError
from theorygraph.graph import TheoryGraph
from theorygraph.model import NODE_SECTIONS, TheoryDocument
from theorygraph.validate import read_theory


def snapshot(store: Neo4jStore) -> list[str]:
    """Everything in the database, as sorted text, to compare before and after."""
    import json

    def text(value: object) -> str:
        return json.dumps(value, sort_keys=True, default=str)

    rows = store.read("dump_all")
    for row in rows:  # a node's relationships come in storage order, which means nothing
        row["out"] = sorted(row["out"], key=text)
    return sorted(text(row) for row in rows)


def test_push_then_pull_gives_the_same_file(store, sample, tmp_path):
    from theorygraph.theoryfile import dump_document

    document = read_theory(sample)
    result = store.push(document)
    expected = sum(len(getattr(document, s)) for s in NODE_SECTIONS)
    assert (result.status, result.nodes) == ("created", expected)
    out = tmp_path / "pulled.yaml"
    TheoryGraph.open(store.settings.uri, review="ics-leadership").save(out)
    assert out.read_text(encoding="utf-8") == dump_document(document.to_data(), "yaml")


def test_pushing_twice_changes_nothing(store, mini):
    document = TheoryDocument.model_validate(mini)
    store.push(document)
    before = snapshot(store)
    again = store.push(document)
    assert again.status == "unchanged"
    assert snapshot(store) == before


def test_different_content_needs_replace(store, mini):
    document = TheoryDocument.model_validate(mini)
    store.push(document)
    before = snapshot(store)
    mini["mechanisms"][0]["label"] = "Inspiring intent, reworded"
    changed = TheoryDocument.model_validate(mini)
    with pytest.raises(ReviewExists) as caught:
        store.push(changed)
    assert str(caught.value) == (
        f"{store.uri}: review 'mini' already exists with different content; "
        "use --replace to replace it"
    )
    assert snapshot(store) == before
    assert store.push(changed, replace=True).status == "replaced"
    assert Neo4jBackend(store, "mini").document() == changed


def test_replace_in_place_leaves_what_a_fresh_push_leaves(store, mini):
    """--replace updates in place; the database must hold exactly the new review: items
    dropped, properties removed, an id that changes type, relationships rebuilt."""
    store.push(TheoryDocument.model_validate(mini))
    changed = copy.deepcopy(mini)
    changed["review"]["title"] = "A smaller review"
    # o-narrow turns from an outcome into a context; c-trust and x3 go
    changed["outcomes"] = [o for o in changed["outcomes"] if o["id"] != "o-narrow"]
    changed["contexts"] = [
        {"id": "c-voluntary", "label": "Voluntary cooperation"},  # 'kind' removed
        {"id": "o-narrow", "label": "A narrow circle"},
    ]
    changed["cmocs"][1].update(contexts=["o-narrow"], outcomes=["o-collab"])
    changed["extracts"][0]["quote"] = "Leaders rallied every team."
    changed["extracts"][1]["link"] = {"from": "m-power", "to": "o-collab"}
    changed["extracts"] = changed["extracts"][:2]
    del changed["studies"][0]["country"]
    new = TheoryDocument.model_validate(changed)

    assert store.read("review_revision", review="mini") == [{"revision": 1}]
    assert store.push(new, replace=True).status == "replaced"
    assert store.read("review_revision", review="mini") == [{"revision": 2}]  # counted
    replaced = [line.replace('"_revision": 2', '"_revision": 1') for line in snapshot(store)]
    assert Neo4jBackend(store, "mini").document() == new
    store.delete("mini")
    store.push(new)
    assert replaced == snapshot(store)  # the same, but for the count of revisions


def test_delete_removes_the_review_and_nothing_else(store, sample, mini):
    store.push(TheoryDocument.model_validate(mini))
    before = snapshot(store)
    store.push(read_theory(sample))
    assert store.delete("ics-leadership") is True
    assert snapshot(store) == before
    assert store.delete("ics-leadership") is False


def test_failed_push_leaves_the_database_unchanged(store, sample, mini):
    store.push(TheoryDocument.model_validate(mini))  # something already there
    before = snapshot(store)

    class Boom(Exception):
        pass

    def fail_midway(done: int, total: int) -> None:
        if done == total // 2:
            raise Boom

    with pytest.raises(Boom):
        store.push(read_theory(sample), progress=fail_midway)
    assert snapshot(store) == before
    assert "ics-leadership" not in store.reviews()


def test_extracts_are_written_with_their_study_and_cmoc(store, sample, monkeypatch):
    """A new review writes each extract with its two relationships in one row
    (push_extracts): the database holds what the relationship-by-relationship write of a
    replace holds, and an extract whose study is not found writes nothing at all."""
    import theorygraph.backends.push as push

    document = read_theory(sample)
    created = store.push(document)
    assert created.status == "created"
    assert created.relationships == sum(1 for row in store.read("dump_all") for _ in row["out"])

    def items() -> list[str]:  # the review's node counts its revisions
        return [row for row in snapshot(store) if not row.startswith('{"labels": ["Review"]')]

    fused = items()
    store.push(document, replace=True)  # every relationship rebuilt one by one
    assert items() == fused
    store.delete(document.review.id)
    before = snapshot(store)

    real = push._fused_extract

    def lost_study(node, props, out):
        row = real(node, props, out)
        if row is not None and node == "x-118":
            row["study"] = "no-such-study"
        return row

    monkeypatch.setattr(push, "_fused_extract", lost_study)
    with pytest.raises(BackendError, match="1 extracts of review 'ics-leadership' did not"):
        store.push(document)
    assert snapshot(store) == before


def test_failed_replace_keeps_the_old_review(store, mini):
    document = TheoryDocument.model_validate(mini)
    store.push(document)
    before = snapshot(store)
    mini["extracts"][0]["quote"] = "new text"

    def fail_late(done: int, total: int) -> None:
        if done == total - 1:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        store.push(TheoryDocument.model_validate(mini), replace=True, progress=fail_late)
    assert snapshot(store) == before


def test_reviews_live_side_by_side(store, sample, mini):
    store.push(read_theory(sample))
    store.push(TheoryDocument.model_validate(mini))
    uri = store.settings.uri
    assert TheoryGraph.open(uri, review="mini").stats().counts["Extract"] == 3
    assert TheoryGraph.open(uri, review="ics-leadership").stats().counts["Extract"] == 118
    with pytest.raises(UsageError) as caught:
        TheoryGraph.open(uri)
    assert "holds several reviews" in str(caught.value)
    assert "choose one with review" in str(caught.value)  # the library's parameter
    from click.testing import CliRunner

    from theorygraph.cli import main

    done = CliRunner().invoke(main, ["query", "gaps", uri])
    assert done.exit_code == 2
    assert done.stderr.strip().endswith("choose one with --review")  # the CLI's option
    with pytest.raises(SourceError) as caught:
        TheoryGraph.open(uri, review="ics-leadershp")
    assert str(caught.value).endswith(
        "no review 'ics-leadershp' in the database; did you mean ics-leadership?"
    )


def test_server_down_or_wrong_port_fails_fast():
    started = time.monotonic()
    with pytest.raises(ConnectionFailed) as caught:
        Neo4jStore(Neo4jSettings("bolt://127.0.0.1:1", password="x"))
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert message.startswith("bolt://127.0.0.1:1: cannot reach Neo4j")
    assert "is the server running" in message


def test_wrong_password(neo4j_uri):
    with pytest.raises(ConnectionFailed) as caught:
        Neo4jStore(Neo4jSettings(neo4j_uri, password="wrong-secret-123"))
    message = str(caught.value)
    assert message == (
        f"{neo4j_uri}: Neo4j refused the credentials for user 'neo4j'; "
        "check --username/--password or NEO4J_USERNAME/NEO4J_PASSWORD"
    )
    assert "wrong-secret-123" not in message


def test_password_in_the_uri_is_never_shown(neo4j_uri):
    host = neo4j_uri.split("://", 1)[1]
    with pytest.raises(ConnectionFailed) as caught:
        Neo4jStore(Neo4jSettings(f"bolt://neo4j:hunter2-secret@{host}"))
    assert "hunter2-secret" not in str(caught.value)
    assert str(caught.value).startswith(f"bolt://{host}: ")


def test_missing_database(neo4j_uri):
    with pytest.raises(ConnectionFailed) as caught:
        TheoryGraph.open(neo4j_uri, neo4j=_options(database="nosuchdb"))
    assert str(caught.value) == (
        f"{neo4j_uri}: database 'nosuchdb' does not exist; check --database or NEO4J_DATABASE "
        "(SHOW DATABASES lists them), or leave it unset for the server's default database"
    )


def _options(**kw):
    from theorygraph.graph import Neo4jOptions

    return Neo4jOptions(**kw)


def test_server_version_is_checked(store):
    assert store.version.startswith("5.")


# -- the CLI --------------------------------------------------------------------------------


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_push_stats_pull(store, sample, tmp_path):
    uri = store.settings.uri
    pushed = cli("push", sample, uri)
    assert pushed.exit_code == 0, pushed.output
    nodes = sum(len(getattr(read_theory(sample), s)) for s in NODE_SECTIONS)
    assert pushed.stdout.startswith(f"pushed review 'ics-leadership' ({nodes} nodes, ")
    again = cli("push", sample, uri)
    assert again.stdout.startswith("unchanged: review 'ics-leadership'")
    from_neo4j = cli("stats", uri, "--review", "ics-leadership", "--format", "json")
    from_file = cli("stats", sample, "--format", "json")
    assert from_neo4j.exit_code == 0
    assert from_neo4j.stdout == from_file.stdout
    out = tmp_path / "ics.yaml"
    pulled = cli("pull", uri, "--review", "ics-leadership", "-o", out)
    assert pulled.exit_code == 0
    assert read_theory(out) == read_theory(sample)


def test_cli_errors_are_one_line_and_exit_1(neo4j_uri, sample):
    down = cli("stats", "bolt://127.0.0.1:1", "--password", "pw-not-shown")
    assert down.exit_code == 1
    assert down.stderr.startswith("error: bolt://127.0.0.1:1: cannot reach Neo4j")
    assert len(down.stderr.strip().splitlines()) == 1
    assert "pw-not-shown" not in down.output
    bad = cli("push", sample, neo4j_uri, "--password", "wrong-pw-777")
    assert bad.exit_code == 1
    assert "refused the credentials" in bad.stderr
    assert "wrong-pw-777" not in bad.output and "Traceback" not in bad.output


def test_cli_push_to_a_non_uri_is_bad_usage(sample, tmp_path):
    result = cli("push", sample, tmp_path / "x")
    assert result.exit_code == 2
