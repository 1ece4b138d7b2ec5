"""Generate realistic synthetic reviews, for tests and benchmarks.

The shape follows real realist reviews: a heavy tail of extracts per study (a few
rich studies, many thin ones), most extracts on single links, CMOCs chained through
outcomes that become the next CMOC's context, a few contested links, some candidate
mechanisms without any evidence, and an initial and refined theory (plus a final one
for larger reviews). The same arguments and seed always give the same review.

>>> doc = generate(studies=20, mechanisms=6, seed=1)
>>> len(doc.studies), len(doc.mechanisms)
(20, 6)
>>> generate(studies=20, mechanisms=6, seed=1) == doc
True
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from .model import TheoryDocument

__all__ = ["generate", "write_generated"]

DESIGNS = (
    ["qualitative"] * 5
    + ["case-study"] * 3
    + ["mixed-methods"] * 2
    + ["quantitative", "evaluation", "review", "policy-document", "commentary"]
)
SECTORS = ["health"] * 3 + ["social-care"] * 2 + ["health-and-social-care"] * 4 + ["other"]
COUNTRIES = ["England"] * 6 + [
    "Scotland",
    "Wales",
    "Canada",
    "Australia",
    "Netherlands",
    "United States",
    "Sweden",
    "New Zealand",
]
PARTICIPANTS = [
    "senior leaders",
    "managers",
    "frontline staff",
    "commissioners",
    "clinicians",
    "social workers",
    "carers",
    "service users",
]
WORDS = [
    "trust",
    "purpose",
    "power",
    "learning",
    "capacity",
    "voice",
    "pressure",
    "role",
    "boundary",
    "budget",
    "culture",
    "network",
    "data",
    "place",
    "workforce",
]
STANCES = ["supports"] * 17 + ["refines"] * 2 + ["refutes"]
LEVELS = ["proximal", "intermediate", "distal"]
JUDGEMENTS = ["high", "moderate", "moderate", "low"]


def _phrase(rng: random.Random, n: int = 3) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def generate(
    *,
    studies: int = 50,
    mechanisms: int = 10,
    extracts_per_study: float = 4.0,
    unsupported: float = 0.2,
    seed: int = 0,
    review_id: str | None = None,
) -> TheoryDocument:
    """A synthetic review with ``studies`` studies and ``mechanisms`` candidate mechanisms."""
    if studies < 1 or mechanisms < 1:
        raise ValueError("a review needs at least one study and one mechanism")
    rng = random.Random(seed)
    rid = review_id or f"generated-{studies}-{mechanisms}-{seed}"
    n_contexts = max(2, round(mechanisms * 0.8))
    contexts = [
        {
            "id": f"c-{i:04d}",
            "label": f"Context {i}: {_phrase(rng)}",
            "kind": rng.choice(["organisational", "relational", "policy", "individual"]),
        }
        for i in range(1, n_contexts + 1)
    ]
    mechs = [
        {
            "id": f"m-{i:04d}",
            "label": f"Mechanism {i}: {_phrase(rng, 2)}",
            "resource": f"Resource: {_phrase(rng)}",
            "reasoning": f"Reasoning: {_phrase(rng)}",
        }
        for i in range(1, mechanisms + 1)
    ]
    unsupported_ids = {m["id"] for m in rng.sample(mechs, k=round(mechanisms * unsupported))}
    outcomes: list[dict[str, Any]] = []
    cmocs: list[dict[str, Any]] = []
    for index, mech in enumerate(mechs):
        for _ in range(1 if rng.random() < 0.6 else 2):
            number = len(cmocs) + 1
            out_ids = []
            for _ in range(1 if rng.random() < 0.7 else 2):
                oid = f"o-{len(outcomes) + 1:04d}"
                outcome: dict[str, Any] = {
                    "id": oid,
                    "label": f"Outcome {len(outcomes) + 1}: {_phrase(rng)}",
                    "level": rng.choice(LEVELS),
                }
                if rng.random() < 0.08:
                    outcome["intended"] = False
                outcomes.append(outcome)
                out_ids.append(oid)
            ctx = rng.sample([c["id"] for c in contexts], k=1 if rng.random() < 0.6 else 2)
            cmocs.append(
                {
                    "id": f"cmoc-{number:04d}",
                    "label": f"CMOC {number} of {mech['id']}",
                    "contexts": ctx,
                    "mechanisms": [mech["id"]],
                    "outcomes": out_ids,
                    "theories": ["ipt"],
                    "mechanism_index": index,
                }
            )
    # chains: a CMOC leads into a later CMOC of a supported mechanism, whose context is
    # one of this CMOC's outcomes
    for i, cmoc in enumerate(cmocs):
        later = [c for c in cmocs[i + 1 :] if c["mechanisms"][0] not in unsupported_ids]
        if later and cmoc["mechanisms"][0] not in unsupported_ids and rng.random() < 0.35:
            nxt = rng.choice(later[:8])
            cmoc.setdefault("leads_to", []).append(nxt["id"])
            bridge = rng.choice(cmoc["outcomes"])
            if bridge not in nxt["contexts"]:
                nxt["contexts"] = [bridge, *nxt["contexts"]]
    for cmoc in cmocs:
        cmoc.pop("mechanism_index")
        if cmoc["mechanisms"][0] not in unsupported_ids:
            cmoc["theories"] = ["ipt", "rpt"]
    theories = [
        {"id": "ipt", "label": "Initial programme theory", "version": "1.0", "status": "initial"},
        {
            "id": "rpt",
            "label": "Refined programme theory",
            "version": "2.0",
            "status": "refined",
            "refines": "ipt",
        },
    ]
    if studies >= 100:
        theories.append(
            {
                "id": "fpt",
                "label": "Final programme theory",
                "version": "3.0",
                "status": "final",
                "refines": "rpt",
            }
        )
        for cmoc in cmocs:
            if "rpt" in cmoc["theories"] and rng.random() < 0.8:
                cmoc["theories"].append("fpt")
    study_rows: list[dict[str, Any]] = []
    for i in range(1, studies + 1):
        study: dict[str, Any] = {
            "id": f"study-{i:05d}",
            "title": f"Generated study {i}",
            "year": rng.randint(2000, 2024),
            "design": rng.choice(DESIGNS),
            "country": rng.choice(COUNTRIES),
            "sector": rng.choice(SECTORS),
            "participants": sorted(set(rng.sample(PARTICIPANTS[:6], k=rng.randint(1, 3)))),
        }
        if rng.random() < 0.1:
            study["service_user_involvement"] = True
            study["participants"] = sorted({*study["participants"], "service users"})
        study_rows.append(study)
    evidenced = [c for c in cmocs if c["mechanisms"][0] not in unsupported_ids]
    extracts: list[dict[str, Any]] = []
    for study in study_rows:
        # heavy tail: most studies give one or two extracts, a few give many
        count = max(1, round(rng.paretovariate(1.6) * extracts_per_study * 0.4))
        for _ in range(count):
            cmoc = rng.choice(evidenced)
            extract = {
                "id": f"x-{len(extracts) + 1:06d}",
                "study": study["id"],
                "quote": f"Generated quote {len(extracts) + 1} about {_phrase(rng, 4)}.",
                "location": f"p. {rng.randint(1, 40)}",
                "cmoc": cmoc["id"],
                "stance": rng.choice(STANCES),
                "relevance": rng.choice(JUDGEMENTS),
                "rigour": rng.choice(JUDGEMENTS),
            }
            if rng.random() < 0.7:
                mech = cmoc["mechanisms"][0]
                if rng.random() < 0.5:
                    extract["link"] = {"from": rng.choice(cmoc["contexts"]), "to": mech}
                else:
                    extract["link"] = {"from": mech, "to": rng.choice(cmoc["outcomes"])}
            extracts.append(extract)
    return TheoryDocument.model_validate(
        {
            "review": {
                "id": rid,
                "title": f"Generated review ({studies} studies, seed {seed})",
                "notes": "Synthetic data made by theorygraph generate.",
            },
            "theories": theories,
            "contexts": contexts,
            "mechanisms": mechs,
            "outcomes": outcomes,
            "cmocs": cmocs,
            "studies": study_rows,
            "extracts": extracts,
        }
    )


def write_generated(document: TheoryDocument, folder: Path) -> list[Path]:
    """Write a document as a folder of theory files (review, theory, studies, extracts),
    a large section split over several files as :mod:`theorygraph.layout` does."""
    from .files import write_files
    from .layout import folder_texts

    return write_files(folder_texts(document.to_data(), folder), folder=folder)
