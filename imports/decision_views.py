"""The preview's decisions step: new organisations and indicator rules, chosen before confirming."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import Indicator
from workplans.models import Actor

from .decisions import import_decisions_save, indicator_proposals, organisation_proposals
from .mapping import ReadOptions
from .parsing import WorkplanImportError, parse_file
from .permissions import get_import_session_for_user


def decision_context(parsed, session):
    """What ``templates/imports/_organisations.html`` shows: proposals with their suggestions."""
    return {
        "organisation_rows": organisation_proposals(parsed, session.decisions),
        "indicator_rows": indicator_proposals(parsed, session.decisions),
        "known_actors": Actor.objects.only("pk", "acronym", "name").order_by("acronym"),
        "aggregation_choices": Indicator.Aggregation.choices,
    }


@require_POST
def import_decisions(request, pk):
    session = get_import_session_for_user(request.user, pk)
    if session.committed_at:
        messages.error(request, _("This import was already saved."))
        return redirect("imports:import_preview", pk=session.pk)
    try:
        parsed = parse_file(session.read(), session.original_name, ReadOptions.from_dict(session.options))
    except (WorkplanImportError, FileNotFoundError) as exc:
        messages.error(request, str(exc) if isinstance(exc, WorkplanImportError) else
                       _("The uploaded file is no longer stored: upload it again."))
        return redirect("imports:import")
    errors = import_decisions_save(session, parsed, request.POST)
    for error in errors:
        messages.error(request, error)
    if not errors:
        messages.success(request, _("Your choices are kept; they apply when you confirm."))
    return redirect("imports:import_preview", pk=session.pk)
