"""Locust user for `make load`: logs in on the gunicorn instance it is assigned (users are
spread evenly over LOAD_HOSTS), then runs the tasks of tasks.py with their weights.

Environment: LOAD_CTX (the seed context JSON), LOAD_HOSTS (comma-separated base URLs),
LOAD_RAW (where to write the raw figures when Locust quits). Run by bench/load/run.py.
"""

import itertools
import json
import os
import random
import re
from collections import Counter

from locust import HttpUser, between, events

from bench.load.tasks import enabled_tasks

CTX = json.load(open(os.environ["LOAD_CTX"], encoding="utf-8"))
HOSTS = [h.rstrip("/") for h in os.environ["LOAD_HOSTS"].split(",") if h.strip()]
STATUS = Counter()
PER_INSTANCE = Counter()
SUBMISSIONS = []
PAGE_TIMES = []  # response times (ms) of every request but the two login steps
_numbers = itertools.count()


@events.request.add_listener
def count_status(name=None, response_time=None, response=None, exception=None, **kwargs):
    STATUS[getattr(response, "status_code", 0) or 0] += 1
    if name not in ("login", "login page") and response_time is not None:
        PAGE_TIMES.append(response_time)


def _wrap(function):
    def run(user):
        function(user)

    run.__name__ = function.__name__
    return run


class ClusterplanUser(HttpUser):
    host = HOSTS[0]
    wait_time = between(0.5, 1.5)
    tasks = {_wrap(function): weight for function, weight in enabled_tasks(CTX).values()}

    def on_start(self):
        self.index = next(_numbers)
        self.base = HOSTS[self.index % len(HOSTS)]
        self.ctx = CTX
        self.random = random.Random(self.index)
        self.username = CTX["users"][self.index % len(CTX["users"])]
        self.login()

    def login(self):
        login = CTX["urls"]["login"]
        self.client.get(self.base + login, name="login page")
        response = self.client.post(
            self.base + login,
            {"username": self.username, "password": CTX["password"], "csrfmiddlewaretoken": self._csrf()},
            name="login", allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in on {self.base}: {response.status_code}")

    def _csrf(self):
        return self.client.cookies.get("csrftoken", "")

    def get(self, path, name=None, params=None):
        PER_INSTANCE[self.base] += 1
        with self.client.get(self.base + path, params=params or None, name=name or path, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on {path}" + (f": {getattr(response, 'error', None)!r}" if getattr(response, "error", None) else ""))
            return response

    def post(self, path, data, name=None):
        PER_INSTANCE[self.base] += 1
        data = {**data, "csrfmiddlewaretoken": self._csrf()}
        with self.client.post(self.base + path, data, name=name or path, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code not in (200, 302):
                response.failure(f"{response.status_code} on {path}" + (f": {getattr(response, 'error', None)!r}" if getattr(response, "error", None) else ""))
            return response

    def submit(self, record):
        SUBMISSIONS.append({**record, "user": self.username})


def _row(entry, name=None):
    return {
        "name": name or entry.name,
        "method": entry.method or "",
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50_ms": entry.get_response_time_percentile(0.50) or 0,
        "p95_ms": entry.get_response_time_percentile(0.95) or 0,
        "p99_ms": entry.get_response_time_percentile(0.99) or 0,
        "rps": entry.total_rps,
    }


@events.quitting.add_listener
def write_raw(environment, **kwargs):
    stats = environment.stats
    rows = [_row(entry) for entry in sorted(stats.entries.values(), key=lambda e: (e.name, e.method or ""))]
    rows.append(_row(stats.total, "Aggregated"))
    raw = {
        "stats": rows,
        "status": dict(STATUS),
        "per_instance": dict(PER_INSTANCE),
        "page_times_ms": PAGE_TIMES,
        "submissions": SUBMISSIONS,
        "errors": [{"error": re.sub(r"0x[0-9a-f]+", "", str(e.error)), "name": e.name, "count": e.occurrences}
                   for e in stats.errors.values()],
    }
    with open(os.environ["LOAD_RAW"], "w", encoding="utf-8") as handle:
        json.dump(raw, handle, indent=1)
