"""Hostile import sources: amplifying or broken .qdpx archives, odd positions, and
reference files that would lose an author or a year.

Every case ends with one line per problem, exit 1 and nothing written. The amplifying
archives run in a subprocess held to 1 GiB of address space and 10 seconds: before the
limits below, the first of them took 21 s and 6.2 GB, and died of MemoryError under 1 GiB.
"""

from __future__ import annotations

import io
import json
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_import_helpers import errors, run, snapshot

from theorygraph.importers import qdpx
from theorygraph.importers.references import read_references
from theorygraph.validate import read_theory

GIB = 2**30
BIG = 60 * 2**20  # characters in the big source: 60 MiB of text packs to some 60 KB
QUOTE_ALLOWED = (
    "a quote holds at most 32767 characters, Excel's own limit per cell; code a shorter segment"
)
CODEBOOK = (
    "<CodeBook><Codes>"
    '<Code guid="G-C" name="Contexts" isCodable="false"><Code guid="C1" name="Trust"/></Code>'
    '<Code guid="G-M" name="Mechanisms" isCodable="false"><Code guid="M1" name="Sharing"/></Code>'
    '<Code guid="G-O" name="Outcomes" isCodable="false"><Code guid="O1" name="Working"/></Code>'
    '<Code guid="G-S" name="Stance" isCodable="false"><Code guid="S1" name="supports"/></Code>'
    "</Codes></CodeBook>"
)


# -- building projects --------------------------------------------------------------------


def coded(start: object, end: object, guid: str = "s") -> str:
    """A text selection coded with a context, a mechanism, an outcome and a stance."""
    refs = "".join(
        f'<Coding guid="{guid}{c}"><CodeRef targetGUID="{c}"/></Coding>'
        for c in ("C1", "M1", "O1", "S1")
    )
    return (
        f'<PlainTextSelection guid="{guid}" startPosition="{start}" '
        f'endPosition="{end}">{refs}</PlainTextSelection>'
    )


def source(name: str, selections: str, member: str | None = None, text: str = "") -> str:
    if member is None:
        return (
            f'<TextSource guid="{name}" name="{name}"><PlainTextContent>{text}'
            f"</PlainTextContent>{selections}</TextSource>"
        )
    return (
        f'<TextSource guid="{name}" name="{name}" plainTextPath="internal://{member}">'
        f"{selections}</TextSource>"
    )


def build(
    path: Path,
    sources: str,
    members: dict[str, bytes] | None = None,
    *,
    qde: bytes | None = None,
    packing: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A .qdpx with project.qde (deflated) and ``members`` (packed with ``packing``)."""
    if qde is None:
        qde = project_qde(sources)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, blob in (members or {}).items():
            archive.writestr(name, blob, compress_type=packing)
    return path


def project_qde(sources: str) -> bytes:
    """A project.qde with the codebook and ``sources``."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
        f'name="p">{CODEBOOK}<Sources>{sources}</Sources></Project>'
    ).encode()


@pytest.fixture(scope="module")
def with_big_text(tmp_path_factory):
    """``make(path, sources)``: the .qdpx ``build(path, sources, {"sources/T.txt": b"a" *
    BIG})`` makes, its 60 MiB text deflated once in this module and project.qde added to a
    copy (after the text: the reader takes each member by its name, not by its place)."""
    packed = tmp_path_factory.mktemp("big") / "text.zip"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sources/T.txt", b"a" * BIG)
    blob = packed.read_bytes()

    def make(path: Path, sources: str) -> Path:
        path.write_bytes(blob)
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", project_qde(sources))
        return path

    return make


def central_entry(blob: bytes, member: str) -> int:
    """Where ``member``'s record in the zip's central directory starts."""
    at = blob.find(b"PK\x01\x02")
    while at != -1:
        if blob[at + 46 : at + 46 + len(member)] == member.encode():
            return at
        at = blob.find(b"PK\x01\x02", at + 1)
    raise AssertionError(f"no {member} in the zip")


def limited(*args: object) -> subprocess.CompletedProcess[str]:
    """``theorygraph ARGS`` in a subprocess held to 1 GiB of address space and 10 seconds."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))

    return subprocess.run(
        [sys.executable, "-m", "theorygraph", *(str(a) for a in args)],
        preexec_fn=cap,
        capture_output=True,
        text=True,
        timeout=10,
    )


# -- amplification, within 10 s and 1 GiB -----------------------------------------------


def test_selections_longer_than_a_quote_are_refused_from_their_positions(tmp_path, with_big_text):
    selections = "".join(coded(i, BIG, f"s{i}") for i in range(100))
    path = with_big_text(tmp_path / "big.qdpx", source("Big", selections, "T.txt"))
    assert path.stat().st_size < 200_000
    before = snapshot(tmp_path)
    result = limited("import", "qdpx", path, "-o", tmp_path / "out")
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.splitlines() == [
        f"error: {path}: source 'Big', segment {i}-{BIG}: the selection spans {BIG - i} "
        f"characters ({QUOTE_ALLOWED})"
        for i in range(100)
    ] + [
        f"{path}: nothing written (100 bad rows); fix them, or use --skip-bad-rows to import "
        "the other rows"
    ]
    assert snapshot(tmp_path) == before


def test_quotes_a_project_gives_are_bounded_in_all(tmp_path, with_big_text):
    # each selection is a quote of allowed length; 1,049 of them pass 32 Mi characters
    size = 32000
    selections = "".join(coded(i * size, (i + 1) * size, f"s{i}") for i in range(1100))
    path = with_big_text(tmp_path / "many.qdpx", source("Big", selections, "T.txt"))
    before = snapshot(tmp_path)
    result = limited("import", "qdpx", path, "-o", tmp_path / "out")
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.strip() == (
        f"error: {path}: source 'Big', segment {1048 * size}-{1049 * size}: the coded segments "
        f"so far hold {1049 * size} characters of quotes, more than the 32 Mi characters "
        "theorygraph imports from one project; split the project"
    )
    assert snapshot(tmp_path) == before


def test_a_text_named_by_many_sources_counts_each_time_it_is_read(tmp_path, with_big_text):
    sources = "".join(source(f"S{n}", coded(0, 10, f"s{n}"), "T.txt") for n in range(8))
    path = with_big_text(tmp_path / "again.qdpx", sources)
    before = snapshot(tmp_path)
    result = limited("import", "qdpx", path, "-o", tmp_path / "out")
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.strip() == (
        f"error: {path}: sources/T.txt unpacks to 60.0 MiB, which takes the text read from the "
        "project past 256 MiB, the most theorygraph reads from one project (a source's text "
        "counts each time a source names it)"
    )
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("member", ["project.qde", "sources/T.txt"])
def test_a_member_over_64_mib_is_refused_from_its_header(tmp_path, member):
    huge = b"a" * (65 * 2**20)
    members = {"sources/T.txt": b"text"}
    if member == "project.qde":
        path = build(tmp_path / "huge.qdpx", "", members, qde=huge)
    else:
        members[member] = huge
        path = build(tmp_path / "huge.qdpx", source("S", coded(0, 4), "T.txt"), members)
    result = limited("import", "qdpx", path, "-o", tmp_path / "out")
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.strip() == (
        f"error: {path}: {member} unpacks to 65.0 MiB, more than the 64 MiB theorygraph reads "
        "from one file of a project"
    )
    assert not (tmp_path / "out").exists()


def test_a_header_that_understates_the_size_is_not_believed(tmp_path, with_big_text):
    path = with_big_text(tmp_path / "lies.qdpx", source("S", coded(0, 4), "T.txt"))
    blob = bytearray(path.read_bytes())
    at = central_entry(bytes(blob), "sources/T.txt")
    blob[at + 24 : at + 28] = struct.pack("<I", 1000)  # the uncompressed size: 1000 bytes
    path.write_bytes(bytes(blob))
    result = limited("import", "qdpx", path, "-o", tmp_path / "out")
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.strip() == (
        f"error: {path}: sources/T.txt is corrupt and cannot be unpacked (Bad CRC-32 for file "
        "'sources/T.txt'); export the project again"
    )
    assert not (tmp_path / "out").exists()


def test_more_bytes_than_the_header_says_are_refused_while_reading(tmp_path, monkeypatch):
    # zipfile itself stops at the header's size; the reader must not rely on that
    path = build(tmp_path / "p.qdpx", source("S", coded(0, 4), "T.txt"), {"sources/T.txt": b"text"})
    real_open = zipfile.ZipFile.open

    def endless(self, info, *args, **kwargs):
        if getattr(info, "filename", info) == "sources/T.txt":
            return io.BytesIO(b"a" * (3 * 2**20))
        return real_open(self, info, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", endless)
    result = run("qdpx", path, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {path}: sources/T.txt unpacks to more than the 4 bytes its header says (the "
        "zip is damaged or forged); export the project again"
    )
    assert not (tmp_path / "out").exists()


def test_a_project_qde_of_millions_of_elements_is_refused(tmp_path):
    # 60 MiB of XML packs to some 60 KB, and would take 6 GB as a tree
    qde = b'<Project xmlns="urn:QDA-XML:project:1.0">' + b"<a/>" * (15 * 2**20) + b"</Project>"
    path = build(tmp_path / "tree.qdpx", "", qde=qde)
    assert path.stat().st_size < 200_000
    result = limited("import", "qdpx", path, "-o", tmp_path / "out")
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.strip() == (
        f"error: {path}: project.qde holds more than 500,000 XML elements, the most "
        "theorygraph reads from one project; split the project"
    )
    assert not (tmp_path / "out").exists()


# -- damaged archives and odd positions -----------------------------------------------


def _data_start(blob: bytes, member: str) -> int:
    """Where ``member``'s packed data starts (after its local header)."""
    at = central_entry(blob, member)
    local = struct.unpack("<I", blob[at + 42 : at + 46])[0]
    name_len, extra_len = struct.unpack("<HH", blob[local + 26 : local + 30])
    return local + 30 + name_len + extra_len


def _damage(path: Path, case: str) -> None:
    blob = bytearray(path.read_bytes())
    if case == "bad deflate data in project.qde":
        blob[_data_start(bytes(blob), "project.qde")] = 0xFF  # a block of the invalid type 3
    elif case == "bad deflate data in a source":
        blob[_data_start(bytes(blob), "sources/T.txt")] = 0xFF
    elif case == "a broken local header":
        local = struct.unpack("<I", blob[central_entry(bytes(blob), "sources/T.txt") + 42 :][:4])[0]
        blob[local : local + 4] = b"XXXX"
    elif case == "an encrypted source":
        at = central_entry(bytes(blob), "sources/T.txt")
        blob[at + 8] |= 0x1
    path.write_bytes(bytes(blob))


DAMAGED = {
    "bad deflate data in project.qde": "project.qde is corrupt and cannot be unpacked (Error -3 "
    "while decompressing data: invalid block type); export the project again",
    "bad deflate data in a source": "sources/T.txt is corrupt and cannot be unpacked (Error -3 "
    "while decompressing data: invalid block type); export the project again",
    "a broken local header": "sources/T.txt is corrupt and cannot be unpacked (Bad magic number "
    "for file header); export the project again",
    "an encrypted source": "sources/T.txt is encrypted; export the project without a password",
    "a bzip2 source": "sources/T.txt is packed with zip compression method 12; theorygraph "
    "unpacks only stored or deflated files (what NVivo, ATLAS.ti and MAXQDA write): export the "
    "project again",
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_archive_is_one_line(tmp_path, case):
    text = b"They came because she asked. " * 40
    packing = zipfile.ZIP_BZIP2 if case == "a bzip2 source" else zipfile.ZIP_DEFLATED
    selected = source("S", coded(0, 20), "T.txt")
    path = build(tmp_path / "p.qdpx", selected, {"sources/T.txt": text}, packing=packing)
    _damage(path, case)
    before = snapshot(tmp_path)
    result = run("qdpx", path, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {path}: {DAMAGED[case]}"
    assert snapshot(tmp_path) == before


POSITIONS = [
    ("\u00b2", "'\u00b2' is not a whole number written with the digits 0-9"),  # superscript 2
    ("\u0663", "'\u0663' is not a whole number written with the digits 0-9"),  # Arabic 3
    ("-1", "'-1' is not a whole number written with the digits 0-9"),
    ("1e3", "'1e3' is not a whole number written with the digits 0-9"),
    ("9" * 5000, f"'{'9' * 21}...' has 5000 digits; no source is that long"),
]


@pytest.mark.parametrize(
    ("start", "said"), POSITIONS, ids=["super", "arabic", "minus", "e", "long"]
)
def test_positions_are_ascii_digits_of_sensible_length(tmp_path, start, said):
    text = "Intro. They came because she asked. Then nothing."
    path = build(tmp_path / "p.qdpx", source("Smith 2019", coded(start, 35), text=text))
    shown = start if len(start) <= 24 else start[:21] + "..."
    before = snapshot(tmp_path)
    result = run("qdpx", path, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert errors(result) == [
        f"error: {path}: source 'Smith 2019', segment {shown}-35: startPosition {said} "
        "(startPosition and endPosition count characters from 0, in the digits 0-9; export the "
        "project again)"
    ]
    assert snapshot(tmp_path) == before


def test_a_quote_just_under_the_limit_with_white_space_around_is_kept(tmp_path):
    text = "\n" * 3000 + "q" * 32767 + " " * 1000
    path = build(tmp_path / "p.qdpx", source("Smith 2019", coded(0, len(text)), text=text))
    extract = qdpx.read_qdpx(path).document.extracts[0]
    assert extract.quote == "q" * 32767


# -- reference files that would lose an author or a year --------------------------------

FINE = "@article{jones2020,\n  author = {Jones, Bob},\n  title = {Fine},\n  year = {2020}\n}\n"
YEAR_ALLOWED = "a four-digit year such as 2019, or 'in press' or 'n.d.' for a work without one"
DATE_ALLOWED = 'CSL JSON writes a date as {"date-parts": [[2019, 5, 1]]} or {"raw": "2019"}'
PEOPLE = 'a list of names, each {"family": ..., "given": ...} or {"literal": ...}'


def csl(**fields: object) -> str:
    item = {"id": "smith2019", "title": "Leading", "issued": {"date-parts": [[2019]]}}
    item.update(fields)
    fine = {"id": "jones2020", "title": "Fine", "author": [{"family": "Jones", "given": "Bob"}]}
    fine["issued"] = {"date-parts": [[2020]]}
    return "[\n" + ",\n".join(json.dumps(i) for i in (fine, item)) + "\n]\n"  # item 2: line 3


REFERENCES = {
    "bibtex extra closing brace": (
        "refs.bib",
        FINE + "\n@article{smith2019,\n  title = {Leading care}},\n  author = {Smith, Alice},\n"
        "  year = {2019},\n}\n",
        "7: @article{smith2019: an extra '}' on line 8 closes the entry early, so its fields "
        "author, year would be lost (every '}' in a field closes a '{' of that field; remove "
        "the extra '}')",
    ),
    "bibtex unbalanced opening brace": (
        "refs.bib",
        "@article{smith2019,\n  author = {Smith, Alice},\n  title = {Leading {care},\n"
        "  year = {2019},\n}\n\n" + FINE,
        "1: @article{smith2019: cannot read this BibTeX entry: the '{' opened in its title "
        "field (line 3) is never closed (every '{' in an entry needs its own '}')",
    ),
    "bibtex field twice in two cases": (
        "refs.bib",
        FINE + "@article{smith2019,\n  Author = {Smith, Alice},\n  author = {Jones, Bob},\n"
        "  title = {Leading},\n}\n",
        "6: @article{smith2019: field 'author' is given twice (keep one)",
    ),
    "bibtex year that is not a year": (
        "refs.bib",
        FINE + "@article{smith2019,\n  title = {Leading},\n  year = {spring},\n}\n",
        f"6: @article{{smith2019: year 'spring' is not a year ({YEAR_ALLOWED})",
    ),
    "csl author as a string": (
        "refs.json",
        csl(author="Smith, Alice"),
        "3: item 2 (id 'smith2019'): author is a string ('Smith, Alice') (CSL JSON gives "
        f"author as {PEOPLE})",
    ),
    "csl author without a name": (
        "refs.json",
        csl(author=[{"family": "Smith"}, {"name": "Alice Jones"}]),
        f"3: item 2 (id 'smith2019'): author 2 has no family, given or literal name (write "
        f"{PEOPLE})",
    ),
    "csl date-parts not a list": (
        "refs.json",
        csl(issued={"date-parts": 2019}),
        "3: item 2 (id 'smith2019'): issued.date-parts is a number (2019), not a list of dates "
        f"({DATE_ALLOWED})",
    ),
    "csl date-parts not numeric": (
        "refs.json",
        csl(issued={"date-parts": [["spring", 5]]}),
        f"3: item 2 (id 'smith2019'): issued.date-parts 'spring' is not a year ({YEAR_ALLOWED})",
    ),
    "csl year of 5000 digits": (
        "refs.json",
        csl(issued={"date-parts": [["YEAR"]]}).replace('"YEAR"', "9" * 5000),
        f"3: item 2 (id 'smith2019'): issued.date-parts '{'9' * 57}...' is not a year "
        f"({YEAR_ALLOWED})",
    ),
    "csl nested very deep": (
        "refs.json",
        "[" * 100_000 + "]" * 100_000,
        " arrays and objects are nested too deeply to read (CSL JSON is a list of items, each "
        "an object of fields; export it again)",
    ),
}


@pytest.mark.parametrize("case", list(REFERENCES))
def test_a_reference_that_would_lose_data_is_an_error(tmp_path, case):
    name, content, said = REFERENCES[case]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = snapshot(tmp_path)
    result = run("references", path, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {path}:{said}",
        f"{path}: nothing written (1 error)",
    ]
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "case", ["bibtex extra closing brace", "csl author as a string", "csl date-parts not numeric"]
)
def test_skip_bad_rows_skips_the_whole_entry_never_half_of_it(tmp_path, case):
    name, content, said = REFERENCES[case]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = run("references", path, "-o", tmp_path / "t", "--skip-bad-rows")
    assert result.exit_code == 0, result.stderr
    assert f"skipped: {path}:{said}" in result.stderr.splitlines()
    studies = read_theory(tmp_path / "t").studies
    assert [(s.id, s.authors, s.year) for s in studies] == [("jones2020", ["Jones, Bob"], 2020)]


def test_bibtexparser_logs_nothing_to_stderr(tmp_path):
    name, content, said = REFERENCES["bibtex unbalanced opening brace"]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "theorygraph", "import", "references", path, "-o", tmp_path / "t"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {path}:{said}",
        f"{path}: nothing written (1 error)",
    ]
    assert not (tmp_path / "t").exists()


def test_years_a_reference_manager_writes_for_none_or_in_words(tmp_path):
    path = tmp_path / "refs.json"
    items = [
        {"id": "a", "title": "A", "issued": {"raw": "in press"}},
        {"id": "b", "title": "B", "issued": {"literal": "n.d."}},
        {"id": "c", "title": "C", "issued": {"raw": "May 2019"}},
        {"id": "d", "title": "D", "issued": {"date-parts": [["2018", 3]]}},
        {"id": "e", "title": "E", "author": ["World Health Organization"]},
    ]
    path.write_text(json.dumps(items), encoding="utf-8")
    studies, problems = read_references(path)
    assert problems == []
    assert [(s.id, s.year, s.authors) for s in studies] == [
        ("a", None, []),
        ("b", None, []),
        ("c", 2019, []),
        ("d", 2018, []),
        ("e", None, ["World Health Organization"]),
    ]
