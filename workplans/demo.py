"""Demo data for a newcomer: users, the cluster's demo profiles and the seed workplans."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Actor, Cluster, Objective, Profile, Workplan
from .permissions import ADMINISTRATORS, COORDINATORS, MEMBERS

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, group, superuser
    ("admin", ADMINISTRATORS, True),
    ("coordinator", COORDINATORS, False),
    ("member", MEMBERS, False),
]
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_workplans.json"


@transaction.atomic
def demo_users_create():
    """Create (or reset) the demo users; idempotent."""
    User = get_user_model()
    cluster = Cluster.objects.get(code="CP-MLI")
    hcr, _ = Actor.objects.get_or_create(
        acronym="HCR", defaults={"name": "Haut-Commissariat des Nations Unies pour les réfugiés", "kind": Actor.Kind.UN_AGENCY}
    )
    users = {}
    for username, group_name, superuser in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = superuser
        user.is_superuser = superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=group_name))
        profile, _ = Profile.objects.get_or_create(user=user)
        if username == "coordinator":
            profile.cluster = cluster
        if username == "member":
            profile.organisation = hcr
        profile.save()
        users[username] = user
    return users


@transaction.atomic
def demo_workplans_load():
    """Load the three seed workplans (their objectives) from the demo fixture; idempotent."""
    cluster = Cluster.objects.get(code="CP-MLI")
    loaded = []
    for item in json.loads(FIXTURE.read_text(encoding="utf-8")):
        workplan, _ = Workplan.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "cluster": cluster,
                "start_date": item["start_date"],
                "end_date": item["end_date"],
                "source_file_name": item["source"],
            },
        )
        for order, (code, title) in enumerate(item["objectives"]):
            Objective.objects.update_or_create(workplan=workplan, code=code, defaults={"title": title, "order": order})
        loaded.append(workplan)
    return loaded
