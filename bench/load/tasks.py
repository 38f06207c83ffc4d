"""What each virtual user does during `make load`: one function per task.

A task is a plain function ``task(user)`` registered with ``@task(weight)``. ``user`` gives:

- ``user.get(path, name=None, params=None)`` / ``user.post(path, data, name=None)``: requests to
  the app server this user was assigned (the POST carries the CSRF token; both return the
  response, failures are recorded by Locust);
- ``user.ctx``: what the seed step created (``seed.py``): workplan slugs, indicator ids,
  quarter codes, the URLs of the pages that exist;
- ``user.index``: the virtual user's number (0-19), ``user.username``, ``user.random``: its own
  random generator;
- ``user.submit(record)``: remember what this user SUBMITTED, for the post-run lost-update
  check (``checks.py``): a dict ``{"indicator": id, "quarter": "2021-Q2", "organisation":
  acronym, "value": "12.00", "accepted": bool}``.

Adding a task is one function here: nothing else changes. This module does not import Locust,
so the tests can run the tasks against a fake user.
"""

import re

TASKS = {}
VERSION = re.compile(r'name="version" value="(\d+)"')


def task(weight=1):
    def register(function):
        TASKS[function.__name__] = (function, weight)
        return function

    return register


def enabled_tasks(ctx):
    """The registered tasks whose pages exist in this build (a task may say what it needs)."""
    enabled = {}
    for name, (function, weight) in TASKS.items():
        needs = getattr(function, "needs", ())
        if all(ctx.get("urls", {}).get(need) for need in needs):
            enabled[name] = (function, weight)
    return enabled


def needs(*url_names):
    """Run the task only when the seed step found these pages (``ctx["urls"]``)."""

    def mark(function):
        function.needs = url_names
        return function

    return mark


@task(weight=2)
def dashboard(user):
    user.get(user.ctx["urls"]["home"], name="home (workplans)")


@task(weight=3)
def workplan_tree(user):
    slug = user.random.choice(user.ctx["workplans"])
    user.get(user.ctx["urls"]["workplan"].replace("SLUG", slug), name="workplan tree")


@task(weight=4)
def indicator_page(user):
    pk = user.random.choice(user.ctx["indicators"])
    user.get(user.ctx["urls"]["indicator"].replace("PK", str(pk)), name="indicator detail")


@task(weight=4)
@needs("activities")
def activities_filtered(user):
    """/activities/ with the filters a member uses: a sub-cluster and a quarter, then a page."""
    params = {}
    if user.ctx.get("subclusters") and user.random.random() < 0.7:
        params["subcluster"] = user.random.choice(user.ctx["subclusters"])
    if user.ctx.get("quarters") and user.random.random() < 0.7:
        params["quarter"] = user.random.choice(user.ctx["quarters"])
    user.get(user.ctx["urls"]["activities"], params=params, name="activities (filtered)")


@task(weight=3)
@needs("report")
def record_progress(user):
    """A member records a value for one of the (indicator, quarter, organisation) keys only
    they write to (seed.py hands them out), opening the form first for its version."""
    keys = user.ctx.get("owned", {}).get(user.username)
    if not keys:
        return dashboard(user)  # coordinators: nothing of their own to record here
    indicator, quarter, organisation_id, acronym = user.random.choice(keys)
    path = user.ctx["urls"]["report"].replace("PK", str(indicator)).replace("QUARTER", quarter)
    form = user.get(path, name="report form", params={"organisation": organisation_id})
    match = VERSION.search(form.text or "")
    value = f"{user.random.randint(1, 500)}.00"
    data = {"organisation": organisation_id, "value": value, "narrative": f"Load test {user.username}"}
    if match:
        data["version"] = match.group(1)
    response = user.post(f"{path}?organisation={organisation_id}", data, name="record progress")
    user.submit({"indicator": indicator, "quarter": quarter, "organisation": acronym, "value": value,
                 "accepted": response.status_code == 302})


# Each virtual user writes only to its own (indicator, quarter, organisation) keys, so the
# last accepted submission per key is what must be stored: checks.lost_updates() says so.
