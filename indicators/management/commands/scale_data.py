"""Create a large synthetic data set for benchmarks: plans × activities, 12 quarters of reports.

    python manage.py scale_data                     # 10 workplans × 5,000 activities (10×)
    python manage.py scale_data --activities 500    # 10 workplans × 500 activities (1×)

Each activity has one responsible actor, one indicator (summed, target 120) and is scheduled
over 12 quarters (2020-Q1 to 2022-Q4); each quarter has a validated report from that actor
(the last quarter's reports alternate submitted/draft). Rows are bulk-inserted (no history).
Plans are named ``scale-<n>``; running it again replaces them.
"""

import datetime
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from indicators.models import Indicator, ProgressReport
from workplans.models import Activity, ActivityActor, Actor, Cluster, ExpectedResult, Objective, Quarter, Workplan
from workplans.text import fold

LEVELS = ["national", "regional", "local"]
STATUSES = ["planned", "ongoing", "ongoing", "done"]
WORDS = ["monitoring", "sensibilisation", "formation", "référencement", "documentation", "cohésion sociale",
         "violences basées sur le genre", "protection de l'enfance", "lutte antimines", "logement terre et propriété"]


class Command(BaseCommand):
    help = "Create 10 workplans × N activities with 12 quarters of reports (benchmark data)."

    def add_arguments(self, parser):
        parser.add_argument("--workplans", type=int, default=10)
        parser.add_argument("--activities", type=int, default=5000, help="activities per workplan")
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, workplans, activities, batch, **options):
        started = time.monotonic()
        with transaction.atomic():
            Workplan.objects.filter(slug__startswith="scale-").delete()
            cluster = Cluster.objects.get(code="CP-MLI")
            quarters = Quarter.objects.ensure_range((2020, 1), (2022, 4))
            actors = [Actor.objects.get_or_create(acronym=f"SCALE-ORG-{i}")[0] for i in range(20)]
            for w in range(workplans):
                self._plan(w, cluster, quarters, actors, activities, batch)
                self.stdout.write(f"  scale-{w}: {activities} activities")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.0f} s."))

    def _plan(self, w, cluster, quarters, actors, count, batch):
        plan = Workplan.objects.create(
            title=f"Plan de charge {w}", slug=f"scale-{w}", cluster=cluster,
            start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2022, 12, 31),
        )
        objectives = [Objective.objects.create(workplan=plan, code=str(o + 1), title=f"Objectif {o + 1}", order=o)
                      for o in range(5)]
        results = [ExpectedResult.objects.create(objective=obj, code=f"{obj.code}.{r + 1}", title=f"Résultat {obj.code}.{r + 1}", order=r)
                   for obj in objectives for r in range(4)]
        for start in range(0, count, batch):
            stop = min(count, start + batch)
            acts = []
            for i in range(start, stop):
                result = results[i % len(results)]
                title = f"Activité {i}: {WORDS[i % len(WORDS)]} à grande échelle"
                acts.append(Activity(
                    workplan=plan, objective_id=result.objective_id, result=result, code=f"{result.code}.{i}",
                    title=title, level=LEVELS[i % 3], status=STATUSES[i % 4], order=i,
                    search_text=fold(f"{result.code}.{i} {title} indicateur {i} personnes atteintes"),
                ))
            acts = Activity.objects.bulk_create(acts, batch_size=1000)
            Through = Activity.quarters.through
            Through.objects.bulk_create(
                [Through(activity_id=a.pk, quarter_id=q.pk) for a in acts for q in quarters], batch_size=5000
            )
            ActivityActor.objects.bulk_create(
                [ActivityActor(activity=a, actor=actors[a.order % len(actors)], role="lead") for a in acts], batch_size=5000
            )
            inds = Indicator.objects.bulk_create(
                [Indicator(workplan=plan, activity=a, code=f"I{a.order}",
                           text=f"# indicateur {a.order} personnes atteintes", target=Decimal(120), order=a.order)
                 for a in acts], batch_size=1000,
            )
            org_of = {a.pk: actors[a.order % len(actors)].pk for a in acts}
            reports = []
            for ind in inds:
                for n, q in enumerate(quarters):
                    state = "validated"
                    if n == len(quarters) - 1:
                        state = ["validated", "submitted", "draft", "returned"][ind.order % 4]
                    reports.append(ProgressReport(indicator=ind, quarter=q, organisation_id=org_of[ind.activity_id],
                                                  value=Decimal(5 + (ind.order + n) % 10), state=state))
            ProgressReport.objects.bulk_create(reports, batch_size=5000)
