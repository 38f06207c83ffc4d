"""Workbooks for people, written with XlsxWriter (any app may use this; it imports no app).

``Book(output, constant_memory=..., title=..., author=...)`` wraps an ``xlsxwriter.Workbook``:

- named styles combined with ``+`` (``"bold+wrap"``, ``"status_late"``), created once;
- ``Book.sheet(name, widths=[...], wrap=[columns])`` gives a ``Sheet`` that writes rows in order
  (constant-memory mode writes each row to disk as soon as the next one starts): text only
  through ``write_string`` (a text is never a formula, so it needs no protective apostrophe),
  numbers, dates as dates, ``None`` as an empty cell;
- wrapped cells get a row height estimated from the text's length and the column's width;
- ``Sheet.header(labels)`` writes the bold header row; ``Sheet.finish(...)`` freezes it, adds the
  autofilter, sets the outline, the print set-up (A4 landscape, fit to width, header rows repeated
  on every page, the filters and the export date in the page header).

Control characters (U+0000–U+001F except tab and newlines) are removed from every text.
"""

import datetime
import math
import re
from decimal import Decimal

import xlsxwriter

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_TEXT = 32_767  # Excel's limit for one cell
LINE_HEIGHT = 15  # points, one line of 11-pt Calibri
MAX_HEIGHT = 409  # Excel's highest row
NUMBER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

STYLES = {
    "title": {"bold": True, "font_size": 14, "text_wrap": False},  # on one line, over the next columns
    "bold": {"bold": True},
    "italic": {"italic": True},
    "wrap": {"text_wrap": True, "valign": "top"},
    "top": {"valign": "top"},
    "header": {"bold": True, "bg_color": "#DDE5EE", "text_wrap": True, "valign": "top", "bottom": 1},
    "objective": {"bold": True, "bg_color": "#EEF2F6", "valign": "top"},
    "number": {"num_format": NUMBER_FORMAT, "valign": "top"},
    "decimal": {"num_format": DECIMAL_FORMAT, "valign": "top"},
    "percent": {"num_format": PERCENT_FORMAT, "valign": "top"},
    "date": {"num_format": DATE_FORMAT, "align": "left", "valign": "top"},
    "datetime": {"num_format": DATETIME_FORMAT, "align": "left", "valign": "top"},
}


def clean_text(value):
    """``value`` as text an xlsx or docx file can hold: no control characters, at most 32,767 characters."""
    text = CONTROL.sub("", str(value))
    return text[:MAX_TEXT]


def number(value):
    """A Decimal (or None) as an int or a float a spreadsheet shows as a number."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def number_style(value):
    return "decimal" if isinstance(value, float) else "number"


def lines_needed(text, width):
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide (an estimate on the safe side)."""
    per_line = max(1, int(width) - 1)
    return sum(max(1, math.ceil(len(line) / per_line)) for line in str(text).split("\n"))


def header_footer_text(text):
    """Text for a page header: ``&`` escaped, within Excel's 255-character limit."""
    return clean_text(text).replace("&", "&&").replace("\n", " ")[:200]


class Book:
    def __init__(self, output, *, constant_memory=False, title="", author="", created=None, styles=None):
        options = {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        }
        if constant_memory:
            options["constant_memory"] = True
        else:
            options["in_memory"] = True
        self.workbook = xlsxwriter.Workbook(output, options)
        self.workbook.set_properties({
            "title": clean_text(title)[:250],
            "author": clean_text(author)[:250],
            "created": created or datetime.datetime.now(),
            "comments": "clusterplan",
        })
        self.styles = dict(STYLES)
        self.styles.update(styles or {})
        self._formats = {}
        self._wrapped = {None: False}
        self._wrapping = {}
        self._clean = {}

    def define(self, name, **properties):
        self.styles[name] = properties

    def formats(self, name):
        """The format of a style name; ``"a+b"`` merges styles a and b."""
        found = self._formats.get(name)
        if found is None:
            if not name:
                return None
            properties = {}
            for part in name.split("+"):
                properties.update(self.styles[part])
            found = self._formats[name] = self.workbook.add_format(properties)
        return found

    format = formats

    def wrapped(self, name):
        """Does the style wrap its text?"""
        found = self._wrapped.get(name)
        if found is None:
            found = self._wrapped[name] = bool(name) and any(self.styles[p].get("text_wrap") for p in name.split("+"))
        return found

    def wrapping(self, name):
        """The style with wrapped text (``name+wrap``), unless it says ``text_wrap: False`` (a title)."""
        found = self._wrapping.get(name)
        if found is None:
            parts = name.split("+") if name else []
            if self.wrapped(name) or any(self.styles[p].get("text_wrap") is False for p in parts):
                found = name
            else:
                found = f"{name}+wrap" if name else "wrap"
            self._wrapping[name] = found
        return found

    def clean(self, text):
        """``clean_text``, remembered for the texts that repeat (organisations, states, users)."""
        found = self._clean.get(text)
        if found is None:
            found = clean_text(text) if CONTROL.search(text) or len(text) > MAX_TEXT else text
            if len(self._clean) < 100_000:
                self._clean[text] = found
        return found

    def sheet(self, name, widths=(), wrap=()):
        title = re.sub(r"[\[\]:*?/\\]", " ", clean_text(name))[:31] or "Sheet"
        return Sheet(self, self.workbook.add_worksheet(title), widths, wrap)

    def close(self):
        self.workbook.close()


class Sheet:
    """Rows written in order (``row`` is the next row's 0-based index)."""

    def __init__(self, book, worksheet, widths, wrap):
        self.book = book
        self.ws = worksheet
        self.widths = list(widths)
        self.wrap = set(wrap)
        self.row = 0
        self.header_index = None
        self.header_width = 0
        self.max_level = 0
        for col, width in enumerate(self.widths):
            worksheet.set_column(col, col, width)

    def width_of(self, col):
        return self.widths[col] if col < len(self.widths) else 8.43

    def write_row(self, values, style=None, level=0, height=None):
        """Write one row; a value may be ``(value, style name)``. ``style`` applies to the cells without one.

        The hot path of the big exports (a million cells): plain lookups, cached formats and cleaned
        texts, and XlsxWriter's undecorated ``_write_*`` methods (row and column already numbers)."""
        ws, book, r = self.ws, self.book, self.row
        wrapped, formats, clean, wrap_cols = book.wrapped, book.formats, book.clean, self.wrap
        cells = []
        lines = 1
        col = -1
        for value in values:
            col += 1
            cell_style = style
            if value.__class__ is tuple:
                value, cell_style = value
                explicit = True
            else:
                explicit = False
                if value is None:
                    continue  # an empty cell: nothing to write (a styled one only when asked, as a tuple)
            kind = value.__class__
            if kind is not str and isinstance(value, str):  # a str subclass (exporting.Code)
                value, kind = str(value), str
            if kind is str:
                if not value and not explicit:
                    continue
                value = clean(value)
                if col in wrap_cols:
                    cell_style = book.wrapping(cell_style)
                if value and wrapped(cell_style):
                    width = self.width_of(col)
                    if len(value) >= width - 1 or "\n" in value:
                        lines = max(lines, lines_needed(value, width))
            elif kind is Decimal:
                value = number(value)
            cells.append((col, value, cell_style))
        if level and level > self.max_level:
            self.max_level = level
        if height is None and lines > 1:
            height = min(MAX_HEIGHT, lines * LINE_HEIGHT)
        if height is not None or level:
            ws.set_row(r, height, None, {"level": level} if level else None)
        for col, value, cell_style in cells:
            fmt = formats(cell_style) if cell_style else None
            kind = value.__class__
            if kind is str:
                if value:
                    ws._write_string(r, col, value, fmt)
                elif fmt is not None:
                    ws._write_blank(r, col, None, fmt)
            elif value is None:
                if fmt is not None:
                    ws._write_blank(r, col, None, fmt)
            elif kind is int or kind is float:
                ws._write_number(r, col, value, fmt)
            elif kind is bool:
                ws._write_boolean(r, col, value, fmt)
            elif isinstance(value, (datetime.datetime, datetime.date)):
                if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)
                if fmt is None:
                    fmt = formats("datetime" if isinstance(value, datetime.datetime) else "date")
                ws._write_datetime(r, col, value, fmt)
            elif isinstance(value, (int, float)):
                ws._write_number(r, col, value, fmt)
            else:
                ws._write_string(r, col, clean(str(value)), fmt)
        self.row += 1
        return r

    def blank_row(self):
        self.row += 1

    def header(self, labels, style="header"):
        """The header row: bold, wrapped, its height from the longest label; frozen and filtered by ``finish``."""
        self.header_index = self.write_row([(label, style) for label in labels])
        self.header_width = len(labels)
        return self.header_index

    def finish(self, *, freeze_col=0, autofilter=True, landscape=True, page_header="", summary_below=True,
               fit_width=True):
        ws = self.ws
        if self.header_index is not None:
            ws.freeze_panes(self.header_index + 1, freeze_col)
            ws.repeat_rows(self.header_index)
            if autofilter and self.row > self.header_index + 1:
                ws.autofilter(self.header_index, 0, self.row - 1, self.header_width - 1)
        if self.max_level:
            ws.outline_settings(True, summary_below, True, False)
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        if fit_width:
            ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
        if page_header:
            ws.set_header(f"&L{header_footer_text(page_header)}", {"margin": 0.3})
        ws.set_footer("&R&P / &N", {"margin": 0.3})


def write_table_workbook(output, sheet_name, headers, rows, *, widths, wrap=(), title="", author="", page_header="",
                         freeze_col=0, constant_memory=True):
    """One sheet: a bold frozen header with a filter, then ``rows`` (plain values); A4 landscape, fit to width."""
    book = Book(output, constant_memory=constant_memory, title=title, author=author)
    sheet = book.sheet(sheet_name, widths=widths, wrap=wrap)
    sheet.header(headers)
    for values in rows:
        styled = [(value, number_style(value)) if isinstance(value, (int, float)) and not isinstance(value, bool)
                  else value for value in values]
        sheet.write_row(styled, style="top")
    sheet.finish(freeze_col=freeze_col, page_header=page_header)
    book.close()


def write_rows_workbook(output, sheet_name, rows, *, widths, header_row, title="", author="", page_header=""):
    """One sheet of ``rows`` as given (a title above the header row ``header_row``, 0-based), every text
    wrapped with its row height, the header bold on grey, frozen and repeated on printed pages."""
    book = Book(output, title=title, author=author)
    book.define("grey_header", bold=True, bg_color="#D9D9D9", text_wrap=True, valign="top")
    sheet = book.sheet(sheet_name, widths=widths, wrap=range(len(widths)))
    for index, values in enumerate(rows):
        if index == header_row:
            sheet.header(values, style="grey_header")
        else:
            sheet.write_row(values, style="top")
    sheet.finish(autofilter=False, page_header=page_header or title)
    book.close()
