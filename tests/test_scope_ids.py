"""Ids changed in URLs and forms are refused outside the user's scope (issue 7, hardening).

One table of cases for reports, indicators, evidence and imports: each request is made by a
signed-in user who may see the site but not that object, and must answer 403 or 404 — never
200, never a 500 — with nothing changed in the database or in storage.
"""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile

from imports.models import ImportSession
from indicators.models import Evidence, Indicator, ProgressReport

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scope(plan, users, hcr, nrc):
    """HCR's indicator with a submitted HCR report and its evidence; an import uploaded by another admin."""
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], code="I", text="# de missions", target=10)
    report = ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[0], organisation=hcr, value=4,
                                           state=ProgressReport.State.SUBMITTED, created_by=users.member)
    evidence = Evidence.objects.create(report=report, file=ContentFile(PDF, name="preuve.pdf"), original_name="preuve.pdf",
                                       content_type="application/pdf", size=len(PDF), uploaded_by=users.member)
    from django.contrib.auth import get_user_model

    other_admin = get_user_model().objects.create_user("other-admin", is_superuser=True, is_staff=True)
    upload = ImportSession.objects.create(file=ContentFile(b"not read", name="plan.xlsx"), original_name="plan.xlsx",
                                          slug="plan-x", created_by=other_admin)
    return SimpleNamespace(indicator=indicator, report=report, evidence=evidence, upload=upload, nrc=nrc)


def state(scope):
    report = ProgressReport.objects.get(pk=scope.report.pk)
    return (report.value, report.state, report.version, ProgressReport.objects.count(), Evidence.objects.count(),
            ImportSession.objects.filter(committed_at__isnull=False).count())


CASES = [
    # (who, method, url template, data, expected statuses)
    ("outsider", "get", "/indicators/{indicator}/report/2020-Q1/", {}, {403}),
    ("outsider", "post", "/indicators/{indicator}/report/2020-Q1/", {"value": "9", "narrative": "x"}, {403}),
    ("member", "post", "/indicators/{indicator}/report/2020-Q1/", {"organisation": "{nrc}", "value": "9", "narrative": "x"}, {403}),
    ("member", "get", "/indicators/999999/report/2020-Q1/", {}, {404}),
    ("outsider", "post", "/reports/{report}/submit/", {}, {403}),
    ("member", "post", "/reports/{report}/validate/", {}, {403}),
    ("outsider", "post", "/reports/{report}/return/", {"comment": "non"}, {403}),
    ("outsider", "post", "/reports/{report}/evidence/", {}, {403}),
    ("coordinator", "post", "/reports/999999/validate/", {}, {404}),
    ("outsider", "get", "/evidence/{evidence}/", {}, {403}),
    ("member", "get", "/evidence/999999/", {}, {404}),
    ("coordinator", "get", "/imports/{upload}/", {}, {403}),
    ("member", "post", "/imports/{upload}/confirm/", {}, {403}),
    ("administrator", "get", "/imports/{upload}/", {}, {404}),  # another administrator's upload
    ("administrator", "post", "/imports/{upload}/confirm/", {}, {404}),
    ("administrator", "get", "/imports/{upload}/annotated.xlsx", {}, {404}),
]


@pytest.mark.parametrize("who,method,url,data,expected", CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_an_id_outside_the_users_scope_is_refused(client_for, users, scope, who, method, url, data, expected):
    ids = {"indicator": scope.indicator.pk, "report": scope.report.pk, "evidence": scope.evidence.pk,
           "upload": scope.upload.pk, "nrc": scope.nrc.pk}
    url = url.format(**ids)
    data = {key: value.format(**ids) for key, value in data.items()}
    client = client_for(getattr(users, who))
    before = state(scope)
    response = getattr(client, method)(url, data)
    assert response.status_code in expected, (url, response.status_code)
    assert state(scope) == before
    if response.status_code == 403:
        # The site's page with a message in the user's language (French by default), not a bare status.
        assert "<h1>Action non autorisée</h1>" in response.content.decode()


def test_the_same_requests_succeed_inside_the_scope(client_for, users, scope):
    """The cases above fail for the scope, not for a broken URL: the right users get through."""
    member, coordinator = client_for(users.member), None
    assert member.get(f"/indicators/{scope.indicator.pk}/report/2020-Q1/").status_code == 200
    assert member.get(f"/evidence/{scope.evidence.pk}/").status_code == 200
    coordinator = client_for(users.coordinator)
    assert coordinator.post(f"/reports/{scope.report.pk}/validate/", {"version": scope.report.version}).status_code in (200, 302)
    assert ProgressReport.objects.get(pk=scope.report.pk).state == ProgressReport.State.VALIDATED
