"""The performance table as an xlsx workbook made for people, and as CSV (optionally with a HXL row).

Every text cell goes through ``clusterplan.lib.exporting.neutralise`` (no formula injection).
"""

import csv
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from clusterplan.lib.exporting import neutralise, neutralise_row
from indicators.models import Indicator, ProgressReport, Status

from .xlsx import Book

STATUS_FILLS = {
    Status.ON_TRACK: "C8E6C9",
    Status.AT_RISK: "FFE0B2",
    Status.LATE: "FFCDD2",
    Status.DONE: "C5CAE9",
    Status.NOT_STARTED: "ECEFF1",
    Status.NO_DATA: "E0E0E0",
}
STATUS_PATTERNS = {status: PatternFill("solid", fgColor=colour) for status, colour in STATUS_FILLS.items()}
NUMBER_FORMAT = "#,##0.##"
PERCENT_FORMAT = "0.0%"
BOLD = Font(bold=True)
ITALIC = Font(italic=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDE5EE")
OBJECTIVE_FILL = PatternFill("solid", fgColor="EEF2F6")
WRAP = Alignment(wrap_text=True, vertical="top")

# The HXL hashtags of the CSV columns (https://hxlstandard.org/).
CSV_COLUMNS = [
    ("workplan", _lazy("Workplan"), ""),
    ("objective", _lazy("Objective"), ""),
    ("result", _lazy("Expected result"), ""),
    ("activity_code", _lazy("Activity code"), "#activity+code"),
    ("activity", _lazy("Activity"), "#activity+name"),
    ("indicator_code", _lazy("Indicator code"), "#indicator+code"),
    ("indicator", _lazy("Indicator"), "#indicator+name"),
    ("unit", _lazy("Unit"), "#indicator+unit"),
    ("org", _lazy("Responsible organisations"), "#org"),
    ("quarter", _lazy("Quarter"), "#date+quarter"),
    ("date", _lazy("Quarter end"), "#date"),
    ("targeted", _lazy("Target"), "#targeted"),
    ("reached", _lazy("Achieved"), "#reached"),
    ("percent", _lazy("% met"), "#indicator+pct"),
    ("status", _lazy("Status"), "#status"),
]


def _number(value):
    """A Decimal as an int or a float a spreadsheet shows as a number."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _fraction(percent):
    return None if percent is None else float(Decimal(percent) / 100)


def _plain(value):
    """A Decimal as text without trailing zeros, for CSV."""
    if value is None:
        return ""
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def _objective_label(group):
    return group.objective.title if group.objective else _("Indicators without objective")


def _append(sheet, values):
    """Append a row and return its index (``max_row`` is a scan of every cell: never call it per row)."""
    sheet.append(values)
    return sheet._current_row


def _style_row(sheet, row_idx, width, font=None, fill=None, alignment=None):
    for col in range(1, width + 1):
        cell = sheet.cell(row=row_idx, column=col)
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if alignment:
            cell.alignment = alignment


def table_columns(table):
    """The header of the performance table: fixed columns, then three per quarter, then the status."""
    fixed = [
        _("Code"), _("Indicator"), _("Activity"), _("Responsible"), _("Unit"), _("How it adds up"), _("Direction"),
        _("Baseline"), _("Target"), _("Achieved"), _("% met"),
    ]
    quarters = []
    for quarter in table.quarters:
        quarters += [f"{quarter.label} {_('target')}", f"{quarter.label} {_('achieved')}", f"{quarter.label} {_('% met')}"]
    return fixed, quarters, [_("Status")]


def _book():
    """A streaming workbook (reports/xlsx.py) with the styles of the exports."""
    book = Book()
    styles = book.styles
    styles.add("title", bold=True, size=14)
    styles.add("header", bold=True, fill="DDE5EE", wrap=True)
    styles.add("objective", bold=True, fill="EEF2F6")
    styles.add("italic", italic=True)
    styles.add("wrap", wrap=True)
    styles.add("number", number_format=NUMBER_FORMAT)
    styles.add("percent", number_format=PERCENT_FORMAT)
    styles.add("datetime", number_format="yyyy-mm-dd hh:mm")
    styles.add("binary", number_format=f'[=1]"{_("Yes")}";[=0]"{_("No")}";General')
    for status, colour in STATUS_FILLS.items():
        styles.add(f"status_{status}", fill=colour)
        styles.add(f"objective_status_{status}", bold=True, fill=colour)
    return book


def performance_workbook(table, title, user, changes):
    """The workbook (``.save(file)``): sheet 1 the table, grouped by objective; sheet 2 the change log of the period."""
    book = _book()
    fixed, quarter_cols, end = table_columns(table)
    header = fixed + quarter_cols + end
    n_fixed = len(fixed)
    status_col = len(header)
    filters = table.filters.describe() or [(_("none"), None)]
    header_row = 3 + len(filters) + 2
    widths = {col: 11 for col in range(8, status_col)}
    widths.update({1: 10, 2: 60, 3: 40, 4: 18, 5: 7, 6: 18, 7: 11, status_col: 14})
    sheet = book.add_sheet(_("Performance"), freeze=f"C{header_row + 1}", widths=widths, landscape=True,
                           summary_below=False)

    sheet.append([(neutralise(title), "title")])
    exported_by = user.get_full_name() or user.get_username()
    sheet.append([_("Exported on"), timezone.localtime().strftime("%Y-%m-%d %H:%M"), _("by"), neutralise(exported_by)])
    for label, value in filters:
        if value is None:
            sheet.append([_("Filter"), label])
        else:
            sheet.append([_("Filter"), neutralise(str(label)), neutralise(value)])
    sheet.append([_("Only validated reports count.")])
    sheet.append([])
    sheet.append([(label, "header") for label in header])

    formats = [None] * 7 + ["number", "number", "number", "percent"]
    formats += ["number", "number", "percent"] * len(table.quarters)
    for group in table.groups:
        values = [neutralise(str(group.objective.code if group.objective else "")), neutralise(_objective_label(group))]
        values += [None] * (status_col - 3)
        values = [(v, "objective") for v in values]
        values.append((str(Status(group.status).label), f"objective_status_{group.status}"))
        sheet.append(values)
        for result_group in group.results:
            if result_group.result is not None:
                sheet.append([neutralise(result_group.result.code), (neutralise(result_group.result.title), "italic")],
                             outline_level=1)
            for row in result_group.rows:
                _append_row(sheet, row, formats, n_fixed)
                for sub in row.breakdowns:
                    values = [None, (neutralise("  " + sub.label), "italic")] + [None] * 7
                    values += [(_number(sub.total), "number"), None]
                    for value in sub.values:
                        values += [None, (_number(value), "number"), None]
                    sheet.append(values, outline_level=2)

    _changes_sheet(book, changes)
    return book


def _append_row(sheet, row, formats, n_fixed):
    ind = row.indicator
    values = [
        neutralise(ind.code),
        (neutralise(ind.text), "wrap"),
        neutralise(str(row.activity) if row.activity else ""),
        neutralise(", ".join(a.acronym for a in row.actors)),
        neutralise(row.unit_label),
        str(Indicator.Aggregation(ind.effective_aggregation).label),
        str(Indicator.Direction(ind.direction).label),
        _number(row.baseline),
        _number(row.target),
        _number(row.achieved),
        _fraction(row.percent),
    ]
    for cell in row.cells:
        values += [_number(cell.target), _number(cell.achieved), _fraction(cell.percent)]
    binary = ind.is_binary
    for col in range(7, len(values)):
        if values[col] is not None:
            is_achieved = col == 9 or (col >= n_fixed and (col - n_fixed) % 3 == 1)
            values[col] = (values[col], "binary" if binary and is_achieved else formats[col])
    values.append((str(row.status_label), f"status_{row.status}"))
    sheet.append(values, outline_level=1)


def changes_for(indicator_ids, quarters, user=None):
    """The history of the reports of these indicators for these quarters (the period), oldest first;
    with ``user``, only of the reports they may see (drafts are private)."""
    history = ProgressReport.history.filter(indicator_id__in=indicator_ids, quarter_id__in=[q.pk for q in quarters])
    if user is not None:
        history = history.filter(id__in=ProgressReport.objects.visible_to(user).values("pk"))
    return history.order_by("history_date", "history_id").values_list(
        "history_date", "history_user__username", "history_type", "indicator__code", "indicator__text",
        "quarter__year", "quarter__number", "organisation__acronym", "value", "state", "history_change_reason",
    )


def _changes_sheet(book, changes):
    sheet = book.add_sheet(_("Change log"), freeze="A2",
                           widths=dict(enumerate((17, 14, 10, 10, 60, 10, 14, 10, 11, 30), 1)))
    sheet.append([(label, "header") for label in (
        _("Date"), _("User"), _("Change"), _("Indicator code"), _("Indicator"), _("Quarter"), _("Organisation"),
        _("Value"), _("State"), _("Reason"))])
    kinds = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    states = dict(ProgressReport.State.choices)
    count = 0
    kinds = {key: str(label) for key, label in kinds.items()}
    states = {key: str(label) for key, label in states.items()}
    tz = timezone.get_current_timezone()
    for when, username, kind, code, text, year, number, org, value, state, reason in changes.iterator(chunk_size=5000):
        if when.tzinfo is not None:
            when = when.astimezone(tz)
        sheet.append([(when, "datetime")] + neutralise_row([
            username or "", kinds.get(kind, kind), code or "", text or "",
            f"{year}-Q{number}" if year else "", org or "", _number(value), states.get(state, state), reason or "",
        ]))
        count += 1
    if not count:
        sheet.append([_("No change in the period.")])


def csv_rows(table, hxl=False):
    """The table in long form: one row per indicator and quarter column (with a target or a figure)."""
    yield [str(_(label)) for _key, label, _tag in CSV_COLUMNS]
    if hxl:
        yield [tag for _key, _label, tag in CSV_COLUMNS]
    for group in table.groups:
        objective = str(group.objective) if group.objective else ""
        for result_group in group.results:
            result = str(result_group.result) if result_group.result else ""
            for row in result_group.rows:
                ind = row.indicator
                base = [
                    row.workplan_title, objective, result,
                    row.activity.code if row.activity else "", row.activity.title if row.activity else "",
                    ind.code, ind.text, row.unit_label, "; ".join(a.acronym for a in row.actors),
                ]
                for cell in row.cells:
                    if cell.target is None and cell.achieved is None:
                        continue
                    yield neutralise_row(base + [
                        cell.quarter.code, cell.quarter.end_date.isoformat(), _plain(cell.target),
                        _plain(cell.achieved), _plain(cell.percent), str(row.status_label),
                    ])


def write_csv(response, table, hxl=False):
    writer = csv.writer(response)
    for row in csv_rows(table, hxl=hxl):
        writer.writerow(row)
    return response


def summary_workbook(summary, user):
    """The quarterly summary as a workbook: key figures and the table by objective; narratives on sheet 2."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Summary")[:31]
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.append([neutralise(_("Quarterly protection-risk summary") + f" · {summary.workplan.title}")])
    sheet["A1"].font = TITLE
    sheet.append([_("Quarter"), str(summary.quarter.label)])
    sheet.append([_("Exported on"), timezone.localtime().strftime("%Y-%m-%d %H:%M"), _("by"),
                  neutralise(user.get_full_name() or user.get_username())])
    sheet.append([_("Only validated reports count.")])
    sheet.append([])
    sheet.cell(row=_append(sheet, [_("Key figures")]), column=1).font = BOLD
    sheet.append([_("Activities scheduled in the quarter"), summary.scheduled])
    sheet.append([_("Activities reported in the quarter"), summary.reported])
    sheet.append([_("Reports validated for the quarter"), summary.validated_reports])
    sheet.append([_("Reports awaiting validation"), summary.awaiting])
    for status, count in summary.status_counts.items():
        sheet.append([_("Indicators: %(status)s") % {"status": Status(status).label}, count])
    sheet.append([])
    header_row = _append(sheet, [_("Code"), _("Indicator"), _("Responsible"), _("This quarter"), _("Achieved to date"),
                                 _("Target"), _("% met"), _("Status")])
    _style_row(sheet, header_row, 8, BOLD, HEADER_FILL)
    sheet.freeze_panes = f"A{header_row + 1}"
    for group, rows in summary.groups:
        obj_idx = _append(sheet, [neutralise(group.objective.code if group.objective else ""),
                                  neutralise(_objective_label(group)), None, None, None, None, None,
                                  str(Status(group.status).label)])
        _style_row(sheet, obj_idx, 8, BOLD, OBJECTIVE_FILL)
        for item in rows:
            row = item.row
            idx = _append(sheet, [
                neutralise(row.indicator.code), neutralise(row.indicator.text),
                neutralise(", ".join(a.acronym for a in row.actors)), _number(item.quarter_value),
                _number(row.achieved), _number(row.target), _fraction(row.percent), str(row.status_label),
            ])
            sheet.row_dimensions[idx].outline_level = 1
            for col in (4, 5, 6):
                sheet.cell(row=idx, column=col).number_format = NUMBER_FORMAT
            sheet.cell(row=idx, column=7).number_format = PERCENT_FORMAT
            sheet.cell(row=idx, column=8).fill = STATUS_PATTERNS[row.status]
            sheet.cell(row=idx, column=2).alignment = WRAP
    for col, width in zip("ABCDEFGH", (10, 70, 18, 12, 14, 10, 9, 12)):
        sheet.column_dimensions[col].width = width

    notes = workbook.create_sheet(_("Narratives")[:31])
    notes.append([_("Indicator code"), _("Indicator"), _("Organisation"), _("Value"), _("Narrative")])
    _style_row(notes, 1, 5, BOLD)
    for report in summary.narratives:
        notes.append(neutralise_row([report.indicator.code, report.indicator.text, report.organisation.acronym,
                                     _number(report.value), report.narrative]))
    for col, width in zip("ABCDE", (10, 50, 14, 10, 80)):
        notes.column_dimensions[col].width = width
    return workbook
