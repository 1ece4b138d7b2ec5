"""REFI-QDA projects: coded segments become extracts; hostile archives are refused."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE
from test_import_helpers import SOURCES, errors, run, skeleton, snapshot

from theorygraph.importers.qdpx import read_qdpx
from theorygraph.validate import read_theory

sys.path.insert(0, str(ROOT / "tests" / "data" / "import"))

QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t">
  <CodeBook><Codes>
    <Code guid="G-C" name="Contexts" isCodable="false">
      <Code guid="C1" name="c-voluntary: Voluntary cooperation" isCodable="true"/>
    </Code>
    <Code guid="G-M" name="mechanisms" isCodable="false">
      <Code guid="M1" name="Inspiring intent" isCodable="true"/>
    </Code>
    <Code guid="G-O" name="Outcomes" isCodable="false">
      <Code guid="O1" name="Collaboration" isCodable="true"/>
    </Code>
    <Code guid="G-S" name="Stance" isCodable="false">
      <Code guid="S1" name="supports" isCodable="true"/>
      <Code guid="S2" name="refutes" isCodable="true"/>
      <Code guid="S3" name="maybe" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="T1" name="Smith 2019.docx">
      <PlainTextContent>Intro. They came because she asked. Then nothing.</PlainTextContent>
      {selections}
    </TextSource>
  </Sources>
</Project>
"""


def selection(start: int, end: int, *codes: str, name: str = "") -> str:
    refs = "".join(
        f'<Coding guid="k{c}{start}"><CodeRef targetGUID="{c}"/></Coding>' for c in codes
    )
    named = f' name="{name}"' if name else ""
    return (
        f'<PlainTextSelection guid="s{start}" startPosition="{start}" '
        f'endPosition="{end}"{named}>{refs}</PlainTextSelection>'
    )


def project(
    tmp_path: Path, *selections: str, qde: str | None = None, extra: dict[str, bytes] | None = None
) -> Path:
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        text = qde if qde is not None else QDE.replace("{selections}", "".join(selections))
        archive.writestr("project.qde", text)
        for name, blob in (extra or {}).items():
            archive.writestr(name, blob)
    return path


def test_sample_qdpx_gives_the_sample_extracts(tmp_path):
    target = skeleton(tmp_path)
    result = run(
        "qdpx", SOURCES / "coded.qdpx", "--references", SOURCES / "studies.ris", "--into", target
    )
    assert result.exit_code == 0, result.stderr
    from make_qdpx import SEGMENTS

    sample = {x.id: x for x in read_theory(SAMPLE).extracts}
    expected = [sample[i] for ids in SEGMENTS.values() for i in ids]
    got = read_theory(target).extracts
    assert [x.id for x in got] == [f"x-{n:04d}" for n in range(1, 9)]
    assert [x.model_copy(update={"id": "-"}) for x in got] == [
        x.model_copy(update={"id": "-"}) for x in expected
    ]
    assert (
        f"warning: {SOURCES / 'coded.qdpx'}: 3 coded segments carry no code of the "
        "theorygraph groups and were not imported"
    ) in result.stderr
    assert "33 references are cited by no extract" in result.stderr


def test_committed_qdpx_is_what_make_qdpx_builds():
    from make_qdpx import build

    xml, texts = build(read_theory(SAMPLE))
    with zipfile.ZipFile(SOURCES / "coded.qdpx") as archive:
        assert archive.read("project.qde") == xml
        assert {
            n: archive.read(n).decode() for n in archive.namelist() if n != "project.qde"
        } == texts


def test_segments_without_references_make_studies_and_nodes(tmp_path):
    path = project(tmp_path, selection(7, 35, "C1", "M1", "O1", "S2", name="para 2"))
    document = read_qdpx(path).document
    extract = document.extracts[0]
    assert (extract.study, extract.quote, extract.location, extract.stance.value) == (
        "smith-2019",
        "They came because she asked.",
        "para 2",
        "refutes",
    )
    assert [c.id for c in document.contexts] == ["c-voluntary"]
    assert document.studies[0].title == "Smith 2019"
    assert document.cmocs[0].mechanisms == ["m-inspiring-intent"]


def test_segment_problems_are_located(tmp_path):
    path = project(
        tmp_path,
        selection(7, 35, "C1", "M1", "O1", "S3"),
        selection(0, 6, "G-C", "M1", "O1", "S1"),
        selection(36, 999, "C1", "M1", "O1", "S1"),
        selection(36, 49, "C1", "M1", "O1", "S1", "S2"),
    )
    result = run("qdpx", path, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert errors(result) == [
        f"error: {path}: source 'Smith 2019', segment 7-35, Stance code: 'maybe' is not a "
        "stance (allowed: supports, refutes, refines)",
        f"error: {path}: source 'Smith 2019', segment 0-6, Contexts code: coded with the group "
        "'Contexts' itself (code it with one of the group's codes)",
        f"error: {path}: source 'Smith 2019', segment 36-999: positions 36-999 are not inside "
        "the source's text (49 characters) (startPosition and endPosition count characters "
        "from 0; export the project again)",
        f"error: {path}: source 'Smith 2019', segment 36-49, Stance code: has two stance "
        "codes: 'supports' and 'refutes' (keep one)",
    ]
    assert result.stderr.splitlines()[-1] == (
        f"{path}: nothing written (4 bad rows); fix them, or use --skip-bad-rows to import the "
        "other rows"
    )


def test_bad_stance_code_and_default_stance(tmp_path):
    path = project(
        tmp_path, selection(7, 35, "C1", "M1", "O1", "S3"), selection(36, 49, "C1", "M1", "O1")
    )
    result = run("qdpx", path, "-o", tmp_path / "t", "--skip-bad-rows")
    assert result.exit_code == 0, result.stderr
    assert (
        f"skipped: {path}: source 'Smith 2019', segment 7-35, Stance code: 'maybe' is not "
        "a stance (allowed: supports, refutes, refines)"
    ) in result.stderr
    assert (
        f"warning: {path}: source 'Smith 2019', segment 36-49, Stance code: no Stance "
        "code; taken as 'supports' (code the segment under Stance)"
    ) in result.stderr
    extracts = read_theory(tmp_path / "t").extracts
    assert [(x.quote, x.stance.value) for x in extracts] == [("Then nothing.", "supports")]
    report = (tmp_path / "t" / "import-report.md").read_text(encoding="utf-8")
    assert f"| {path} | source Smith 2019 | 1 | Stance code | 'maybe' is not a stance" in report


@pytest.mark.parametrize("entry", ["../evil.txt", "/etc/evil", "sources/../../evil"])
def test_entries_outside_the_project_are_refused(tmp_path, entry):
    path = project(tmp_path, selection(7, 35, "C1"), extra={entry: b"x"})
    result = run("qdpx", path, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {path}: refuses the entry {entry!r} (an absolute path or '..' could write "
        "outside the project)"
    )


def test_xml_entities_are_refused(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        '"&lol;&lol;&lol;">]><Project xmlns="urn:QDA-XML:project:1.0">&lol2;</Project>'
    )
    path = project(tmp_path, qde=bomb)
    before = snapshot(tmp_path)
    result = run("qdpx", path, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: {path}: project.qde declares a DTD or entities, which theorygraph refuses to read"
    )
    assert snapshot(tmp_path) == before


def test_not_a_project(tmp_path):
    fake = tmp_path / "fake.qdpx"
    fake.write_bytes(b"nope")
    assert run("qdpx", fake, "-o", tmp_path / "t").stderr.startswith(
        f"error: {fake}: not a .qdpx file (not a zip archive"
    )
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("sources/a.txt", "x")
    assert run("qdpx", empty, "-o", tmp_path / "t").stderr.strip() == (
        f"error: {empty}: holds no project.qde; export a REFI-QDA project (.qdpx) again"
    )
    broken = project(tmp_path, qde="<Project")
    assert run("qdpx", broken, "-o", tmp_path / "t").stderr.startswith(
        f"error: {broken}: project.qde is not well-formed XML"
    )


def test_source_text_outside_the_project(tmp_path):
    qde = (
        QDE.replace(
            '<TextSource guid="T1" name="Smith 2019.docx">',
            '<TextSource guid="T1" name="Smith 2019.docx" plainTextPath="internal://T1.txt">',
        )
        .replace(
            "<PlainTextContent>Intro. They came because she asked. Then nothing."
            "</PlainTextContent>",
            "",
        )
        .replace("{selections}", selection(0, 5, "C1", "M1", "O1", "S1"))
    )
    missing = project(tmp_path, qde=qde)
    assert errors(run("qdpx", missing, "-o", tmp_path / "t")) == [
        f"error: {missing}: source 'Smith 2019', segment 0-5: the project has no sources/T1.txt "
        "(export the project again)"
    ]
    latin = project(
        tmp_path, qde=qde, extra={"sources/T1.txt": "Caf\u00e9 au lait".encode("cp1252")}
    )
    assert errors(run("qdpx", latin, "-o", tmp_path / "t")) == [
        f"error: {latin}: source 'Smith 2019', segment 0-5: sources/T1.txt is not UTF-8 "
        "(invalid continuation byte at byte 3) (REFI-QDA stores source text as UTF-8: export "
        "the project again)"
    ]
    fine = project(tmp_path, qde=qde, extra={"sources/T1.txt": "Caf\u00e9 au lait".encode()})
    assert read_qdpx(fine).document.extracts[0].quote == "Caf\u00e9"
