"""Number display for every page: integers without decimals, yes/no for binary indicators, percentages."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure(value, binary=False):
    if value is None or value == "":
        return "–"
    if binary:
        return _("Yes") if Decimal(value) >= 1 else _("No")
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(int(value), force_grouping=True)
    return number_format(value.normalize(), force_grouping=True)


@register.filter
def pct(value):
    if value is None:
        return "–"
    return f"{number_format(Decimal(value).quantize(Decimal('1')))} %"


@register.filter
def plain(value):
    """A number for a machine-read attribute (SVG coordinates, data-*): dot-decimal, no grouping,
    never localised, whatever the page's language."""
    if value is None or value == "":
        return "0"
    return f"{round(float(value), 2):g}"
