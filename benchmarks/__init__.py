"""theorygraph's benchmark suite: speed and scale, as ratios against baselines in one run.

Run it from the repository root::

    python -m benchmarks                 # the full run (~20 min on 2 cores): rewrites
                                         # benchmarks/results.json and docs/performance.md
    python -m benchmarks --quick         # smaller sizes, fewer repeats; writes to a temp folder
    python -m benchmarks --smoke         # tiny sizes, one repeat: checks it all still works
    python -m benchmarks --only push     # one benchmark (repeatable); merged into the results

One module per benchmark (``validate_load``, ``imports``, ``push``, ``queries``, ``maps``,
``startup``), each with a ``run(ctx)`` that returns rows; :mod:`benchmarks.runner` holds
what they share (repeats and medians, peak memory, the machine, Neo4j and Chromium) and
:mod:`benchmarks.report` writes the JSON and the Markdown. Where a fix changed the
library, the old behaviour is kept as a reference (:mod:`benchmarks.previous`, the
round-trip reader in :mod:`benchmarks.validate_load`) and measured in the same run.
"""

BENCHMARKS = ("startup", "validate_load", "import", "push", "queries", "map")
