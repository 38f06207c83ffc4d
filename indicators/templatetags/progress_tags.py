"""Template filters for progress: labels come from the models, never restated in a template."""

from django import template

from indicators.models import Status

register = template.Library()


@register.filter
def status_label(code):
    """The translated label of a progress status code (``Status``); unknown codes read "No data"."""
    try:
        return Status(code).label
    except ValueError:
        return Status.NO_DATA.label
