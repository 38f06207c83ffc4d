"""The crawler (issue 13): every URL of the application, every form, as every role, with garbage.

The URLs come from the URL patterns themselves (``get_resolver().url_patterns``, walked
recursively), so a page added tomorrow is crawled without touching this file. Each route
parameter is filled with ids of objects inside and outside the user's scope, ids that do not
exist, and garbage strings. Every page answered 200 is parsed for ``<form>`` elements; each form
is sent back (to its action) empty, with its own defaults, with garbage in every field in turn
and with garbage in all fields at once. Every URL also receives POSTs of the fields known for it
(forms seen by any role), so a member POSTs the coordinator's forms too.

It asserts that nothing answers 5xx (an exception in a view counts) and that each role changes
only rows inside its scope: a snapshot of the models users write (reports, parts, evidence,
closures, meetings, agenda, action points, saved views, indicators, targets, activities,
objectives, workplans) is taken before and after each role's crawl, and every row changed,
created or deleted must be one the role may change.

Bounds (to stay near a minute on SQLite): the Django admin is crawled as a sample (GET of a few
of its pages), logout is skipped, each route parameter varies while the others keep a good
value (a sum, not a product, of the candidates), and full garbage only goes to the first
fillings of each route.
"""

import datetime
import json
import logging
import os
import re
import time
import traceback
from collections import defaultdict
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from imports.models import ImportSession
from indicators.models import Evidence, Indicator, IndicatorTarget, ProgressReport, QuarterClosure, ReportBreakdown
from meetings.models import ActionPoint, AgendaItem, Meeting
from reports.models import SavedView
from workplans.models import (
    Activity,
    ActivityActor,
    Actor,
    Cluster,
    Objective,
    Workplan,
)

# --- what is sent ---------------------------------------------------------------------------

LONG = "x" * 10_000
GARBAGE = [
    "", "abc", "-1", "1.5", "1e309", str(10**30), "NaN", "sNaN", "-Infinity", "1e20", "²", LONG, "a\x00b",
    "\x1b[31mred", "<script>alert(1)</script>\"'><img src=x>", "2020-Q9", "../../etc/passwd 🙂",
]
# Sent in one field at a time while the others keep their defaults (reaches the services).
FIELD_GARBAGE = ["", "abc", "-1", "1.5", "NaN", "1e309", str(10**30), LONG, "a\x00b"]
MAX_FIELDS = 10  # fields that get garbage one at a time, per form (a formset's first row only)
ALL_FIELD_VARIANTS = 8  # payloads with garbage in every field
NUMERIC_NAME = re.compile(r"value|version|organisation|quarter|count|date|deadline|TOTAL_FORMS|INITIAL_FORMS|id$|_F$|_M$|age|cercle|owner|pk")
GENERIC_FIELDS = {"version": "1", "comment": "x", "value": "1", "reason": "x", "name": "x", "organisation": "1"}
REFUSED_TRIES = 2  # a view that refused this many payloads (403/404/login) is not sent the rest
LOGIN_URL = "/accounts/login/"
JSON_VARIANTS = 4
JSON_GARBAGE = ["", "abc", -1, 1.5, "NaN", "1e309", 10**30, LONG, "a\x00b", None, [], {"a": {"b": 1}}, True,
                "<script>x</script>", "2020-Q9", -(10**20), "²"]
BROKEN_JSON = ["{", "[1, 2]", "null", "\"x\"", '{"value": NaN, "version": Infinity}', "{\"a\": 1e999}"]
QUERY_GARBAGE = {"organisation": "²", "page": "-1", "q": "<script>\x1b", "sort": "zz", "quarter": "abc",
                 "workplan": "-5", "status": LONG[:2000], "cluster": "1e309", "year": "NaN", "kind": "\x00"}

SKIPPED_NAMES = {"logout", "set_language"}  # logout would end the session; set_language is sent once by hand.
ADMIN_MODELS = ["indicators.progressreport", "indicators.indicator", "workplans.workplan", "meetings.meeting",
                "workplans.actor"]


# --- the routes ---------------------------------------------------------------------------


REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
FORMAT_SUFFIX = re.compile(r"\\?\.\(\?P<format>[^)]*\)(?:/\?)?")


def _template(pattern):
    """A ``path()``-like template of one pattern piece; a regex (``re_path``, DRF's router) is
    turned into one when it is a plain path with named groups, ``None`` otherwise."""
    text = str(pattern)
    if not (text.startswith("^") or text.endswith("$")):
        return text
    text = text.removeprefix("^").removesuffix("$")
    if FORMAT_SUFFIX.search(text):
        return None  # DRF's ``.json`` twins of the routes: the same views
    text = REGEX_GROUP.sub(lambda m: f"<{m.group('name')}>", text).replace("\\.", ".").replace("\\-", "-")
    text = text.replace("/?", "/")
    if re.search(r"[\\()\[\]*+?|{}^$]", text):
        return None  # a real regex (e.g. static files under DEBUG): not a page of the application
    return text


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        piece = _template(entry.pattern)
        if piece is None:
            continue
        if isinstance(entry, URLResolver):
            if piece.startswith("admin/"):
                continue  # Django's own admin: sampled separately.
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + piece, ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else "", prefix + piece


def application_routes():
    """``[(name, route)]`` of every URL pattern outside the admin (``route`` as in ``path()``)."""
    routes = {}
    for name, route in _walk(get_resolver().url_patterns):
        if name.rsplit(":", 1)[-1] in SKIPPED_NAMES:
            continue
        routes.setdefault(route, name)
    return [(name, route) for route, name in routes.items()]


PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")

# Which model an ``<int:pk>`` designates, by URL name then by words of the path.
PK_MODELS = {
    "indicators:detail": "indicator", "indicators:report": "indicator",
    "indicators:report_submit": "report", "indicators:report_validate": "report", "indicators:report_return": "report",
    "indicators:evidence_upload": "report", "indicators:evidence": "evidence",
    "meetings:detail": "meeting", "meetings:edit": "meeting", "meetings:docx": "meeting",
    "meetings:action_point_update": "action_point", "reports:saved_view_delete": "saved_view",
}
PATH_WORDS = [("evidence", "evidence"), ("action-point", "action_point"), ("action_point", "action_point"),
              ("report", "report"), ("indicator", "indicator"), ("meeting", "meeting"), ("saved", "saved_view"),
              ("import", "import_session"), ("activit", "activity"), ("workplan", "workplan"), ("plan", "workplan")]


def _pk_candidates(seed, name, route, param_name):
    model = PK_MODELS.get(name)
    if model is None:
        before_param = route.split(f":{param_name}>")[0]
        model = next((m for word, m in PATH_WORDS if word in before_param.lower()), None)
    ids = seed.ids.get(model) if model else None
    if ids is None:  # an unknown page: a few ids of everything
        ids = sorted({i for values in seed.ids.values() for i in values[:1]})[:6]
    return [str(i) for i in ids] + ["0", "987654321", str(2**63)]


def _candidates(seed, name, route, conv, param_name):
    if conv == "int" or param_name in {"pk", "id"} or param_name.endswith("_id"):
        return _pk_candidates(seed, name, route, param_name)
    if param_name == "quarter":
        return ["2020-Q3", "2020-Q1", "2020-Q4", "2019-Q4", "2099-Q1", "2020-Q9", "0000-Q1", "²⁰²⁰-Q1", "abc", "%00",
                "<b>", "x" * 300]
    if conv == "slug" or param_name == "slug":
        return [seed.plan_slug, seed.foreign_slug, "nope", "-"]
    if param_name == "fmt":
        return ["csv", "xlsx", "json", "pdf", "abc", "%00"]
    if conv == "path":
        return ["a", "a/b", "..%2F..%2Fetc%2Fpasswd", "%00"]
    return ["abc", "1", "-1", "%00", "%1B", "<script>", "x" * 300]


def _fill(route, values):
    return "/" + PARAM.sub(lambda m: values[m.group("name")], route)


def fillings(seed, name, route):
    """The URLs of one route: each parameter varies while the others keep their first value."""
    params = [(m.group("conv") or "str", m.group("name")) for m in PARAM.finditer(route)]
    if not params:
        return [_fill(route, {})]
    options = {p: _candidates(seed, name, route, conv, p) for conv, p in params}
    first = {p: values[0] for p, values in options.items()}
    urls = [_fill(route, first)]
    for _conv, p in params:
        for value in options[p][1:]:
            urls.append(_fill(route, {**first, p: value}))
    if name == "indicators:report":  # the entry page for each organisation, in and out of scope
        urls += [f"{urls[0]}?organisation={org}" for org in seed.organisations]
    return list(dict.fromkeys(urls))


def admin_sample(seed):
    from django.urls import reverse

    urls = [reverse("admin:index")]
    for label in ADMIN_MODELS:
        app, model = label.split(".")
        urls.append(reverse(f"admin:{app}_{model}_changelist") + "?" + urlencode({"q": "<script>\x1b", "o": "zz", "p": "-1"}))
        urls.append(reverse(f"admin:{app}_{model}_add"))
    urls.append(reverse("admin:indicators_progressreport_change", args=[seed.ids["report"][0]]))
    urls.append(reverse("admin:indicators_progressreport_change", args=["987654321"]))
    urls.append(reverse("admin:indicators_progressreport_history", args=[seed.ids["report"][0]]))
    return urls


# --- the forms of a page ----------------------------------------------------------------------


class FormParser(HTMLParser):
    """``forms``: ``[{"action", "method", "fields": {name: [values…]}, "files": {name}}]``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                          "fields": {}, "files": set()}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        fields = self._form["fields"]
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self._form["files"].add(name)
            elif kind in {"checkbox", "radio"}:
                values = fields.setdefault(name, [])
                if "checked" in attrs:
                    values.insert(0, attrs.get("value") or "on")
                else:
                    values.append(attrs.get("value") or "on")
            elif kind not in {"submit", "button", "image", "reset"} or name == "submit":
                fields.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "button" and name:
            fields.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = fields.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            if "selected" in attrs:
                self._select.insert(0, value or "")
            else:
                self._select.append(value or "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields.setdefault(name, []).append("")

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _route_name(path):
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


# --- the scope of each role -----------------------------------------------------------------

SNAPSHOT = [ProgressReport, ReportBreakdown, Evidence, QuarterClosure, Meeting, AgendaItem, ActionPoint, SavedView,
            Indicator, IndicatorTarget, Activity, Objective, Workplan]


def may_change(role, user, seed):
    """``{model: queryset of the rows this role may change}``: every other row must stay as it was."""
    none = {model: model.objects.none() for model in SNAPSHOT}
    if role == "anonymous":
        return none
    allowed = dict(none)
    allowed[SavedView] = SavedView.objects.filter(user=user)
    if role in {"member", "outsider"}:
        org = user.profile.organisation
        reports = ProgressReport.objects.filter(organisation=org, indicator__activity__actor_links__actor=org)
    elif role == "coordinator":
        cluster = user.profile.cluster
        reports = ProgressReport.objects.filter(indicator__workplan__cluster=cluster)
        allowed[QuarterClosure] = QuarterClosure.objects.filter(workplan__cluster=cluster)
        allowed[Meeting] = Meeting.objects.filter(cluster=cluster)
        allowed[AgendaItem] = AgendaItem.objects.filter(meeting__cluster=cluster)
        allowed[ActionPoint] = ActionPoint.objects.filter(meeting__cluster=cluster)
        for model, path in ((Indicator, "workplan__cluster"), (IndicatorTarget, "indicator__workplan__cluster"),
                            (Activity, "workplan__cluster"), (Objective, "workplan__cluster"), (Workplan, "cluster")):
            allowed[model] = model.objects.filter(**{path: cluster})
    else:  # administrator: everything but other people's saved views
        return {**{model: model.objects.all() for model in SNAPSHOT}, SavedView: SavedView.objects.filter(user=user)}
    allowed[ProgressReport] = reports
    allowed[ReportBreakdown] = ReportBreakdown.objects.filter(report__in=reports)
    allowed[Evidence] = Evidence.objects.filter(report__in=reports)
    return allowed


# Values derived by the application on every write (any user's report bumps its plan's cache generation).
DERIVED = {"generation", "search_text", "updated_at"}


def snapshot():
    return {
        model: {row["id"]: {k: v for k, v in row.items() if k not in DERIVED} for row in model.objects.order_by("id").values()}
        for model in SNAPSHOT
    }


def out_of_scope_changes(before, after, allowed_before, allowed_after):
    problems = []
    for model in SNAPSHOT:
        old, new = before[model], after[model]
        may_before = set(allowed_before[model])
        may_after = set(allowed_after[model].values_list("id", flat=True))
        for pk in old.keys() | new.keys():
            if old.get(pk) == new.get(pk):
                continue
            what = "deleted" if pk not in new else "created" if pk not in old else "changed"
            ok = pk in may_before if what in {"deleted", "changed"} else pk in may_after
            if what == "changed" and pk not in may_after:
                ok = False  # moved out of its scope, or into another's
            if not ok:
                diff = {k: (old[pk].get(k), v) for k, v in new.get(pk, {}).items() if pk in old and old[pk].get(k) != v}
                problems.append(f"{model.__name__} {pk} {what} {diff or ''}")
    return problems


# --- the data -----------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def seed(users, report_plan, meetings, hcr, nrc):
    """``report_plan`` and ``meetings`` in the test cluster, and the same kinds of rows in another one."""
    from indicators import services

    unicef = Actor.objects.get_or_create(acronym="UNICEF", defaults={"kind": Actor.Kind.UN_AGENCY})[0]
    other = Cluster.objects.create(code="CP-X", name="Autre cluster")
    foreign = Workplan.objects.create(title="Autre plan", slug="autre-plan", cluster=other,
                                      start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 12, 31))
    objective = Objective.objects.create(workplan=foreign, code="1", title="Objectif étranger")
    activity = Activity.objects.create(workplan=foreign, objective=objective, code="1.1", title="Activité étrangère")
    activity.quarters.set(report_plan.quarters)
    ActivityActor.objects.create(activity=activity, actor=unicef, role=ActivityActor.Role.LEAD)
    foreign_indicator = Indicator.objects.create(workplan=foreign, activity=activity, code="F", text="Étranger",
                                                 target=10, disaggregate_sex=True)
    q1, q2, q3, q4 = report_plan.quarters
    foreign_report = services.report_save(users.administrator, foreign_indicator, q2, unicef, value=4,
                                          parts={"sex": {"F": 3, "M": 1}})
    foreign_submitted = services.report_submit(
        users.administrator, services.report_save(users.administrator, foreign_indicator, q3, unicef, value=2,
                                             parts={"sex": {"F": 2}}))
    ind = report_plan.indicators
    hcr_draft = ProgressReport.objects.get(indicator=ind.a, quarter=q3, organisation=hcr)
    hcr_submitted = ProgressReport.objects.get(indicator=ind.a, quarter=q4, organisation=hcr)
    hcr_validated = ProgressReport.objects.get(indicator=ind.a, quarter=q1, organisation=hcr)
    nrc_validated = ProgressReport.objects.get(indicator=ind.a, quarter=q1, organisation=nrc)
    evidence = [services.evidence_add(users.administrator, r, ContentFile(PDF, name="preuve.pdf"))
                for r in (hcr_draft, foreign_report)]
    QuarterClosure.objects.create(workplan=report_plan.plan.workplan, quarter=q1, closed_by=users.coordinator)
    QuarterClosure.objects.create(workplan=foreign, quarter=q1, closed_by=users.administrator)
    foreign_meeting = Meeting.objects.create(cluster=other, date=datetime.date(2017, 7, 1), place="Ailleurs")
    foreign_point = ActionPoint.objects.create(meeting=foreign_meeting, order=0, what="Point étranger",
                                               deadline=datetime.date(2017, 8, 1))
    saved = [SavedView.objects.create(user=user, name=f"Vue {user.username}", path="/reports/", query="quarter=2020-Q1")
             for user in (users.member, users.coordinator, users.outsider, users.administrator)]
    imports = [ImportSession.objects.create(file=ContentFile(b"not a workbook", name="plan.xlsx"), original_name="plan.xlsx",
                                            slug="importe", created_by=users.administrator),
               ImportSession.objects.create(file="workplan-imports/missing.xlsx", original_name="missing.xlsx",
                                            slug="manquant", created_by=users.administrator)]
    ids = {
        "report": [hcr_submitted.pk, hcr_draft.pk, foreign_submitted.pk, foreign_report.pk, hcr_validated.pk,
                   nrc_validated.pk],
        "indicator": [ind.a.pk, ind.c.pk, ind.d.pk, foreign_indicator.pk],
        "evidence": [e.pk for e in evidence],
        "meeting": [meetings.may.pk, meetings.june.pk, foreign_meeting.pk],
        "action_point": [meetings.tdr.pk, meetings.done.pk, foreign_point.pk],
        "saved_view": [s.pk for s in saved],
        "import_session": [s.pk for s in imports],
        "activity": [report_plan.plan.activities[0].pk, activity.pk],
        "workplan": [report_plan.plan.workplan.pk, foreign.pk],
    }
    return SimpleNamespace(ids=ids, plan_slug=report_plan.plan.workplan.slug, foreign_slug=foreign.slug,
                           organisations=[hcr.pk, nrc.pk, unicef.pk, "²", "-1"], users=users)


# --- the crawl ----------------------------------------------------------------------------


class Crawl:
    def __init__(self, seed):
        self.seed = seed
        self.failures = {}  # (route, last frame in the application, exception) → the requests
        self.requests = defaultdict(int)
        self.seconds = defaultdict(float)
        self.deep_done = set()
        self.json_fields = {}  # API route name → the keys of its objects  # routes already sent garbage one field at a time
        self.forms = {}  # route name → {"action": url, "fields": {name: default}, "files": set()}
        self.get_forms = {}  # action url → fields (filters)

    def send(self, role, client, method, url, data=None, **extra):
        self.requests[role] += 1
        try:
            with transaction.atomic():  # a failing view must not break the test's transaction (PostgreSQL)
                if method == "get":
                    response = client.get(url, data, **extra)
                elif method == "post" and "content_type" not in extra:
                    response = client.post(url, data or {}, **extra)
                else:  # JSON bodies, PUT, PATCH, DELETE (the API)
                    response = getattr(client, method)(url, data if data is not None else "", **extra)
        except Exception as exc:  # noqa: BLE001 — every exception in a view is a 500 to report
            self.fail(role, method, url, data, "".join(traceback.format_exception(exc)[-6:]))
            return None
        if response.status_code >= 500:
            self.fail(role, method, url, data, f"status {response.status_code}")
        return response

    def fail(self, role, method, url, data, detail):
        if isinstance(data, dict):
            shown = {k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in data.items()}
        else:
            shown = (data or "")[:200]
        lines = detail.strip().splitlines()
        here = [line.strip() for line in lines if line.strip().startswith("File") and "site-packages" not in line]
        key = (_route_name(url), here[-1] if here else "", lines[-1].split(":")[0] if lines else "")
        self.failures.setdefault(key, []).append(f"{role} {method.upper()} {url} {shown}\n{detail}")

    def harvest(self, url, response):
        if response is None or response.status_code != 200:
            return
        if "json" in response.get("Content-Type", ""):
            self.harvest_json(url, response)
            return
        if "html" not in response.get("Content-Type", ""):
            return
        parser = FormParser()
        parser.feed(response.content.decode("utf-8", "replace"))
        for form in parser.forms:
            action = urljoin(url, form["action"]) if form["action"] else url
            name = _route_name(action)
            if name is None or name.rsplit(":", 1)[-1] in SKIPPED_NAMES or name.startswith("admin:"):
                continue
            defaults = {field: values[0] if values else "" for field, values in form["fields"].items()}
            if form["method"] == "get":
                self.get_forms.setdefault(urlsplit(action).path, {}).update(defaults)
                continue
            known = self.forms.setdefault(name, {"action": action, "fields": {}, "files": set()})
            for field, value in defaults.items():
                known["fields"].setdefault(field, value)
            known["files"] |= form["files"]

    def harvest_json(self, url, response):
        """The keys of an API object (a detail, or the first of a list): what to send back."""
        try:
            body = json.loads(response.content)
        except ValueError:
            return
        if isinstance(body, dict) and isinstance(body.get("results"), list):
            body = body["results"][0] if body["results"] else {}
        elif isinstance(body, list):
            body = body[0] if body else {}
        name = _route_name(url)
        if isinstance(body, dict) and body and name:
            self.json_fields.setdefault(name, sorted(body)[:MAX_FIELDS])

    def api_calls(self, role, client, name, url, index):
        """JSON POST, PUT and PATCH with garbage in the object's fields, broken JSON, and DELETE."""
        keys = self.json_fields.get(name) or self.json_fields.get(name.replace("-detail", "-list")) or sorted(GENERIC_FIELDS)
        variants = (JSON_VARIANTS if index == 0 else 2) if role != "anonymous" else 1
        bodies = [{}] + [{key: JSON_GARBAGE[(i + j * JSON_VARIANTS) % len(JSON_GARBAGE)] for j, key in enumerate(keys)}
                         for i in range(variants)]
        for method in ("post", "put", "patch"):
            first = None
            for body in bodies:
                response = self.send(role, client, method, url, json.dumps(body), content_type="application/json")
                first = first or response
                if response is not None and response.status_code in (401, 403, 404, 405):
                    break  # refused whatever the body
            if index == 0 and first is not None and first.status_code not in (401, 403, 404, 405):
                for raw in BROKEN_JSON:
                    self.send(role, client, method, url, raw, content_type="application/json")
        if index < FULL_FILLINGS:
            self.send(role, client, "delete", url)

    def payloads(self, fields, level):
        """Level 0: empty and defaults; 1: and garbage in all fields; 2: and in each field in turn."""
        fields = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
        yield {}
        yield dict(fields)
        if level < 1:
            return
        names = sorted(fields)
        for i in range(ALL_FIELD_VARIANTS):  # field j sees GARBAGE[j*k …]: together they see all of it
            yield {name: GARBAGE[(i + j * ALL_FIELD_VARIANTS) % len(GARBAGE)] for j, name in enumerate(names)}
        yield {name: ["1", "2", "abc"] for name in names}  # repeated values
        if level < 2:
            return
        # One field at a time, the others valid: the fields that carry numbers, ids and dates get
        # all of FIELD_GARBAGE, the others two values each; a formset's later rows are left out.
        single = [n for n in names if not re.search(r"-[1-9]\d*-", n)][:MAX_FIELDS]
        for k, name in enumerate(single):
            numeric = NUMERIC_NAME.search(name) or re.fullmatch(r"-?[\d.,]+", str(fields[name]))
            values = FIELD_GARBAGE if numeric else [FIELD_GARBAGE[(2 * k) % len(FIELD_GARBAGE)],
                                                    FIELD_GARBAGE[(2 * k + 1) % len(FIELD_GARBAGE)]]
            for value in values:
                yield {**fields, name: value}

    def post_all(self, role, client, url, form, level, deep=True):
        """POST the payloads; stop early when the view refuses the method or the user whatever is sent.

        Without ``deep``, a user the view admits is not sent the one-field-at-a-time payloads
        (another role already was). Returns whether the view admitted the user's defaults.
        """
        refused = 0
        admitted = False
        shallow = 2 + ALL_FIELD_VARIANTS + 1
        for index, payload in enumerate(self.payloads(form["fields"], level)):
            if index >= shallow and not deep:
                break
            if form["files"] and payload:
                payload = {**payload, **{f: ContentFile(PDF, name="p.pdf") for f in form["files"]}}
            response = self.send(role, client, "post", url, payload)
            if response is None:
                continue
            if response.status_code == 405:
                break
            if response.status_code in (403, 404) or (
                response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
            ):
                refused += 1
            elif index == 1:
                admitted = True
            if index >= 1 and refused == index + 1 and index >= REFUSED_TRIES:
                break  # empty, defaults and a few garbage payloads all refused: so is the rest
        return admitted


def _client(seed, role):
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(seed.users, role))
    return client


# CRAWL_ROLES=coordinator,member narrows a run while debugging; ``make test`` crawls as every role.
ROLES = [r for r in os.environ.get("CRAWL_ROLES", "anonymous,outsider,member,coordinator,administrator").split(",") if r]
FULL_FILLINGS = 2  # fillings of each route that get garbage in all fields; the others get empty + defaults


def crawl(seed):
    routes = application_routes()
    urls = {name: fillings(seed, name, route) for name, route in routes}
    admin_urls = admin_sample(seed)
    run = Crawl(seed)
    # Forms are first collected as the roles who see the most of them, so every role is sent them all.
    for role in ("administrator", "coordinator", "member"):
        client = _client(seed, role)
        for filled in urls.values():
            for url in filled[:2]:
                run.harvest(url, run.send("harvest", client, "get", url))
    problems = {}
    for role in ROLES:
        user = getattr(seed.users, role, None)
        allowed_before = {model: set(qs.values_list("id", flat=True)) for model, qs in may_change(role, user, seed).items()}
        before = snapshot()
        client = _client(seed, role)
        started = time.perf_counter()
        for url in admin_urls:
            run.send(role, client, "get", url)
        run.seconds["(admin sample)"] += time.perf_counter() - started
        run.send(role, client, "post", "/i18n/setlang/", {"language": "\x00<script>", "next": "//evil.example/"})
        for name, filled in urls.items():
            for index, url in enumerate(filled):
                if role == "anonymous" and index >= 2:
                    break  # everything is behind the login: two fillings of each route show it
                started = time.perf_counter()
                response = run.send(role, client, "get", url)
                run.seconds[f"GET {name}"] += time.perf_counter() - started
                run.harvest(url, response)
                if index == 0:
                    run.send(role, client, "get", url, QUERY_GARBAGE)
                form = run.forms.get(name) or {"fields": GENERIC_FIELDS, "files": set()}
                level = 0 if role == "anonymous" else 2 if index == 0 else 1 if index < FULL_FILLINGS else 0
                started = time.perf_counter()
                # Each field alone gets garbage once per route: as the first role the view admits.
                if run.post_all(role, client, url, form, level, deep=name not in run.deep_done) and level == 2:
                    run.deep_done.add(name)
                if name.startswith("api:"):
                    run.api_calls(role, client, name, url, index)
                run.seconds[name] += time.perf_counter() - started
                if role != "anonymous":
                    client.force_login(user)  # a form may have ended the session
        for action, fields in list(run.get_forms.items()):
            for payload in list(run.payloads(fields, 1))[:5]:
                run.send(role, client, "get", action, payload)
        allowed_after = may_change(role, user, seed)
        changes = out_of_scope_changes(before, snapshot(), allowed_before, allowed_after)
        if changes:
            problems[role] = changes
    return run, problems, routes


@pytest.mark.django_db
def test_crawler_no_5xx_and_nothing_changed_outside_scope(seed, settings):
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # thousands of expected 4xx would flood the output
    try:
        run, problems, routes = crawl(seed)
    finally:
        quiet.setLevel(level)
    slowest = sorted(run.seconds.items(), key=lambda item: -item[1])[:12]
    print("slowest routes (s):", [(name, round(sec, 1)) for name, sec in slowest])
    print(f"\ncrawler: {len(routes)} routes, {len(run.forms)} POST forms, {len(run.get_forms)} GET forms, "
          f"requests by role: {dict(run.requests)}")
    report = [f"[{len(cases)}× {key[0]}] {key[2]} at {key[1]}\n  first: {cases[0]}" for key, cases in run.failures.items()]
    assert not run.failures, f"{len(run.failures)} distinct 5xx:\n\n" + "\n\n".join(report)
    assert not problems, f"rows changed outside the role's scope: {problems}"


def test_routes_are_found_from_the_url_patterns(db):
    names = {name for name, _route in application_routes()}
    assert {"indicators:report_validate", "meetings:edit", "reports:saved_view_delete", "indicators:quarter_grid"} <= names
    assert not any(name.startswith("admin:") for name in names)
    assert "logout" not in names


def test_the_scope_check_sees_a_change_outside_scope(seed):
    """The crawler's second assertion can fail: a member's crawl that changed another's rows."""
    member = seed.users.member
    allowed_before = {m: set(qs.values_list("id", flat=True)) for m, qs in may_change("member", member, seed).items()}
    before = snapshot()
    hcr_draft, foreign = seed.ids["report"][1], seed.ids["report"][3]
    ProgressReport.objects.filter(pk=hcr_draft).update(narrative="changed by its organisation")  # in scope
    ProgressReport.objects.filter(pk=foreign).update(value=99)  # another cluster's report
    SavedView.objects.filter(user=seed.users.coordinator).delete()  # someone else's saved view
    Meeting.objects.filter(pk=seed.ids["meeting"][0]).update(place="Ailleurs")
    problems = out_of_scope_changes(before, snapshot(), allowed_before, may_change("member", member, seed))
    assert len(problems) == 3
    assert any(p.startswith(f"ProgressReport {foreign} changed") for p in problems)
    assert any(p.startswith("SavedView") and "deleted" in p for p in problems)
    assert any(p.startswith("Meeting") for p in problems)


def test_an_exception_in_a_view_is_reported(seed, monkeypatch):
    """The crawler's first assertion can fail: an exception in a view is recorded with its traceback."""
    import indicators.views

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(indicators.views, "indicator_page_data", broken)  # what the page builds (issue 16: cached)
    run = Crawl(seed)
    run.send("member", _client(seed, "member"), "get", f"/indicators/{seed.ids['indicator'][0]}/")
    ((key, cases),) = run.failures.items()
    assert key[0] == "indicators:detail" and key[2] == "ZeroDivisionError" and "boom" in cases[0]
