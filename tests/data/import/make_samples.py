"""Make samples/ics-leadership-sources/ from samples/ics-leadership (deterministically).

    python tests/data/import/make_samples.py

writes extraction.xlsx and extraction.csv (with theorygraph's own write_sheet),
studies.ris (the 36 illustrative studies: ID, TI, PY and the theorygraph: keywords; no
authors or DOIs, as none are known), skeleton/ (review.yaml and theory.yaml copied as
they are) and coded.qdpx (see make_qdpx.py). tests/test_import_samples.py checks that
the committed files still hold what this script writes.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "samples" / "ics-leadership"
OUT = ROOT / "samples" / "ics-leadership-sources"

sys.path.insert(0, str(Path(__file__).resolve().parent))


def ris_text(document) -> str:
    """One RIS record per study, with the review's own fields as theorygraph: keywords."""
    lines: list[str] = []
    for study in document.studies:
        lines.append("TY  - GEN")
        lines.append(f"ID  - {study.id}")
        for author in study.authors:
            lines.append(f"AU  - {author}")
        lines.append(f"TI  - {study.title}")
        if study.year:
            lines.append(f"PY  - {study.year}")
        if study.venue:
            lines.append(f"T2  - {study.venue}")
        if study.doi:
            lines.append(f"DO  - {study.doi}")
        if study.design:
            lines.append(f"KW  - theorygraph:design={study.design.value}")
        if study.country:
            lines.append(f"KW  - theorygraph:country={study.country}")
        if study.sector:
            lines.append(f"KW  - theorygraph:sector={study.sector.value}")
        for who in study.participants:
            lines.append(f"KW  - theorygraph:participants={who}")
        flag = "true" if study.service_user_involvement else "false"
        lines.append(f"KW  - theorygraph:service_user_involvement={flag}")
        for tag in study.tags:
            lines.append(f"KW  - {tag}")
        if study.notes:
            lines.append(f"N1  - {study.notes}")
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)


def stable_xlsx(path: Path) -> None:
    """Give an .xlsx fixed timestamps, so regenerating the sample changes no byte."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in entries:
            if name == "docProps/core.xml":
                blob = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2021-01-01T00:00:00Z", blob)
            info = zipfile.ZipInfo(name, date_time=(2021, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, blob)


def main() -> None:
    from make_qdpx import write_qdpx

    from theorygraph.importers.sheet import write_sheet
    from theorygraph.validate import read_theory

    document = read_theory(SAMPLE)
    OUT.mkdir(exist_ok=True)
    write_sheet(document, OUT / "extraction.xlsx")
    stable_xlsx(OUT / "extraction.xlsx")
    write_sheet(document, OUT / "extraction.csv")
    (OUT / "studies.ris").write_text(ris_text(document), encoding="utf-8")
    (OUT / "skeleton").mkdir(exist_ok=True)
    for name in ("review.yaml", "theory.yaml"):
        shutil.copyfile(SAMPLE / name, OUT / "skeleton" / name)
    write_qdpx(document, OUT / "coded.qdpx")


if __name__ == "__main__":
    main()
