"""What is due on a given day, and sending it exactly once (``manage.py send_reminders``).

Everything is worked out from the data on ``today``: the quarters' reporting deadlines (the rule
of the report labels, ``REPORTING_GRACE_DAYS``), the reports' states and review times, the
action points' deadlines and each cluster's ``ReminderSchedule``. A message already recorded
(``Notification``) is never produced again, so the run may be repeated at will (cron every
15 minutes): a second run the same day sends nothing new, and a run that stopped half-way
sends the rest.

A schedule step ("7 days after the deadline") is sent on its day, or on one of the
``CATCH_UP_DAYS`` following days if no run happened on it, never once the next step is due.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from indicators.models import (
    REPORTING_GRACE_DAYS,
    Indicator,
    ProgressReport,
    QuarterClosure,
)
from indicators.permissions import reports_to_review
from meetings.models import ActionPoint
from workplans.models import ActivityActor, Quarter, Workplan
from workplans.permissions import COORDINATORS, MEMBERS

from .models import (
    EmailOptOut,
    Kind,
    Notification,
    ReminderSchedule,
    reporting_deadline,
)

CATCH_UP_DAYS = 3
# Overdue quarters older than this are no longer listed in the coordinators' digest.
DIGEST_OVERDUE_DAYS = 365


@dataclass
class Outgoing:
    """One message to build and send."""

    recipient: object
    kind: str
    step: str
    label: str  # the subject object, for the command's output
    url: str
    context: dict = field(default_factory=dict)
    fks: dict = field(default_factory=dict)


def active_step(steps, reference, today):
    """The schedule step (days from ``reference``) to send on ``today``, or ``None``."""
    for index, offset in enumerate(steps):
        start = reference + datetime.timedelta(days=offset)
        end = start + datetime.timedelta(days=CATCH_UP_DAYS)
        if index + 1 < len(steps):
            end = min(end, reference + datetime.timedelta(days=steps[index + 1] - 1))
        if start <= today <= end:
            return offset
    return None


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def _users(**filters):
    User = get_user_model()
    return User.objects.filter(is_active=True, **filters).select_related("profile").order_by("pk")


def _closed_pairs():
    """``{(workplan id, quarter id)}`` of the quarters closed (and not reopened) for a plan."""
    return set(QuarterClosure.objects.filter(reopened_at__isnull=True).values_list("workplan_id", "quarter_id"))


# --- due / overdue --------------------------------------------------------------------------


def _pending_by_organisation(workplan, quarter, memo=None):
    """``{organisation id: [indicator, …]}``: indicators of activities scheduled in ``quarter``
    whose responsible organisation has not submitted (nor had validated) its report.
    ``memo`` (a dict) keeps the answers of one run: the digest asks once per coordinator."""
    if memo is not None:
        key = (workplan.pk, quarter.pk)
        if key not in memo:
            memo[key] = _pending_by_organisation(workplan, quarter)
        return memo[key]
    indicators = list(
        Indicator.objects.active()
        .filter(workplan=workplan, activity__quarters=quarter, activity__archived_at__isnull=True)
        .exclude(activity__status="cancelled")
        .only("pk", "code", "text", "activity_id")
        .order_by("order", "pk")
    )
    if not indicators:
        return {}
    activity_ids = {i.activity_id for i in indicators}
    actors = defaultdict(set)
    for activity_id, actor_id in ActivityActor.objects.filter(activity_id__in=activity_ids).values_list(
        "activity_id", "actor_id"
    ):
        actors[activity_id].add(actor_id)
    done = set(
        ProgressReport.objects.filter(
            indicator__in=indicators,
            quarter=quarter,
            state__in=[ProgressReport.State.SUBMITTED, ProgressReport.State.VALIDATED],
        ).values_list("indicator_id", "organisation_id")
    )
    pending = defaultdict(list)
    for indicator in indicators:
        for actor_id in sorted(actors[indicator.activity_id]):
            if (indicator.pk, actor_id) not in done:
                pending[actor_id].append(indicator)
    return pending


def report_reminders(today, schedules, closed):
    out = []
    max_step = max((max(s.report_steps, default=0) for s in schedules.values()), default=0)
    min_step = min((min(s.report_steps, default=0) for s in schedules.values()), default=0)
    grace = datetime.timedelta(days=REPORTING_GRACE_DAYS)
    # Quarters whose deadline is close enough to today for some step to be active.
    first = today - grace - datetime.timedelta(days=max_step + CATCH_UP_DAYS)
    last = today - grace - datetime.timedelta(days=min_step)
    quarters = list(Quarter.objects.filter(end_date__gte=first, end_date__lte=last))
    if not quarters:
        return out
    members = defaultdict(list)
    for user in _users(groups__name=MEMBERS, profile__organisation__isnull=False):
        members[user.profile.organisation_id].append(user)
    for cluster, schedule in schedules.items():
        if not schedule.enabled:
            continue
        for quarter in quarters:
            deadline = reporting_deadline(quarter)
            step = active_step(schedule.report_steps, deadline, today)
            if step is None:
                continue
            kind = Kind.OVERDUE if today > deadline else Kind.DUE
            for workplan in Workplan.objects.filter(cluster=cluster).order_by("slug"):
                if (workplan.pk, quarter.pk) in closed:
                    continue
                for organisation_id, indicators in _pending_by_organisation(workplan, quarter).items():
                    links = [
                        (indicator, absolute(reverse("indicators:report", args=[indicator.pk, quarter.code])))
                        for indicator in indicators
                    ]
                    for user in members.get(organisation_id, []):
                        out.append(
                            Outgoing(
                                recipient=user,
                                kind=kind,
                                step=str(step),
                                label=f"{workplan.slug} {quarter.code} (step {step:+d})",
                                url=workplan.get_absolute_url(),
                                context={
                                    "workplan": workplan, "quarter": quarter, "deadline": deadline,
                                    "indicators": links, "days": abs((deadline - today).days),
                                },
                                fks={"workplan": workplan, "quarter": quarter},
                            )
                        )
    return out


# --- coordinators' digest -------------------------------------------------------------------


def coordinator_digests(today, schedules, closed):
    out = []
    memo = {}
    for cluster, schedule in schedules.items():
        if not schedule.enabled or schedule.digest_weekday is None or today.weekday() != schedule.digest_weekday:
            continue
        coordinators = _users(groups__name=COORDINATORS).filter(
            Q(profile__cluster=cluster) | Q(profile__subcluster__cluster=cluster)
        )
        workplans = list(Workplan.objects.filter(cluster=cluster).order_by("slug"))
        overdue_quarters = list(
            Quarter.objects.filter(
                end_date__lt=today - datetime.timedelta(days=REPORTING_GRACE_DAYS),
                end_date__gte=today - datetime.timedelta(days=DIGEST_OVERDUE_DAYS),
            )
        )
        for user in coordinators:
            awaiting = [
                r
                for r in reports_to_review(
                    user,
                    ProgressReport.objects.filter(state=ProgressReport.State.SUBMITTED, indicator__workplan__cluster=cluster),
                )
                .select_related("indicator", "quarter", "organisation", "indicator__workplan")
                .order_by("submitted_at", "pk")
                if (r.indicator.workplan_id, r.quarter_id) not in closed
            ]
            overdue = []
            for workplan in workplans:
                for quarter in overdue_quarters:
                    if (workplan.pk, quarter.pk) in closed:
                        continue
                    pending = _pending_by_organisation(workplan, quarter, memo)
                    if user.profile.subcluster_id:
                        pending = _in_subcluster(pending, user.profile.subcluster_id)
                    for organisation_id, indicators in pending.items():
                        overdue.append((workplan, quarter, organisation_id, len(indicators)))
            if not (awaiting or overdue):
                continue
            names = _actor_names({o for _, _, o, _ in overdue})
            out.append(
                Outgoing(
                    recipient=user,
                    kind=Kind.AWAITING_VALIDATION,
                    step=today.isoformat(),
                    label=f"{cluster.code} {today.isoformat()} ({len(awaiting)} awaiting, {len(overdue)} overdue)",
                    url=reverse("reports:home"),
                    context={
                        "cluster": cluster,
                        "awaiting": [
                            (r, absolute(reverse("indicators:report", args=[r.indicator_id, r.quarter.code])))
                            for r in awaiting
                        ],
                        "overdue": [(w, q, names.get(o, ""), n) for w, q, o, n in overdue],
                    },
                    fks={"cluster": cluster},
                )
            )
    return out


def _in_subcluster(pending, subcluster_id):
    from workplans.models import Actor

    inside = set(Actor.objects.filter(subcluster_id=subcluster_id).values_list("pk", flat=True))
    return {o: inds for o, inds in pending.items() if o in inside}


def _actor_names(ids):
    from workplans.models import Actor

    return dict(Actor.objects.filter(pk__in=ids).values_list("pk", "acronym"))


# --- returned / validated -------------------------------------------------------------------


def review_notices(today, closed):
    """Reports returned or validated within ``NOTIFY_REVIEW_WINDOW_DAYS`` up to ``today``; the
    step is the review's time, so a report returned twice is announced twice."""
    out = []
    end = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time()))
    start = end - datetime.timedelta(days=settings.NOTIFY_REVIEW_WINDOW_DAYS + 1)
    reports = (
        ProgressReport.objects.filter(
            state__in=[ProgressReport.State.RETURNED, ProgressReport.State.VALIDATED],
            reviewed_at__gte=start,
            reviewed_at__lt=end,
        )
        .select_related("indicator", "indicator__workplan", "quarter", "organisation", "reviewed_by")
        .order_by("reviewed_at", "pk")
    )
    members = defaultdict(list)
    for user in _users(groups__name=MEMBERS, profile__organisation__isnull=False):
        members[user.profile.organisation_id].append(user)
    for report in reports:
        returned = report.state == ProgressReport.State.RETURNED
        if returned and (report.indicator.workplan_id, report.quarter_id) in closed:
            continue
        link = reverse("indicators:report", args=[report.indicator_id, report.quarter.code])
        for user in members.get(report.organisation_id, []):
            out.append(
                Outgoing(
                    recipient=user,
                    kind=Kind.RETURNED if returned else Kind.VALIDATED,
                    step=report.reviewed_at.isoformat(timespec="seconds"),
                    label=f"report {report.pk} {report.quarter.code} {report.organisation}",
                    url=link,
                    context={"report": report, "link": absolute(link)},
                    fks={"report": report},
                )
            )
    return out


# --- action points --------------------------------------------------------------------------


def action_point_reminders(today, schedules):
    out = []
    by_cluster = {c.pk: s for c, s in schedules.items()}
    steps = [s for sched in schedules.values() for s in sched.action_point_steps]
    if not steps:
        return out
    points = (
        ActionPoint.objects.open()
        .filter(
            deadline__gte=today - datetime.timedelta(days=max(steps) + CATCH_UP_DAYS),
            deadline__lte=today - datetime.timedelta(days=min(steps)),
        )
        .select_related("meeting")
        .prefetch_related("owners")
        .order_by("deadline", "pk")
    )
    members = defaultdict(list)
    for user in _users(groups__name=MEMBERS, profile__organisation__isnull=False):
        members[user.profile.organisation_id].append(user)
    for point in points:
        schedule = by_cluster.get(point.meeting.cluster_id)
        if schedule is None or not schedule.enabled:
            continue
        step = active_step(schedule.action_point_steps, point.deadline, today)
        if step is None:
            continue
        link = reverse("meetings:detail", args=[point.meeting_id])
        for owner in point.owners.all():
            for user in members.get(owner.pk, []):
                out.append(
                    Outgoing(
                        recipient=user,
                        kind=Kind.ACTION_POINT,
                        step=str(step),
                        label=f"action point {point.pk} deadline {point.deadline.isoformat()} (step {step:+d})",
                        url=link,
                        context={
                            "point": point, "link": absolute(link), "late": today > point.deadline,
                            "days": abs((point.deadline - today).days),
                        },
                        fks={"action_point": point},
                    )
                )
    return out


# --- putting it together --------------------------------------------------------------------


def _already_sent(outgoing):
    """Drop what is recorded already (one query per kind)."""
    keys = {
        Kind.DUE: ("workplan_id", "quarter_id"),
        Kind.OVERDUE: ("workplan_id", "quarter_id"),
        Kind.AWAITING_VALIDATION: ("cluster_id",),
        Kind.RETURNED: ("report_id",),
        Kind.VALIDATED: ("report_id",),
        Kind.ACTION_POINT: ("action_point_id",),
    }
    wanted_kinds = {o.kind for o in outgoing}
    seen = set()
    for kind in wanted_kinds:
        fields = keys[kind]
        for row in Notification.objects.filter(kind=kind).values_list("recipient_id", "step", *fields):
            seen.add((kind, *row))

    def key(o):
        return (o.kind, o.recipient.pk, o.step, *(o.fks[f.removesuffix("_id")].pk for f in keys[o.kind]))

    result, taken = [], set()
    for o in outgoing:
        k = key(o)
        if k in seen or k in taken:
            continue
        taken.add(k)
        result.append(o)
    return result


def messages_for(today):
    """Every message due on ``today`` and not sent yet, in a stable order."""
    schedules = ReminderSchedule.for_clusters()
    closed = _closed_pairs()
    outgoing = (
        report_reminders(today, schedules, closed)
        + coordinator_digests(today, schedules, closed)
        + review_notices(today, closed)
        + action_point_reminders(today, schedules)
    )
    return _already_sent(outgoing)


SUBJECTS = {
    Kind.DUE: lambda c: _("Progress report due for %(quarter)s: %(workplan)s")
    % {"quarter": c["quarter"].label, "workplan": c["workplan"].title},
    Kind.OVERDUE: lambda c: _("Progress report overdue for %(quarter)s: %(workplan)s")
    % {"quarter": c["quarter"].label, "workplan": c["workplan"].title},
    Kind.AWAITING_VALIDATION: lambda c: _("%(cluster)s: %(awaiting)s reports awaiting your validation, %(overdue)s overdue")
    % {"cluster": c["cluster"].code, "awaiting": len(c["awaiting"]), "overdue": len(c["overdue"])},
    Kind.RETURNED: lambda c: _("Report returned: %(indicator)s (%(quarter)s)")
    % {"indicator": c["report"].indicator.text[:80], "quarter": c["report"].quarter.label},
    Kind.VALIDATED: lambda c: _("Report validated: %(indicator)s (%(quarter)s)")
    % {"indicator": c["report"].indicator.text[:80], "quarter": c["report"].quarter.label},
    Kind.ACTION_POINT: lambda c: _("Action point due on %(deadline)s: %(what)s")
    % {"deadline": c["point"].deadline.strftime("%d/%m/%Y"), "what": c["point"].what[:80]},
}


def language_of(user):
    profile = getattr(user, "profile", None)
    return (profile.language if profile else "") or settings.LANGUAGE_CODE


def render(outgoing):
    """(subject, text, html) in the recipient's language."""
    language = language_of(outgoing.recipient)
    with translation.override(language):
        context = {**outgoing.context, "user": outgoing.recipient, "url": absolute(outgoing.url),
                   "site_url": settings.SITE_URL, "kind": outgoing.kind, "LANGUAGE_CODE": language}
        subject = " ".join(str(SUBJECTS[outgoing.kind](context)).split())[:300]
        context["subject"] = subject
        text = render_to_string(f"notifications/email/{outgoing.kind}.txt", context)
        html = render_to_string(f"notifications/email/{outgoing.kind}.html", context)
    return subject, text, html


def opted_out():
    return set(EmailOptOut.objects.values_list("user_id", "kind"))


def deliver(outgoing, connection, opt_outs):
    """Record the message and email it, in one transaction: if the email fails, nothing is
    recorded (the next run sends it); if another run recorded it first, nothing is sent.
    Returns the ``Notification`` (``emailed_to`` empty when shown in the app only), or ``None``."""
    subject, text, html = render(outgoing)
    email = outgoing.recipient.email if (outgoing.recipient.pk, outgoing.kind) not in opt_outs else ""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=outgoing.recipient, kind=outgoing.kind, step=outgoing.step, subject=subject,
                body=text, url=outgoing.url, emailed_to=email or "", **outgoing.fks,
            )
            if email:
                message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [email],
                                                 connection=connection)
                message.attach_alternative(html, "text/html")
                message.send()
    except IntegrityError:
        return None
    return notification


@dataclass
class RunResult:
    emailed: int = 0
    in_app_only: int = 0
    lines: list = field(default_factory=list)


def send_reminders(today=None, dry_run=False, echo=None):
    """Work out and send what is due on ``today``. ``echo(line)`` is called for every message."""
    today = today or timezone.localdate()
    echo = echo or (lambda line: None)
    result = RunResult()
    outgoing = messages_for(today)
    opt_outs = opted_out()
    connection = None if dry_run else get_connection()
    for item in outgoing:
        email = item.recipient.email if (item.recipient.pk, item.kind) not in opt_outs else ""
        if dry_run:
            if email:
                echo(f"to={email} kind={item.kind} subject={item.label}")
                result.emailed += 1
            else:
                result.in_app_only += 1
            continue
        notification = deliver(item, connection, opt_outs)
        if notification is None:
            continue
        if notification.emailed_to:
            echo(f"to={notification.emailed_to} kind={item.kind} subject={item.label}")
            result.emailed += 1
        else:
            result.in_app_only += 1
    return result
