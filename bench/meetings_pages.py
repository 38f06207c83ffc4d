"""Time the meetings pages on a scratch database filled with many meetings and action points.

Run from the project root (it builds its own SQLite database in a temporary folder):

    .venv/bin/python bench/meetings_pages.py [--meetings 200] [--points 10] [--runs 20]

Prints, for each page, the median and the worst time of ``runs`` requests and the number of
SQL queries of one request. Never used by the tests.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--points", type=int, default=10)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="cp-bench-meetings-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterplan.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--force", verbosity=0)

    from django.contrib.auth import get_user_model

    from meetings.models import ActionPoint, AgendaItem, Meeting
    from workplans.models import Actor, Cluster

    cluster = Cluster.objects.get(code="CP-MLI")
    actors = list(Actor.objects.all()[:20])
    start = datetime.date(2015, 1, 1)
    for i in range(args.meetings):
        meeting = Meeting.objects.create(cluster=cluster, date=start + datetime.timedelta(days=14 * i), place="Bamako",
                                         participants_count=30)
        AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, order=j, title=f"Point {j}", discussion="Discussion " * 40,
                        recommendations="Recommandation " * 10) for j in range(6)]
        )
        points = ActionPoint.objects.bulk_create(
            [ActionPoint(meeting=meeting, order=j, what=f"Action {i}.{j}", owner_people="Coordination",
                         deadline=meeting.date + datetime.timedelta(days=10)) for j in range(args.points)]
        )
        through = ActionPoint.owners.through
        through.objects.bulk_create(
            [through(actionpoint_id=p.pk, actor_id=actors[(k + n) % len(actors)].pk) for k, p in enumerate(points) for n in range(2)]
        )
    last = Meeting.objects.order_by("-date").first()
    client = Client()
    client.force_login(get_user_model().objects.get(username="coordinator"))
    pages = {
        "meeting list": "/meetings/",
        "meeting detail (last)": f"/meetings/{last.pk}/",
        "minutes .docx": f"/meetings/{last.pk}/minutes.docx",
        "action points (open)": "/meetings/action-points/",
        "action points (overdue)": "/meetings/action-points/?status=open&overdue=on",
        "structure": "/structure/",
        "contacts": "/contacts/",
    }
    total_points = ActionPoint.objects.count()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        client.get(os.environ["BENCH_PROFILE"])
        cProfile.runctx("client.get(os.environ['BENCH_PROFILE'])", globals(), locals(), "/tmp/cp-bench.prof")
        pstats.Stats("/tmp/cp-bench.prof").sort_stats("tottime").print_stats(25)
        return
    print(f"{args.meetings} meetings, {total_points} action points, {args.runs} runs per page")
    for name, url in pages.items():
        queries = []
        with connection.execute_wrapper(lambda execute, sql, params, many, context, queries=queries:
                                        queries.append(sql) or execute(sql, params, many, context)):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        if os.environ.get("BENCH_SQL"):
            timed = []
            with connection.execute_wrapper(
                lambda execute, sql, params, many, context, timed=timed: (lambda t0: (
                    execute(sql, params, many, context), timed.append((time.perf_counter() - t0, sql[:90]))
                ))(time.perf_counter())[0]
            ):
                client.get(url)
            for seconds, sql in sorted(timed, reverse=True)[:3]:
                print(f"    {seconds * 1000:6.1f} ms  {sql}")
        print(f"{name:26s} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms   {len(queries):3d} queries")


if __name__ == "__main__":
    main()
