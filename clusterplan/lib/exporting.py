"""Helpers shared by every export (csv; xlsx and docx are in ``xlsx.py`` and ``docx.py``).

Formula injection is guarded where a formula can run: in a CSV file, a spreadsheet reads a
text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula, so
``neutralise`` prefixes it with an apostrophe. An xlsx text cell is never evaluated (our
workbooks write text with ``write_string``), so xlsx and docx files get the text as typed.
``unneutralise`` removes the protective mark when our own CSV files are read back.

CSV files come in two flavours, both UTF-8 with a byte-order mark, full texts:

- ``excel`` for a French Excel or LibreOffice: ``;`` separator, decimal comma, dates as
  dd/mm/yyyy, codes that a spreadsheet would take for a number or a date (``1.1.1``) kept as
  text (``="1.1.1"``, a constant, not a computation);
- ``data`` for tools (Power BI, R, pandas, HDX): ``,`` separator, decimal point, ISO dates.
"""

import csv
import datetime
import re
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
FLAVOURS = ("excel", "data")
DEFAULT_FLAVOUR = "excel"
LOOKS_NUMERIC = re.compile(r"^[\d\s.,/:\-]+$")


def neutralise(value):
    """Return ``value`` made safe for a CSV cell (only text is ever changed)."""
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


def unneutralise(value):
    """The text as typed, from a cell of one of our CSV files (``'+223 …`` → ``+223 …``)."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def flavour_of(request):
    """The flavour asked for (``?flavour=data``), ``excel`` by default; HXL is always ``data``."""
    wanted = request.GET.get("flavour", DEFAULT_FLAVOUR)
    if request.GET.get("hxl") == "1":
        return "data"
    return wanted if wanted in FLAVOURS else DEFAULT_FLAVOUR


class Code(str):
    """A code (``1.1.1``, ``2020-Q1``): text, even when it looks like a number or a date."""


def format_number(value, flavour):
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(repr(value))
    value = Decimal(value)
    text = str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")
    return text.replace(".", ",") if flavour == "excel" else text


def format_cell(value, flavour):
    """One value as CSV text in ``flavour``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return format_number(value, flavour)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if flavour == "excel" else value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y") if flavour == "excel" else value.isoformat()
    if isinstance(value, Code):
        if flavour == "excel" and value and LOOKS_NUMERIC.match(value):
            return '="' + value.replace('"', '""') + '"'
        return neutralise(str(value))
    return neutralise(str(value))


class CsvWriter:
    """``writerow(values)`` in a flavour: numbers, dates and codes formatted, texts neutralised, never cut."""

    def __init__(self, stream, flavour=DEFAULT_FLAVOUR, bom=True):
        self.flavour = flavour if flavour in FLAVOURS else DEFAULT_FLAVOUR
        delimiter = ";" if self.flavour == "excel" else ","
        self.writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
        if bom:
            stream.write(BOM)

    def writerow(self, values):
        self.writer.writerow([format_cell(value, self.flavour) for value in values])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_response(filename, flavour=DEFAULT_FLAVOUR):
    """(an ``HttpResponse`` for a CSV download, its ``CsvWriter``); ``-excel`` or ``-data`` goes before ``.csv``."""
    from django.http import HttpResponse

    stem = filename[:-4] if filename.endswith(".csv") else filename
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{flavour}.csv"'
    return response, CsvWriter(response, flavour)
