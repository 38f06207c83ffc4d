"""Readers: an uploaded file (xlsx, csv, docx) → sheets of plain rows, with hard caps.

Every reader returns a list of ``Sheet``: a title and rows of ``Cell`` (text or ``None``,
``shaded`` when the cell has a solid fill). Nothing is evaluated: a formula is kept as its
text. Size, uncompressed size and rows are capped so a zip bomb or a million-row sheet is
refused within seconds, with bounded memory.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import WorkplanImportError

MAX_FILE_SIZE = 10 * 1024 * 1024  # bytes as uploaded
MAX_UNCOMPRESSED_SIZE = 100 * 1024 * 1024  # bytes once unzipped (xlsx, docx)
MAX_ROWS = 20000  # rows in one sheet
MAX_COLUMNS = 60
MAX_CELL_CHARS = 5000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def limit(name):
    return getattr(settings, f"WORKPLAN_IMPORT_{name}", globals()[name])


@dataclass
class Cell:
    value: str | None
    shaded: bool = False


@dataclass
class Sheet:
    title: str
    rows: list = field(default_factory=list)  # list[list[Cell]]; rows[i] is source row i+1
    row_numbers: list = field(default_factory=list)  # the source row number of rows[i]


def clean(value):
    """A cell's value as stripped text (``None`` when empty); numbers keep their written form."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):
        value = value.strftime("%Y-%m-%d")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").strip()
    if len(text) > limit("MAX_CELL_CHARS"):
        text = text[: limit("MAX_CELL_CHARS")]
    return text or None


def read_file(data, name):
    """``data``: the file's bytes. Returns ``(kind, sheets)``; raises ``WorkplanImportError``."""
    if not data:
        raise WorkplanImportError(_("The file is empty."))
    if len(data) > limit("MAX_FILE_SIZE"):
        raise WorkplanImportError(
            _("The file is too large (%(size)s MB; at most %(max)s MB).")
            % {"size": round(len(data) / 1048576, 1), "max": limit("MAX_FILE_SIZE") // 1048576}
        )
    lower = (name or "").lower()
    if data.startswith(OLE_MAGIC):
        raise WorkplanImportError(
            _("This file is password-protected or in the old Excel/Word format (.xls, .doc): "
              "remove the password or save it as .xlsx, .docx or .csv, then upload it again.")
        )
    if data.startswith(b"PK"):
        names = _zip_names(data)
        if "word/document.xml" in names:
            return "docx", read_docx(data)
        if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
            return "xlsx", read_xlsx(data)
        raise WorkplanImportError(_("This file is neither an Excel workbook (.xlsx) nor a Word document (.docx)."))
    if lower.endswith((".xlsx", ".xlsm", ".docx")):
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    if lower.endswith((".xls", ".doc", ".pdf", ".ods", ".odt")):
        raise WorkplanImportError(_("This file type is not supported: upload an .xlsx, .csv or .docx file."))
    return "csv", read_csv(data, name)


def _zip_names(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    total = sum(info.file_size for info in infos)
    if total > limit("MAX_UNCOMPRESSED_SIZE") or len(infos) > 10000:
        raise WorkplanImportError(
            _("The file unpacks to more than %(max)s MB: it is refused (too large, or a zip bomb).")
            % {"max": limit("MAX_UNCOMPRESSED_SIZE") // 1048576}
        )
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > 1000 and info.file_size > 10 * 1048576:
            raise WorkplanImportError(_("The file is refused: its content is compressed suspiciously (a zip bomb)."))
    return {info.filename for info in infos}


def _too_many_rows(sheet_title):
    return WorkplanImportError(
        _("The sheet has more than %(max)s rows: split the plan or remove the empty rows.") % {"max": limit("MAX_ROWS")},
        sheet=sheet_title,
    )


def read_xlsx(data):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except WorkplanImportError:
        raise
    except Exception:
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    sheets = []
    max_rows, max_cols = limit("MAX_ROWS"), limit("MAX_COLUMNS")
    try:
        for worksheet in workbook.worksheets:
            if not hasattr(worksheet, "iter_rows"):
                continue
            try:
                declared = worksheet.max_row or 0
            except Exception:
                declared = 0
            if declared > max_rows * 5:
                raise _too_many_rows(worksheet.title)
            fills = getattr(workbook, "_fills", None)
            sheet = Sheet(title=worksheet.title)
            blank_run = 0
            for number, raw in enumerate(worksheet.iter_rows(max_col=max_cols), start=1):
                row = []
                empty = True
                for cell in raw:
                    value = clean(getattr(cell, "value", None))
                    shaded = False
                    style = getattr(cell, "_style", None)
                    if style is not None and style.fillId > 1 and fills is not None:
                        fill = fills[style.fillId]
                        shaded = fill.fill_type == "solid" and (fill.fgColor.rgb or "") not in ("00FFFFFF", "FFFFFFFF")
                    if value is not None:
                        empty = False
                    row.append(Cell(value, shaded))
                if empty and not any(c.shaded for c in row):
                    blank_run += 1
                    if blank_run > max_rows:
                        break  # a sheet of blank rows: stop reading
                    continue
                blank_run = 0
                if len(sheet.rows) >= max_rows:
                    raise _too_many_rows(worksheet.title)
                sheet.rows.append(row)
                sheet.row_numbers.append(number)
            sheets.append(sheet)
    except WorkplanImportError:
        raise
    except Exception:
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    finally:
        workbook.close()
    return sheets


def decode_text(data):
    """UTF-8 (with or without BOM), else Windows-1252; anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise WorkplanImportError(
            _("The CSV file is encoded in UTF-16 or is binary: save it as CSV UTF-8 (or Windows-1252).")
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise WorkplanImportError(
            _("The CSV file's encoding is neither UTF-8 nor Windows-1252 (unreadable byte at position %(pos)s): "
              "save it as CSV UTF-8.") % {"pos": error.start}
        )


def read_csv(data, name="plan.csv"):
    text, _encoding = decode_text(data)
    sample = text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ";,\t"}
        delimiter = max(counts, key=counts.get)
    title = (name or "plan.csv").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    sheet = Sheet(title=title)
    max_rows, max_cols = limit("MAX_ROWS"), limit("MAX_COLUMNS")
    try:
        for number, raw in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            row = [Cell(clean(value)) for value in raw[:max_cols]]
            if not any(c.value for c in row):
                continue
            if len(sheet.rows) >= max_rows:
                raise _too_many_rows(title)
            sheet.rows.append(row)
            sheet.row_numbers.append(number)
    except csv.Error as error:
        raise WorkplanImportError(_("The CSV file cannot be read: %(error)s") % {"error": error})
    return [sheet]


def read_docx(data):
    """Body paragraphs and tables in document order, as the rows of one sheet."""
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    sheet = Sheet(title=_("Document"))
    max_rows, max_cols = limit("MAX_ROWS"), limit("MAX_COLUMNS")
    number = 0

    def add(row):
        nonlocal number
        number += 1
        if not any(c.value for c in row):
            return
        if len(sheet.rows) >= max_rows:
            raise _too_many_rows(sheet.title)
        sheet.rows.append(row)
        sheet.row_numbers.append(number)

    def text_of(element):
        paragraphs = []
        for p in element.iter(qn("w:p")):
            paragraphs.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
        return clean("\n".join(paragraphs))

    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            add([Cell(text_of(child))])
        elif child.tag == qn("w:tbl"):
            for tr in child.iter(qn("w:tr")):
                row = []
                for tc in tr.findall(qn("w:tc")):
                    props = tc.find(qn("w:tcPr"))
                    span, continued = 1, False
                    if props is not None:
                        grid = props.find(qn("w:gridSpan"))
                        if grid is not None:
                            span = int(grid.get(qn("w:val")) or 1)
                        vmerge = props.find(qn("w:vMerge"))
                        if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                            continued = True
                        shade = props.find(qn("w:shd"))
                        shaded = shade is not None and (shade.get(qn("w:fill")) or "auto").lower() not in ("auto", "ffffff")
                    else:
                        shaded = False
                    row.append(Cell(None if continued else text_of(tc), shaded))
                    row.extend(Cell(None, shaded) for _ in range(span - 1))
                add(row[:max_cols])
    return [sheet]
