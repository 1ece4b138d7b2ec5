"""Reference files: RIS, BibTeX and CSL JSON become studies; problems name the record."""

from __future__ import annotations

import json

from conftest import SAMPLE
from test_import_helpers import SOURCES, errors, run

from theorygraph.importers.references import read_references
from theorygraph.validate import read_theory

RIS = """\
TY  - JOUR
ID  - Smith2019
AU  - Smith, Alice
AU  - Jones, Bob
TI  - Leading across boundaries
PY  - 2019///
T2  - Journal of Integrated Care
DO  - https://doi.org/10.1000/ABC.1
UR  - https://example.org/smith
KW  - theorygraph:design=Qualitative
KW  - theorygraph:country=England
KW  - theorygraph:sector=health and social care
KW  - theorygraph:participants=senior leaders
KW  - theorygraph:participants=carers
KW  - theorygraph:service_user_involvement=yes
KW  - leadership
N1  - Found by hand search.
ER  -

TY  - RPRT
AU  - M\u00fcller, J.
TI  - A report without a key
PY  - 2021
ER  -
"""


def test_ris_records_become_studies(tmp_path):
    path = tmp_path / "refs.ris"
    path.write_text(RIS, encoding="utf-8")
    studies, problems = read_references(path)
    assert problems == []
    first = studies[0].model_dump(mode="json", exclude_defaults=True)
    assert first == {
        "id": "smith2019",
        "title": "Leading across boundaries",
        "authors": ["Smith, Alice", "Jones, Bob"],
        "year": 2019,
        "venue": "Journal of Integrated Care",
        "doi": "10.1000/abc.1",
        "url": "https://example.org/smith",
        "design": "qualitative",
        "country": "England",
        "sector": "health-and-social-care",
        "participants": ["senior leaders", "carers"],
        "service_user_involvement": True,
        "notes": "Found by hand search.",
        "tags": ["leadership"],
    }
    assert (studies[1].id, studies[1].authors) == ("muller-2021", ["M\u00fcller, J."])


def test_sample_ris_holds_the_sample_studies():
    studies, problems = read_references(SOURCES / "studies.ris")
    assert problems == []
    assert studies == read_theory(SAMPLE).studies


def test_bibtex_and_csl_json(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{smith2019,\n  author = {Smith, Alice and Bob Jones and {World Health "
        "Organization}},\n  title = {Leading {Integrated} Care},\n  journal = {J Integr Care},"
        "\n  year = {2019},\n  doi = {10.1000/abc.1},\n  keywords = {theorygraph:design=case "
        "study; theorygraph:country=Wales, teams}\n}\n",
        encoding="utf-8",
    )
    studies, problems = read_references(bib)
    assert problems == []
    assert studies[0].model_dump(mode="json", exclude_defaults=True) == {
        "id": "smith2019",
        "title": "Leading Integrated Care",
        "authors": ["Smith, Alice", "Jones, Bob", "World Health Organization"],
        "year": 2019,
        "venue": "J Integr Care",
        "doi": "10.1000/abc.1",
        "design": "case-study",
        "country": "Wales",
        "tags": ["teams"],
    }
    csl = tmp_path / "refs.json"
    csl.write_text(
        json.dumps(
            [
                {
                    "id": "Smith 2019",
                    "type": "article-journal",
                    "title": "Leading",
                    "author": [{"family": "Smith", "given": "Alice"}, {"literal": "NHS England"}],
                    "issued": {"date-parts": [[2019, 5]]},
                    "container-title": "J",
                    "DOI": "10.1/X",
                    "URL": "https://x.org",
                    "keyword": "theorygraph:sector=health, policy",
                }
            ]
        ),
        encoding="utf-8",
    )
    studies, problems = read_references(csl)
    assert problems == []
    assert studies[0].model_dump(mode="json", exclude_defaults=True) == {
        "id": "smith-2019",
        "title": "Leading",
        "authors": ["Smith, Alice", "NHS England"],
        "year": 2019,
        "venue": "J",
        "doi": "10.1/x",
        "url": "https://x.org",
        "sector": "health",
        "tags": ["policy"],
    }


def test_reference_problems_name_file_line_and_record(tmp_path):
    path = tmp_path / "bad.ris"
    path.write_text(
        "TY  - JOUR\nID  - a\nTI  - Fine\nKW  - theorygraph:design=qualitatve\n"
        "KW  - theorygraph:colour=red\nER  - \n\nTY  - JOUR\nID  - b\nPY  - 2020\n"
        "ER  - \n\nTY  - JOUR\nID  - c\nTI  - Unfinished\n",
        encoding="utf-8",
    )
    result = run("references", path, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert errors(result) == [
        f"error: {path}:13: 3 records start with 'TY  -' but 2 end with 'ER  -' (end every "
        "record with a line 'ER  - ')",
        f"error: {path}:1: record 1: keyword 'theorygraph:design=qualitatve': 'qualitatve' is "
        "not a study design (did you mean 'qualitative'? allowed: qualitative, quantitative, "
        "mixed-methods, case-study, evaluation, review, policy-document, commentary, other)",
        f"error: {path}:1: record 1: keyword 'theorygraph:colour=red' does not follow the "
        "theorygraph convention (write theorygraph:FIELD=VALUE with FIELD one of design, "
        "country, sector, participants, service_user_involvement)",
        f"error: {path}:8: record 2: the record has no title (a study needs a title (RIS TI, "
        "BibTeX title))",
    ]
    assert result.stderr.splitlines()[-1] == f"{path}: nothing written (4 errors)"
    assert not (tmp_path / "t").exists()


def test_broken_bibtex_and_json(tmp_path):
    bib = tmp_path / "bad.bib"
    bib.write_text("@article{ok, title={Fine}, year=2020}\n@book{bad, title=\n", encoding="utf-8")
    studies, problems = read_references(bib)
    assert [s.id for s in studies] == ["ok"]
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (2, "cannot read this BibTeX entry")
    ]
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    assert [str(p) for p in read_references(bad)[1]] == [
        f"{bad}:1: invalid JSON: Expecting property name enclosed in double quotes (column 3)"
    ]


def test_import_references_into_a_theory_updates_and_appends(tmp_path, mini, write_yaml):
    theory = write_yaml(mini)
    path = tmp_path / "refs.ris"
    path.write_text(
        "TY  - JOUR\nID  - s1\nTI  - Study one, published\nPY  - 2019\nER  - \n\n"
        "TY  - JOUR\nID  - s3\nTI  - New\nER  - \n",
        encoding="utf-8",
    )
    result = run("references", path, "--into", theory)
    assert result.exit_code == 0, result.stderr
    doc = read_theory(theory)
    assert [(s.id, s.title) for s in doc.studies] == [
        ("s1", "Study one, published"),
        ("s2", "Study two"),
        ("s3", "New"),
    ]
    assert doc.studies[0].design.value == "qualitative"  # kept: the reference does not say
    assert run("references", path, "--into", theory).stderr.strip().endswith("(unchanged)")


def test_unknown_reference_format_is_bad_usage(tmp_path):
    path = tmp_path / "refs.enl"
    path.write_text("x", encoding="utf-8")
    result = run("references", path, "-o", tmp_path / "t")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {path}: cannot tell the reference format from the name; use .ris (RIS), .bib "
        "(BibTeX) or .json (CSL JSON)"
    )


def test_skip_bad_rows_skips_bad_records(tmp_path):
    path = tmp_path / "refs.ris"
    path.write_text(
        "TY  - JOUR\nID  - a\nTI  - Fine\nER  -\n\nTY  - JOUR\nID  - b\nPY  - 2020\nER  -\n",
        encoding="utf-8",
    )
    result = run("references", path, "-o", tmp_path / "t", "--skip-bad-rows")
    assert result.exit_code == 0, result.stderr
    assert [s.id for s in read_theory(tmp_path / "t").studies] == ["a"]
    report = (tmp_path / "t" / "import-report.md").read_text(encoding="utf-8")
    assert f"| {path} |  | 6 |  | the record has no title" in report
