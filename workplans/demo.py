"""Demo data for a newcomer: users and the cluster's demo profiles (the seed workplans: ``imports.demo``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Actor, Cluster, Profile
from .permissions import ADMINISTRATORS, COORDINATORS, MEMBERS

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, group, superuser
    ("admin", ADMINISTRATORS, True),
    ("coordinator", COORDINATORS, False),
    ("member", MEMBERS, False),
]


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
