"""The evidence rules in one place, and a package whose imports never run in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from theorygraph import evidence
from theorygraph.results import EvidenceRow

PACKAGE = Path(evidence.__file__).parent


def row(stance: str, study: str = "s1", link: tuple[str, str] | None = None) -> EvidenceRow:
    ends = link or (None, None)
    return EvidenceRow(f"x-{stance}-{study}", "k1", ends[0], ends[1], stance, study)


def test_stances_are_the_models():
    from theorygraph.model import Stance

    assert evidence.STANCES == tuple(s.value for s in Stance) == ("supports", "refutes", "refines")
    assert {"supports", "refines"} == evidence.SUPPORTING


def test_supporting_and_refining_count_refuting_does_not():
    assert evidence.has_support([row("refines")])
    assert not evidence.has_support([row("refutes"), row("refutes", "s2")])
    assert not evidence.has_support([])
    rows = [
        row("supports", "s2"),
        row("refutes", "s3"),
        row("refines", "s1"),
        row("supports", "s2"),
    ]
    assert evidence.supporting_studies(rows) == ["s1", "s2"]
    assert evidence.stance_counts(rows) == {"supports": 2, "refutes": 1, "refines": 1}
    assert evidence.stance_counts([]) == {"supports": 0, "refutes": 0, "refines": 0}


@pytest.mark.parametrize(
    "stances,word",
    [
        ([], "none"),
        (["supports"], "supporting"),
        (["refutes"], "refuting"),
        (["refines"], "refining"),
        (["supports", "refutes"], "contested"),
        (["refines", "refutes"], "refuting"),  # refining and refuting is not contested
        (["supports", "refines"], "supporting"),
    ],
)
def test_one_word_for_a_link(stances, word):
    rows = [row(s, f"s{i}") for i, s in enumerate(stances)]
    assert evidence.link_stance(rows) == word
    assert evidence.is_contested(rows) == (word == "contested")


def test_what_an_extract_bears_on():
    whole = row("supports")
    on_link = row("supports", link=("c1", "m1"))
    assert whole.bears_on_link("c1", "m1") and whole.bears_on_link("m1", "o1")
    assert on_link.bears_on_link("c1", "m1") and not on_link.bears_on_link("m1", "o1")
    assert whole.bears_on_node("o1")
    assert on_link.bears_on_node("c1") and on_link.bears_on_node("m1")
    assert not on_link.bears_on_node("o1")


def test_no_other_module_spells_out_the_supporting_rule():
    """The rule lives in evidence.py: a second copy would drift."""
    spelled = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "evidence.py":
            continue
        text = path.read_text(encoding="utf-8")
        for copy in (
            '("supports", "refines")',
            '("supports", "refutes", "refines")',
            '["supports", "refutes", "refines"]',
        ):
            if copy in text:
                spelled.append(f"{path.relative_to(PACKAGE)}: {copy}")
    assert spelled == []


def _module_imports() -> nx.DiGraph:
    """theorygraph's modules and their imports of each other, at module level and inside
    functions alike (an import moved into a function to dodge a circle is still one)."""
    graph = nx.DiGraph()
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        graph.add_node(name)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        checking = {
            id(n)
            for block in tree.body
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for n in ast.walk(block)
        }
        for node in ast.walk(tree):
            if id(node) in checking:  # imports for type checkers only
                continue
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")
                if node.level:
                    base = base[: len(base) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets.append(module)
                targets += [f"{module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets += [a.name for a in node.names]
            for target in targets:
                if target.startswith("theorygraph") and target != name:
                    graph.add_edge(name, target)
    known = {
        n
        for n in graph
        if (PACKAGE.parent / n.replace(".", "/")).exists()
        or (PACKAGE.parent / (n.replace(".", "/") + ".py")).exists()
    }
    return graph.subgraph(known).copy()


def test_the_package_imports_form_no_circle():
    graph = _module_imports()
    assert graph.number_of_edges() > 30  # the walk found the imports
    circles = [c for c in nx.simple_cycles(graph) if len(c) > 1]
    # a package's __init__ importing its own modules is not a circle of layers
    circles = [
        c
        for c in circles
        if not any(a.startswith(b + ".") or b.startswith(a + ".") for a in c for b in c if a != b)
    ]
    assert circles == []
