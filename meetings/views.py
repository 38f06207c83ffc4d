"""Meetings, action points, the cluster's structure and contacts.

Function views: check the permission (meetings.permissions), call the model or the
service, render.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplans.models import ActivityActor, Cluster, SubCluster

from .docx import minutes_docx
from .forms import (
    ActionPointFilterForm,
    ActionPointInlineFormSet,
    ActionPointUpdateForm,
    AgendaItemFormSet,
    MeetingForm,
)
from .models import ActionPoint, Contact, Meeting
from .permissions import can_write_meeting, get_action_point_for_user, get_meeting_for_user, require_meeting_writer
from .services import action_point_update, meeting_save

ACTION_POINTS_PER_PAGE = 50
ACTIVITIES_SHOWN = 8


def _today():
    return timezone.localdate()


@require_GET
def meeting_list(request):
    meetings = Meeting.objects.for_list()
    paginator = Paginator(meetings, 50)
    page = paginator.get_page(request.GET.get("page"))
    can_create = can_write_meeting(request.user)
    return render(request, "meetings/meeting_list.html", {"page": page, "can_create": can_create})


@require_GET
def meeting_detail(request, pk):
    meeting = get_meeting_for_user(
        request.user, pk, queryset=Meeting.objects.select_related("cluster", "subcluster", "co_facilitator")
    )
    today = _today()
    can_write = can_write_meeting(request.user, meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "organisations": meeting.organisations.all(),
            "agenda_items": meeting.agenda_items.all(),
            "action_points": meeting.action_points.for_list(),
            "previous": meeting.previous(),
            "follow_up_points": meeting.follow_up_points(),
            "status_choices": ActionPoint.Status.choices,
            "can_write": can_write,
            "today": today,
        },
    )


def _meeting_form_page(request, meeting):
    creating = meeting.pk is None
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, instance=meeting, user=request.user)
    agenda_formset = AgendaItemFormSet(data, instance=meeting, prefix="agenda")
    action_formset = ActionPointInlineFormSet(
        data, instance=meeting, prefix="actions", queryset=ActionPoint.objects.prefetch_related("owners")
    )
    if data is not None:
        valid = [form.is_valid(), agenda_formset.is_valid(), action_formset.is_valid()]
        if all(valid) and not can_write_meeting(
            request.user, cluster_id=form.cleaned_data["cluster"].pk,
            subcluster_id=form.cleaned_data["subcluster"].pk if form.cleaned_data["subcluster"] else None,
        ):
            form.add_error("cluster", _("You cannot record meetings for this cluster or sub-cluster."))
            valid.append(False)
        if all(valid):
            meeting = meeting_save(form=form, agenda_formset=agenda_formset, action_formset=action_formset, user=request.user)
            messages.success(request, _("Meeting saved.") if not creating else _("Meeting recorded."))
            return redirect(meeting)
        messages.error(request, _("Nothing was saved: please correct the errors below."))
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "agenda_formset": agenda_formset, "action_formset": action_formset, "meeting": meeting,
         "creating": creating},
        status=400 if data is not None else 200,
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    require_meeting_writer(request.user)
    return _meeting_form_page(request, Meeting())


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    return _meeting_form_page(request, meeting)


@require_GET
def meeting_docx(request, pk):
    meeting = get_meeting_for_user(
        request.user, pk, queryset=Meeting.objects.select_related("cluster", "subcluster", "co_facilitator")
    )
    response = HttpResponse(
        minutes_docx(meeting), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="compte-rendu-{meeting.body_code}-{meeting.date:%Y-%m-%d}.docx"'
    return response


@require_POST
def action_point_update_view(request, pk):
    point = get_action_point_for_user(request.user, pk)
    form = ActionPointUpdateForm(request.POST, point=point)
    next_url = request.POST.get("next", "")
    # Only a path of this site; ``redirect()`` would take "abc" for a view name (a 500).
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = point.meeting.get_absolute_url()
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("The action point was not updated: %(errors)s") % {"errors": errors})
        return HttpResponseRedirect(next_url)
    action_point_update(
        point, status=form.cleaned_data["status"], follow_up=form.cleaned_data["follow_up"],
        reviewed_in=form.cleaned_data["reviewed_in"],
    )
    messages.success(request, _("Action point updated."))
    return HttpResponseRedirect(next_url)


@require_GET
def action_point_list(request):
    today = _today()
    form = ActionPointFilterForm(request.GET or None)
    points = form.filter(ActionPoint.objects.for_list(), today).order_by("deadline", "meeting__date", "order", "id")
    page = Paginator(points, ACTION_POINTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/action_point_list.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "query": query.urlencode(),
            "status_choices": ActionPoint.Status.choices,
        },
    )


@require_GET
def structure(request):
    bodies = list(
        SubCluster.objects.select_related("cluster", "lead", "co_lead").prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.for_list())
        )
    )
    links = (
        ActivityActor.objects.filter(actor__subcluster__in=bodies, activity__archived_at__isnull=True)
        .select_related("activity", "activity__workplan", "actor")
        .order_by("activity__workplan__title", "activity__order", "activity_id")
    )
    activities = {}
    for link in links:
        seen = activities.setdefault(link.actor.subcluster_id, {})
        seen.setdefault(link.activity_id, link.activity)
    for body in bodies:
        found = list(activities.get(body.pk, {}).values())
        body.activity_count = len(found)
        body.activities_shown = found[:ACTIVITIES_SHOWN]
    clusters = Cluster.objects.all()
    return render(
        request,
        "meetings/structure.html",
        {"clusters": clusters, "bodies": bodies, "regional_contacts": Contact.objects.for_list().filter(subcluster=None).exclude(region="")},
    )


@require_GET
def contact_list(request):
    return render(request, "meetings/contact_list.html", {"contacts": Contact.objects.for_list()})
