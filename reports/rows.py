"""Rows of the long lists, prepared once in Python (issue 16).

A page of 50 activities rendered through per-row includes, ``truncatechars`` and model
properties cost more than the SQL behind it; here each row becomes a plain dict of the strings
the template prints (escaped there as usual), so the template is one flat loop.
"""

from django.urls import reverse

from indicators.models import Status
from indicators.templatetags.progress_tags import status_label
from workplans.templatetags.figures import figure, pct


def shorten(text, length):
    """``truncatechars``: at most ``length`` characters, the last one an ellipsis when cut."""
    text = text or ""
    return text if len(text) <= length else text[: length - 1] + "…"


def status_badge(code):
    """(code, translated label) of a status for the badge, or None when there is none."""
    if not code:
        return None
    try:
        return code, Status(code).label
    except ValueError:
        return code, Status.NO_DATA.label


def activity_rows(activities):
    """The activity list's rows from ``activities_with_progress(..., light=True)`` activities."""
    indicator_url = reverse("indicators:detail", args=[0])[:-2]  # "/indicators/"
    plan_urls = {}
    rows = []
    for activity in activities:
        workplan = activity.workplan
        if workplan.pk not in plan_urls:
            plan_urls[workplan.pk] = workplan.get_absolute_url()
        rows.append({
            "url": f"{plan_urls[workplan.pk]}#activity-{activity.pk}",
            "code": activity.code,
            "title": shorten(activity.title, 140),
            "workplan": shorten(workplan.title, 40),
            "actors": [(acronym, role == "lead") for acronym, role, _note in activity.actor_rows],
            "quarters": ", ".join(q.code for q in activity.scheduled_quarters),
            "state": activity.get_status_display(),
            "status": status_badge(activity.status_code),
            "indicators": [
                {
                    "url": f"{indicator_url}{indicator.pk}/",
                    "text": shorten(indicator.text, 90),
                    "achieved": figure(indicator.progress_info.achieved, indicator.is_binary),
                    "target": None if indicator.target is None else figure(indicator.target),
                    "percent": None if indicator.progress_info.percent is None else pct(indicator.progress_info.percent),
                    "latest_quarter": indicator.progress_info.latest_quarter.code if indicator.progress_info.latest_quarter else None,
                    "latest": figure(indicator.progress_info.latest_value, indicator.is_binary),
                }
                for indicator in activity.indicator_list
            ],
        })
    return rows


def indicator_cells(indicator, indicator_url):
    """An indicator's cells in the plan tree's tables (what ``_indicator_row.html`` prints)."""
    info = indicator.progress_info
    return {
        "url": f"{indicator_url}{indicator.pk}/",
        "text": indicator.text,
        "target": figure(indicator.target),
        "achieved": figure(info.achieved, indicator.is_binary),
        "latest": figure(info.latest_value, indicator.is_binary),
        "latest_quarter": info.latest_quarter.code if info.latest_quarter else None,
        "percent": pct(info.percent),
        "status": (info.status, status_label(info.status)) if info.status else None,
    }


def tree_activity_rows(nodes):
    """Give every activity of the plan tree (``workplan_tree`` nodes, light activities) a ``row``: the strings its
    section prints, so ``_objective.html`` is one loop without per-activity includes or filters."""
    indicator_url = reverse("indicators:detail", args=[0])[:-2]  # "/indicators/"

    def walk(nodes):
        for node in nodes:
            for activity in node.activities:
                activity.row = {
                    "status": (activity.status_code, status_label(activity.status_code)) if activity.status_code else None,
                    "actors": [(acronym, role == "lead", note) for acronym, role, note in activity.actor_rows],
                    "quarters": ", ".join(q.code for q in activity.scheduled_quarters),
                    "indicators": [indicator_cells(indicator, indicator_url) for indicator in activity.indicator_list],
                }
            walk(node.children)
            walk(node.results)

    walk(nodes)
    return nodes


def performance_rows(groups):
    """Give every row of a page of the performance table (``PerformanceTable.paginate`` groups) a
    ``shown``: its figures as the strings the table prints (``figure``/``pct``, the status badge),
    so the 100 rows × 3 cells a quarter are not as many template filters and includes."""
    for group in groups:
        group.badge = status_badge_of(group.status)
        for result_group in group.results:
            for row in result_group.rows:
                binary = row.is_binary
                row.shown = {
                    "direction": row.indicator.get_direction_display(),
                    "baseline": figure(row.baseline), "target": figure(row.target),
                    "achieved": figure(row.achieved, binary), "percent": pct(row.percent),
                    "cells": [(figure(c.target, binary), figure(c.achieved, binary), pct(c.percent)) for c in row.cells],
                    "breakdowns": [(sub.label, figure(sub.total), [figure(v) for v in sub.values]) for sub in row.breakdowns],
                    "status": status_badge_of(row.status),
                }
    return groups


def status_badge_of(code):
    """(code, label) for ``includes/status_badge.html``'s badge, or None when it prints nothing."""
    return (code, status_label(code)) if code else None
