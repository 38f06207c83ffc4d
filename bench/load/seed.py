"""Seed the load database: a full workplan tree, validated progress, and the load users.

Run inside Django (``python -m bench.load.seed OUT.json`` with DATABASE_URL set); writes the
context the tasks read (``tasks.py``): slugs, ids, quarter codes, the URLs that exist.
"""

import datetime
import json
import os
import random
import sys

LOAD_PASSWORD = "load-test-password-not-secret"
USERS = 20
OBJECTIVES, RESULTS, ACTIVITIES, INDICATORS = 4, 3, 4, 2  # per parent: 4 × 3 × 4 activities × 2 indicators


def _url(name, *args):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def seed(users=USERS):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from indicators.models import Indicator, ProgressReport
    from workplans.models import (
        Activity,
        ActivityActor,
        Actor,
        Cluster,
        ExpectedResult,
        Objective,
        Profile,
        Quarter,
        SubCluster,
        Workplan,
    )
    from workplans.permissions import COORDINATORS, MEMBERS

    rng = random.Random(7)
    with transaction.atomic():
        cluster = Cluster.objects.get(code="CP-MLI")
        subclusters = list(SubCluster.objects.filter(cluster=cluster).order_by("code"))
        actors = [Actor.objects.get_or_create(acronym=acronym, defaults={"kind": Actor.Kind.NGO})[0]
                  for acronym in ("HCR", "NRC", "DRC", "IRC", "UNICEF", "UNFPA", "OIM", "INTERSOS")]
        group_actors = list(Actor.objects.filter(subcluster__isnull=False).order_by("acronym"))
        quarters = Quarter.objects.ensure_range((2020, 1), (2022, 4))
        workplan, created = Workplan.objects.get_or_create(
            slug="plan-charge", defaults={"title": "Plan de mise en œuvre (charge)", "cluster": cluster,
                                          "start_date": datetime.date(2020, 1, 1), "end_date": datetime.date(2022, 12, 31)})
        if created:
            indicators = []
            for o in range(1, OBJECTIVES + 1):
                objective = Objective.objects.create(workplan=workplan, code=str(o), title=f"Objectif {o}", order=o)
                for r in range(1, RESULTS + 1):
                    result = ExpectedResult.objects.create(objective=objective, code=f"{o}.{r}", title=f"Résultat {o}.{r}", order=r)
                    for a in range(1, ACTIVITIES + 1):
                        activity = Activity.objects.create(
                            workplan=workplan, objective=objective, result=result, code=f"{o}.{r}.{a}",
                            title=f"Activité {o}.{r}.{a} de protection", order=a)
                        start = rng.randrange(0, 8)
                        activity.quarters.set(quarters[start:start + 4])
                        lead = actors[(o + r + a) % len(actors)]
                        ActivityActor.objects.create(activity=activity, actor=lead, role=ActivityActor.Role.LEAD)
                        if group_actors:  # a sub-cluster or thematic group takes part (the filters use it)
                            ActivityActor.objects.create(activity=activity, actor=group_actors[(o * r + a) % len(group_actors)],
                                                         role=ActivityActor.Role.SUPPORT,
                                                         order=1)
                        for i in range(1, INDICATORS + 1):
                            indicators.append(Indicator(workplan=workplan, activity=activity, code=f"{o}.{r}.{a}.{i}",
                                                        text=f"Nombre de personnes atteintes ({o}.{r}.{a}.{i})",
                                                        target=rng.choice([100, 250, 500, 1000]), order=i))
            Indicator.objects.bulk_create(indicators)
            reports = []
            for indicator in Indicator.objects.filter(workplan=workplan).select_related("activity"):
                for quarter in list(indicator.activity.quarters.all())[:2]:
                    for actor in rng.sample(actors, 2):
                        reports.append(ProgressReport(indicator=indicator, quarter=quarter, organisation=actor,
                                                      value=rng.randint(5, 120), state=ProgressReport.State.VALIDATED))
            ProgressReport.objects.bulk_create(reports)
        User = get_user_model()
        members, coordinators = Group.objects.get(name=MEMBERS), Group.objects.get(name=COORDINATORS)
        usernames = []
        for n in range(1, users + 1):
            username = f"load-{n:02d}"
            user, created_user = User.objects.get_or_create(username=username)
            if created_user or not user.check_password(LOAD_PASSWORD):
                user.set_password(LOAD_PASSWORD)
                user.save()
            profile, _ = Profile.objects.get_or_create(user=user)
            if n % 5 == 0:
                user.groups.add(coordinators)
                profile.cluster = cluster
            else:
                user.groups.add(members)
                profile.organisation = actors[n % len(actors)]
            profile.save()
            usernames.append(username)
    indicator_ids = list(Indicator.objects.filter(workplan=workplan).values_list("pk", flat=True))
    owned = _owned_keys(workplan, usernames)
    return {
        "workplans": list(Workplan.objects.values_list("slug", flat=True)),
        "indicators": indicator_ids,
        "subclusters": [s.code for s in subclusters],
        "quarters": [f"{q.year}-Q{q.number}" for q in quarters],
        "users": usernames,
        "password": LOAD_PASSWORD,
        "owned": owned,
        "counts": {
            "workplans": Workplan.objects.count(),
            "activities": Activity.objects.filter(workplan=workplan).count(),
            "indicators": len(indicator_ids),
            "reports": ProgressReport.objects.filter(indicator__workplan=workplan).count(),
        },
        "urls": {
            "login": _url("login"),
            "home": _url("reports:home"),
            "workplan": _url("reports:workplan", "SLUG"),
            "indicator": (_url("indicators:detail", 987654321) or "").replace("987654321", "PK") or None,
            "activities": _url("reports:activity_list"),
            "report": (_url("indicators:report", 987654321, "2020-Q1") or "").replace("987654321", "PK")
                      .replace("2020-Q1", "QUARTER") or None,
        },
    }


def _owned_keys(workplan, usernames):
    """For each member, the (indicator, quarter, organisation) keys only they will write to:
    their organisation leads the activity, nothing validated is there yet; an organisation's
    keys are dealt out in turn to its users, so no two users share one."""
    from django.contrib.auth import get_user_model

    from indicators.models import Indicator, ProgressReport
    from workplans.models import ActivityActor

    users_by_org = {}
    for user in get_user_model().objects.filter(username__in=usernames).select_related("profile").order_by("username"):
        org = getattr(user.profile, "organisation", None)
        if org is not None:
            users_by_org.setdefault(org.pk, []).append(user.username)
    taken = set(ProgressReport.objects.filter(indicator__workplan=workplan)
                .values_list("indicator_id", "quarter_id", "organisation_id"))
    leads = {link.activity_id: link.actor for link in
             ActivityActor.objects.filter(activity__workplan=workplan, role=ActivityActor.Role.LEAD).select_related("actor")}
    owned, turn = {name: [] for name in usernames}, {}
    for indicator in Indicator.objects.filter(workplan=workplan).prefetch_related("activity__quarters").order_by("pk"):
        actor = leads.get(indicator.activity_id)
        if actor is None or actor.pk not in users_by_org:
            continue
        for quarter in indicator.activity.quarters.all():
            if (indicator.pk, quarter.pk, actor.pk) in taken:
                continue
            names = users_by_org[actor.pk]
            name = names[turn.get(actor.pk, 0) % len(names)]
            turn[actor.pk] = turn.get(actor.pk, 0) + 1
            owned[name].append([indicator.pk, f"{quarter.year}-Q{quarter.number}", actor.pk, actor.acronym])
    return owned


def main():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterplan.settings")
    django.setup()
    ctx = seed()
    with open(sys.argv[1], "w", encoding="utf-8") as handle:
        json.dump(ctx, handle, indent=1)
    print(f"seeded: {ctx['counts']}")


if __name__ == "__main__":
    main()
