"""The pages' report visibility as a queryset (the rules stay in ``indicators.permissions``).

``visible_reports`` is ``can_see_report_details`` for a whole queryset: validated reports for
everyone; the others for those who may record on their indicator (its organisations' members,
the coordinators in scope, administrators). ``tests/test_api_reads.py`` checks that both
agree on every report for every role.
"""

from django.db.models import Q

from indicators.models import ProgressReport
from workplans.permissions import (
    is_administrator,
    is_coordinator,
    is_member,
    profile_of,
)


def visible_reports(user, queryset):
    if is_administrator(user):
        return queryset
    rule = Q(state=ProgressReport.State.VALIDATED)
    profile = profile_of(user)
    if profile is not None and is_coordinator(user):  # coordinator_covers_indicator
        if profile.cluster_id:
            rule |= Q(indicator__workplan__cluster_id=profile.cluster_id)
        if profile.subcluster_id:
            rule |= Q(indicator__activity__actor_links__actor__subcluster_id=profile.subcluster_id)
    if profile is not None and profile.organisation_id and is_member(user):  # can_record, as a member
        rule |= Q(indicator__activity__actor_links__actor_id=profile.organisation_id)
    # A subquery: the joins above would repeat a report once per matching actor.
    return queryset.filter(pk__in=ProgressReport.objects.filter(rule).values("pk"))
