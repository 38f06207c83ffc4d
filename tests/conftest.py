"""Shared fixtures: the four roles every view is tested against, and small plans."""

import datetime
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from workplans.models import (
    Activity,
    ActivityActor,
    Actor,
    Cluster,
    ExpectedResult,
    Objective,
    Profile,
    Quarter,
    Workplan,
)
from workplans.permissions import ADMINISTRATORS, COORDINATORS, MEMBERS

PASSWORD = "a-long-test-password"

# The admin modules are discovered by the URLconf, not at start-up (clusterplan/apps.py): loaded
# before the tests are collected, as by a first request, so that the tests listing admin.site's
# models (tests/test_admin.py parametrizes over them) see every ModelAdmin.
import_module(settings.ROOT_URLCONF)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder; a fast password hasher for tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The rows the data migrations create (role groups, the Mali cluster and its sub-clusters, Mali's
# places): a transactional test (the browser journeys, the migration lock...) flushes the
# database after itself, which removes them for the transactional tests that follow. Django's
# serialized rollback cannot restore them here (the flush re-creates content types under new
# ids), so they are put back by running the same migration functions again.
REFERENCE_DATA_MIGRATIONS = [
    ("workplans.migrations.0002_create_role_groups", "create_groups"),
    ("workplans.migrations.0003_mali_protection_cluster", "create_structure"),
    ("workplans.migrations.0012_reference_organisations", "load_reference"),
    ("indicators.migrations.0003_mali_locations", "create"),
]


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    if Cluster.objects.filter(code="CP-MLI").exists():
        return
    from importlib import import_module

    from django.apps import apps

    for module, function in REFERENCE_DATA_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)


@pytest.fixture
def cluster(db):
    return Cluster.objects.get(code="CP-MLI")


@pytest.fixture
def hcr(db):
    return Actor.objects.get_or_create(acronym="HCR", defaults={"kind": Actor.Kind.UN_AGENCY})[0]


@pytest.fixture
def nrc(db):
    return Actor.objects.get_or_create(acronym="NRC", defaults={"kind": Actor.Kind.NGO})[0]


def _user(username, group=None, superuser=False, **profile):
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_superuser=superuser, is_staff=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    Profile.objects.create(user=user, **profile)
    return user


@pytest.fixture
def users(db, cluster, hcr, nrc):
    """An administrator, a coordinator (of the cluster), a member (of HCR) and an outsider (NRC member)."""
    return SimpleNamespace(
        administrator=_user("administrator", ADMINISTRATORS, superuser=True),
        coordinator=_user("coord", COORDINATORS, cluster=cluster),
        member=_user("hcr-member", MEMBERS, organisation=hcr),
        outsider=_user("nrc-member", MEMBERS, organisation=nrc),
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def plan(db, cluster, hcr):
    """A small workplan: one objective, one result, two activities (HCR leads the first) over 2020."""
    workplan = Workplan.objects.create(
        title="Plan test", slug="plan-test", cluster=cluster,
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 12, 31),
    )
    objective = Objective.objects.create(workplan=workplan, code="1", title="Objectif un", order=1)
    result = ExpectedResult.objects.create(objective=objective, code="1.1", title="Résultat un", order=1)
    quarters = Quarter.objects.ensure_range((2020, 1), (2020, 4))
    first = Activity.objects.create(workplan=workplan, objective=objective, result=result, code="1.1.1",
                                    title="Monitoring de protection", order=1)
    first.quarters.set(quarters)
    ActivityActor.objects.create(activity=first, actor=hcr, role=ActivityActor.Role.LEAD)
    second = Activity.objects.create(workplan=workplan, objective=objective, code="1.2", title="Sensibilisation", order=2)
    second.quarters.set(quarters[2:])
    return SimpleNamespace(workplan=workplan, objective=objective, result=result, activities=[first, second],
                           quarters=quarters)


# --- indicators and progress reports ------------------------------------------------------


@pytest.fixture(autouse=True)
def _private_media_in_tmp(settings, tmp_path):
    """Evidence files go to a temporary private folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def indicator(plan):
    """A summed number indicator on the plan's first activity (HCR leads it), target 100."""
    from indicators.models import Indicator

    return Indicator.objects.create(
        workplan=plan.workplan, activity=plan.activities[0], code="I1", text="# de personnes atteintes", target=100
    )

# --- reports: a plan with figures worked out by hand -------------------------------------


@pytest.fixture
def report_plan(plan, hcr, nrc):
    """The ``plan`` with five indicators and reports whose figures are worked out by hand.

    A summed, target 100 (Q1 25, Q2 25): validated Q1 HCR 10 + NRC 5, Q2 HCR 20; Q3 draft 25, Q4 submitted 30.
    B cumulative, target 50: validated Q1 20, Q2 30, Q3 45.
    C percentage (activity 2, Q3–Q4), target 80: validated Q3 60, Q4 70.
    D yes/no on the objective: validated Q2 no, Q3 yes.
    E summed, no target: validated Q1 4, Q2 6.
    Breakdowns on A: Q1 HCR F 6 / M 4, Q1 NRC F 5, Q2 HCR F 12; the draft Q3 F 25 must not count.
    """
    from decimal import Decimal

    from indicators.models import Indicator, IndicatorTarget, ProgressReport, ReportBreakdown

    first, second = plan.activities
    q1, q2, q3, q4 = plan.quarters
    K, AGG = Indicator.Kind, Indicator.Aggregation
    make = lambda **kw: Indicator.objects.create(workplan=plan.workplan, **kw)  # noqa: E731
    ind = SimpleNamespace(
        a=make(activity=first, code="A", text="Personnes touchées", target=100, aggregation=AGG.SUM, order=1),
        b=make(activity=first, code="B", text="Comités actifs", target=50, aggregation=AGG.CUMULATIVE, order=2),
        c=make(activity=second, code="C", text="Taux de référencement", kind=K.PERCENT, target=80, order=3),
        d=make(objective=plan.objective, code="D", text="Stratégie adoptée", kind=K.YES_NO, order=4),
        e=make(activity=first, code="E", text="Sessions tenues", target=None, aggregation=AGG.SUM, order=5),
    )
    IndicatorTarget.objects.create(indicator=ind.a, quarter=q1, value=25)
    IndicatorTarget.objects.create(indicator=ind.a, quarter=q2, value=25)
    V, DRAFT, SUB = ProgressReport.State.VALIDATED, ProgressReport.State.DRAFT, ProgressReport.State.SUBMITTED

    def report(indicator, quarter, value, state=V, org=hcr):
        return ProgressReport.objects.create(
            indicator=indicator, quarter=quarter, organisation=org, value=Decimal(value), state=state
        )

    a1 = report(ind.a, q1, 10)
    a1n = report(ind.a, q1, 5, org=nrc)
    a2 = report(ind.a, q2, 20)
    a3 = report(ind.a, q3, 25, state=DRAFT)
    report(ind.a, q4, 30, state=SUB)
    for quarter, value in ((q1, 20), (q2, 30), (q3, 45)):
        report(ind.b, quarter, value)
    report(ind.c, q3, 60)
    report(ind.c, q4, 70)
    report(ind.d, q2, 0)
    report(ind.d, q3, 1)
    report(ind.e, q1, 4)
    report(ind.e, q2, 6)
    B = ReportBreakdown
    for rep, category, value in ((a1, "F", 6), (a1, "M", 4), (a1n, "F", 5), (a2, "F", 12), (a3, "F", 25)):
        B.objects.create(report=rep, dimension=B.Dimension.SEX, category=category, value=value)
    return SimpleNamespace(plan=plan, indicators=ind, quarters=plan.quarters)

# --- meetings ------------------------------------------------------------------------------


@pytest.fixture
def meetings(db, cluster, hcr, nrc):
    """Two meetings of the cluster (3 May and 7 June 2017); the first has two open points and one done."""
    from meetings.models import ActionPoint, AgendaItem, Meeting

    may = Meeting.objects.create(cluster=cluster, date=datetime.date(2017, 5, 3), place="UNHCR Bamako")
    june = Meeting.objects.create(cluster=cluster, date=datetime.date(2017, 6, 7), place="UNHCR – Bamako",
                                  participants_count=31, chair="Matho Nianga DORE", co_facilitator=nrc)
    AgendaItem.objects.create(meeting=june, order=0, title="1. Validation du plan d'action",
                              discussion="Le plan d'action a été validé.", recommendations="Partager la version finale")
    share = ActionPoint.objects.create(meeting=may, order=0, what="Partager les rapports de monitoring",
                                       deadline=datetime.date(2017, 5, 20))
    share.owners.add(hcr)
    tdr = ActionPoint.objects.create(meeting=may, order=1, what="Relire les TDR", owner_people="Coordination",
                                     deadline=datetime.date(2017, 6, 30))
    done = ActionPoint.objects.create(meeting=may, order=2, what="Envoyer la liste", status=ActionPoint.Status.DONE,
                                      deadline=datetime.date(2017, 5, 10))
    return SimpleNamespace(may=may, june=june, share=share, tdr=tdr, done=done)

# --- security --------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _axes_off(settings):
    """Login throttling is off in tests by default (many tests log in and out); see ``axes_on``."""
    settings.AXES_ENABLED = False


@pytest.fixture
def axes_on(settings, db):
    """Turn django-axes' login throttling on for one test (the production settings otherwise)."""
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    AccessAttempt.objects.all().delete()
    return settings

# --- imports -----------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    """Uploaded workplan files go to a temporary private folder."""
    settings.IMPORT_ROOT = tmp_path / "imports"


# --- the demo, loaded once per module for tests that only read it ------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """``load_demo`` once for a whole test module, rolled back at its end.

    Only for tests that read: each test still runs in its own savepoint inside this outer
    transaction (pytest-django's ``db``), so what a test writes is undone, and the demo itself
    is undone after the module. Keep such tests in a module of their own.
    """
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    # The tests' fast hasher (``_media_in_tmp``), so that the demo passwords check in the tests.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        with transaction.atomic():
            call_command("load_demo", "--force", verbosity=0)
            yield
            transaction.set_rollback(True)


# --- background tasks (issue 17): tests run tasks at once, inside the test ---------------------


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
