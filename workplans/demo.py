"""Demo data for a newcomer: users, the cluster's demo profiles and the seed workplans."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .importing import parse_file
from .models import Actor, Cluster, Profile
from .services import workplan_import_commit
from .permissions import ADMINISTRATORS, COORDINATORS, MEMBERS

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, group, superuser
    ("admin", ADMINISTRATORS, True),
    ("coordinator", COORDINATORS, False),
    ("member", MEMBERS, False),
]
WORKBOOKS = Path(settings.BASE_DIR) / "fixtures" / "workplans"
DEMO_TITLES = {
    "plan-de-travail-2019": "Plan de travail du cluster 2019",
    "plan-mise-en-oeuvre-cp-2020-2022": "Plan de mise en œuvre et de suivi de la stratégie du Cluster Protection 2020-2022",
    "strategie-protection-ehp-2020-2022": "Stratégie de protection de l'EHP - plan de travail 2020-2022",
}


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
        user.email = user.email or f"{username}@example.org"  # so that send_reminders works on the demo
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
    """Load the three seed workplans from fixtures/workplans/*.xlsx through the importer; idempotent."""
    cluster = Cluster.objects.get(code="CP-MLI")
    loaded = []
    for path in sorted(WORKBOOKS.glob("*.xlsx")):
        parsed = parse_file(path.read_bytes(), path.name)
        summary = workplan_import_commit(parsed, slug=path.stem, title=DEMO_TITLES.get(path.stem), cluster=cluster)
        loaded.append(summary.workplan)
    return loaded
