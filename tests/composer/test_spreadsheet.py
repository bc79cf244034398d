"""CSV cells that a spreadsheet would run as formulas are written as text, and Afterword's
own import gives back exactly what was exported."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from composer.spreadsheet import FORMULA_STARTS, as_text, as_written


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_starting_like_a_formula_gets_a_leading_quote(start: str) -> None:
    assert as_text(f'{start}HYPERLINK("http://evil.example")') == (
        f'\'{start}HYPERLINK("http://evil.example")'
    )


@pytest.mark.parametrize("cell", ["Ana Lima", "", "0044 20", "a=b", "Zoë - Lead", "'Tis"])
def test_other_cells_are_written_as_they_are(cell: str) -> None:
    assert as_text(cell) == cell == as_written(cell)


def test_a_cell_already_quoted_before_a_formula_is_quoted_again() -> None:
    """Else "'=x" would be read back as "=x"."""
    assert as_text("'=x") == "''=x" and as_written("''=x") == "'=x"


def test_a_quote_from_another_program_before_a_phone_number_is_taken_off() -> None:
    assert as_written("'+44 20 7946 0000") == "+44 20 7946 0000"


@given(st.text(alphabet=st.sampled_from([*FORMULA_STARTS, "'", "a", " ", "1"])) | st.text())
def test_any_cell_comes_back_exactly(cell: str) -> None:
    written = as_text(cell)
    assert not written.startswith(FORMULA_STARTS)
    assert as_written(written) == cell
