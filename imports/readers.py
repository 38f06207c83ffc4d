"""Readers: an uploaded file (xlsx, csv, docx) → sheets of plain rows, with hard caps.

Every reader returns a list of ``Sheet``: a title and rows of ``Cell`` (text or ``None``,
``shaded`` when the cell has a solid fill). Nothing is evaluated: a formula is kept as its
text. Size, uncompressed size and rows are capped so a zip bomb or a million-row sheet is
refused within seconds, with bounded memory.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import WorkplanImportError

MAX_UNCOMPRESSED_SIZE = 100 * 1024 * 1024  # bytes once unzipped (xlsx, docx)
MAX_ROWS = 20000  # rows in one sheet
MAX_COLUMNS = 60
MAX_CELL_CHARS = 5000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def limit(name):
    return getattr(settings, f"WORKPLAN_IMPORT_{name}", globals()[name])


def size_error(size):
    """A ``WorkplanImportError`` when a file of ``size`` bytes is over the upload cap
    ``settings.IMPORT_MAX_BYTES`` (the page, the command and the reader all apply it), else ``None``."""
    cap = settings.IMPORT_MAX_BYTES
    if size <= cap:
        return None
    return WorkplanImportError(
        _("The file is too large (%(size)s MB; at most %(max)s MB).")
        % {"size": round(size / 1048576, 1), "max": round(cap / 1048576, 1) if cap % 1048576 else cap // 1048576}
    )


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
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # a cell neutralised against formula injection by an export
    if len(text) > limit("MAX_CELL_CHARS"):
        text = text[: limit("MAX_CELL_CHARS")]
    return text or None


def read_file(data, name):
    """``data``: the file's bytes. Returns ``(kind, sheets)``; raises ``WorkplanImportError``."""
    if not data:
        raise WorkplanImportError(_("The file is empty."))
    if error := size_error(len(data)):
        raise error
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


def _sheet_title_finder(data):
    """``xl/worksheets/sheet1.xml`` → the sheet's name, for messages (the path when unknown)."""

    def title_of(path):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
                rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            target = path.split("xl/", 1)[-1]
            rel = re.search(r'Id="([^"]+)"[^>]*Target="/?(?:xl/)?' + re.escape(target) + '"', rels) or re.search(
                r'Target="/?(?:xl/)?' + re.escape(target) + r'"[^>]*Id="([^"]+)"', rels)
            name = re.search(r'<(?:\w+:)?sheet [^>]*name="([^"]+)"[^>]*r:id="' + re.escape(rel.group(1)) + '"', workbook)
            return name.group(1)
        except Exception:
            return path

    return title_of


def _too_many_rows(sheet_title):
    return WorkplanImportError(
        _("The sheet has more than %(max)s rows: split the plan or remove the empty rows.") % {"max": limit("MAX_ROWS")},
        sheet=sheet_title,
    )


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_rows(data, title_of):
    """Count the rows of every worksheet by streaming its XML, before openpyxl parses anything.

    openpyxl reads a whole sheet to size it when its ``<dimension>`` is missing; a million-row
    sheet would take a minute. Streaming the XML and counting row tags stops at the cap.
    """
    max_rows = limit("MAX_ROWS")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            count, tail = 0, b""
            with archive.open(info) as stream:
                while chunk := stream.read(1 << 20):
                    block = tail + chunk
                    count += len(_ROW_TAG.findall(block))
                    tail = block[-16:]
                    count -= len(_ROW_TAG.findall(tail))
                    if count > max_rows * 2:
                        raise _too_many_rows(title_of(info.filename))


def read_xlsx(data):
    import openpyxl

    try:
        _count_rows(data, _sheet_title_finder(data))
    except WorkplanImportError:
        raise
    except Exception:
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except WorkplanImportError:
        raise
    except Exception:
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    sheets = []
    shading = {}  # style id → shaded (solid fill that is not white)
    max_rows, max_cols = limit("MAX_ROWS"), limit("MAX_COLUMNS")
    try:
        for worksheet in workbook.worksheets:
            if not hasattr(worksheet, "iter_rows"):
                continue
            declared = getattr(worksheet, "_max_row", None) or 0
            if declared > max_rows * 5:
                raise _too_many_rows(worksheet.title)
            sheet = Sheet(title=worksheet.title)
            blank_run = 0
            for number, raw in enumerate(worksheet.iter_rows(), start=1):
                row = []
                empty = True
                for cell in raw[:max_cols]:
                    value = clean(getattr(cell, "value", None))
                    style_id = getattr(cell, "_style_id", 0)
                    shaded = bool(style_id) and _is_shaded(workbook, style_id, shading)
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


def _is_shaded(workbook, style_id, cache):
    if style_id not in cache:
        try:
            fill = workbook._fills[workbook._cell_styles[style_id].fillId]
            color = getattr(fill.fgColor, "rgb", None)
            cache[style_id] = fill.fill_type == "solid" and (
                not isinstance(color, str) or color.upper() not in ("00FFFFFF", "FFFFFFFF"))
        except (IndexError, AttributeError, KeyError):
            cache[style_id] = False
    return cache[style_id]


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

    text_tag, breaks, tab = qn("w:t"), {qn("w:br"), qn("w:cr")}, qn("w:tab")

    def text_of(element):
        paragraphs = []
        for p in element.iter(qn("w:p")):
            parts = []
            for node in p.iter():
                if node.tag == text_tag:
                    parts.append(node.text or "")
                elif node.tag in breaks:
                    parts.append("\n")
                elif node.tag == tab:
                    parts.append("\t")
            paragraphs.append("".join(parts))
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
