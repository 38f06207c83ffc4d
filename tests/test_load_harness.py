"""The pieces of `make load` (bench/load/), without running the load: the lost-update check
with fake submissions, the seed and every task against the real pages, the results written
into docs/PERFORMANCE.md's own section only. (Locust itself is not imported here.)"""

import random
from decimal import Decimal

from django.test import Client

from bench.load import checks, tasks
from bench.load.seed import seed
from indicators.models import Indicator, ProgressReport


def sub(indicator, value, accepted=True, quarter="2020-Q1", organisation="HCR"):
    return {"indicator": indicator, "quarter": quarter, "organisation": organisation, "value": value, "accepted": accepted}


def test_the_last_accepted_submission_is_expected():
    expected = checks.expected_values([sub(1, "10"), sub(1, "12.50"), sub(1, "99", accepted=False), sub(2, "3")])
    assert expected == {(1, "2020-Q1", "HCR"): Decimal("12.5"), (2, "2020-Q1", "HCR"): Decimal("3")}


def test_nothing_lost_when_stored_equals_submitted():
    submissions = [sub(1, "10"), sub(1, "12.00"), sub(2, "7", quarter="2020-Q2")]
    stored = {(1, "2020-Q1", "HCR"): Decimal("12"), (2, "2020-Q2", "HCR"): Decimal("7.00")}
    assert checks.lost_updates(submissions, stored) == []


def test_an_overwritten_and_a_missing_update_are_reported():
    submissions = [sub(1, "10"), sub(1, "12"), sub(2, "7"), sub(3, "1", accepted=False)]
    stored = {(1, "2020-Q1", "HCR"): Decimal("10")}  # the second write was lost, the third never stored
    problems = checks.lost_updates(submissions, stored)
    assert problems == [
        {"key": [1, "2020-Q1", "HCR"], "submitted": "12", "stored": "10"},
        {"key": [2, "2020-Q1", "HCR"], "submitted": "7", "stored": None},
    ]


def test_stored_values_reads_the_reports(plan, hcr, nrc):
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de rapports")
    ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[1], organisation=hcr, value=12)
    ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[1], organisation=nrc, value=5)
    keys = [(indicator.pk, "2020-Q2", "HCR"), (indicator.pk, "2020-Q3", "HCR")]
    stored = checks.stored_values(keys)
    assert stored == {(indicator.pk, "2020-Q2", "HCR"): Decimal("12.00")}
    assert checks.lost_updates([sub(indicator.pk, "12", quarter="2020-Q2")], stored) == []
    assert checks.lost_updates([sub(indicator.pk, "13", quarter="2020-Q2")], stored)


def test_percentile():
    assert checks.percentile([], 0.95) is None
    assert checks.percentile(list(range(1, 101)), 0.95) == 95
    assert checks.percentile([5], 0.95) == 5


class FakeUser:
    """What the Locust user gives a task, over Django's test client."""

    def __init__(self, ctx, client, index=0, username="load-01"):
        self.ctx, self.client, self.index, self.username = ctx, client, index, username
        self.random = random.Random(index)
        self.requests, self.submissions = [], []

    def get(self, path, name=None, params=None):
        response = self.client.get(path, params or {})
        self.requests.append((path, params, response.status_code))
        assert response.status_code == 200, (path, params, response.status_code)
        return response

    def post(self, path, data, name=None):
        path, _, query = path.partition("?")
        response = self.client.post(path + (f"?{query}" if query else ""), data)
        self.requests.append((path, data, response.status_code))
        return response

    def submit(self, record):
        self.submissions.append(record)


def test_seed_and_every_enabled_task_hit_real_pages(db):
    ctx = seed(users=3)
    assert ctx["counts"]["indicators"] == 96 and ctx["counts"]["reports"] > 0
    assert ctx["users"] == ["load-01", "load-02", "load-03"]
    assert ctx["urls"]["home"] and ctx["urls"]["workplan"] and ctx["urls"]["indicator"]
    client = Client()
    assert client.post(ctx["urls"]["login"], {"username": "load-01", "password": ctx["password"]}).status_code == 302
    enabled = tasks.enabled_tasks(ctx)
    assert {"dashboard", "workplan_tree", "indicator_page", "activities_filtered", "record_progress"} <= set(enabled)
    user = FakeUser(ctx, client)
    for _name, (function, weight) in enabled.items():
        assert weight > 0
        function(user)
    assert len(user.requests) >= len(enabled)
    # A second seed is idempotent (the runner may be re-run on the same database).
    assert seed(users=3)["counts"]["indicators"] == ctx["counts"]["indicators"]

    # Recording progress: each user owns distinct keys; ten writes, some to the same key
    # (the second opens the form on the version the first left), none lost.
    owned = ctx["owned"]
    assert owned["load-01"]
    all_keys = [tuple(k) for keys in owned.values() for k in keys]
    assert len(all_keys) == len(set(all_keys))
    user.ctx = {**ctx, "owned": {"load-01": owned["load-01"][:2]}}
    for _ in range(10):
        tasks.record_progress(user)
    assert len(user.submissions) == 11 and all(s["accepted"] for s in user.submissions)
    expected = checks.expected_values(user.submissions)
    assert checks.lost_updates(user.submissions, checks.stored_values(expected.keys())) == []


def test_a_task_is_one_registered_function_and_needs_its_pages():
    calls = []

    @tasks.task(weight=5)
    @tasks.needs("report_entry")
    def record_progress_probe(user):
        calls.append(user)

    try:
        assert tasks.TASKS["record_progress_probe"][1] == 5
        assert "record_progress_probe" not in tasks.enabled_tasks({"urls": {"home": "/"}})
        assert "record_progress_probe" in tasks.enabled_tasks({"urls": {"report_entry": "/r/"}})
    finally:
        del tasks.TASKS["record_progress_probe"]


RESULTS = {
    "date": "2026-11-23 23:00 UTC", "users": 20, "duration_s": 60,
    "hosts": ["http://127.0.0.1:8101", "http://127.0.0.1:8102"], "gunicorn": "2 workers × 4 threads each",
    "database": "clusterplan_load", "seed": "48 activities", "requests": 1000, "rps": 16.6, "failures": 0,
    "p50_ms": 120, "p95_ms": 480, "p99_ms": 900, "pages_p95_ms": 450, "status_5xx": 0,
    "per_instance": {"http://127.0.0.1:8101": 500, "http://127.0.0.1:8102": 500},
    "submitted": 0, "accepted": 0, "lost_updates": [],
    "endpoints": [{"name": "home (workplans)", "method": "GET", "requests": 1000, "failures": 0, "p50_ms": 120, "p95_ms": 480}],
    "note": "A note.",
}


def test_results_replace_only_the_load_section(tmp_path):
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text("# Performance\n\n## Import (issue 3)\n\nimport figures\n\n"
                   "## Load on a real server (issue 7)\n\nold figures\n\n## Meetings (issue 6)\n\nmeeting figures\n")
    section = checks.markdown(RESULTS, "make load")
    checks.performance_section_update(doc, section)
    text = doc.read_text()
    assert "old figures" not in text
    assert "import figures" in text and "## Meetings (issue 6)\n\nmeeting figures" in text
    assert "Command: `make load`" in text and "| 5xx responses | 0 |" in text
    assert "| p95 latency, pages only (the 20 logins excluded) | 450 ms |" in text
    checks.performance_section_update(doc, section)  # idempotent
    assert doc.read_text() == text


def test_summarise_counts_5xx_and_submissions():
    rows = [{"name": "home", "method": "GET", "requests": 9, "failures": 1, "p50_ms": 1, "p95_ms": 2, "p99_ms": 3, "rps": 1},
            {"name": "Aggregated", "method": "", "requests": 9, "failures": 1, "p50_ms": 1, "p95_ms": 2, "p99_ms": 3, "rps": 1}]
    results = checks.summarise(rows, {200: 7, 502: 1, 500: 1}, [sub(1, "2"), sub(1, "3", accepted=False)], [],
                               {"per_instance": {"a": 9}}, page_times=[10, 20, 30])
    assert results["status_5xx"] == 2
    assert (results["submitted"], results["accepted"]) == (2, 1)
    assert results["pages_p95_ms"] == 30
    assert [row["name"] for row in results["endpoints"]] == ["home"]
