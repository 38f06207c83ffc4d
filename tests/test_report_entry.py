"""The progress entry page, the report workflow views, evidence upload and download:
happy path, wrong method (405), forbidden role (403), ids outside the user's scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import services
from indicators.models import Evidence, Indicator, ProgressReport
from workplans.models import Cluster, Workplan

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
State = ProgressReport.State


def entry_url(indicator, code="2020-Q1"):
    return reverse("indicators:report", args=[indicator.pk, code])


@pytest.fixture
def report(users, indicator, plan, hcr):
    return services.report_save(users.member, indicator, plan.quarters[0], hcr, value=10)


@pytest.fixture
def foreign(db, cluster, nrc):
    """An indicator in another cluster's workplan, on an activity NRC leads."""
    from workplans.models import Activity, ActivityActor, Objective

    other = Cluster.objects.create(code="CP-X", name="Autre cluster")
    wp = Workplan.objects.create(title="Autre", slug="autre", cluster=other)
    obj = Objective.objects.create(workplan=wp, title="O")
    act = Activity.objects.create(workplan=wp, objective=obj, title="A")
    ActivityActor.objects.create(activity=act, actor=nrc)
    return Indicator.objects.create(workplan=wp, activity=act, text="Indicateur étranger")


class TestEntryPage:
    def test_member_records_a_draft_then_submits(self, client_for, users, indicator, hcr):
        client = client_for(users.member)
        page = client.get(entry_url(indicator))
        assert page.status_code == 200 and "Enregistrer comme brouillon" in page.content.decode()
        response = client.post(entry_url(indicator), {"organisation": hcr.pk, "value": "12", "narrative": "Bien"})
        assert response.status_code == 302
        report = ProgressReport.objects.get()
        assert (report.value, report.state, report.created_by) == (12, State.DRAFT, users.member)
        response = client.post(entry_url(indicator), {"organisation": hcr.pk, "value": "13", "version": 1, "submit": "1"})
        report.refresh_from_db()
        assert (report.value, report.state, report.version) == (13, State.SUBMITTED, 3)

    def test_outsider_gets_403_with_a_message(self, client_for, users, indicator, nrc):
        client = client_for(users.outsider)
        response = client.get(entry_url(indicator))
        assert response.status_code == 403
        assert "organisation" in response.content.decode()
        assert client.post(entry_url(indicator), {"organisation": nrc.pk, "value": "1"}).status_code == 403
        assert not ProgressReport.objects.exists()

    def test_member_cannot_report_for_another_organisation(self, client_for, users, indicator, nrc):
        response = client_for(users.member).post(entry_url(indicator), {"organisation": nrc.pk, "value": "1"})
        assert response.status_code == 403
        assert not ProgressReport.objects.exists()

    def test_out_of_scope_indicator_id(self, client_for, users, foreign, nrc):
        assert client_for(users.member).get(entry_url(foreign)).status_code == 403
        assert client_for(users.coordinator).post(entry_url(foreign), {"organisation": nrc.pk, "value": "1"}).status_code == 403
        assert client_for(users.member).get(reverse("indicators:report", args=[99999, "2020-Q1"])).status_code == 404
        assert not ProgressReport.objects.exists()

    def test_wrong_method_is_405(self, client_for, users, indicator):
        assert client_for(users.member).put(entry_url(indicator)).status_code == 405

    def test_unknown_quarter_is_404(self, client_for, users, indicator):
        assert client_for(users.member).get(entry_url(indicator, "nope")).status_code == 404

    def test_conflict_is_409_and_shows_the_other_value(self, client_for, users, indicator, hcr, report):
        services.report_save(users.coordinator, indicator, report.quarter, hcr, value=77, version=1)
        response = client_for(users.member).post(entry_url(indicator), {"organisation": hcr.pk, "value": "11", "version": 1})
        assert response.status_code == 409
        body = response.content.decode()
        assert "77" in body and "Conflit" in body
        assert ProgressReport.objects.get().value == 77

    def test_disaggregation_error_says_which(self, client_for, users, indicator, hcr):
        indicator.disaggregate_sex = True
        indicator.save()
        response = client_for(users.member).post(
            entry_url(indicator), {"organisation": hcr.pk, "value": "10", "sex_F": "3", "sex_M": "4"}
        )
        assert response.status_code == 400
        assert "Par sexe" in response.content.decode()
        assert not ProgressReport.objects.exists()

    def test_closed_quarter_refuses_with_a_message(self, client_for, users, indicator, hcr, report, plan):
        services.quarter_close(users.coordinator, plan.workplan, plan.quarters[0], "revue")
        response = client_for(users.member).post(entry_url(indicator), {"organisation": hcr.pk, "value": "11", "version": 1})
        assert response.status_code == 409
        assert ProgressReport.objects.get().value == 10

    def test_coordinator_chooses_the_organisation(self, client_for, users, indicator, hcr):
        response = client_for(users.coordinator).get(entry_url(indicator))
        assert response.status_code == 200
        response = client_for(users.coordinator).post(entry_url(indicator), {"organisation": hcr.pk, "value": "5"})
        assert response.status_code == 302 and ProgressReport.objects.get().organisation == hcr


class TestWorkflowViews:
    @pytest.mark.parametrize("name", ["report_submit", "report_validate", "report_return", "evidence_upload"])
    def test_get_is_405(self, client_for, users, report, name):
        assert client_for(users.coordinator).get(reverse(f"indicators:{name}", args=[report.pk])).status_code == 405

    def test_submit_validate(self, client_for, users, report):
        client = client_for(users.member)
        assert client.post(reverse("indicators:report_submit", args=[report.pk])).status_code == 302
        report.refresh_from_db()
        assert report.state == State.SUBMITTED
        assert client.post(reverse("indicators:report_validate", args=[report.pk])).status_code == 403
        client = client_for(users.coordinator)
        assert client.post(reverse("indicators:report_validate", args=[report.pk])).status_code == 302
        report.refresh_from_db()
        assert report.state == State.VALIDATED

    def test_return_with_comment(self, client_for, users, report):
        services.report_submit(users.member, report)
        client = client_for(users.coordinator)
        client.post(reverse("indicators:report_return", args=[report.pk]), {"comment": ""})
        assert ProgressReport.objects.get().state == State.SUBMITTED
        client.post(reverse("indicators:report_return", args=[report.pk]), {"comment": "Source ?"})
        report.refresh_from_db()
        assert (report.state, report.review_comment) == (State.RETURNED, "Source ?")

    def test_outsider_is_403_on_every_write(self, client_for, users, report):
        client = client_for(users.outsider)
        for name in ["report_submit", "report_validate", "report_return"]:
            assert client.post(reverse(f"indicators:{name}", args=[report.pk]), {"comment": "x"}).status_code == 403
        upload = SimpleUploadedFile("a.pdf", PDF)
        assert client.post(reverse("indicators:evidence_upload", args=[report.pk]), {"file": upload}).status_code == 403
        assert ProgressReport.objects.get().state == State.DRAFT and not Evidence.objects.exists()

    def test_out_of_scope_report_ids(self, client_for, users, foreign, nrc, plan):
        other = services.report_save(users.administrator, foreign, plan.quarters[0], nrc, value=1)
        services.report_submit(users.administrator, other)
        for name in ["report_validate", "report_return"]:
            assert client_for(users.coordinator).post(reverse(f"indicators:{name}", args=[other.pk]), {"comment": "x"}).status_code == 403
        assert client_for(users.member).post(reverse("indicators:report_submit", args=[other.pk])).status_code == 403
        assert client_for(users.member).post(reverse("indicators:report_submit", args=[424242])).status_code == 404
        assert ProgressReport.objects.get(pk=other.pk).state == State.SUBMITTED


class TestEvidenceViews:
    def test_upload_then_download(self, client_for, users, report):
        client = client_for(users.member)
        response = client.post(reverse("indicators:evidence_upload", args=[report.pk]), {"file": SimpleUploadedFile("rapport.pdf", PDF)})
        assert response.status_code == 302
        evidence = Evidence.objects.get()
        response = client.get(reverse("indicators:evidence", args=[evidence.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"] and response["Content-Type"] == "application/pdf"

    def test_rejected_upload_says_why(self, client_for, users, report):
        client = client_for(users.member)
        response = client.post(reverse("indicators:evidence_upload", args=[report.pk]), {"file": SimpleUploadedFile("x.pdf", b"hello")}, follow=True)
        assert "pas accepté" in response.content.decode()
        assert not Evidence.objects.exists()

    def test_download_of_an_unvalidated_report_is_private(self, client_for, users, report):
        evidence = services.evidence_add(users.member, report, SimpleUploadedFile("a.pdf", PDF))
        url = reverse("indicators:evidence", args=[evidence.pk])
        assert client_for(users.outsider).get(url).status_code == 403
        assert client_for(users.coordinator).get(url).status_code == 200
        services.report_validate(users.coordinator, services.report_submit(users.member, report))
        assert client_for(users.outsider).get(url).status_code == 200

    def test_download_wrong_method_and_unknown_id(self, client_for, users, report):
        evidence = services.evidence_add(users.member, report, SimpleUploadedFile("a.pdf", PDF))
        assert client_for(users.member).post(reverse("indicators:evidence", args=[evidence.pk])).status_code == 405
        assert client_for(users.member).get(reverse("indicators:evidence", args=[9999])).status_code == 404

    def test_evidence_is_not_under_media(self, users, report, settings):
        evidence = services.evidence_add(users.member, report, SimpleUploadedFile("a.pdf", PDF))
        assert not str(evidence.file.path).startswith(str(settings.MEDIA_ROOT))
