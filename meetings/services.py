"""Writes that touch several models: a meeting with its agenda and action points; follow-ups."""

from django.db import transaction


def _save_rows(formset, meeting, after_save=None):
    """Save an inline formset's rows in the order shown; delete the rows marked for deletion."""
    order = 0
    for form in formset.forms:
        if not form.has_changed() and form.instance.pk is None:
            continue
        if formset.can_delete and formset._should_delete_form(form):
            if form.instance.pk:
                form.instance.delete()
            continue
        row = form.save(commit=False)
        row.meeting = meeting
        row.order = order
        order += 1
        row.save()
        form.save_m2m()
        if after_save:
            after_save(form, row)


@transaction.atomic
def meeting_save(*, form, agenda_formset, action_formset, user):
    """Save a meeting with its agenda items and action points, all or nothing.

    The forms must have been validated. Organisations present and action point owners are
    matched to actors from the text typed in.
    """
    meeting = form.save(commit=False)
    if meeting.pk is None:
        meeting.created_by = user
    meeting.save()
    meeting.set_organisations_from_text()
    _save_rows(agenda_formset, meeting)
    _save_rows(action_formset, meeting, after_save=lambda f, point: point.set_owners_from_text(f.cleaned_data.get("who", "")))
    return meeting


@transaction.atomic
def action_point_update(point, *, status, follow_up, reviewed_in=None):
    """Record where an action point stands (status and follow-up notes), at a meeting or not."""
    point.status = status
    point.follow_up = follow_up
    fields = ["status", "follow_up", "updated_at"]
    if reviewed_in is not None:
        point.reviewed_in = reviewed_in
        fields.append("reviewed_in")
    point.save(update_fields=fields)
    return point
