"""Readers: an uploaded file (xlsx, csv, docx) → sheets of plain rows, with hard caps.

Every reader returns a list of ``Sheet``: a title and rows of ``Cell`` (text or ``None``,
``shaded`` when the cell has a solid fill). Nothing is evaluated: a formula is kept as its
text. Size, uncompressed size and rows are capped so a zip bomb or a million-row sheet is
refused within seconds, with bounded memory.
"""

import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from clusterplan.lib.exporting import column_letter

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
    """A cell's text (``None`` when empty) and whether it has a solid fill. The spreadsheet reader
    gives the cells of one text the same object: never modify a cell of a read sheet, replace it."""

    value: str | None
    shaded: bool = False


@dataclass
class Sheet:
    title: str
    rows: list = field(default_factory=list)  # list[list[Cell]]; rows[i] is source row i+1
    row_numbers: list = field(default_factory=list)  # the source row number of rows[i]
    warnings: list = field(default_factory=list)  # [(row, message)] noted while reading


def clean(value, max_chars=None):
    """A cell's value as stripped text (``None`` when empty); numbers keep their written form."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):
        value = value.strftime("%Y-%m-%d")
    text = str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    text = _CONTROL.sub("", text).strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # a cell neutralised against formula injection by an export
    if max_chars is None:
        max_chars = limit("MAX_CELL_CHARS")
    if len(text) > max_chars:
        text = text[:max_chars]
    return text or None


SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".docx", ".txt", ".tsv")
MAX_CELLS = 2_000_000  # rows × columns a spreadsheet may span (a 16,384-column sheet is refused early)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MISSING = object()


def read_file(data, name):
    """``data``: the file's bytes. Returns ``(kind, sheets)``; raises ``WorkplanImportError``."""
    if not data:
        raise WorkplanImportError(_("The file is empty."))
    if error := size_error(len(data)):
        raise error
    lower = (name or "").lower()
    if data.startswith(OLE_MAGIC):
        if lower.endswith((".doc", ".docx")):
            raise WorkplanImportError(
                _("This file is an old Word document (.doc) or is password-protected: save it as .docx "
                  "(File › Save as) without a password, then upload it again."))
        return "xls", read_spreadsheet(data, "xls")
    if data.startswith(b"PK"):
        names = zip_guard(data)
        if "word/document.xml" in names:
            return "docx", read_docx(data)
        if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
            return "xlsx", read_spreadsheet(data, "xlsx")
        if "content.xml" in names:
            if b"opendocument.spreadsheet" not in data[:200]:
                raise WorkplanImportError(
                    _("This OpenDocument file is not a spreadsheet (.ods): save the plan from LibreOffice Calc "
                      "as .ods or .xlsx, then upload it again."))
            return "ods", read_spreadsheet(data, "ods")
        raise WorkplanImportError(
            _("This file is neither an Excel workbook (.xlsx, .xls), a spreadsheet (.ods) nor a Word document (.docx)."))
    if lower.endswith((".xlsx", ".xlsm", ".docx", ".ods", ".xls")):
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    if lower.endswith((".doc", ".pdf", ".odt")):
        raise WorkplanImportError(
            _("This file type is not supported: upload an .xlsx, .xls, .ods, .csv or .docx file "
              "(save a .doc or .odt as .docx; a PDF cannot be read, ask for the original spreadsheet)."))
    return "csv", read_csv(data, name)


def zip_guard(data):
    """The names in a zip file, after counting the bytes each member really decompresses to.

    A member's declared size can lie: every member is streamed and the count stops at the cap,
    so a zip bomb costs at most ``MAX_UNCOMPRESSED_SIZE`` bytes of work and a 1 MB buffer.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    cap = limit("MAX_UNCOMPRESSED_SIZE")
    too_large = WorkplanImportError(
        _("The file unpacks to more than %(max)s MB: it is refused (too large, or a zip bomb).")
        % {"max": cap // 1048576})
    if len(infos) > 10000 or sum(info.file_size for info in infos) > cap:
        raise too_large
    total = 0
    try:
        for info in infos:
            with archive.open(info) as stream:
                while chunk := stream.read(1 << 20):
                    total += len(chunk)
                    if total > cap:
                        raise too_large
    except WorkplanImportError:
        raise
    except Exception:
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    return {info.filename for info in infos}


def _too_many_rows(sheet_title):
    return WorkplanImportError(
        _("The sheet has more than %(max)s rows: split the plan or remove the empty rows.") % {"max": limit("MAX_ROWS")},
        sheet=sheet_title,
    )


def _too_wide(sheet_title, width):
    return WorkplanImportError(
        _("The sheet has content up to column %(column)s: delete the columns to the right of the table "
          "(or the stray cells far away), then upload it again.") % {"column": column_letter(min(width, 16384))},
        sheet=sheet_title,
    )


def read_spreadsheet(data, kind):
    """xlsx, xlsm, xls and ods through calamine; shading and percent formats from the xlsx XML."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise WorkplanImportError(_("This workbook is password-protected: remove the password, then upload it again."))
    except Exception:
        if kind == "xls":
            raise WorkplanImportError(
                _("This file is password-protected, or an old Excel/Word file that cannot be read: remove the password "
                  "or save it as .xlsx, then upload it again."))
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    formats = xlsx_formats(data) if kind == "xlsx" else {}
    max_rows, max_cols, max_chars = limit("MAX_ROWS"), limit("MAX_COLUMNS"), limit("MAX_CELL_CHARS")
    texts = {"": None}  # a text as read → cleaned: the same values come back row after row
    cells = {"": Cell(None)}  # a text as read → its (unshaded) cell
    sheets = []
    try:
        for meta in workbook.sheets_metadata:
            if str(getattr(meta, "typ", "")).lower().endswith(("chartsheet", "vba", "macrosheet", "dialogsheet")):
                continue
            title = clean(meta.name) or "?"
            dims = formats.get(title, {}).get("size")
            if dims:
                if dims[0] > max_rows * 5:
                    raise _too_many_rows(title)
                if dims[0] * dims[1] > MAX_CELLS:
                    raise _too_wide(title, dims[1])
            worksheet = workbook.get_sheet_by_name(meta.name)
            if worksheet.total_height > max_rows * 5:
                raise _too_many_rows(title)
            if worksheet.height * worksheet.width > MAX_CELLS:
                raise _too_wide(title, worksheet.width)
            styled = formats.get(title, {}).get("cells", {})
            first_row, first_col = worksheet.start or (0, 0)
            sheet = Sheet(title=title)
            width = max(0, max_cols - first_col)
            padding = [Cell(None) for _ in range(min(first_col, max_cols))] if first_col else None
            for offset, raw in enumerate(worksheet.iter_rows()):
                number = first_row + offset + 1
                row = _spreadsheet_row(raw[:width], number, first_col, styled, texts, cells, max_chars)
                if row is None:
                    continue
                if padding:
                    row = [Cell(None) for _ in padding] + row
                    row = row[:max_cols]
                if len(sheet.rows) >= max_rows:
                    raise _too_many_rows(title)
                sheet.rows.append(row)
                sheet.row_numbers.append(number)
            formulas = formats.get(title, {}).get("formulas")
            if formulas:
                _put_formulas(sheet, formulas, max_cols)
            sheets.append(sheet)
    except WorkplanImportError:
        raise
    except Exception:
        raise WorkplanImportError(_("This file is not a valid workbook or document: it may be truncated or damaged."))
    finally:
        workbook.close()
    return sheets


def _spreadsheet_row(raw, number, first_col, styled, texts, cells, max_chars):
    """One row of calamine values → ``[Cell]``, or ``None`` when it is empty and unshaded.

    ``styled``: ``{(row, col): (shaded, percent)}`` from the xlsx XML; ``texts``: the cleaning of
    each text already met, ``cells``: its unshaded ``Cell`` (dictionaries shared by the whole
    workbook: a text met again costs a look-up, and its cells are one object — never modify a
    cell of a sheet, replace it)."""
    if not styled:  # no shaded or percent cell in the workbook: the values alone, one Cell per text
        get = cells.get
        row = []
        for value in raw:
            if value.__class__ is str:
                cell = get(value)
                if cell is None:
                    cell = cells[value] = Cell(clean(value, max_chars))
            else:
                cell = Cell(clean(value, max_chars))
            row.append(cell)
        return row if any(cell.value is not None for cell in row) else None
    row = []
    empty = True
    for k, value in enumerate(raw):
        style = styled.get((number, first_col + k))
        if style and style[1] and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = f"{value * 100:.10g} %"
        if value.__class__ is str:
            if not value:
                text = None
            else:
                text = texts.get(value, _MISSING)
                if text is _MISSING:
                    text = texts[value] = clean(value, max_chars)
        else:
            text = clean(value, max_chars)
        if text is not None:
            empty = False
        row.append(Cell(text, bool(style and style[0])))
    if empty and not any(c.shaded for c in row):
        return None
    return row


def _put_formulas(sheet, formulas, max_cols):
    """Formulas without a cached value (never computed): kept as their text, never evaluated."""
    rows = dict(zip(sheet.row_numbers, sheet.rows))
    for (number, col), formula in formulas.items():
        if col >= max_cols:
            continue
        row = rows.setdefault(number, [])
        row.extend(Cell(None) for _ in range(col + 1 - len(row)))
        if row[col].value is None:
            row[col] = Cell(clean(formula), row[col].shaded)
    ordered = sorted(rows.items())
    sheet.row_numbers, sheet.rows = [n for n, _r in ordered], [r for _n, r in ordered]


_ATTR_R = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ATTR_S = re.compile(rb'\bs="(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?c\b([^>]*?)>\s*<(?:\w+:)?f\b[^>]*>([^<]*)</(?:\w+:)?f>\s*(?:<(?:\w+:)?v\b[^>]*>([^<]*)<)?")


_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"')
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _styled_cell_tag(styles):
    """A pattern for the cell tags whose style is one of ``styles`` (shaded or percent), or ``None``."""
    if not styles:
        return None
    ids = b"|".join(sorted(styles))
    return re.compile(rb'<(?:\w+:)?c\b([^>]*?\bs="(?:' + ids + rb')"[^>]*)>')


def _column_index(letters):
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index - 1


def xlsx_formats(data):
    """``{sheet title: {"cells": {(row, col): (shaded, percent)}, "size": (rows, cols)}}`` read from the
    xlsx XML itself (styles.xml and each sheet), with defusedxml: no openpyxl, no formulas evaluated."""
    from defusedxml import ElementTree

    out = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            styles = {}
            if "xl/styles.xml" in names:
                root = ElementTree.fromstring(archive.read("xl/styles.xml"))
                ns = root.tag.split("}")[0] + "}" if root.tag.startswith("{") else ""
                custom = {n.get("numFmtId"): n.get("formatCode") or "" for n in root.iter(f"{ns}numFmt")}
                fills = []
                fills_node = root.find(f"{ns}fills")
                for fill in (fills_node if fills_node is not None else []):
                    pattern = fill.find(f"{ns}patternFill")
                    solid = pattern is not None and pattern.get("patternType") == "solid"
                    colour = pattern.find(f"{ns}fgColor") if pattern is not None else None
                    rgb = (colour.get("rgb") or "").upper() if colour is not None else ""
                    fills.append(solid and rgb not in ("FFFFFFFF", "00FFFFFF"))
                xfs = root.find(f"{ns}cellXfs")
                for k, xf in enumerate(xfs if xfs is not None else []):
                    fill_id, fmt_id = int(xf.get("fillId") or 0), xf.get("numFmtId") or "0"
                    shaded = fill_id < len(fills) and fills[fill_id]
                    percent = fmt_id in ("9", "10") or "%" in custom.get(fmt_id, "")
                    if shaded or percent:
                        styles[str(k).encode()] = (shaded, percent)
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace") if "xl/_rels/workbook.xml.rels" in names else ""
            targets = {}
            for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
                rid, target = re.search(r'Id="([^"]+)"', rel.group(0)), re.search(r'Target="([^"]+)"', rel.group(0))
                if rid and target:
                    path = target.group(1).lstrip("/")
                    targets[rid.group(1)] = path if path.startswith("xl/") else "xl/" + path
            for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
                tag = sheet.group(0)
                name, rid = re.search(r'\bname="([^"]*)"', tag), re.search(r'\br:id="([^"]+)"|\bid="([^"]+)"', tag)
                if not name or not rid:
                    continue
                path = targets.get(rid.group(1) or rid.group(2))
                if path not in names:
                    continue
                title = clean(html.unescape(name.group(1))) or "?"
                cells, formulas, rows, cols = {}, {}, 0, 0
                styled_cell = _styled_cell_tag(styles)
                with archive.open(path) as stream:
                    tail = b""
                    while chunk := stream.read(1 << 20):
                        block = tail + chunk
                        cut = max(block.rfind(b"</row>") + 6, block.rfind(b"</c>") + 4, 0) or block.rfind(b">") + 1
                        block, tail = block[:cut], block[cut:]
                        # the sheet's extent, from every cell's reference (C-speed: no Python per cell)
                        refs = _CELL_REF.findall(block)
                        if refs:
                            letters, numbers = zip(*refs)
                            cols = max(cols, _column_index(max(set(letters), key=lambda c: (len(c), c))) + 1)
                            rows = max(rows, max(map(int, numbers)))
                        # shaded cells and percent formats: only the cells carrying such a style
                        if styled_cell is not None:
                            for match in styled_cell.finditer(block):
                                ref = _ATTR_R.search(match.group(1))
                                style = _ATTR_S.search(match.group(1))
                                if ref and style and style.group(1) in styles:
                                    cells[(int(ref.group(2)), _column_index(ref.group(1)))] = styles[style.group(1)]
                        # formulas without a cached value: kept as their text
                        if (b"<f" in block or b":f" in block) and _FORMULA_TAG.search(block):
                            for match in _FORMULA.finditer(block):
                                ref = _ATTR_R.search(match.group(1))
                                if ref and not match.group(3) and len(formulas) < 100000:
                                    formula = html.unescape(match.group(2).decode("utf-8", "replace"))
                                    formulas[(int(ref.group(2)), _column_index(ref.group(1)))] = "=" + formula
                out[title] = {"cells": cells, "formulas": formulas, "size": (rows, cols)}
    except Exception:
        return out  # formatting is a bonus: the values are still read by calamine
    return out


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
    title = clean((name or "plan.csv").rsplit("/", 1)[-1].rsplit(".", 1)[0][:80]) or "plan"
    sheet = Sheet(title=title)
    if "\x00" in text:
        text = text.replace("\x00", "")
        sheet.warnings.append((0, _("The file holds NUL characters (binary data): they were removed; check the values.")))
    max_rows, max_cols = limit("MAX_ROWS"), limit("MAX_COLUMNS")
    number = 0
    try:
        for number, raw in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if len(raw) > max_cols and any(value.strip() for value in raw[max_cols:]):
                sheet.warnings.append((number, _("Values beyond column %(max)s are ignored.") % {"max": max_cols}))
            row = [Cell(clean(value)) for value in raw[:max_cols]]
            if not any(c.value for c in row):
                continue
            if len(sheet.rows) >= max_rows:
                raise _too_many_rows(title)
            sheet.rows.append(row)
            sheet.row_numbers.append(number)
    except csv.Error as error:
        if "field limit" in str(error):
            raise WorkplanImportError(
                _("A cell of the CSV file is longer than %(max)s characters, or a quotation mark is never closed: "
                  "check the row after row %(row)s.") % {"max": csv.field_size_limit(), "row": number})
        raise WorkplanImportError(
            _("The CSV file cannot be read after row %(row)s (a quotation mark or a line break is misplaced): "
              "save it again as CSV UTF-8 from the spreadsheet.") % {"row": number})
    return [sheet]


def docx_span(value, grid_width):
    """A ``w:gridSpan`` value as a number of columns: junk, or wider than the table's grid → 1."""
    try:
        span = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return span if 1 <= span <= grid_width else 1


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
            grid = child.find(qn("w:tblGrid"))
            grid_width = min(len(grid.findall(qn("w:gridCol"))) if grid is not None else 0, max_cols) or max_cols
            for tr in child.iter(qn("w:tr")):
                row = []
                for tc in tr.findall(qn("w:tc")):
                    props = tc.find(qn("w:tcPr"))
                    span, continued = 1, False
                    if props is not None:
                        grid = props.find(qn("w:gridSpan"))
                        if grid is not None:
                            span = docx_span(grid.get(qn("w:val")), grid_width)
                        vmerge = props.find(qn("w:vMerge"))
                        if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                            continued = True
                        shade = props.find(qn("w:shd"))
                        shaded = shade is not None and (shade.get(qn("w:fill")) or "auto").lower() not in ("auto", "ffffff")
                    else:
                        shaded = False
                    if len(row) >= max_cols:
                        break  # the table is wider than any plan: the rest is not read
                    row.append(Cell(None if continued else text_of(tc), shaded))
                    row.extend(Cell(None, shaded) for _ in range(min(span, max_cols - len(row) + 1) - 1))
                add(row[:max_cols])
    return [sheet]
