"""What every benchmark shares: modes and sizes, repeats and medians, peak memory, the
machine description, and the Neo4j server and Chromium the benchmarks run against.

Neo4j and Chromium are found as the test suite finds them (the tests use ``CHROMIUM``,
``CHROMIUM_FLAGS`` and :func:`read_exports` from here): ``NEO4J_URI`` (with
``NEO4J_USERNAME``/``NEO4J_PASSWORD``) when set, else ``scripts/neo4j-dev`` is started,
and stopped afterwards if this run started it; Chromium is ``THEORYGRAPH_CHROMIUM`` or
``/usr/bin/chromium``, driven by Playwright, never downloaded. Without them a benchmark
is skipped, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NEO4J_DEV = ROOT / "scripts" / "neo4j-dev"
CHROMIUM = os.environ.get("THEORYGRAPH_CHROMIUM", "/usr/bin/chromium")
#: the flags headless Chromium runs with, in the benchmarks and in the browser tests
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: every review a benchmark pushes has an id starting with this and the run's tag; a run
#: deletes its own reviews, and those of runs that started over STALE_HOURS ago
REVIEW_PREFIX = "bench-"
STALE_HOURS = 6


class Unavailable(Exception):
    """Something a benchmark needs (Neo4j, Chromium) is not on this machine."""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def read_exports(text: str) -> dict[str, str]:
    """The variables of the ``export NAME=value`` lines ``scripts/neo4j-dev start`` prints.

    >>> read_exports("export NEO4J_URI=bolt://127.0.0.1:7688\\nexport NEO4J_PASSWORD='a b'\\n")
    {'NEO4J_URI': 'bolt://127.0.0.1:7688', 'NEO4J_PASSWORD': 'a b'}
    """
    env = {}
    for line in text.splitlines():
        if line.startswith("export ") and "=" in line:
            key, _, value = line[len("export ") :].partition("=")
            env[key] = shlex.split(value)[0] if value else ""
    return env


# -- modes and sizes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """One review size: ``generate(studies=..., mechanisms=..., extracts_per_study=4.0)``."""

    label: str
    studies: int
    mechanisms: int


@dataclass(frozen=True)
class Mode:
    name: str
    sizes: tuple[Size, ...]
    #: (label, mechanisms, studies) of the reviews drawn as maps; nodes = contexts +
    #: mechanisms + outcomes, about 3.6 per mechanism
    map_sizes: tuple[tuple[str, int, int], ...]
    #: seconds to wait for plain pyvis to settle before giving up
    pyvis_cap: float
    #: seconds a push that is known to be slow may run before it is stopped
    push_cap: float

    def pick(self, table: dict[str, tuple[int, ...]], index: int) -> int:
        """A per-size setting (repeats, ...) from a table keyed by mode name."""
        values = table[self.name]
        return values[min(index, len(values) - 1)]


MODES = {
    "full": Mode(
        "full",
        (Size("1k", 240, 20), Size("10k", 2400, 60), Size("100k", 21500, 200)),
        (("100", 28, 112), ("1,000", 276, 1104), ("5,000", 1380, 5520)),
        pyvis_cap=120.0,
        push_cap=60.0,
    ),
    "quick": Mode(
        "quick",
        (Size("1k", 240, 20), Size("10k", 2400, 60)),
        (("100", 28, 112), ("1,000", 276, 1104)),
        pyvis_cap=60.0,
        push_cap=30.0,
    ),
    "smoke": Mode(
        "smoke",
        (Size("tiny", 24, 6), Size("small", 60, 10)),
        (("30", 8, 32), ("410", 112, 112)),
        pyvis_cap=5.0,
        push_cap=10.0,
    ),
}
SEED = 1


# -- timing and memory -----------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def repeat(
    fn: Callable[[], Any], times: int, before: Callable[[], Any] | None = None
) -> list[float]:
    """Seconds of ``times`` calls of ``fn``, each after an untimed ``before()``."""
    runs = []
    for _ in range(times):
        if before is not None:
            before()
        runs.append(timed(fn)[0])
    return runs


def rss_kib() -> int:
    """Resident memory of this process now (KiB), from /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_kib() -> int:
    """Peak resident memory of this process so far (KiB)."""
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


# -- the machine -----------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def describe_machine() -> dict[str, Any]:
    """Cores, memory, CPU, OS, Python and the versions of what the benchmarks use."""
    meminfo = _read("/proc/meminfo")
    mem_kib = next(
        (int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:")),
        0,
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count() or 0
    git = {}
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if head.returncode == 0:
            git = {"commit": head.stdout.strip(), "modified_files": dirty.stdout.count("\n")}
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "packages": {
            name: _version(name)
            for name in (
                "theorygraph",
                "networkx",
                "neo4j",
                "pydantic",
                "ruamel.yaml",
                "ruamel.yaml.clib",
                "pyvis",
                "playwright",
                "click",
            )
        },
        "git": git,
    }


# -- Neo4j ------------------------------------------------------------------------------------


class Neo4jServer:
    """NEO4J_URI when set; else scripts/neo4j-dev, started here and stopped at the end."""

    def __init__(self) -> None:
        self.env: dict[str, str] | None = None
        self.started_here = False
        self.failure: str | None = None

    def settings(self) -> dict[str, str]:
        if self.env is not None:
            return self.env
        if self.failure is not None:
            raise Unavailable(self.failure)
        try:
            self.env = self._find()
        except Unavailable as exc:
            self.failure = str(exc)
            raise
        return self.env

    def _find(self) -> dict[str, str]:
        if os.environ.get("NEO4J_URI"):
            keys = ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD")
            return {k: os.environ[k] for k in keys if k in os.environ}
        missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
        if missing:
            raise Unavailable(
                f"Neo4j benchmarks need {' and '.join(missing)} to start the dev server"
            )
        was_running = (
            subprocess.run([str(NEO4J_DEV), "status"], capture_output=True).returncode == 0
        )
        started = subprocess.run(
            [str(NEO4J_DEV), "start"], capture_output=True, text=True, timeout=900
        )
        if started.returncode != 0:
            raise Unavailable(f"scripts/neo4j-dev start failed: {started.stderr.strip()[-500:]}")
        self.started_here = not was_running
        return read_exports(started.stdout)

    def stop(self) -> None:
        if self.started_here and not os.environ.get("THEORYGRAPH_KEEP_NEO4J"):
            subprocess.run([str(NEO4J_DEV), "stop"], capture_output=True, timeout=120)
            self.started_here = False


def server_info(store: Any) -> dict[str, Any]:
    """Version, edition and heap of the Neo4j server behind a store."""
    info: dict[str, Any] = {"version": store.version, "edition": store.edition}
    try:
        records, _, _ = store.driver.execute_query(
            "CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
            "RETURN attributes.HeapMemoryUsage.value.properties.max AS max",
            database_=store.settings.database,
        )
        if records and records[0]["max"]:
            info["heap_gib"] = round(records[0]["max"] / 1024**3, 1)
    except Exception:  # noqa: BLE001 - JMX is optional information
        pass
    records, _, _ = store.driver.execute_query(
        "MATCH (n) RETURN count(n) AS nodes", database_=store.settings.database
    )
    info["nodes_before_run"] = records[0]["nodes"]
    return info


def clear_query_caches(store: Any) -> None:
    """Forget cached plans, so the next statement is planned from the statistics as they are."""
    store.driver.execute_query("CALL db.clearQueryCaches()", database_=store.settings.database)


def replan(store: Any) -> None:
    """Sample every index again and forget cached plans: statistics of the database now."""
    store.driver.execute_query("CALL db.prepareForReplanning()", database_=store.settings.database)


def run_tag() -> str:
    """Start time and a random part: two runs on one server never share a review."""
    import secrets

    return f"{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(2)}"


def stale(review: str, now: float | None = None) -> bool:
    """Is this a benchmark review left by a run that started over STALE_HOURS ago?

    >>> stale("bench-20000101000000-ab12-1k")
    True
    >>> stale("ics-leadership")
    False
    """
    if not review.startswith(REVIEW_PREFIX):
        return False
    stamp = review[len(REVIEW_PREFIX) :].split("-", 1)[0]
    try:
        started = time.mktime(time.strptime(stamp, "%Y%m%d%H%M%S"))
    except ValueError:
        return False
    return (now or time.time()) - started > STALE_HOURS * 3600


def drop_review(store: Any, review: str) -> None:
    """Delete a benchmark review if it is there (never anything else)."""
    if not review.startswith(REVIEW_PREFIX):
        raise ValueError(f"refusing to delete {review!r}: not a benchmark review")
    if store.has_review(review):
        store.delete(review)


# -- Chromium -----------------------------------------------------------------------------------


def find_chromium() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        raise Unavailable("playwright is not installed (pip install -e '.[test]')") from exc
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        raise Unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


# -- the run context ------------------------------------------------------------------------------


@dataclass
class Context:
    """What a benchmark's ``run(ctx)`` gets: the mode, a scratch folder, data and servers."""

    mode: Mode
    workdir: Path
    verbose: bool = True
    machine: dict[str, Any] = field(default_factory=dict)
    server: Neo4jServer = field(default_factory=Neo4jServer)
    tag: str = field(default_factory=run_tag)
    _documents: dict[tuple[int, int, str], Any] = field(default_factory=dict)
    _store: Any = None

    def review_id(self, label: str) -> str:
        return f"{REVIEW_PREFIX}{self.tag}-{label}"

    def _own(self, review: str) -> bool:
        return review.startswith(self.review_id(""))

    def log(self, message: str) -> None:
        if self.verbose:
            print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    def document(self, studies: int, mechanisms: int, review_id: str) -> Any:
        """A generated review, made once per run for each size."""
        from theorygraph.generate import generate

        key = (studies, mechanisms, review_id)
        if key not in self._documents:
            self._documents[key] = generate(
                studies=studies,
                mechanisms=mechanisms,
                extracts_per_study=4.0,
                seed=SEED,
                review_id=review_id,
            )
        return self._documents[key]

    def sized(self, size: Size) -> Any:
        return self.document(size.studies, size.mechanisms, self.review_id(size.label))

    def neo4j_settings(self) -> Any:
        from theorygraph.backends.neo4j import Neo4jSettings

        env = self.server.settings()
        return Neo4jSettings(env["NEO4J_URI"], env.get("NEO4J_USERNAME"), env.get("NEO4J_PASSWORD"))

    def store(self) -> Any:
        """One Neo4jStore for the run; reviews left by old, crashed runs are removed first."""
        if self._store is None:
            from theorygraph.backends.neo4j import Neo4jStore

            store = Neo4jStore(self.neo4j_settings())
            for review in store.reviews():
                if stale(review):
                    store.delete(review)
            self.machine["neo4j"] = server_info(store)
            self._store = store
        return self._store

    def close(self) -> None:
        if self._store is not None:
            for review in self._store.reviews():
                if self._own(review):
                    self._store.delete(review)
            self._store.close()
            self._store = None
        self.server.stop()


@contextmanager
def context(mode: Mode, verbose: bool = True) -> Iterator[Context]:
    workdir = Path(tempfile.mkdtemp(prefix="theorygraph-bench-"))
    ctx = Context(mode, workdir, verbose, describe_machine())
    try:
        yield ctx
    finally:
        ctx.close()
        shutil.rmtree(workdir, ignore_errors=True)


# -- Cypher plans ---------------------------------------------------------------------------------


def render_plan(plan: Any, indent: int = 0) -> list[str]:
    """An EXPLAIN or PROFILE plan as indented lines: operator, details, rows, db hits."""
    if plan is None:
        return []
    if not isinstance(plan, dict):  # the driver's ProfiledPlan / Plan objects
        plan = {
            "operatorType": plan.operator_type,
            "args": plan.arguments,
            "children": list(plan.children),
            "rows": getattr(plan, "rows", None),
            "dbHits": getattr(plan, "db_hits", None),
        }
    args = plan.get("args", {})
    line = "  " * indent + plan["operatorType"].split("@")[0]
    details = args.get("Details")
    if details:
        line += f" {details}"
    if plan.get("rows") is not None:
        line += f"  (rows {plan['rows']}, db hits {plan.get('dbHits', 0)})"
    out = [line]
    for child in plan.get("children", []):
        out += render_plan(child, indent + 1)
    return out


def db_hits(plan: Any) -> int:
    if not isinstance(plan, dict):
        return 0
    return int(plan.get("dbHits", 0)) + sum(db_hits(c) for c in plan.get("children", []))
