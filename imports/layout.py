"""The walk from rows to the parsed tree.

The pipeline: ``readers`` (one per format) → ``headers`` (which rows are the header, what each
column holds) → ``rows`` (what each row below is: blank, total, heading, data) → ``values``
(periods, targets, actors) → ``tree``. This module walks each sheet's rows in order and builds
the tree: headings become axes, objectives and results; a data row's hierarchy cells open a new
objective or result unless they repeat the one above; its activity and indicator cells become
activities and indicators, with their actors, periods and targets.
"""

import re
from functools import lru_cache

from django.utils.translation import gettext as _

from clusterplan.lib.exporting import column_letter
from workplans.models import Quarter

from . import rows as r
from . import values as v
from .actors import organisations_of_lines
from .errors import ImportWarning, WorkplanImportError
from .headers import (  # noqa: F401 (is_header_row: imported from here too)
    Namer,
    build_layout,
    candidate_columns,
    choose_sheets,
    describe_columns,
    header_at,
    is_header_row,
    resolve_code_columns,
    title_years,
)
from .mapping import ReadOptions
from .rows import DASHES, FillDown, classify, folded, lines, raw_lines  # noqa: F401 (classify: imported from here too)
from .tree import (
    ParsedActivity,
    ParsedActor,
    ParsedIndicator,
    ParsedObjective,
    ParsedPlan,
    ParsedResult,
)
from .vocabulary import header_field  # noqa: F401 (imported from here too)

_YEARS = re.compile(r"\b(19\d\d|20\d\d)\b")
_TOKENS = re.compile(r"[\s,;]+")
_MONTH_CODE = re.compile(r"((?:19|20)\d\d)-(0?[1-9]|1[0-2])")
_SPACES = re.compile(r"\s+")
LEVELS = {"national": "national", "nationale": "national", "regional": "regional", "regionale": "regional",
          "local": "local", "locale": "local"}
STATUSES = {"planned": "planned", "planifie": "planned", "prevu": "planned", "ongoing": "ongoing", "en cours": "ongoing",
            "done": "done", "realise": "done", "termine": "done", "cancelled": "cancelled", "annule": "cancelled"}
UNTICKED = ("-", "0", "non", "no", "n")


@lru_cache(maxsize=256)
def _letter(index):
    return column_letter(index + 1)


class Parser:
    def __init__(self, sheets, source_name="", options=None):
        self.options = options or ReadOptions()
        self.sheets = choose_sheets(sheets, self.options)
        self.namer = Namer(self.options)
        self.plan = ParsedPlan(source_name=source_name)
        self.parent = None  # axis or general objective
        self.objective = None
        self.result = None
        self.fill = FillDown()  # a blank cell continues the value above: actors, periods
        self.last_activities = []
        self.title_years = []

    # --- helpers -----------------------------------------------------------------
    def warn(self, sheet, row, index, message, layout=None):
        label = ""
        if index is not None and layout is not None:
            label = layout.labels.get(index, "")
        cell = f"{_letter(index)}{row}" if index is not None else ""
        self.plan.warnings.append(ImportWarning(sheet.title, row, str(label or ""), str(message), cell))

    def ref(self, sheet, row, index=None):
        return f"{sheet.title}!{_letter(index) if index is not None else ''}{row}"[:100]

    # --- the tree ----------------------------------------------------------------
    def add_axis(self, code, title, ref, level="axis"):
        axis = ParsedObjective(title=title, code=code, level=level, ref=ref)
        self.plan.objectives.append(axis)
        self.parent, self.objective, self.result = axis, None, None
        self.fill.clear()
        self.last_activities = []
        return axis

    def add_objective(self, code, title, ref):
        objective = ParsedObjective(title=title, code=code, ref=ref)
        (self.parent.objectives if self.parent else self.plan.objectives).append(objective)
        self.objective, self.result = objective, None
        self.fill.clear()
        self.last_activities = []
        return objective

    def add_result(self, code, title, ref):
        if self.objective is None:
            self.add_objective("", _("(objective not given)"), ref)
        result = ParsedResult(title=title, code=code, ref=ref)
        self.objective.results.append(result)
        self.result = result
        self.fill.clear()
        self.last_activities = []
        return result

    def structural(self, text, ref, column=None):
        """A heading (axis, general objective, objective, result, note) → the tree; ``False`` when the
        text is none of these."""
        level, code, title = classify(text)
        if column == "result" and level is None:
            level = "result"
        if level is None and column in ("objective",):
            level = "objective"
        if level == "note":
            self.plan.notes.append(text)
        elif level == "axis":
            self.add_axis(code, title, ref)
        elif level == "general":
            self.add_axis("OG", title, ref, level="general")
        elif level == "objective":
            self.add_objective(code, title, ref)
        elif level == "result":
            self.add_result(code, title, ref)
        else:
            return False
        return True

    # --- the walk ----------------------------------------------------------------
    def parse(self):
        found_header = False
        for sheet in self.sheets:
            if not sheet.rows:
                if len(self.sheets) == 1:
                    raise WorkplanImportError(_("The sheet is empty."), sheet=sheet.title)
                self.plan.warnings.append(ImportWarning(sheet.title, 0, "", _("This sheet is empty: skipped.")))
                continue
            if self.parse_sheet(sheet):
                found_header = True
        if not found_header:
            error = WorkplanImportError(
                _("No table header was recognised: the importer looks for columns such as "
                  "“Activités” and “Indicateurs” (or “Activities” and “Indicators”).")
            )
            error.columns = candidate_columns(self.sheets)  # the column-mapping step opens with these
            raise error
        self.finish()
        return self.plan

    def parse_sheet(self, sheet):
        for row_number, message in sheet.warnings:
            self.plan.warnings.append(ImportWarning(sheet.title, row_number, "", str(message)))
        before = sum(1 for _ in self.plan.all_indicators())
        layout = self.parse_sheet_rows(sheet)
        if layout is not None and layout.first("indicator") is not None:
            if sum(1 for _ in self.plan.all_indicators()) == before:
                index = layout.first("indicator")
                self.plan.warnings.append(ImportWarning(
                    sheet.title, 0, str(layout.labels.get(index, "")),
                    _("The column “%(column)s” was read as the indicators, but no indicator was found in it.")
                    % {"column": layout.labels.get(index, "")}, ""))
        if layout is None:
            self.plan.warnings.append(ImportWarning(sheet.title, 0, "", _("No table header in this sheet: skipped.")))
            return False
        return True

    def parse_sheet_rows(self, sheet):
        """The sheet's rows in order: the rows above the first header, then each header (a table can
        repeat or change its header lower down) and the data rows under it. Returns the last layout."""
        layout = None
        i = 0
        rows = sheet.rows
        pending = []  # rows before the first header: title, axis rows
        forced = self.options.header_row
        while i < len(rows):
            header = header_at(sheet, i, self.namer, strict=layout is not None, forced_row=forced)
            if header is not None:
                number = sheet.row_numbers[i]
                j = i + len(header)
                layout = build_layout(header, self.namer)
                layout.row_number = number
                if not any(c["sheet"] == sheet.title for c in self.plan.columns):
                    self.plan.columns.extend(describe_columns(sheet, number, header, layout, rows[j:j + 3]))
                resolve_code_columns(layout, rows[j:j + 30])
                for name in layout.unknown:
                    if name not in self.plan.unknown_columns:
                        self.plan.unknown_columns.append(name)
                if pending is not None:
                    self.before_header(sheet, pending)
                    pending = None
                self.fill.clear()
                i = j
                continue
            if layout is None:
                pending.append((rows[i], sheet.row_numbers[i]))
            else:
                self.data_row(sheet, layout, rows[i], sheet.row_numbers[i])
            i += 1
        return layout

    def before_header(self, sheet, pending):
        """Rows above a sheet's first header: the plan's title, axes, objectives, notes."""
        structural = False
        for row, number in pending:
            texts = [(k, c.value) for k, c in enumerate(row) if c.value]
            if not texts:
                continue
            index, text = texts[0]
            level, _code, _title = classify(text)
            if not self.plan.title and level in (None, "note") and len(texts) == 1:
                self.plan.title = _SPACES.sub(" ", text)[:300]
                continue
            if level in ("axis", "general", "objective", "result"):
                self.structural(text, self.ref(sheet, number, index))
                structural = structural or level == "axis"
            elif level == "note" or len(texts) == 1:
                self.plan.notes.append(text)
        if not structural:
            level, code, title = classify(sheet.title)
            if level == "axis":
                self.add_axis(code, title, self.ref(sheet, 1))
                return True
        return structural

    def cell(self, row, index):
        if index is None or index >= len(row):
            return None
        return row[index].value

    def data_row(self, sheet, layout, row, number):
        reading = r.read_row(row, layout)
        if reading.kind == r.BLANK:
            return  # empty or only dashes
        if reading.kind == r.TOTAL:
            note = r.total_note(reading.meaningful)
            if note:
                self.plan.notes.append(note)
            self.warn(sheet, number, reading.meaningful[0][0], _("A total row is not an activity: skipped."), layout)
            return
        if reading.kind == r.HEADING:  # text in one cell only, at the start of the table
            index, text, column = reading.heading
            if not self.structural(text, self.ref(sheet, number, index), column):
                self.plan.notes.append(text)
            return
        at = layout.at
        activity_col, indicator_col = at.activity, at.indicator
        self.hierarchy_cells(sheet, layout, row, number)
        if self.objective is None:
            self.add_objective("", _("(objective not given)"), self.ref(sheet, number))
            self.warn(sheet, number, activity_col, _("Activity before any objective: put under “(objective not given)”."), layout)
        activity_texts = lines(self.cell(row, activity_col))
        indicator_texts = lines(self.cell(row, indicator_col))
        activities = []
        explicit_code = self.cell(row, at.code)
        owner = self.result or self.objective
        repeated = None
        if len(activity_texts) == 1 and len(self.last_activities) == 1:
            last = self.last_activities[0]
            if (any(a is last for a in reversed(owner.activities)) and r.same_title(last.title, activity_texts[0])
                    and (not explicit_code or explicit_code == last.code)):
                repeated = last  # the hierarchy repeated on every row: one activity
                activity_texts = []
        for text in activity_texts:
            activity = ParsedActivity(title=text, ref=self.ref(sheet, number, activity_col))
            if explicit_code and len(activity_texts) == 1:
                activity.code, activity.explicit_code = explicit_code[:30], True
            activities.append(activity)
        if activities:
            owner.activities.extend(activities)
            self.last_activities = activities
        indicators = self.indicators(sheet, layout, row, number, indicator_texts)
        if repeated is not None:
            repeated.indicators.extend(indicators)
            self.fill_activities(sheet, layout, row, number, [repeated])
            return
        if indicators:
            if not activities:
                if self.last_activities and self.cell(row, activity_col) is None:
                    self.last_activities[-1].indicators.extend(indicators)  # merged activity cell
                else:
                    owner.indicators.extend(indicators)
            elif len(activities) == 1:
                activities[0].indicators.extend(indicators)
            elif len(activities) == len(indicators):
                for activity, indicator in zip(activities, indicators):
                    activity.indicators.append(indicator)
            else:
                # every indicator needs responsible organisations: the row's first activity (and its actors)
                activities[0].indicators.extend(indicators)
                message = _("%(a)d activities and %(i)d indicators in one row cannot be paired: the indicators "
                            "are attached to the row's first activity, “%(title)s”, and its organisations.")
                self.warn(sheet, number, indicator_col, message % {
                    "a": len(activities), "i": len(indicators), "title": activities[0].title[:60]}, layout)
        if activities:
            self.fill_activities(sheet, layout, row, number, activities)

    def hierarchy_cells(self, sheet, layout, row, number):
        """The row's objective and result cells: a new one opens, a blank or repeated one continues."""
        at = layout.at
        objective_col, result_col = at.objective, at.result
        objective_text = self.cell(row, objective_col)
        if objective_text and objective_text.strip() != "-":
            level, code, title = r.objective_cell(objective_text, self.cell(row, at.objective_code))
            if level == "axis":
                if self.parent is None or not r.same_title(self.parent.title, title):  # a repeated axis cell
                    self.add_axis(code, title, self.ref(sheet, number, objective_col))
            elif level == "general":
                self.add_axis("OG", title, self.ref(sheet, number, objective_col), level="general")
            elif self.objective is None or not r.same_title(self.objective.title, title):
                self.add_objective(code, title, self.ref(sheet, number, objective_col))
        result_text = self.cell(row, result_col)
        if result_text and result_text.strip() != "-":
            level, code, title = r.result_cell(result_text, self.cell(row, at.result_code))
            if level == "objective":
                self.add_objective(code, title, self.ref(sheet, number, result_col))
            elif self.result is None or not r.same_title(self.result.title, title):
                self.add_result(code, title, self.ref(sheet, number, result_col))

    def indicators(self, sheet, layout, row, number, texts):
        if not texts:
            return []
        at = layout.at
        column = at.indicator
        extra = []  # the kind, target, baseline and unit columns that hold something in this row
        for name, index in (("kind", at.kind), ("target", at.target), ("baseline", at.baseline), ("unit", at.unit)):
            if index is not None:
                items = raw_lines(self.cell(row, index))
                if items:
                    extra.append((name, index, items))
        mov_items = raw_lines(self.cell(row, at.mov))
        result = []
        for k, text in enumerate(texts):
            kind, target, doubt = v.indicator_kind(text)
            indicator = ParsedIndicator(text=text, kind=kind, target=target, ref=self.ref(sheet, number, column))
            if doubt == "range":
                self.warn(sheet, number, column, _("“%(text)s”: a range; the upper figure is taken as the target.")
                          % {"text": text[:60]}, layout)
            for name, index, items in extra:
                item = items[k] if len(items) == len(texts) else (items[0] if len(items) == 1 else None)
                if item is None or item in DASHES:
                    continue
                if name == "kind":
                    parsed = v.parse_kind(item)
                    if parsed:
                        indicator.kind = parsed
                    else:
                        self.warn(sheet, number, index, _("Unknown indicator kind “%(value)s”.") % {"value": item}, layout)
                elif name in ("target", "baseline"):
                    value = v.to_decimal(item.rstrip("%").strip())
                    if value is None:
                        self.warn(sheet, number, index, _("“%(value)s” is not a number: the value is not kept.")
                                  % {"value": item[:40]}, layout)
                    elif item.endswith("%") and indicator.kind in (v.NUMBER, v.TEXT):
                        indicator.kind = v.PERCENT
                    setattr(indicator, name, value)
                else:
                    indicator.unit = item[:60]
            if at.phased_targets:
                self.phased_targets(sheet, layout, row, number, indicator, k, len(texts))
            items = [item for item in mov_items if item not in DASHES] if len(mov_items) != len(texts) else mov_items
            if items:
                if len(items) == len(texts):
                    indicator.means_of_verification = "" if items[k] in DASHES else items[k]
                elif len(items) == 1:
                    indicator.means_of_verification = items[0]
                else:
                    indicator.means_of_verification = " ; ".join(items)
            result.append(indicator)
        items = [item for item in mov_items if item not in DASHES]
        if items and len(items) not in (1, len(texts)):
            self.warn(sheet, number, at.mov, _("%(m)d means of verification for %(i)d indicators: each indicator keeps them all.")
                      % {"m": len(items), "i": len(texts)}, layout)
        return result

    def phased_targets(self, sheet, layout, row, number, indicator, k, count):
        """Per-year ("Cible 2021": the year's last quarter) and per-quarter target columns."""
        for index in layout.at.phased_targets:
            items = [item for item in raw_lines(self.cell(row, index)) if item not in DASHES]
            if not items:
                continue
            item = items[k] if len(items) == count else (items[0] if len(items) == 1 else None)
            if item is None:
                self.warn(sheet, number, index, _("%(n)d targets for %(i)d indicators: the targets are not kept.")
                          % {"n": len(items), "i": count}, layout)
                continue
            value = v.to_decimal(item.rstrip("%").strip())
            column = layout.columns[index]
            if column.startswith("target_year:"):
                pair = (int(column.split(":")[1]), 4)
            else:
                year, quarter = column.split(":")[1].split("-")
                pair = (int(year), int(quarter))
            if value is None or not v.sane_quarters([pair]):
                self.warn(sheet, number, index, _("Target “%(value)s” not understood: not kept.") % {"value": item[:40]}, layout)
                continue
            if item.endswith("%") and indicator.kind in (v.NUMBER, v.TEXT):
                indicator.kind = v.PERCENT
            indicator.targets.append((pair, value))

    def split_for(self, items, count):
        """Pair ``items`` (a cell's lines) with ``count`` activities: per activity, or all to each."""
        if count == 1:
            return [items]
        if count > 1 and len(items) == count:
            return [[item] for item in items]
        return [items for _ in range(count)]

    def fill_activities(self, sheet, layout, row, number, activities):
        n = len(activities)
        at = layout.at
        # actors (a blank cell continues the value above)
        for name, role, index in (("lead", "lead", at.lead), ("other", "support", at.other)):
            if index is None:
                continue
            text = self.fill.take(name, self.cell(row, index))
            if not text:
                continue
            for activity, chunk in zip(activities, self.split_for(raw_lines(text), n)):
                readings, cut = organisations_of_lines(tuple(chunk), role)
                for whole in cut:
                    self.warn(sheet, number, index, _("Actor name too long, cut: “%(name)s…”.") % {"name": whole[:40]},
                              layout)
                if activity.actors:  # the same organisation with the same role is listed once
                    taken = {(folded(a.name), a.role) for a in activity.actors}
                    readings = [a for a in readings if (a.key, a.role) not in taken]
                activity.actors.extend([ParsedActor(a.name, a.role, a.note) for a in readings])
        # level, place, resources, status
        for index in at.levels:
            text = self.cell(row, index)
            if not text or text.strip() in ("-",):
                continue
            column = layout.columns[index]
            level = LEVELS.get(folded(text).strip())
            for activity in activities:
                if not activity.level:
                    activity.level = level or (column.split(":")[1] if ":" in column else "")
                if not level and not activity.place:
                    activity.place = text[:300]
        for name, index in (("resources", at.resources), ("place", at.place)):
            text = self.cell(row, index)
            if text and text.strip() != "-":
                for activity in activities:
                    setattr(activity, name, text if name == "resources" else text[:300])
        status_text = self.cell(row, at.status)
        status = STATUSES.get(folded(status_text).strip()) if status_text else None
        if status:
            for activity in activities:
                activity.status = status
        self.periods(sheet, layout, row, number, activities)

    def plan_year(self):
        return self.title_years[0] if len(set(self.title_years)) == 1 else None

    def periods(self, sheet, layout, row, number, activities):
        n = len(activities)
        written = [[] for _ in activities]
        at = layout.at
        # a period column (text), filled down
        index = at.period
        if index is not None:
            text = self.fill.take("period", self.cell(row, index))
            if text:
                for k, chunk in enumerate(self.split_for(raw_lines(text), n)):
                    for line in chunk:
                        self.add_period(sheet, layout, number, index, activities[k], line, self.plan_year())
                    written[k].append(" / ".join(chunk))
        # the period as written, kept as text (our own export)
        text = self.cell(row, at.period_text)
        if text and text.strip() != "-":
            for k in range(n):
                written[k].append(text)
        # clean quarter codes
        index = at.quarters
        text = self.cell(row, index)
        if text:
            for token in _TOKENS.split(text):
                if not token:
                    continue
                pair = Quarter.parse_code(token)
                if pair is not None and not v.sane_quarters([pair]):
                    pair = None
                if pair is None:
                    self.warn(sheet, number, index, _("“%(value)s” is not a quarter code like 2020-Q3.") % {"value": token[:20]}, layout)
                    continue
                for activity in activities:
                    if pair not in activity.quarters:
                        activity.quarters.append(pair)
        # start and end dates → the quarters between
        start_index, end_index = at.start, at.end
        if start_index is not None or end_index is not None:
            self.dates(sheet, layout, row, number, activities, written, start_index, end_index)
        # clean month codes (our own export): 2019-03
        index = at.months
        text = self.cell(row, index)
        if text:
            for token in _TOKENS.split(text):
                match = _MONTH_CODE.fullmatch(token)
                if not match:
                    if token:
                        self.warn(sheet, number, index, _("“%(value)s” is not a month like 2019-03.") % {"value": token[:20]}, layout)
                    continue
                year, month = int(match.group(1)), int(match.group(2))
                for activity in activities:
                    code = f"{year}-{month:02d}"
                    if code not in activity.months:
                        activity.months.append(code)
                    if (year, Quarter.number_of_month(month)) not in activity.quarters:
                        activity.quarters.append((year, Quarter.number_of_month(month)))
        # year columns holding quarter ranges
        for index in at.years:
            text = self.cell(row, index)
            if not text:
                continue
            year = int(layout.columns[index][5:])
            chunks = self.split_for(raw_lines(text), n)
            for k, chunk in enumerate(chunks):
                for line in chunk:
                    self.add_period(sheet, layout, number, index, activities[k], line, year)
                meaningful = [c for c in chunk if c.strip() not in ("-", "–")]
                if meaningful:
                    written[k].append(f"{year} : {', '.join(meaningful)}")
        # month and quarter columns: a tick, or a shaded cell
        if at.ticks:
            self.ticks(sheet, layout, row, number, activities, written, at.ticks)
        for activity, texts in zip(activities, written):
            activity.period_text = "; ".join(t for t in texts if t)[:300]
            activity.quarters.sort()

    def dates(self, sheet, layout, row, number, activities, written, start_index, end_index):
        """Start and end date columns → the quarters between."""
        start_text, end_text = self.cell(row, start_index), self.cell(row, end_index)
        first = v.date_quarter(start_text) if start_text else None
        last = v.date_quarter(end_text) if end_text else None
        for text, pair, index in ((start_text, first, start_index), (end_text, last, end_index)):
            if text and text.strip() not in DASHES and pair is None:
                self.warn(sheet, number, index, _("Date “%(text)s” not understood: not kept.") % {"text": text[:40]}, layout)
        pairs = []
        if first and last and v.sane_quarters([first, last]):
            pairs = v.span(first, last)
        elif first and last:
            self.warn(sheet, number, end_index, _("From %(a)s to %(b)s is longer than a plan: the dates are not kept.")
                      % {"a": start_text, "b": end_text}, layout)
        elif first or last:
            pairs = [first or last]
        for activity in activities:
            for pair in pairs:
                if pair not in activity.quarters:
                    activity.quarters.append(pair)
        if pairs:
            for k in range(len(activities)):
                written[k].append(" – ".join(t for t in (start_text, end_text) if t))

    def ticks(self, sheet, layout, row, number, activities, written, indexes):
        """Month and quarter columns: a tick, or a shaded cell."""
        ticked = []
        for index in indexes:
            if index >= len(row):
                continue
            cell = row[index]
            value = folded(cell.value).strip() if cell.value else ""
            if (value and value not in UNTICKED) or cell.shaded:
                ticked.append(index)
        if not ticked:
            return
        for index in ticked:
            column = layout.columns[index]
            year = layout.month_years.get(index) or self.plan_year()
            if year is None:
                self.warn(sheet, number, index, _("A month is ticked but the plan's year is unknown."), layout)
                continue
            number_ = int(column.split(":")[1])
            pair = (year, Quarter.number_of_month(number_) if column.startswith("month:") else number_)
            for activity in activities:
                if column.startswith("month:"):
                    month = f"{year}-{number_:02d}"
                    if month not in activity.months:
                        activity.months.append(month)
                if pair not in activity.quarters:
                    activity.quarters.append(pair)
        labels = ", ".join(str(layout.labels.get(i, "")) for i in ticked)
        for k in range(len(activities)):
            written[k].append(labels)

    def add_period(self, sheet, layout, number, index, activity, text, year):
        quarters, continuous, understood = v.period_of(text, year)
        if not understood:
            self.warn(sheet, number, index, _("Period “%(text)s” not understood: kept as written.") % {"text": text[:60]}, layout)
            return
        activity.continuous = activity.continuous or continuous
        for pair in quarters:
            if pair not in activity.quarters:
                activity.quarters.append(pair)

    # --- after the walk -----------------------------------------------------------
    def finish(self):
        plan = self.plan
        activities = list(plan.all_activities())
        quarters = sorted({q for a in activities for q in a.quarters})
        years = sorted({int(y) for y in _YEARS.findall(plan.title or "")})
        if years:
            start, end = (years[0], 1), (years[-1], 4)
            if quarters and start <= quarters[0] <= end:
                start = quarters[0]
        elif quarters:
            start, end = quarters[0], quarters[-1]
        else:
            start = end = None
        plan.start, plan.end = start, end
        whole = v.span(start, end) if start is not None else []  # "En continu": every quarter of the plan
        for activity in activities:
            if activity.continuous and whole:
                have = set(activity.quarters)
                activity.quarters.extend(pair for pair in whole if pair not in have)
                activity.quarters.sort()
        self.assign_codes()

    def assign_codes(self):
        def number_children(parent_code, children, level):
            taken = {c.code for c in children if c.code}
            n = 0
            for child in children:
                if child.code:
                    continue
                n += 1
                while (code := (f"{parent_code}.{n}" if parent_code else str(n))) in taken:
                    n += 1
                child.code = code[:30]

        axes = 0
        for top in self.plan.objectives:
            if top.level == "axis" and not top.code:
                axes += 1
                top.code = f"AXE {axes}"
        number_children("", [o for o in self.plan.objectives if o.level == "objective"], "objective")
        for objective in self.plan.all_objectives():
            prefix = objective.code.replace("AXE ", "") if objective.level == "axis" else ("" if objective.level == "general" else objective.code)
            number_children(prefix, objective.objectives, "objective")
            number_children(objective.code, objective.results, "result")
            for owner in [objective, *objective.results]:
                number_children(owner.code, [a for a in owner.activities if not a.explicit_code], "activity")
                for activity in owner.activities:
                    for k, indicator in enumerate(activity.indicators, start=1):
                        indicator.code = indicator.code or f"{activity.code}-{k}"[:30]
                for k, indicator in enumerate(owner.indicators, start=1):
                    indicator.code = indicator.code or f"{owner.code}-i{k}"[:30]




def parse_sheets(sheets, source_name="", options=None):
    """The readers' sheets → a ``ParsedPlan`` (``WorkplanImportError`` when no header is found)."""
    parser = Parser(sheets, source_name, options)
    parser.title_years = title_years(sheets)  # the plan's year(s), for month ticks
    return parser.parse()
