"""Benchmark: the performance table of a 5,000-activity workplan with 12 quarters of reports.

Creates (in its own database, never the development one) a workplan of 5,000 activities, one
indicator each, 12 quarters (2020–2022), one validated report per indicator and quarter (60,000,
with their history rows) and a sex breakdown on a tenth of them; then times the performance page,
the xlsx and CSV exports, the dashboard and the quarterly summary through the Django test client,
counting queries. "CPU s" is the process's CPU time (SQLite runs in the process): on a shared,
loaded machine it is the fairer figure; "wall s" includes waiting for a core.

    DATABASE_URL=sqlite:////tmp/cp_bench.sqlite3 .venv/bin/python bench/report_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_bench .venv/bin/python bench/report_bench.py

Options: --activities N (default 5000), --keep (reuse the data of a previous run).
"""

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterplan.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = "sqlite:////tmp/cp_bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SLUG = "bench-5000"


def build(n_activities):
    import datetime
    from decimal import Decimal

    from simple_history.utils import bulk_create_with_history

    from indicators.models import Indicator, ProgressReport, ReportBreakdown
    from workplans.models import Activity, ActivityActor, Actor, Cluster, ExpectedResult, Objective, Quarter, Workplan

    Workplan.objects.filter(slug=SLUG).delete()
    cluster = Cluster.objects.get(code="CP-MLI")
    actors = [Actor.objects.get_or_create(acronym=f"ORG{i}")[0] for i in range(20)]
    quarters = Quarter.objects.ensure_range((2020, 1), (2022, 4))
    with transaction.atomic():
        plan = Workplan.objects.create(title="Bench 5000", slug=SLUG, cluster=cluster,
                                       start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2022, 12, 31))
        objectives = [Objective.objects.create(workplan=plan, code=str(o + 1), title=f"Objectif {o + 1}", order=o)
                      for o in range(10)]
        results = [ExpectedResult.objects.create(objective=obj, code=f"{obj.code}.{r + 1}", title=f"Résultat {r + 1}", order=r)
                   for obj in objectives for r in range(5)]
        activities = Activity.objects.bulk_create([
            Activity(workplan=plan, objective=results[i % 50].objective, result=results[i % 50], code=f"A{i}",
                     title=f"Activité {i}", order=i)
            for i in range(n_activities)
        ], batch_size=1000)
        activities = list(Activity.objects.filter(workplan=plan).order_by("id"))
        Through = Activity.quarters.through
        Through.objects.bulk_create([Through(activity_id=a.pk, quarter_id=q.pk) for a in activities for q in quarters],
                                    batch_size=5000)
        ActivityActor.objects.bulk_create([ActivityActor(activity=a, actor=actors[i % 20]) for i, a in enumerate(activities)],
                                          batch_size=5000)
        kinds = [Indicator.Aggregation.SUM, Indicator.Aggregation.CUMULATIVE, Indicator.Aggregation.LATEST]
        Indicator.objects.bulk_create([
            Indicator(workplan=plan, activity=a, code=f"I{i}", text=f"# de personnes atteintes {i}", target=Decimal(120),
                      aggregation=kinds[i % 3], order=i)
            for i, a in enumerate(activities)
        ], batch_size=2000)
        indicators = list(Indicator.objects.filter(workplan=plan).order_by("id"))
    reports = [
        ProgressReport(indicator=ind, quarter=q, organisation=actors[i % 20], value=Decimal(10 + n),
                       state=ProgressReport.State.VALIDATED, narrative="RAS" if n % 4 else "")
        for i, ind in enumerate(indicators) for n, q in enumerate(quarters)
    ]
    bulk_create_with_history(reports, ProgressReport, batch_size=2000)
    ids = list(ProgressReport.objects.filter(indicator__workplan=plan).values_list("id", flat=True)[::10])
    ReportBreakdown.objects.bulk_create(
        [ReportBreakdown(report_id=pk, dimension="sex", category=c, value=Decimal(5)) for pk in ids for c in ("F", "M")],
        batch_size=5000,
    )
    return len(activities), len(reports)


def timed(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, params or {})
        content = response.content
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, cpu, len(queries), len(content), len(gzip.compress(content))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from workplans.models import Workplan

    if not (args.keep and Workplan.objects.filter(slug=SLUG).exists()):
        start = time.perf_counter()
        n_act, n_rep = build(args.activities)
        print(f"built {n_act} activities, {n_rep} validated reports in {time.perf_counter() - start:.1f} s")
    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_superuser": True})
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor}; cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'what':44} {'wall s':>8} {'CPU s':>7} {'queries':>8} {'bytes':>11} {'gzip':>9}")
    for label, url, params in [
        ("performance page", f"/reports/{SLUG}/performance/", None),
        ("performance page, one year", f"/reports/{SLUG}/performance/", {"year": "2021"}),
        ("performance page, with breakdowns", f"/reports/{SLUG}/performance/", {"breakdowns": "on"}),
        ("performance xlsx (+ change log sheet)", f"/reports/{SLUG}/performance.xlsx", None),
        ("performance csv with HXL row", f"/reports/{SLUG}/performance.csv", {"hxl": "1"}),
        ("workplan dashboard", f"/reports/{SLUG}/dashboard/", None),
        ("quarterly summary", f"/reports/{SLUG}/quarter/", None),
        ("quarterly summary xlsx", f"/reports/{SLUG}/quarter.xlsx", None),
    ]:
        elapsed, cpu, queries, size, zipped = timed(client, url, params)
        print(f"{label:44} {elapsed:8.2f} {cpu:7.2f} {queries:8d} {size:11,d} {zipped:9,d}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
