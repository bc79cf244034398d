"""CSV cells a spreadsheet would run as a formula, made plain text (OWASP's advice).

A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR is a formula to Excel, LibreOffice
and Google Sheets (``=HYPERLINK(...)`` in a contact's name phones home when clicked); a
leading ``'`` makes it text. Afterword's own import takes that quote off again, so what it
exported comes back exactly: a phone number "+44 20 7946 0000" stays one.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _looks_like_formula(cell: str) -> bool:
    """Quotes already in front count too ("'=x" is quoted again), so that taking one quote
    off on import gives back every cell exactly, a name starting with a quote included."""
    return cell.lstrip(QUOTE).startswith(FORMULA_STARTS)


def as_text(cell: str) -> str:
    """The cell as it goes into a CSV file: a formula start gets a leading quote."""
    return QUOTE + cell if _looks_like_formula(cell) else cell


def as_text_row(cells: Iterable[str]) -> list[str]:
    return [as_text(cell) for cell in cells]


def as_written(cell: str) -> str:
    """The cell as it was before ``as_text``: the added quote taken off."""
    unquoted = cell[1:]
    return unquoted if cell.startswith(QUOTE) and _looks_like_formula(unquoted) else cell
