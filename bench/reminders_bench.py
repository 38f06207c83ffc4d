"""Time ``send_reminders`` and the background performance export on the synthetic data set.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python -m bench.scale_data --activities 500
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python -m bench.reminders_bench

Adds two members and a coordinator per ``SCALE-ORG-*`` actor (emails to the in-memory mail
backend), then times: a dry run and a real run of the due reminders of 2022-Q4 (23 January
2023: 7 days before the deadline), a second run the same day, the coordinators' Monday digest,
and the performance table xlsx of one plan run as a task (immediate backend). Prints queries
and seconds; writes nothing but its users, notifications and the task's file.
"""

import os
import sys
import time
from pathlib import Path


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterplan.settings")
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["EMAIL_URL"] = "console:"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from jobs.models import Job
    from jobs.services import job_start
    from notifications.models import Notification, ReminderSchedule
    from notifications.reminders import send_reminders
    from workplans.models import Actor, Cluster, Profile, Workplan

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User = get_user_model()
    members, coordinators = Group.objects.get(name="Members"), Group.objects.get(name="Coordinators")
    cluster = Cluster.objects.get(code="CP-MLI")
    Notification.objects.all().delete()
    ReminderSchedule.objects.update_or_create(cluster=cluster, defaults={"digest_weekday": 0})
    with transaction.atomic():
        for actor in Actor.objects.filter(acronym__startswith="SCALE-ORG-"):
            for n in range(2):
                user, _ = User.objects.get_or_create(username=f"bench-{actor.pk}-{n}",
                                                     defaults={"email": f"bench-{actor.pk}-{n}@example.org"})
                user.groups.add(members)
                Profile.objects.update_or_create(user=user, defaults={"organisation": actor})
        coordinator, _ = User.objects.get_or_create(username="bench-coordinator",
                                                    defaults={"email": "bench-coordinator@example.org"})
        coordinator.groups.add(coordinators)
        Profile.objects.update_or_create(user=coordinator, defaults={"cluster": cluster})
    import datetime

    def timed(label, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = send_reminders(**kwargs)
            seconds = time.perf_counter() - start
        print(f"{label}: {result.emailed} emails, {seconds:.2f} s, {len(queries)} queries")

    plans = Workplan.objects.filter(slug__startswith="scale-").count()
    from workplans.models import Activity

    print(f"{plans} scale plans, {Activity.objects.filter(workplan__slug__startswith='scale-').count()} activities")
    timed("due 2023-01-23 dry run", today=datetime.date(2023, 1, 23), dry_run=True)
    timed("due 2023-01-23", today=datetime.date(2023, 1, 23))
    timed("due 2023-01-23 again", today=datetime.date(2023, 1, 23))
    timed("digest Monday 2023-02-06", today=datetime.date(2023, 2, 6))
    user = User.objects.get(username="bench-coordinator")
    start = time.perf_counter()
    with transaction.atomic():
        job = job_start(user, Job.Kind.EXPORT_PERFORMANCE, "bench", {"slug": "scale-1"})
    job.refresh_from_db()
    print(f"performance xlsx of scale-1 as a task: {job.state}, {job.rows_total} indicators, "
          f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
