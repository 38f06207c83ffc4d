"""The performance table as an xlsx workbook made for people (XlsxWriter), as CSV in two flavours, and as HXL.

xlsx text cells are written as text (never evaluated: no protective apostrophe); CSV cells go
through ``clusterplan.lib.exporting`` (neutralised, per flavour). The HXL hashtags follow the HXL
dictionary (https://hxlstandard.org/standard/dictionary/) and pass libhxl's default schema.
"""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from clusterplan.lib.exporting import Code
from clusterplan.lib.xlsx import Book, number, number_style
from indicators.models import Indicator, Location, ProgressReport, ReportBreakdown, Status

STATUS_FILLS = {
    Status.ON_TRACK: "C8E6C9",
    Status.AT_RISK: "FFE0B2",
    Status.LATE: "FFCDD2",
    Status.DONE: "C5CAE9",
    Status.NOT_STARTED: "ECEFF1",
    Status.NO_DATA: "E0E0E0",
}
NUMBER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
SECTOR = "Protection"
CONSTANT_MEMORY = True
DAY = datetime.timedelta(days=1)

# The long-form CSV: (key, label, HXL hashtag); a column without a hashtag is ignored by HXL tools.
CSV_COLUMNS = [
    ("workplan", _lazy("Workplan"), ""),
    ("objective", _lazy("Objective"), ""),
    ("result", _lazy("Expected result"), ""),
    ("activity_code", _lazy("Activity code"), "#activity+code"),
    ("activity", _lazy("Activity"), "#activity+name"),
    ("indicator_code", _lazy("Indicator code"), "#indicator+code"),
    ("indicator", _lazy("Indicator"), "#indicator+name"),
    ("unit", _lazy("Unit"), ""),
    ("org", _lazy("Responsible organisations"), "#org+impl"),
    ("quarter", _lazy("Quarter"), ""),
    ("start", _lazy("Quarter start"), "#date+start"),
    ("end", _lazy("Quarter end"), "#date+end"),
    ("baseline", _lazy("Baseline"), "#indicator+value+num+baseline"),
    ("target", _lazy("Target"), "#indicator+value+num+target"),
    ("achieved", _lazy("Achieved"), "#indicator+value+num+actual"),
    ("percent", _lazy("% met"), "#indicator+value+pct"),
    ("status", _lazy("Status"), "#status"),
]
# Only with HXL: the dictionary's places, sectors, people counts and ids.
HXL_COLUMNS = [
    ("sector", _lazy("Sector"), "#sector+cluster"),
    ("subsector", _lazy("Sub-cluster"), "#subsector"),
    ("adm1", _lazy("Region"), "#adm1+name"),
    ("adm2", _lazy("Cercle"), "#adm2+name"),
    ("targeted", _lazy("People targeted"), "#targeted+ind"),
    ("reached", _lazy("People reached"), "#reached+ind"),
    ("reached_f", _lazy("People reached: female"), "#reached+ind+f"),
    ("reached_m", _lazy("People reached: male"), "#reached+ind+m"),
    ("reached_children", _lazy("People reached: under 18"), "#reached+ind+children"),
    ("reached_adults", _lazy("People reached: 18 and over"), "#reached+ind+adults"),
    ("id", _lazy("Row id"), "#meta+id"),
    ("url", _lazy("Indicator page"), "#meta+url"),
]
BREAKDOWN_COLUMNS = {
    (ReportBreakdown.Dimension.SEX, ReportBreakdown.Category.FEMALE): "reached_f",
    (ReportBreakdown.Dimension.SEX, ReportBreakdown.Category.MALE): "reached_m",
    (ReportBreakdown.Dimension.AGE, ReportBreakdown.Category.UNDER_18): "reached_children",
    (ReportBreakdown.Dimension.AGE, ReportBreakdown.Category.ADULT): "reached_adults",
}
PEOPLE_UNIT = re.compile(
    r"personne|people|person|individu|bénéficiaire|beneficiar|enfant|child|femme|women|homme|\bmen\b|fille|girl|"
    r"garçon|boy|survivant|survivor|victime|victim|réfugié|refugee|déplacé|displaced|rapatrié|returnee",
    re.IGNORECASE,
)
PEOPLE_TEXT = re.compile(r"^\s*(#|nombre|nbre|nb|number|no\.?)\s*(de|d'|d’|of)?\s*(" + PEOPLE_UNIT.pattern + ")",
                         re.IGNORECASE)


def counts_people(indicator):
    """Does the indicator count people (HXL's ``#targeted`` / ``#reached``)? Numbers of persons only."""
    if indicator.kind != Indicator.Kind.NUMBER:
        return False
    if indicator.disaggregate_sex or indicator.disaggregate_age:
        return True
    return bool(PEOPLE_UNIT.search(indicator.unit or "") or PEOPLE_TEXT.search(indicator.text or ""))


def _number(value):
    return number(value)


def _fraction(percent):
    return None if percent is None else float(Decimal(percent) / 100)


def _objective_label(group):
    return group.objective.title if group.objective else _("Indicators without objective")


def _activity_label(activity):
    return f"{activity.code} {activity.title}".strip() if activity else ""


def table_columns(table):
    """The header of the performance table: fixed columns, then three per quarter, then the status."""
    fixed = [
        _("Code"), _("Indicator"), _("Activity"), _("Responsible"), _("Unit"), _("How it adds up"), _("Direction"),
        _("Baseline"), _("Target"), _("Achieved"), _("% met"),
    ]
    quarters = []
    for quarter in table.quarters:
        label = quarter.label
        quarters += [
            _("%(quarter)s target") % {"quarter": label},
            _("%(quarter)s achieved") % {"quarter": label},
            _("%(quarter)s %% met") % {"quarter": label},
        ]
    return fixed, quarters, [_("Status")]


def _page_header(title, user, filters):
    exported = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    parts = [title, f"{_('Exported on')} {exported}"]
    parts += [f"{label}: {value}" for label, value in filters if value is not None]
    return " · ".join(parts)


def _styles(book):
    book.define("binary", num_format=f'[=1]"{_("Yes")}";[=0]"{_("No")}";General', valign="top")
    for status, colour in STATUS_FILLS.items():
        book.define(f"status_{status}", bg_color=f"#{colour}", valign="top")
        book.define(f"objective_status_{status}", bold=True, bg_color=f"#{colour}", valign="top")


def _exported_rows(sheet, user, filters):
    """The "Exported on" line (a real date cell) and one line per filter."""
    exported_by = user.get_full_name() or user.get_username()
    sheet.write_row([(_("Exported on"), "bold"), timezone.localtime().replace(tzinfo=None), _("by"), exported_by])
    for label, value in filters:
        if value is None:
            sheet.write_row([(_("Filter"), "bold"), label])
        else:
            sheet.write_row([(_("Filter"), "bold"), str(label), value])


def write_performance_workbook(output, table, title, user, changes):
    """Write the workbook to ``output``: sheet 1 the table grouped by objective, sheet 2 the period's change log."""
    book = Book(output, constant_memory=CONSTANT_MEMORY, title=title, author=user.get_full_name() or user.get_username(),
                created=timezone.localtime().replace(tzinfo=None))
    _styles(book)
    fixed, quarter_cols, end = table_columns(table)
    header = fixed + quarter_cols + end
    n_fixed = len(fixed)
    status_col = len(header) - 1
    filters = table.filters.describe() or [(_("none"), None)]
    widths = [10, 55, 40, 16, 7, 16, 11] + [11] * (status_col - 7) + [14]
    sheet = book.sheet(_("Performance"), widths=widths, wrap=(1, 2, 3, 5))

    sheet.write_row([(title, "title")])
    _exported_rows(sheet, user, filters)
    sheet.write_row([(_("Only validated reports count."), "italic")])
    sheet.blank_row()
    sheet.header(header)

    formats = [None] * 7 + ["number", "number", "number", "percent"]
    formats += ["number", "number", "percent"] * len(table.quarters)
    for group in table.groups:
        values = [group.objective.code if group.objective else "", _objective_label(group)]
        values += [None] * (status_col - 2)
        values = [(v, "objective") for v in values]
        values.append((str(Status(group.status).label), f"objective_status_{group.status}"))
        sheet.write_row(values)
        for result_group in group.results:
            if result_group.result is not None:
                sheet.write_row([result_group.result.code, (result_group.result.title, "italic+wrap")], level=1)
            for row in result_group.rows:
                _write_row(sheet, row, formats, n_fixed)
                for sub in row.breakdowns:
                    values = [None, ("  " + sub.label, "italic")] + [None] * 7
                    total = _number(sub.total)
                    values += [(total, number_style(total)), None]
                    for value in sub.values:
                        value = _number(value)
                        values += [None, (value, number_style(value)), None]
                    sheet.write_row(values, level=2)
    sheet.finish(freeze_col=2, page_header=_page_header(title, user, filters), summary_below=False)

    _changes_sheet(book, changes, title, user)
    book.close()


def _write_row(sheet, row, formats, n_fixed):
    ind = row.indicator
    values = [
        ind.code,
        ind.text,
        _activity_label(row.activity),
        ", ".join(a.acronym for a in row.actors),
        row.unit_label,
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
        value = values[col]
        if value is not None:
            is_achieved = col == 9 or (col >= n_fixed and (col - n_fixed) % 3 == 1)
            style = formats[col]
            if binary and is_achieved:
                style = "binary"
            elif style == "number":
                style = number_style(value)
            values[col] = (value, style)
    values.append((str(row.status_label), f"status_{row.status}"))
    sheet.write_row(values, style="top", level=1)


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


def _changes_sheet(book, changes, title, user):
    sheet = book.sheet(_("Change log"), widths=(16, 12, 10, 9, 50, 9, 12, 9, 11, 30), wrap=(4, 9))
    sheet.header([_("Date"), _("User"), _("Change"), _("Indicator code"), _("Indicator"), _("Quarter"),
                  _("Organisation"), _("Value"), _("State"), _("Reason")])
    kinds = {"+": str(_("created")), "~": str(_("changed")), "-": str(_("deleted"))}
    states = {key: str(label) for key, label in ProgressReport.State.choices}
    count = 0
    tz = timezone.get_current_timezone()
    epoch = datetime.datetime(1899, 12, 30)
    for when, username, kind, code, text, year, number_, org, value, state, reason in changes.iterator(chunk_size=5000):
        if when.tzinfo is not None:
            when = when.astimezone(tz).replace(tzinfo=None)
        # a date cell: Excel's serial number with the date format (60,000 rows: cheaper than write_datetime)
        serial = (when - epoch) / DAY
        value = _number(value)
        sheet.write_row([
            (serial, "datetime"), username, kinds.get(kind, kind), code, text,
            f"{year}-Q{number_}" if year else None, org, (value, number_style(value)), states.get(state, state),
            reason,
        ], style="top")
        count += 1
    if not count:
        sheet.write_row([_("No change in the period.")])
    sheet.finish(page_header=f"{title} · {_('Change log')}")


def _places():
    """Location names (folded) → (region name, cercle name), for ``#adm1`` / ``#adm2``."""
    from workplans.text import normalize_name

    places = {}
    rows = Location.objects.values_list("name", "kind", "parent__name")
    # cercles first: a name that is both (Gao, Mopti …) reads as the region
    for name, kind, parent in sorted(rows, key=lambda row: row[1] != Location.Kind.CERCLE):
        if kind == Location.Kind.REGION:
            places[normalize_name(name)] = (name, "")
        elif kind == Location.Kind.CERCLE:
            places[normalize_name(name)] = (parent or "", name)
    return places


def csv_rows(table, hxl=False, base_url=""):
    """The table in long form: one row per indicator and quarter column with a target or a figure; an
    indicator with neither still has one row (quarter columns empty). With ``hxl``: a hashtag row,
    the HXL columns, and one row per responsible organisation (``#org+impl``)."""
    columns = CSV_COLUMNS + (HXL_COLUMNS if hxl else [])
    keys = [key for key, _label, _tag in columns]
    yield [str(label) for _key, label, _tag in columns]
    if hxl:
        yield [tag for _key, _label, tag in columns]
    places = {}
    if hxl:
        from workplans.text import normalize_name

        places = _places()
    for group in table.groups:
        objective = f"{group.objective.code} {group.objective.title}".strip() if group.objective else ""
        for result_group in group.results:
            result = result_group.result
            result = f"{result.code} {result.title}".strip() if result else ""
            for row in result_group.rows:
                ind = row.indicator
                base = {
                    "workplan": row.workplan_title, "objective": objective, "result": result,
                    "activity_code": Code(row.activity.code if row.activity else ""),
                    "activity": row.activity.title if row.activity else "",
                    "indicator_code": Code(ind.code), "indicator": ind.text, "unit": row.unit_label,
                    "baseline": row.baseline, "status": str(row.status_label),
                }
                cells = [c for c in row.cells if c.target is not None or c.achieved is not None] or [None]
                if not hxl:
                    base["org"] = "; ".join(a.acronym for a in row.actors)
                    for cell in cells:
                        yield [{**base, **_quarter_values(cell)}.get(key) for key in keys]
                    continue
                people = counts_people(ind)
                place = places.get(normalize_name(row.activity.place)) if row.activity and row.activity.place else None
                base.update({"sector": SECTOR, "adm1": place[0] if place else "", "adm2": place[1] if place else "",
                             "url": f"{base_url}{ind.get_absolute_url()}"})
                breakdowns = _people_breakdowns(row, table) if people else {}
                for cell in cells:
                    values = {**base, **_quarter_values(cell)}
                    values["id"] = f"clusterplan-i{ind.pk}" + (f"-{cell.quarter.code}" if cell else "")
                    if people and cell:
                        values["targeted"], values["reached"] = cell.target, cell.achieved
                        for key, by_quarter in breakdowns.items():
                            values[key] = by_quarter.get(cell.quarter.ordinal)
                    for actor in row.actors or [None]:
                        values["org"] = actor.acronym if actor else ""
                        values["subsector"] = (actor.subcluster_code or "") if actor else ""
                        yield [values.get(key) for key in keys]


def _quarter_values(cell):
    if cell is None:
        return {}
    return {
        "quarter": Code(cell.quarter.code), "start": cell.quarter.start_date, "end": cell.quarter.end_date,
        "target": cell.target, "achieved": cell.achieved, "percent": cell.percent,
    }


def _people_breakdowns(row, table):
    """{column key: {quarter ordinal: value}} from the row's sex and age sub-rows (when shown)."""
    found = {}
    labels = {
        f"{ReportBreakdown.Dimension(d).label}: {ReportBreakdown.Category(c).label}": key
        for (d, c), key in BREAKDOWN_COLUMNS.items()
    }
    for sub in row.breakdowns:
        key = labels.get(sub.label)
        if key:
            found[key] = {q.ordinal: v for q, v in zip(table.quarters, sub.values) if v is not None}
    return found


def write_csv(writer, table, hxl=False, base_url=""):
    """Write the long form to a ``clusterplan.lib.exporting.CsvWriter``."""
    writer.writerows(csv_rows(table, hxl=hxl, base_url=base_url))


def write_summary_workbook(output, summary, user):
    """The quarterly summary: key figures and the table by objective; the narratives on sheet 2."""
    title = _("Quarterly protection-risk summary") + f" · {summary.workplan.title}"
    book = Book(output, title=title, author=user.get_full_name() or user.get_username(),
                created=timezone.localtime().replace(tzinfo=None))
    _styles(book)
    # Column A holds the key-figure labels too: wide enough for the longest one, wrapped.
    sheet = book.sheet(_("Summary"), widths=(38, 60, 18, 12, 14, 10, 9, 13), wrap=(0, 1, 2))
    sheet.write_row([(title, "title")])
    sheet.write_row([(_("Quarter"), "bold"), str(summary.quarter.label)])
    _exported_rows(sheet, user, [])
    sheet.write_row([(_("Only validated reports count."), "italic")])
    sheet.blank_row()
    sheet.write_row([(_("Key figures"), "bold")])
    figures = [
        (_("Activities scheduled in the quarter"), summary.scheduled),
        (_("Activities reported in the quarter"), summary.reported),
        (_("Reports validated for the quarter"), summary.validated_reports),
        (_("Reports awaiting validation"), summary.awaiting),
    ]
    figures += [(_("Indicators: %(status)s") % {"status": Status(status).label}, count)
                for status, count in summary.status_counts.items()]
    for label, count in figures:
        sheet.write_row([label, (count, "number")])
    sheet.blank_row()
    sheet.header([_("Code"), _("Indicator"), _("Responsible"), _("This quarter"), _("Achieved to date"),
                  _("Target"), _("% met"), _("Status")])
    for group, rows in summary.groups:
        values = [group.objective.code if group.objective else "", _objective_label(group)] + [None] * 5
        sheet.write_row([(v, "objective") for v in values]
                        + [(str(Status(group.status).label), f"objective_status_{group.status}")])
        for item in rows:
            row = item.row
            figures = [_number(item.quarter_value), _number(row.achieved), _number(row.target)]
            sheet.write_row([
                row.indicator.code, row.indicator.text, ", ".join(a.acronym for a in row.actors),
                *[(value, number_style(value)) for value in figures],
                (_fraction(row.percent), "percent"), (str(row.status_label), f"status_{row.status}"),
            ], style="top", level=1)
    sheet.finish(page_header=f"{title} · {summary.quarter.label}", summary_below=False)

    notes = book.sheet(_("Narratives"), widths=(10, 45, 14, 10, 70), wrap=(1, 4))
    notes.header([_("Indicator code"), _("Indicator"), _("Organisation"), _("Value"), _("Narrative")])
    for report in summary.narratives:
        value = _number(report.value)
        notes.write_row([report.indicator.code, report.indicator.text, report.organisation.acronym,
                         (value, number_style(value)), report.narrative], style="top")
    notes.finish(page_header=f"{title} · {summary.quarter.label}")
    book.close()
