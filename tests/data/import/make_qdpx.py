"""Build a small REFI-QDA project (.qdpx) from the sample review, deterministically.

Three sources (study-03, study-07, study-35) hold the paraphrases of eight of their
extracts; each is coded as theorygraph's naming convention says (docs/import.md): a
CMOC code, a Stance code, Relevance, Rigour and Kind codes, and for an extract on one
link a Link code with the context, mechanism or outcome codes of its two ends. One more
segment carries only a code outside the convention and must not be imported.
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

NS = "urn:QDA-XML:project:1.0"
#: the extracts the project codes, by source
SEGMENTS = {
    "study-03": ["x-011", "x-013", "x-014", "x-019"],
    "study-07": ["x-036", "x-037"],
    "study-35": ["x-114", "x-115"],
}
#: codes written as "id: label" (the rest by label alone), to show both forms
BY_ID = {
    "c-no-legal-mandate",
    "o-collaborative-intent",
    "m-creating-conditions",
    "o-less-diversity",
}
FIXED_TIME = (2021, 1, 1, 0, 0, 0)


def guid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "theorygraph-sample/" + "/".join(parts))).upper()


def _el(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)


def build(document) -> tuple[bytes, dict[str, str]]:
    """project.qde and the source texts (sources/NAME -> text)."""
    extracts = {x.id: x for x in document.extracts}
    cmocs = {c.id: c for c in document.cmocs}
    labels = {
        n.id: n.label for s in ("contexts", "mechanisms", "outcomes") for n in getattr(document, s)
    }
    wanted = [extracts[i] for ids in SEGMENTS.values() for i in ids]
    groups: dict[str, list[str]] = {
        "Contexts": [],
        "Mechanisms": [],
        "Outcomes": [],
        "CMOCs": [],
        "Link": [],
        "Stance": ["supports", "refutes", "refines"],
        "Relevance": ["high", "moderate", "low"],
        "Rigour": ["high", "moderate", "low"],
        "Kind": ["quote", "paraphrase"],
    }

    def name(node_id: str) -> str:
        return f"{node_id}: {labels[node_id]}" if node_id in BY_ID else labels[node_id]

    def add(group: str, code: str) -> str:
        if code not in groups[group]:
            groups[group].append(code)
        return code

    codings: dict[str, list[tuple[str, str]]] = {}
    for x in wanted:
        codes = [
            ("CMOCs", add("CMOCs", x.cmoc)),
            ("Stance", x.stance.value),
            ("Kind", x.kind.value),
        ]
        codes += [(g, v.value) for g, v in (("Relevance", x.relevance), ("Rigour", x.rigour)) if v]
        if x.link is not None:
            c_m = x.link.source in cmocs[x.cmoc].contexts
            link, (g1, g2) = (
                ("C-M", ("Contexts", "Mechanisms")) if c_m else ("M-O", ("Mechanisms", "Outcomes"))
            )
            codes += [
                ("Link", add("Link", link)),
                (g1, add(g1, name(x.link.source))),
                (g2, add(g2, name(x.link.target))),
            ]
        codings[x.id] = codes

    ET.register_namespace("", NS)
    project = ET.Element(
        f"{{{NS}}}Project",
        {
            "name": "ics-leadership (illustrative)",
            "origin": "theorygraph sample",
            "creationDateTime": "2021-01-01T00:00:00Z",
        },
    )
    users = _el(project, "Users")
    _el(users, "User", guid=guid("user"), name="Reviewer")
    book = _el(_el(project, "CodeBook"), "Codes")
    for group, children in groups.items():
        top = _el(book, "Code", guid=guid("code", group), name=group, isCodable="false")
        for child in children:
            _el(top, "Code", guid=guid("code", group, child), name=child, isCodable="true")
    _el(book, "Code", guid=guid("code", "Interesting"), name="Interesting", isCodable="true")
    sources = _el(project, "Sources")
    texts: dict[str, str] = {}
    for index, (study, ids) in enumerate(SEGMENTS.items()):
        text = f"Illustrative source text for {study}.\n\n"
        spans = []
        for i in ids:
            start = len(text)
            text += extracts[i].quote + "\n\n"
            spans.append((i, start, start + len(extracts[i].quote)))
        aside = "An aside that the reviewer found interesting but did not code for the theory."
        spans.append(("aside", len(text), len(text) + len(aside)))
        text += aside + "\n"
        source_guid = guid("source", study)
        attrs = {"guid": source_guid, "name": study}
        if index != 1:  # two sources as files in sources/, one with its text inline
            attrs["plainTextPath"] = f"internal://{source_guid}.txt"
            texts[f"sources/{source_guid}.txt"] = text
        source = _el(sources, "TextSource", **attrs)
        if index == 1:
            _el(source, "PlainTextContent").text = text
        for i, start, end in spans:
            extract = extracts.get(i)
            sel = _el(
                source,
                "PlainTextSelection",
                guid=guid("sel", study, i),
                startPosition=str(start),
                endPosition=str(end),
                **({"name": extract.location} if extract and extract.location else {}),
            )
            if extract is not None and extract.rationale:
                _el(sel, "Description").text = extract.rationale
            pairs = codings.get(i, [("", "Interesting")])
            for n, (group, code) in enumerate(pairs):
                coding = _el(sel, "Coding", guid=guid("coding", study, i, str(n)))
                target = guid("code", group, code) if group else guid("code", code)
                _el(coding, "CodeRef", targetGUID=target)
    ET.indent(project)
    xml = ET.tostring(project, encoding="utf-8", xml_declaration=True)
    return xml, texts


def write_qdpx(document, path: Path) -> None:
    xml, texts = build(document)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in [("project.qde", xml), *((k, v.encode()) for k, v in texts.items())]:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, blob)
