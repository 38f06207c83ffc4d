"""Time each progress page (median and p95 over repeated requests) at 1× and 10× data.

Build the two data sets first (any database; SQLite files shown):

    DATABASE_URL=sqlite:////dev/shm/cp_scale1.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////dev/shm/cp_scale1.sqlite3 python -m bench.scale_data --activities 500
    DATABASE_URL=sqlite:////dev/shm/cp_scale10.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////dev/shm/cp_scale10.sqlite3 python -m bench.scale_data --activities 5000

then

    python bench/page_bench.py --db-1x sqlite:////dev/shm/cp_scale1.sqlite3 \
        --db-10x sqlite:////dev/shm/cp_scale10.sqlite3 --repeat 10 --write

Each scale runs in its own process (Django's test client, in-process: no network, no
server; a logged-in coordinator). ``--write`` puts the table into docs/PERFORMANCE.md,
between the ``page_bench`` markers of the "Pages (issue 4)" section.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK_START = "<!-- page_bench:start -->"
MARK_END = "<!-- page_bench:end -->"


def pages():
    """(label, url, paginated) for the pages of issue 4, on the scale-0 plan."""
    from indicators.models import Indicator

    indicator = Indicator.objects.filter(workplan__slug="scale-0").order_by("id").first()
    return [
        ("dashboard /", "/", False),
        ("/activities/ page 1", "/activities/", True),
        ("/activities/ page 40", "/activities/?page=40", True),
        ("/activities/ q + level + workplan", "/activities/?q=formation&level=regional&workplan=scale-1", True),
        ("/activities/ late=on (computed)", "/activities/?late=on&workplan=scale-2", True),
        ("/activities/ export.csv (one plan)", "/activities/export.csv?workplan=scale-3", False),
        ("/workplans/scale-0/ tree, page 1", "/workplans/scale-0/", True),
        ("/workplans/scale-0/?actor=… tree filtered", "/workplans/scale-0/?actor=SCALE-ORG-3&quarter=2021-Q2&level=local", False),
        ("/indicators/<id>/", f"/indicators/{indicator.pk}/", False),
        ("progress entry /indicators/<id>/report/2022-Q4/", f"/indicators/{indicator.pk}/report/2022-Q4/", False),
        ("quarter grid /workplans/scale-0/quarters/2022-Q4/", "/workplans/scale-0/quarters/2022-Q4/", False),
    ]


def run_scale(repeat):
    """In a child process whose DATABASE_URL is one data set: time every page."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterplan.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from workplans.models import Activity, Cluster, Profile

    user, _ = get_user_model().objects.get_or_create(username="bench-coordinator")
    user.groups.add(Group.objects.get(name="Coordinators"))
    Profile.objects.update_or_create(user=user, defaults={"cluster": Cluster.objects.get(code="CP-MLI")})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    results = {"activities": Activity.objects.count()}
    for label, url, paginated in pages():
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
        results[label] = {"median": statistics.median(timings), "p95": p95, "paginated": paginated}
    print(json.dumps(results))


def measure(database_url, repeat):
    env = dict(os.environ, DATABASE_URL=database_url, DEBUG="1", LOG_LEVEL="ERROR")
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--repeat", str(repeat)], env=env, cwd=ROOT,
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def table(one, ten, repeat):
    lines = [
        f"Activities: {one['activities']:,} at 1×, {ten['activities']:,} at 10× (10 plans; 12 quarters of reports each). "
        f"{repeat} requests per page after one warm-up; milliseconds.",
        "",
        "| page | 1× median | 1× p95 | 10× median | 10× p95 | 10× / 1× (median) | paginated |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, a in one.items():
        if label == "activities":
            continue
        b = ten[label]
        ratio = b["median"] / a["median"] if a["median"] else 0
        lines.append(
            f"| {label} | {a['median']:.0f} | {a['p95']:.0f} | {b['median']:.0f} | {b['p95']:.0f} | {ratio:.2f} | "
            f"{'yes' if a['paginated'] else 'no'} |"
        )
    return "\n".join(lines)


def write(text):
    path = ROOT / "docs" / "PERFORMANCE.md"
    doc = path.read_text(encoding="utf-8")
    block = f"{MARK_START}\n{text}\n{MARK_END}"
    if MARK_START in doc:
        before, rest = doc.split(MARK_START, 1)
        after = rest.split(MARK_END, 1)[1]
        doc = before + block + after
    else:
        head = "## Pages (issue 4)\n"
        doc = doc.replace(head, head + "\n" + block + "\n", 1)
    path.write_text(doc, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-1x")
    parser.add_argument("--db-10x")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="write the table into docs/PERFORMANCE.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_scale(args.repeat)
        return
    one = measure(args.db_1x, args.repeat)
    ten = measure(args.db_10x, args.repeat)
    text = table(one, ten, args.repeat)
    print(text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
