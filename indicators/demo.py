"""Demo progress: reports in every state on whatever workplans the demo has.

``demo_reports_create()`` walks the indicators of the demo workplans (those attached to an
activity with a responsible actor), and for the quarters already over records values through
the services (so history, versions and checks are real): older quarters validated, the last
one in turn draft, submitted, returned or validated. One quarter is closed on each plan.
Idempotent: an indicator that already has reports is left alone.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from workplans.models import ActivityActor, Workplan

from . import services
from .models import Indicator, ProgressReport, QuarterClosure

MAX_INDICATORS_PER_PLAN = 30
MAX_QUARTERS = 4
LAST_STATES = ["validated", "submitted", "returned", "draft", "validated", "submitted"]


def _value(indicator, index, count):
    """A plausible value for the ``index``-th of ``count`` quarters."""
    share = Decimal(index + 1) / Decimal(count)
    wobble = Decimal([90, 110, 70, 100, 120, 60][(indicator.pk + index) % 6]) / 100
    if indicator.kind == Indicator.Kind.YES_NO:
        return Decimal(1) if index == count - 1 or indicator.pk % 2 else Decimal(0), ""
    if indicator.kind == Indicator.Kind.TEXT:
        return None, "Étape réalisée (démo)"
    if indicator.kind == Indicator.Kind.PERCENT:
        return min(Decimal(100), (Decimal(40) + Decimal(50) * share * wobble)).quantize(Decimal(1)), ""
    target = indicator.target or Decimal(20 * count)
    if indicator.effective_aggregation == Indicator.Aggregation.SUM:
        return max(Decimal(1), (target / count * wobble).quantize(Decimal(1))), ""
    return max(Decimal(1), (target * share * wobble).quantize(Decimal(1))), ""


def _parts(indicator, value):
    parts = {}
    if value is None:
        return parts
    if indicator.disaggregate_sex:
        women = (value * Decimal("0.55")).quantize(Decimal(1))
        parts["sex"] = {"F": women, "M": value - women}
    if indicator.disaggregate_age:
        young = (value * Decimal("0.4")).quantize(Decimal(1))
        parts["age"] = {"lt18": young, "ge18": value - young}
    return parts


@transaction.atomic
def demo_reports_create(workplans=None, today=None):
    """Create the demo reports; returns ``{state: count}`` of the reports created."""
    today = today or timezone.localdate()
    User = get_user_model()
    admin = User.objects.filter(username="admin").first() or User.objects.filter(is_superuser=True).first()
    if admin is None:
        return {}
    member = User.objects.filter(username="member").select_related("profile").first()
    coordinator = User.objects.filter(username="coordinator").first()
    member_org = getattr(getattr(member, "profile", None), "organisation_id", None)
    created = {}
    workplans = list(workplans) if workplans is not None else list(Workplan.objects.all())
    for workplan in workplans:
        indicators = list(
            Indicator.objects.active()
            .filter(workplan=workplan, activity__isnull=False, activity__actor_links__isnull=False)
            .distinct()
            .select_related("workplan", "activity")
            .prefetch_related(
                "activity__quarters",
                Prefetch("activity__actor_links", queryset=ActivityActor.objects.select_related("actor")),
            )
            .order_by("order", "id")[:MAX_INDICATORS_PER_PLAN]
        )
        done_already = set(
            ProgressReport.objects.filter(indicator__in=indicators).values_list("indicator_id", flat=True)
        )
        for n, indicator in enumerate(indicators):
            if indicator.pk in done_already:
                continue
            quarters = [q for q in indicator.activity.quarters.all() if q.end_date < today] or [
                q for q in workplan.quarters() if q.end_date < today
            ][:4]
            quarters = quarters[:MAX_QUARTERS]
            if not quarters:
                continue
            links = list(indicator.activity.actor_links.all())
            mine = [link for link in links if link.actor_id == member_org]
            link = mine[0] if mine and n % 2 == 0 else links[0]
            recorder = member if (member and link.actor_id == member_org) else admin
            # Four eyes: the demo's validations are made by another person than the one who entered.
            reviewer = next((u for u in (coordinator, admin) if u is not None and u.pk != recorder.pk), None)
            for index, quarter in enumerate(quarters):
                last = index == len(quarters) - 1
                state = LAST_STATES[n % len(LAST_STATES)] if last else "validated"
                value, text = _value(indicator, index, len(quarters))
                try:
                    report = services.report_save(
                        recorder, indicator, quarter, link.actor, value=value, value_text=text,
                        narrative="Données de démonstration.", parts=_parts(indicator, value),
                    )
                    if state != "draft":
                        report = services.report_submit(recorder, report)
                    if state == "validated" and reviewer is not None:
                        report = services.report_validate(reviewer, report)
                    elif state == "returned" and reviewer is not None:
                        report = services.report_return(reviewer, report, "Merci de préciser la source des chiffres.")
                except (services.ProgressError, services.PermissionDenied):
                    continue
                created[state] = created.get(state, 0) + 1
        ended = [q for q in workplan.quarters() if q.end_date < today]
        if ended and indicators and not QuarterClosure.objects.filter(workplan=workplan).exists():
            services.quarter_close(admin, workplan, ended[0], "Trimestre revu en réunion de coordination (démo).")
    return created
