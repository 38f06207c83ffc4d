"""``{% load jobs %}``: whether a page offers the background version of its work."""

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def import_runs_in_background(counts):
    """True when a previewed import (its ``parsed.counts()``) is over ``BACKGROUND_IMPORT_ROWS`` rows."""
    try:
        rows = counts["activities"] + counts["indicators"]
    except (KeyError, TypeError):
        return False
    return rows > settings.BACKGROUND_IMPORT_ROWS
