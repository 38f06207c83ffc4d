"""Create a large synthetic data set for benchmarks: plans × activities, 12 quarters of reports.

    python -m bench.scale_data                      # 10 workplans × 5,000 activities (10×)
    python -m bench.scale_data --activities 500     # 10 workplans × 500 activities (1×)
    python -m bench.scale_data --workplans 2 --activities 3 --batch 1000

(``--plans`` is another spelling of ``--workplans``.) It writes to the database of the settings
(``DATABASE_URL``): migrate that database first. Each activity has one responsible actor, one
indicator owned by the activity alone (summed, target 120) and is scheduled over 12 quarters
(2020-Q1 to 2022-Q4); each quarter has a validated report from that actor (the last quarter's
reports alternate validated/submitted/draft/returned). Rows are bulk-inserted (no history).
Plans are named ``scale-<n>``; running it again replaces them. Tests call ``scale_data_create``.
"""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

LEVELS = ["national", "regional", "local"]
STATUSES = ["planned", "ongoing", "ongoing", "done"]
WORDS = ["monitoring", "sensibilisation", "formation", "référencement", "documentation", "cohésion sociale",
         "violences basées sur le genre", "protection de l'enfance", "lutte antimines", "logement terre et propriété"]


def scale_data_create(workplans=10, activities=5000, batch=5000, out=print):
    """Replace the ``scale-<n>`` plans with ``workplans`` × ``activities`` new ones; return the seconds taken."""
    from django.db import transaction

    from workplans.models import Actor, Cluster, Quarter, Workplan

    started = time.monotonic()
    with transaction.atomic():
        Workplan.objects.filter(slug__startswith="scale-").delete()
        cluster = Cluster.objects.get(code="CP-MLI")
        quarters = Quarter.objects.ensure_range((2020, 1), (2022, 4))
        actors = [Actor.objects.get_or_create(acronym=f"SCALE-ORG-{i}")[0] for i in range(20)]
        for w in range(workplans):
            _plan(w, cluster, quarters, actors, activities, batch)
            out(f"  scale-{w}: {activities} activities")
    return time.monotonic() - started


def _plan(w, cluster, quarters, actors, count, batch):
    from indicators.models import Indicator, ProgressReport
    from workplans.models import Activity, ActivityActor, ExpectedResult, Objective, Workplan
    from workplans.text import fold

    plan = Workplan.objects.create(
        title=f"Plan de charge {w}", slug=f"scale-{w}", cluster=cluster,
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2022, 12, 31),
    )
    objectives = [Objective.objects.create(workplan=plan, code=str(o + 1), title=f"Objectif {o + 1}", order=o)
                  for o in range(5)]
    results = [ExpectedResult.objects.create(objective=obj, code=f"{obj.code}.{r + 1}",
                                             title=f"Résultat {obj.code}.{r + 1}", order=r)
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
        through = Activity.quarters.through
        through.objects.bulk_create(
            [through(activity_id=a.pk, quarter_id=q.pk) for a in acts for q in quarters], batch_size=5000
        )
        ActivityActor.objects.bulk_create(
            [ActivityActor(activity=a, actor=actors[a.order % len(actors)], role="lead") for a in acts], batch_size=5000
        )
        # One owner per indicator: the activity (its result and objective follow from it).
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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.scale_data", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workplans", "--plans", type=int, default=10, help="number of workplans (default 10)")
    parser.add_argument("--activities", type=int, default=5000, help="activities per workplan (default 5000)")
    parser.add_argument("--batch", type=int, default=5000, help="activities inserted per batch (default 5000)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also works as `python bench/scale_data.py`
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterplan.settings")
    import django

    django.setup()
    seconds = scale_data_create(workplans=args.workplans, activities=args.activities, batch=args.batch)
    print(f"Done in {seconds:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
