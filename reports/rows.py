"""Rows of the long lists, prepared once in Python (issue 16).

A page of 50 activities rendered through per-row includes, ``truncatechars`` and model
properties cost more than the SQL behind it; here each row becomes a plain dict of the strings
the template prints (escaped there as usual), so the template is one flat loop.
"""

from django.urls import reverse

from indicators.models import Status
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
    """The activity list's rows from ``activities_with_progress`` (prefetched) activities."""
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
            "actors": [(link.actor.acronym, link.role == "lead") for link in activity.actor_links.all()],
            "quarters": ", ".join(q.code for q in activity.quarters.all()),
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
