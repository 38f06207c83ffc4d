"""Template filters for the meetings pages: the rules live in ``meetings.permissions`` and the models."""

from django import template

from meetings.permissions import can_write_meeting

register = template.Library()


@register.filter
def may_write_meeting(user, meeting):
    """``{% if request.user|may_write_meeting:point.meeting %}``: the views' predicate, nothing restated."""
    return can_write_meeting(user, meeting)


@register.filter
def overdue_on(point, today):
    """``{% if point|overdue_on:today %}``: ``ActionPoint.is_overdue``."""
    return point.is_overdue(today)
