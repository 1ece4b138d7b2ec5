"""Shared fixtures: a small valid theory, the sample, and a file writer under tmp_path."""

from __future__ import annotations

import copy
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# the benchmarks' helpers for Neo4j and Chromium (the repository root is on pytest's pythonpath)
from benchmarks.runner import CHROMIUM, read_exports

ROOT = Path(__file__).resolve().parent.parent

SAMPLE = ROOT / "samples" / "ics-leadership"

#: what a hostile input may cost before the tests call it a failure
BOUND_BYTES = 1 << 30
BOUND_SECONDS = 10.0


def run_bounded(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``theorygraph ARGS`` in a process held to 1 GiB of address space; it fails the test
    (subprocess.TimeoutExpired) when it runs longer than 10 seconds."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (BOUND_BYTES, BOUND_BYTES))

    return subprocess.run(
        [sys.executable, "-m", "theorygraph", *(str(a) for a in args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=BOUND_SECONDS,
        preexec_fn=limit,
    )


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


#: the warnings the sample review validates with (its three CMOCs without evidence)
SAMPLE_WARNINGS = [
    "CMOC 'cmoc-12' has no evidence",
    "CMOC 'cmoc-13' has no evidence",
    "CMOC 'cmoc-14' has no evidence",
]


@pytest.fixture(scope="session")
def doc():
    """The sample review, read once for the tests that only read it."""
    from theorygraph.validate import read_theory

    return read_theory(SAMPLE)


@pytest.fixture
def sample() -> Path:
    return SAMPLE


# -- Neo4j ------------------------------------------------------------------------------
# The Neo4j half of the suite runs against a real server: NEO4J_URI when set, else the
# dev server from scripts/neo4j-dev (Neo4j Community from Maven Central), started once
# per session. Without Java or Maven it skips, except in CI (CI=true), where it fails.

import os  # noqa: E402
import shutil  # noqa: E402

NEO4J_FIXTURES = {"neo4j_env", "neo4j_uri", "store"}


def pytest_collection_modifyitems(config, items):
    """Mark every test that talks to Neo4j, so `-m "not neo4j"` gives a quick run."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if NEO4J_FIXTURES & set(item.fixturenames) or params.get("open_graph") == "neo4j":
            item.add_marker(pytest.mark.neo4j)


def require_chromium() -> str:
    """Debian's Chromium and Playwright, or skip (fail in CI, where browser tests must run)."""
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "playwright is not installed (pip install -e '.[test]')"
    if reason is None and not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if reason:
        if _in_ci():
            pytest.fail(f"{reason}; in CI the browser tests must run", pytrace=False)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (Debian's, driven by Playwright)."""
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    from benchmarks.runner import CHROMIUM_FLAGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class MapPage:
    """A map opened from file:// with every other request blocked; records the requests,
    page errors and dialogs, and waits until the map says it is ready."""

    def __init__(self, browser: Any, path: Path, size=(1440, 900), hash_: str = "") -> None:
        width, height = size
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

        def route(r: Any) -> None:
            self.requests.append(r.request.url)
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

        def dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)
        self.page.set_default_timeout(8000)
        self.page.goto(path.as_uri() + hash_)
        self.page.wait_for_function("window.theorygraphReady === true", timeout=30000)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def click_node(self, node_id: str) -> None:
        point = self.js(
            f"(() => {{ const p = tgNetwork.getPositions([{node_id!r}])[{node_id!r}];"
            " return tgNetwork.canvasToDOM(p); })()"
        )
        box = self.page.locator("#network").bounding_box()
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])

    def offsite(self) -> list[str]:
        return [u for u in self.requests if not u.startswith("file://")]

    def close(self) -> None:
        self.context.close()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def neo4j_env():
    """NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD of a running server."""
    if os.environ.get("NEO4J_URI"):
        yield {
            k: os.environ[k]
            for k in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD")
            if k in os.environ
        }
        return
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        reason = f"Neo4j tests need {' and '.join(missing)} to start the dev server"
        if _in_ci():
            pytest.fail(f"{reason}; in CI they must run", pytrace=False)
        pytest.skip(reason)
    script = str(ROOT / "scripts" / "neo4j-dev")
    was_running = subprocess.run([script, "status"], capture_output=True).returncode == 0
    started = subprocess.run([script, "start"], capture_output=True, text=True, timeout=900)
    if started.returncode != 0:
        pytest.fail(f"scripts/neo4j-dev start failed:\n{started.stderr}", pytrace=False)
    yield read_exports(started.stdout)
    if not was_running and not os.environ.get("THEORYGRAPH_KEEP_NEO4J"):
        # leave things as we found them; set THEORYGRAPH_KEEP_NEO4J=1 to keep it for reruns
        subprocess.run([script, "stop"], capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_env, monkeypatch_session) -> str:
    for key, value in neo4j_env.items():
        monkeypatch_session.setenv(key, value)
    return neo4j_env["NEO4J_URI"]


@pytest.fixture(scope="session")
def monkeypatch_session():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture
def store(neo4j_uri):
    """A store on the test server; reviews the tests push are removed afterwards."""
    from theorygraph.backends.neo4j import Neo4jSettings, Neo4jStore

    with Neo4jStore(Neo4jSettings(neo4j_uri)) as s:
        before = set(s.reviews())
        yield s
        for review in set(s.reviews()) - before:
            s.delete(review)


@pytest.fixture(params=["embedded", "neo4j"])
def open_graph(request):
    """Open a document in each backend in turn: the contract suite runs every test twice."""
    from theorygraph.graph import TheoryGraph

    opened = []

    def open_(document):
        if request.param == "embedded":
            graph = TheoryGraph.from_document(document)
        else:
            store = request.getfixturevalue("store")
            store.push(document, replace=True)
            graph = TheoryGraph.open(store.settings.uri, review=document.review.id)
        opened.append(graph)
        return graph

    open_.backend = request.param
    yield open_
    for graph in opened:
        graph.close()
