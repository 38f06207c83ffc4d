"""The performance table as an xlsx workbook made for people, and as CSV (optionally with a HXL row).

Every text cell goes through ``clusterplan.exporting.neutralise`` (no formula injection).
"""

import csv
import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from clusterplan.exporting import neutralise, neutralise_row
from indicators.models import Indicator, ProgressReport, Status

STATUS_FILLS = {
    Status.ON_TRACK: "C8E6C9",
    Status.AT_RISK: "FFE0B2",
    Status.LATE: "FFCDD2",
    Status.DONE: "C5CAE9",
    Status.NOT_STARTED: "ECEFF1",
    Status.NO_DATA: "E0E0E0",
}
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


def performance_workbook(table, title, user, changes):
    """An openpyxl ``Workbook``: sheet 1 the table, sheet 2 the change log of the period."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Performance")[:31]
    sheet.sheet_properties.outlinePr.summaryBelow = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    sheet.append([neutralise(title)])
    sheet["A1"].font = TITLE
    exported_by = user.get_full_name() or user.get_username()
    sheet.append([_("Exported on"), timezone.localtime().strftime("%Y-%m-%d %H:%M"), _("by"), neutralise(exported_by)])
    filters = table.filters.describe()
    if filters:
        for label, value in filters:
            sheet.append([_("Filter"), neutralise(str(label)), neutralise(value)])
    else:
        sheet.append([_("Filter"), _("none")])
    sheet.append([_("Only validated reports count.")])
    sheet.append([])

    fixed, quarter_cols, end = table_columns(table)
    header = fixed + quarter_cols + end
    sheet.append(header)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
    sheet.freeze_panes = f"C{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(header))}{header_row}"
    n_fixed = len(fixed)
    status_col = len(header)

    for group in table.groups:
        sheet.append([neutralise(str(group.objective.code if group.objective else "")), neutralise(_objective_label(group))]
                     + [None] * (status_col - 3) + [str(Status(group.status).label)])
        row_idx = sheet.max_row
        for cell in sheet[row_idx]:
            cell.font = BOLD
            cell.fill = OBJECTIVE_FILL
        sheet.cell(row=row_idx, column=status_col).fill = PatternFill("solid", fgColor=STATUS_FILLS[group.status])
        for result_group in group.results:
            if result_group.result is not None:
                sheet.append([neutralise(result_group.result.code), neutralise(result_group.result.title)])
                sheet.cell(row=sheet.max_row, column=2).font = ITALIC
                sheet.row_dimensions[sheet.max_row].outline_level = 1
            for row in result_group.rows:
                _append_row(sheet, row, n_fixed, status_col)
                for sub in row.breakdowns:
                    values = [None, neutralise("  " + sub.label)] + [None] * 7 + [_number(sub.total), None]
                    for value in sub.values:
                        values += [None, _number(value), None]
                    sheet.append(values)
                    sub_idx = sheet.max_row
                    sheet.row_dimensions[sub_idx].outline_level = 2
                    sheet.cell(row=sub_idx, column=2).font = ITALIC
                    for col in range(8, status_col):
                        sheet.cell(row=sub_idx, column=col).number_format = NUMBER_FORMAT

    widths = {1: 10, 2: 60, 3: 40, 4: 18, 5: 7, 6: 18, 7: 11}
    for col in range(1, status_col + 1):
        sheet.column_dimensions[get_column_letter(col)].width = widths.get(col, 11)
    sheet.column_dimensions[get_column_letter(status_col)].width = 14

    _changes_sheet(workbook, changes)
    return workbook


def _append_row(sheet, row, n_fixed, status_col):
    ind = row.indicator
    binary = ind.is_binary
    values = [
        neutralise(ind.code),
        neutralise(ind.text),
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
    values.append(str(row.status_label))
    sheet.append(values)
    idx = sheet.max_row
    sheet.row_dimensions[idx].outline_level = 1
    cells = sheet[idx]
    cells[1].alignment = WRAP
    for col in range(7, status_col - 1):  # 0-based: baseline .. last quarter's % met
        # every third quarter column (and the plan's 11th column) is a percentage
        is_percent = col == 10 or (col >= n_fixed and (col - n_fixed) % 3 == 2)
        cells[col].number_format = PERCENT_FORMAT if is_percent else NUMBER_FORMAT
    if binary:
        for col in (9,) + tuple(n_fixed + 3 * i + 1 for i in range(len(row.cells))):
            cells[col].number_format = f'[=1]"{_("Yes")}";[=0]"{_("No")}";General'
    cells[status_col - 1].fill = PatternFill("solid", fgColor=STATUS_FILLS[row.status])


def changes_for(indicator_ids, quarters):
    """The history of the reports of these indicators for these quarters (the period), oldest first."""
    history = ProgressReport.history.filter(indicator_id__in=indicator_ids, quarter_id__in=[q.pk for q in quarters])
    return history.order_by("history_date", "history_id").values_list(
        "history_date", "history_user__username", "history_type", "indicator__code", "indicator__text",
        "quarter__year", "quarter__number", "organisation__acronym", "value", "state", "history_change_reason",
    )


def _changes_sheet(workbook, changes):
    sheet = workbook.create_sheet(_("Change log")[:31])
    sheet.append([_("Date"), _("User"), _("Change"), _("Indicator code"), _("Indicator"), _("Quarter"),
                  _("Organisation"), _("Value"), _("State"), _("Reason")])
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    sheet.freeze_panes = "A2"
    kinds = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    states = dict(ProgressReport.State.choices)
    count = 0
    for when, username, kind, code, text, year, number, org, value, state, reason in changes:
        sheet.append(neutralise_row([
            timezone.localtime(when).replace(tzinfo=None) if timezone.is_aware(when) else when,
            username or "", str(kinds.get(kind, kind)), code or "", text or "",
            f"{year}-Q{number}" if year else "", org or "", _number(value), str(states.get(state, state)), reason or "",
        ]))
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd hh:mm"
        count += 1
    if not count:
        sheet.append([_("No change in the period.")])
    for col, width in zip("ABCDEFGHIJ", (17, 14, 10, 10, 60, 10, 14, 10, 11, 30)):
        sheet.column_dimensions[col].width = width


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
                    ind.workplan.title, objective, result,
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


def today_stamp():
    return datetime.date.today().isoformat()


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
    sheet.append([_("Key figures")])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    sheet.append([_("Activities scheduled in the quarter"), summary.scheduled])
    sheet.append([_("Activities reported in the quarter"), summary.reported])
    sheet.append([_("Reports validated for the quarter"), summary.validated_reports])
    sheet.append([_("Reports awaiting validation"), summary.awaiting])
    for status, count in summary.status_counts.items():
        sheet.append([_("Indicators: %(status)s") % {"status": Status(status).label}, count])
    sheet.append([])
    sheet.append([_("Code"), _("Indicator"), _("Responsible"), _("This quarter"), _("Achieved to date"), _("Target"),
                  _("% met"), _("Status")])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    sheet.freeze_panes = f"A{header_row + 1}"
    for group, rows in summary.groups:
        sheet.append([neutralise(group.objective.code if group.objective else ""), neutralise(_objective_label(group)),
                      None, None, None, None, None, str(Status(group.status).label)])
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
            cell.fill = OBJECTIVE_FILL
        for item in rows:
            row = item.row
            sheet.append([
                neutralise(row.indicator.code), neutralise(row.indicator.text),
                neutralise(", ".join(a.acronym for a in row.actors)), _number(item.quarter_value),
                _number(row.achieved), _number(row.target), _fraction(row.percent), str(row.status_label),
            ])
            idx = sheet.max_row
            sheet.row_dimensions[idx].outline_level = 1
            for col in (4, 5, 6):
                sheet.cell(row=idx, column=col).number_format = NUMBER_FORMAT
            sheet.cell(row=idx, column=7).number_format = PERCENT_FORMAT
            sheet.cell(row=idx, column=8).fill = PatternFill("solid", fgColor=STATUS_FILLS[row.status])
            sheet.cell(row=idx, column=2).alignment = WRAP
    for col, width in zip("ABCDEFGH", (10, 70, 18, 12, 14, 10, 9, 12)):
        sheet.column_dimensions[col].width = width

    notes = workbook.create_sheet(_("Narratives")[:31])
    notes.append([_("Indicator code"), _("Indicator"), _("Organisation"), _("Value"), _("Narrative")])
    for cell in notes[1]:
        cell.font = BOLD
    for report in summary.narratives:
        notes.append(neutralise_row([report.indicator.code, report.indicator.text, report.organisation.acronym,
                                     _number(report.value), report.narrative]))
    for col, width in zip("ABCDE", (10, 50, 14, 10, 80)):
        notes.column_dimensions[col].width = width
    return workbook
