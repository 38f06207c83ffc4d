"""Helpers shared by every export (xlsx, csv, docx).

``neutralise`` is the one place that guards exported cells against formula injection: a
text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is prefixed with an apostrophe, so Excel and LibreOffice
show it as text and never evaluate it.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Return ``value`` made safe for a spreadsheet cell (only text is ever changed)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_row(values):
    return [neutralise(value) for value in values]
