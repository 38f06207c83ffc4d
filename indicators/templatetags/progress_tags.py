"""Template filters for progress: labels come from the models, never restated in a template."""

from django import template

from indicators.models import ENDED, ENDED_LABEL, Status

register = template.Library()


@register.filter
def status_label(code):
    """The translated label of a progress status code (``Status``); unknown codes read "No data"."""
    if code == ENDED:
        return ENDED_LABEL
    try:
        return Status(code).label
    except ValueError:
        return Status.NO_DATA.label
