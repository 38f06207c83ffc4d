"""Layout detection and the walk from rows to the parsed tree.

Columns are found by what their headers say (French or English), never by position; the
header can take several rows (merged cells), be repeated lower down, or change from one
sheet to the next. Rows spanning the table are objectives or axes; a leading "1.1" marks an
expected result; a blank cell continues the value above.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from clusterplan.lib.exporting import column_letter
from workplans.models import Quarter
from workplans.text import fold

from . import values as v
from .actors import split_organisations
from .errors import ImportWarning, WorkplanImportError
from .mapping import IGNORE, ReadOptions
from .tree import (
    ParsedActivity,
    ParsedActor,
    ParsedIndicator,
    ParsedObjective,
    ParsedPlan,
    ParsedResult,
)
from .vocabulary import header_field, header_year, is_main, is_sub

_FOOTNOTE = "¹²³⁴⁵⁶⁷⁸⁹*†"
DASHES = ("-", "–", "—")
_is_main, _is_sub = is_main, is_sub


def is_header_row(row, strict=False, namer=None):
    """A header row: at least two distinct known fields, one of them activities or indicators, and
    more known fields than half the unknown texts (month, quarter and year columns are neutral).
    ``strict`` (a table already has a header above): the unknown texts are at most half the known
    fields, so a data row whose cells happen to start like headers is not taken for one."""
    texts = [c.value for c in row if c.value]
    if sum(1 for t in texts if len(t) <= 90) < 2:
        return False
    names = [(namer or header_field)(t) for t in texts]
    main = {n for n in names if _is_main(n)}
    unknown = sum(1 for n in names if n is None)
    if strict:
        return len(main) >= 2 and bool(main & {"activity", "indicator"}) and unknown * 2 <= len(main)
    return len(main) >= 2 and bool(main & {"activity", "indicator"}) and len(main) * 2 >= unknown


def is_subheader_row(row, namer=None):
    names = [(namer or header_field)(c.value) for c in row if c.value]
    return bool(names) and all(_is_sub(n) or _is_main(n) for n in names) and any(_is_sub(n) for n in names)


@dataclass
class Layout:
    columns: dict = field(default_factory=dict)  # index → field name ("activity", "month:3", "year:2020"…)
    labels: dict = field(default_factory=dict)  # index → header text (for messages)
    month_years: dict = field(default_factory=dict)  # index → year above a month/quarter column
    unknown: list = field(default_factory=list)

    def first(self, name):
        if not hasattr(self, "_first"):
            self._first = {}
            for index, column in sorted(self.columns.items()):
                self._first.setdefault(column, index)
        return self._first.get(name)

    def indexes(self, prefix):
        cache = self.__dict__.setdefault("_indexes", {})
        if prefix not in cache:
            cache[prefix] = [i for i, c in sorted(self.columns.items()) if c.startswith(prefix)]
        return cache[prefix]

    @property
    def first_column(self):
        return min(self.columns) if self.columns else 0


def build_layout(header_rows, namer=None):
    header_field_ = namer or header_field
    layout = Layout()
    width = max(len(r) for r in header_rows)
    years_by_column = {}
    for row in header_rows:
        current_year = None
        for index in range(width):
            cell = row[index] if index < len(row) else None
            name = header_field_(cell.value) if cell and cell.value else None
            if name and name.startswith("year:"):
                current_year = int(name[5:])
            elif cell and cell.value and not _is_sub(name):
                current_year = None
            if current_year:
                years_by_column.setdefault(index, current_year)
    for index in range(width):
        chosen, label = None, None
        for row in header_rows:
            cell = row[index] if index < len(row) else None
            if not cell or not cell.value:
                continue
            name = header_field_(cell.value)
            if name is None:
                if chosen is None and label is None:
                    label = cell.value
                continue
            if chosen is None or _is_sub(name):
                chosen, label = name, cell.value
        if chosen:
            layout.columns[index] = chosen
            layout.labels[index] = label or chosen
            own_year = header_year(label) if chosen.startswith(("month:", "quarter:")) else None
            if own_year:
                layout.month_years[index] = own_year
            elif index in years_by_column:
                layout.month_years[index] = years_by_column[index]
        elif label:
            layout.unknown.append(label)
    return layout


_CODE_VALUE = re.compile(r"^[A-Za-z]{0,5}[\s.\-]?\d+(?:[.\-]\d+)*[a-z]?\.?$")
CODE_OF = {"objective": "objective_code", "result": "result_code", "activity": "code"}


def resolve_code_columns(layout, rows):
    """Two columns for one level (a code beside the title): the one holding short codes is the code."""
    for name, code_name in CODE_OF.items():
        indexes = layout.indexes(name) if name != "result" else [i for i, c in layout.columns.items() if c == "result"]
        indexes = [i for i in indexes if layout.columns[i] == name]
        if len(indexes) < 2:
            continue
        for index in indexes:
            values = [r[index].value for r in rows if index < len(r) and r[index].value]
            if values and sum(1 for t in values if len(t) <= 15 and _CODE_VALUE.match(t)) * 2 > len(values):
                layout.columns[index] = code_name
    layout.__dict__.pop("_first", None)
    layout.__dict__.pop("_indexes", None)


def describe_columns(sheet, number, header, layout, samples):
    """Every column of a header with its reading (``None``: ignored) and first values, for the preview."""
    width = max(len(r) for r in header)
    out = []
    for index in range(width):
        label = layout.labels.get(index) or next(
            (r[index].value for r in header if index < len(r) and r[index].value), None)
        if not label:
            continue
        values = [r[index].value for r in samples if index < len(r) and r[index].value]
        out.append({"sheet": sheet.title, "header_row": number, "index": index, "label": str(label)[:90],
                    "field": layout.columns.get(index), "samples": [str(x)[:80] for x in values]})
    return out


def candidate_columns(sheets):
    """No header recognised: the row of the first 30 with the most short texts, as columns to map."""
    best = None
    for sheet in sheets:
        for row, number in list(zip(sheet.rows, sheet.row_numbers))[:30]:
            texts = sum(1 for c in row if c.value and len(c.value) <= 90)
            if texts >= 2 and (best is None or texts > best[0]):
                best = (texts, sheet, row, number)
    if best is None:
        return []
    _t, sheet, row, number = best
    position = sheet.row_numbers.index(number)
    layout = build_layout([row])
    return describe_columns(sheet, number, [row], layout, sheet.rows[position + 1:position + 4])


TOTAL_ROW = re.compile(r"^(?:sous[- ]?tota(?:l|ux)|sub[- ]?totals?|totaux|totals?|grand total)\b")


def classify(text):
    """``(level, code, title)`` of a row that spans the table; level in axis, general, objective,
    result, note, or ``None`` when the text is none of these."""
    raw = text.strip()
    f = fold(raw)
    if raw[:1] in _FOOTNOTE or re.match(r"^(note|nb\b|n\.b|en rouge|en vert|en bleu|in red|in green|source)", f):
        return "note", "", raw
    m = re.match(r"^(?:axe|axis|pilier|pillar|priorite|priority)\b[^:\d]*(\d+)?\s*[:.\-–]?\s*(.*)$", f, re.S)
    if m:
        return "axis", f"AXE {m.group(1)}" if m.group(1) else "", _tail(raw, m.start(2)) or raw
    m = re.match(r"^(?:objectif (?:general|global|strategique)|(?:general|overall|strategic) objective|goal)\s*[:.\-–]?\s*(.*)$", f, re.S)
    if m:
        return "general", "OG", _tail(raw, m.start(1)) or raw
    m = re.match(r"^(?:objectif|objective|os|so)\b\s*(?:specifique\s*|specific\s*)?(?:n°\s*)?(\d+(?:\.\d+)*)?\s*[:.\-–]?\s*(.*)$", f, re.S)
    if m:
        return "objective", m.group(1) or "", _tail(raw, m.start(2)) or raw
    m = re.match(r"^(?:(?:resultat|result|er|ra)\s*(?:attendu\s*)?)?(\d+\.\d+)\.?\s*[:.\-–]?\s*(.*)$", f, re.S)
    if m and m.group(2):
        return "result", m.group(1), _tail(raw, m.start(2))
    m = re.match(r"^(\d+)\s*[.)\-–:]?\s+(\D.*)$", f, re.S)
    if m:
        return "objective", m.group(1), _tail(raw, m.start(2))
    return None, "", raw


def _tail(raw, start):
    return raw[start:].strip() if start is not None and start >= 0 else raw


def lines(text):
    """A cell's paragraphs (bullets and lone dashes dropped)."""
    if not text:
        return []
    out = []
    for line in str(text).split("\n"):
        line = re.sub(r"^\s*(?:[-•*▪◦●–]\s+|\d+[.)]\s+(?=\D))", "", line).strip() if len(line.strip()) > 1 else line.strip()
        if line and line not in ("-", "–", "—"):
            out.append(line)
    return out


def raw_lines(text):
    """A cell's paragraphs, keeping lone dashes (they hold a place in a paired list)."""
    return [line.strip() for line in str(text or "").split("\n") if line.strip()]


class Parser:
    def __init__(self, sheets, source_name="", options=None):
        self.options = options or ReadOptions()
        self.sheets = sheets
        if self.options.sheet:
            self.sheets = [s for s in sheets if s.title == self.options.sheet]
            if not self.sheets:
                raise WorkplanImportError(_("There is no sheet named “%(sheet)s” (sheets: %(sheets)s).")
                                          % {"sheet": self.options.sheet, "sheets": ", ".join(s.title for s in sheets)})
        self.plan = ParsedPlan(source_name=source_name)
        self.parent = None  # axis or general objective
        self.objective = None
        self.result = None
        self.previous = {}  # fill-down values: field → text
        self.last_activities = []
        self.title_years = []

    def namer(self, text):
        """A header's field: the person's choice (mapping) first, else the vocabulary."""
        chosen = self.options.field_for(text) if self.options.columns else None
        if chosen == IGNORE:
            return None
        return chosen or header_field(text)

    # --- helpers -----------------------------------------------------------------
    def warn(self, sheet, row, index, message, layout=None):
        label = ""
        if index is not None and layout is not None:
            label = layout.labels.get(index, "")
        cell = f"{column_letter(index + 1)}{row}" if index is not None else ""
        self.plan.warnings.append(ImportWarning(sheet.title, row, str(label or ""), str(message), cell))

    def ref(self, sheet, row, index=None):
        return f"{sheet.title}!{column_letter(index + 1) if index is not None else ''}{row}"[:100]

    # --- the tree ----------------------------------------------------------------
    def add_axis(self, code, title, ref, level="axis"):
        axis = ParsedObjective(title=title, code=code, level=level, ref=ref)
        self.plan.objectives.append(axis)
        self.parent, self.objective, self.result = axis, None, None
        self.previous, self.last_activities = {}, []
        return axis

    def add_objective(self, code, title, ref):
        objective = ParsedObjective(title=title, code=code, ref=ref)
        (self.parent.objectives if self.parent else self.plan.objectives).append(objective)
        self.objective, self.result = objective, None
        self.previous, self.last_activities = {}, []
        return objective

    def add_result(self, code, title, ref):
        if self.objective is None:
            self.add_objective("", _("(objective not given)"), ref)
        result = ParsedResult(title=title, code=code, ref=ref)
        self.objective.results.append(result)
        self.result = result
        self.previous, self.last_activities = {}, []
        return result

    def structural(self, text, ref, sheet, row, index, layout, column=None):
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
        layout = None
        i = 0
        rows = sheet.rows
        pending = []  # rows before the first header: title, axis rows
        while i < len(rows):
            row, number = rows[i], sheet.row_numbers[i]
            forced = self.options.header_row
            if (number == forced if forced else is_header_row(row, strict=layout is not None, namer=self.namer)):
                header = [row]
                j = i + 1
                while (j < len(rows) and is_subheader_row(rows[j], self.namer)
                       and not is_header_row(rows[j], namer=self.namer)):
                    header.append(rows[j])
                    j += 1
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
                self.previous = {}
                i = j
                continue
            if layout is None:
                pending.append((row, number))
                i += 1
                continue
            self.data_row(sheet, layout, row, number)
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
                self.plan.title = re.sub(r"\s+", " ", text)[:300]
                continue
            if level in ("axis", "general", "objective", "result"):
                self.structural(text, self.ref(sheet, number, index), sheet, number, index, None)
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
        filled = [(k, c.value) for k, c in enumerate(row) if c.value]
        meaningful = [(k, t) for k, t in filled if t.strip() not in ("-", "–", "—")]
        shaded_months = [k for k in layout.indexes("month:") if k < len(row) and row[k].shaded and not row[k].value]
        if not meaningful and not shaded_months:
            return  # empty or only dashes
        if TOTAL_ROW.match(fold(meaningful[0][1]).strip() if meaningful else ""):
            texts = [t for _k, t in meaningful if v.to_decimal(t.rstrip("%").strip()) is None]
            if len(texts) > 1:
                self.plan.notes.append(" ; ".join(texts))
            self.warn(sheet, number, meaningful[0][0], _("A total row is not an activity: skipped."), layout)
            return
        activity_col, indicator_col = layout.first("activity"), layout.first("indicator")
        objective_col, result_col = layout.first("objective"), layout.first("result")
        # a row with text in one cell only, at the start of the table: objective, axis, result, note
        if len(meaningful) == 1 and not shaded_months:
            index, text = meaningful[0]
            column = layout.columns.get(index)
            at_start = index <= layout.first_column or column in ("objective", "result") or index not in layout.columns
            if at_start:
                if column == "activity":
                    level, _c, _t = classify(text)
                    if level is not None:
                        self.structural(text, self.ref(sheet, number, index), sheet, number, index, layout)
                        return
                elif column not in ("indicator",):
                    if self.structural(text, self.ref(sheet, number, index), sheet, number, index, layout, column):
                        return
                    self.plan.notes.append(text)
                    return
        # objective and result cells (blank: the value above continues)
        objective_text = self.cell(row, objective_col)
        if objective_text and objective_text.strip() not in ("-",):
            level, code, title = classify(objective_text)
            objective_code = self.cell(row, layout.first("objective_code"))
            if objective_code and level not in ("axis", "general"):
                level, code, title = "objective", objective_code[:30], title if level == "objective" else objective_text
            if level == "axis":
                if self.parent is None or fold(self.parent.title) != fold(title):  # a repeated axis cell
                    self.add_axis(code, title, self.ref(sheet, number, objective_col))
            elif level == "general":
                self.add_axis("OG", title, self.ref(sheet, number, objective_col), level="general")
            elif self.objective is None or fold(self.objective.title) != fold(title if level == "objective" else objective_text):
                if level == "objective":
                    self.add_objective(code, title, self.ref(sheet, number, objective_col))
                else:
                    self.add_objective("", objective_text, self.ref(sheet, number, objective_col))
        result_text = self.cell(row, result_col)
        if result_text and result_text.strip() not in ("-",):
            level, code, title = classify(result_text)
            result_code = self.cell(row, layout.first("result_code"))
            if result_code:
                level, code, title = "result", result_code[:30], title if level == "result" else result_text
            if level == "objective" and code and "." not in code:
                self.add_objective(code, title, self.ref(sheet, number, result_col))
            elif self.result is None or fold(self.result.title) != fold(title if level == "result" else result_text):
                if level == "result":
                    self.add_result(code, title, self.ref(sheet, number, result_col))
                else:
                    self.add_result("", result_text, self.ref(sheet, number, result_col))
        if self.objective is None:
            self.add_objective("", _("(objective not given)"), self.ref(sheet, number))
            self.warn(sheet, number, activity_col, _("Activity before any objective: put under “(objective not given)”."), layout)
        activity_texts = lines(self.cell(row, activity_col))
        indicator_texts = lines(self.cell(row, indicator_col))
        activities = []
        code_col = layout.first("code")
        explicit_code = self.cell(row, code_col)
        owner = self.result or self.objective
        repeated = None
        if (len(activity_texts) == 1 and len(self.last_activities) == 1 and self.last_activities[0] in owner.activities
                and fold(self.last_activities[0].title) == fold(activity_texts[0])
                and (not explicit_code or explicit_code == self.last_activities[0].code)):
            repeated = self.last_activities[0]  # the hierarchy repeated on every row: one activity
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

    def indicators(self, sheet, layout, row, number, texts):
        column = layout.first("indicator")
        result = []
        extra = {}
        for name in ("mov", "kind", "target", "baseline", "unit"):
            index = layout.first(name)
            cell = self.cell(row, index)
            extra[name] = (index, raw_lines(cell), cell)
        for k, text in enumerate(texts):
            kind, target, doubt = v.indicator_kind(text)
            indicator = ParsedIndicator(text=text, kind=kind, target=target, ref=self.ref(sheet, number, column))
            if doubt == "range":
                self.warn(sheet, number, column, _("“%(text)s”: a range; the upper figure is taken as the target.")
                          % {"text": text[:60]}, layout)
            for name in ("kind", "target", "baseline", "unit"):
                index, items, _cell = extra[name]
                if not items:
                    continue
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
            self.phased_targets(sheet, layout, row, number, indicator, k, len(texts))
            index, items, cell = extra["mov"]
            items = [item for item in items if item not in DASHES] if len(items) != len(texts) else items
            if items:
                if len(items) == len(texts):
                    indicator.means_of_verification = "" if items[k] in DASHES else items[k]
                elif len(items) == 1:
                    indicator.means_of_verification = items[0]
                else:
                    indicator.means_of_verification = " ; ".join(items)
            result.append(indicator)
        index, items, cell = extra["mov"]
        items = [item for item in items if item not in DASHES]
        if texts and items and len(items) not in (1, len(texts)):
            self.warn(sheet, number, index, _("%(m)d means of verification for %(i)d indicators: each indicator keeps them all.")
                      % {"m": len(items), "i": len(texts)}, layout)
        return result

    def phased_targets(self, sheet, layout, row, number, indicator, k, count):
        """Per-year ("Cible 2021": the year's last quarter) and per-quarter target columns."""
        for index in layout.indexes("target_year:") + layout.indexes("target_quarter:"):
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
        if count > 1 and len(items) == count:
            return [[item] for item in items]
        return [items for _ in range(count)]

    def fill_activities(self, sheet, layout, row, number, activities):
        n = len(activities)
        # actors (a blank cell continues the value above)
        for name, role in (("lead", "lead"), ("other", "support")):
            index = layout.first(name)
            if index is None:
                continue
            text = self.cell(row, index)
            if text is None:
                text = self.previous.get(name)
            else:
                self.previous[name] = text
            if not text:
                continue
            for activity, chunk in zip(activities, self.split_for(raw_lines(text), n)):
                for line in chunk:
                    for actor_name, note in split_organisations(line):
                        if len(actor_name) > 120:
                            self.warn(sheet, number, index, _("Actor name too long, cut: “%(name)s…”.")
                                      % {"name": actor_name[:40]}, layout)
                            actor_name = actor_name[:120]
                        folded_note = fold(note)
                        if any(w in folded_note for w in v.LEAD_NOTES):
                            actor_role = "lead"
                        elif folded_note.strip() in v.SUPPORT_NOTES or folded_note.startswith(v.SUPPORT_NOTES):
                            actor_role = "support"
                        else:
                            actor_role = role
                        if not any(fold(a.name) == fold(actor_name) and a.role == actor_role for a in activity.actors):
                            activity.actors.append(ParsedActor(actor_name, actor_role, note[:200]))
        # level, place, resources, status
        for index in layout.indexes("level"):
            text = self.cell(row, index)
            if not text or text.strip() in ("-",):
                continue
            column = layout.columns[index]
            value = fold(text).strip()
            level = {"national": "national", "nationale": "national", "regional": "regional", "regionale": "regional",
                     "local": "local", "locale": "local"}.get(value)
            for activity in activities:
                if not activity.level:
                    activity.level = level or (column.split(":")[1] if ":" in column else "")
                if not level and not activity.place:
                    activity.place = text[:300]
        for name in ("resources", "place"):
            text = self.cell(row, layout.first(name))
            if text and text.strip() != "-":
                for activity in activities:
                    setattr(activity, name, text if name == "resources" else text[:300])
        status_text = fold(self.cell(row, layout.first("status")) or "").strip()
        status = {"planned": "planned", "planifie": "planned", "prevu": "planned", "ongoing": "ongoing", "en cours": "ongoing",
                  "done": "done", "realise": "done", "termine": "done", "cancelled": "cancelled", "annule": "cancelled"}.get(status_text)
        if status:
            for activity in activities:
                activity.status = status
        self.periods(sheet, layout, row, number, activities)

    def plan_year(self):
        return self.title_years[0] if len(set(self.title_years)) == 1 else None

    def periods(self, sheet, layout, row, number, activities):
        n = len(activities)
        written = [[] for _ in activities]
        # a period column (text), filled down
        index = layout.first("period")
        if index is not None:
            text = self.cell(row, index)
            if text is None:
                text = self.previous.get("period")
            else:
                self.previous["period"] = text
            if text:
                for k, chunk in enumerate(self.split_for(raw_lines(text), n)):
                    for line in chunk:
                        self.add_period(sheet, layout, number, index, activities[k], line, self.plan_year())
                    written[k].append(" / ".join(chunk))
        # the period as written, kept as text (our own export)
        text = self.cell(row, layout.first("period_text"))
        if text and text.strip() != "-":
            for k in range(n):
                written[k].append(text)
        # clean quarter codes
        index = layout.first("quarters")
        text = self.cell(row, index)
        if text:
            for token in re.split(r"[\s,;]+", text):
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
        start_index, end_index = layout.first("start"), layout.first("end")
        if start_index is not None or end_index is not None:
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
                for k in range(n):
                    written[k].append(" – ".join(t for t in (start_text, end_text) if t))
        # clean month codes (our own export): 2019-03
        index = layout.first("months")
        text = self.cell(row, index)
        if text:
            for token in re.split(r"[\s,;]+", text):
                match = re.fullmatch(r"((?:19|20)\d\d)-(0?[1-9]|1[0-2])", token)
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
        for index in layout.indexes("year:"):
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
        ticked = []
        for index in layout.indexes("month:") + layout.indexes("quarter:"):
            if index >= len(row):
                continue
            cell = row[index]
            value = fold(cell.value or "").strip()
            if (value and value not in ("-", "0", "non", "no", "n")) or cell.shaded:
                ticked.append(index)
        if ticked:
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
            for k in range(n):
                written[k].append(labels)
        for activity, texts in zip(activities, written):
            activity.period_text = "; ".join(t for t in texts if t)[:300]
            activity.quarters.sort()

    def add_period(self, sheet, layout, number, index, activity, text, year):
        quarters, continuous, understood = v.parse_period(text, year)
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
        years = sorted({int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", plan.title or "")})
        if years:
            start, end = (years[0], 1), (years[-1], 4)
            if quarters and start <= quarters[0] <= end:
                start = quarters[0]
        elif quarters:
            start, end = quarters[0], quarters[-1]
        else:
            start = end = None
        plan.start, plan.end = start, end
        for activity in activities:
            if activity.continuous:
                if start is None:
                    continue
                for pair in v.span(start, end):
                    if pair not in activity.quarters:
                        activity.quarters.append(pair)
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
    parser = Parser(sheets, source_name, options)
    # the plan's year(s): from the first rows' text (the title), for month ticks
    for sheet in sheets:
        for row in sheet.rows[:5]:
            for cell in row:
                if cell.value and not is_header_row(row):
                    parser.title_years += [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", cell.value)]
                    break
            if parser.title_years:
                break
        if parser.title_years:
            break
    return parser.parse()
