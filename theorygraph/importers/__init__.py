"""Importers: extraction spreadsheets, reference-manager exports and REFI-QDA projects.

- :func:`theorygraph.importers.spreadsheet.read_sheet`: an .xlsx or .csv extraction sheet.
- :func:`theorygraph.importers.references.read_references`: RIS, BibTeX or CSL JSON studies.
- :func:`theorygraph.importers.qdpx.read_qdpx`: coded segments of a REFI-QDA project.
- :func:`theorygraph.importers.merge.merge`: merge imported items into a theory.
- :func:`theorygraph.importers.sheet.write_sheet`: write the extraction sheet back.
- :func:`theorygraph.importers.workbook_write.write_workbook` and
  :func:`theorygraph.importers.workbook_read.read_workbook`: the whole review as one
  workbook, a sheet per part, and back.
- :func:`theorygraph.importers.run.run_import`: all of the above plus writing the result,
  as ``theorygraph import`` does.

Nothing here prints or exits; format libraries (openpyxl, rispy, bibtexparser,
defusedxml) are imported only when a file of theirs is read or written.
"""

from __future__ import annotations

__all__: list[str] = []
