"""Helpers shared by every export (xlsx, csv, docx).

``neutralise`` is the one place that guards exported cells against formula injection: a
text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is prefixed with an apostrophe, so Excel and LibreOffice
show it as text and never evaluate it.
"""

from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Return ``value`` made safe for a spreadsheet cell (only text is ever changed)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_row(values):
    return [neutralise(value) for value in values]


def spreadsheet_number(value):
    """A Decimal (or ``None``) as an int or a float, which a spreadsheet or JSON shows as a number."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def column_letter(index):
    """A spreadsheet column's letters from its 1-based index: 1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
