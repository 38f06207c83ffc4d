"""Issue 13: drafts stay private. Before validation a report, its history and its evidence are seen
only by its organisation, the coordinators in scope and administrators; after, by everyone signed
in. One rule (indicators.permissions: ``can_see_report_details`` / ``visible_reports``), used by
every page, export and download that shows a report."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import services
from indicators.models import ProgressReport
from indicators.permissions import can_see_report_details
from workplans.models import ActivityActor

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET_VALUE = 4242
SECRET_NARRATIVE = "Narratif-brouillon-confidentiel"
SECRET_COMMENT = "Commentaire-de-retour-confidentiel"


@pytest.fixture
def drafts(plan, indicator, hcr, nrc, users):
    """HCR's draft (with evidence) and HCR's returned report on an activity NRC shares."""
    ActivityActor.objects.create(activity=plan.activities[0], actor=nrc, role=ActivityActor.Role.SUPPORT)
    draft = services.report_save(users.member, indicator, plan.quarters[1], hcr, value=SECRET_VALUE,
                                 narrative=SECRET_NARRATIVE)
    evidence = services.evidence_add(users.member, draft, SimpleUploadedFile("preuve.pdf", PDF))
    returned = services.report_submit(users.member, services.report_save(users.member, indicator, plan.quarters[2], hcr,
                                                                        value=7))
    returned = services.report_return(users.coordinator, returned, SECRET_COMMENT)
    submitted = services.report_submit(users.member, services.report_save(users.member, indicator, plan.quarters[3],
                                                                         hcr, value=8))
    return {"draft": draft, "evidence": evidence, "returned": returned, "submitted": submitted}


def who_sees(users):
    return {"administrator": True, "coordinator": True, "member": True, "outsider": False}


@pytest.mark.parametrize("role", ["administrator", "coordinator", "member", "outsider"])
def test_the_rule_and_the_queryset_agree(users, drafts, role):
    user = getattr(users, role)
    reports = ProgressReport.objects.select_related("indicator__workplan", "indicator__activity")
    visible = set(ProgressReport.objects.visible_to(user).values_list("pk", flat=True))
    for report in reports:
        assert can_see_report_details(user, report) == (report.pk in visible)
        assert (report.pk in visible) == who_sees(users)[role]


def test_anonymous_sees_nothing(drafts):
    from django.contrib.auth.models import AnonymousUser

    assert not ProgressReport.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize("role", ["administrator", "coordinator", "member", "outsider"])
def test_indicator_page(client_for, users, indicator, drafts, role):
    response = client_for(getattr(users, role)).get(indicator.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    sees = who_sees(users)[role]
    if not sees:
        assert SECRET_NARRATIVE not in body and SECRET_COMMENT not in body and "preuve.pdf" not in body
        assert str(SECRET_VALUE) not in body.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        assert response.context["reports"] == []
        assert response.context["history"] == []
        assert response.context["evidence"] == []
    else:
        assert SECRET_NARRATIVE in body and SECRET_COMMENT in body and "preuve.pdf" in body
        assert {r.pk for r in response.context["reports"]} == {drafts[k].pk for k in ("draft", "returned", "submitted")}
        assert response.context["history"]


@pytest.mark.parametrize("role", ["administrator", "coordinator", "member", "outsider"])
def test_evidence_download(client_for, users, drafts, role):
    response = client_for(getattr(users, role)).get(reverse("indicators:evidence", args=[drafts["evidence"].pk]))
    assert response.status_code == (200 if who_sees(users)[role] else 403)


@pytest.mark.parametrize("role", ["administrator", "coordinator", "member", "outsider"])
def test_report_page(client_for, users, indicator, plan, hcr, drafts, role):
    url = reverse("indicators:report", args=[indicator.pk, plan.quarters[1].code]) + f"?organisation={hcr.pk}"
    response = client_for(getattr(users, role)).get(url)
    if who_sees(users)[role]:
        assert response.status_code == 200 and SECRET_NARRATIVE in response.content.decode()
    else:
        assert response.status_code == 403
        assert SECRET_NARRATIVE not in response.content.decode()


def _xlsx_text(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return " ".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                    for cell in row if cell is not None)


@pytest.mark.parametrize("role", ["administrator", "coordinator", "member", "outsider"])
def test_performance_workbook_change_log(client_for, users, drafts, role):
    response = client_for(getattr(users, role)).get(reverse("reports:performance_xlsx", args=["plan-test"]))
    assert response.status_code == 200
    text = _xlsx_text(response)
    assert ("4242" in text) == who_sees(users)[role]


@pytest.mark.parametrize("role", ["administrator", "coordinator", "member", "outsider"])
def test_plan_dashboard_awaiting_list(client_for, users, drafts, role):
    response = client_for(getattr(users, role)).get(reverse("reports:dashboard", args=["plan-test"]))
    assert response.status_code == 200
    listed = [r.pk for r in response.context["dash"].awaiting]
    assert listed == ([drafts["submitted"].pk] if who_sees(users)[role] else [])


def test_home_lists_are_scoped(client_for, users, drafts):
    outsider = client_for(users.outsider).get(reverse("reports:home")).context
    assert outsider["to_review"] == [] and outsider["returned"] == []


def test_once_validated_everyone_signed_in_sees_it(client_for, users, indicator, drafts, plan, hcr):
    report = drafts["submitted"]
    services.report_validate(users.coordinator, report)
    client = client_for(users.outsider)
    response = client.get(indicator.get_absolute_url())
    assert report.pk in {r.pk for r in response.context["reports"]}
    assert any(row["record"].id == report.pk for row in response.context["history"])
    assert drafts["draft"].pk not in {r.pk for r in response.context["reports"]}
