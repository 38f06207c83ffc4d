"""The import pages: upload → preview → confirm; administrators only; dry run writes nothing."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportSession
from indicators.models import Indicator, ProgressReport
from workplans.models import Activity, Quarter, Workplan

WORKBOOKS = Path(settings.BASE_DIR) / "fixtures" / "workplans"
EHP = WORKBOOKS / "strategie-protection-ehp-2020-2022.xlsx"


def upload(client, path=EHP, slug="ehp", name=None):
    data = path.read_bytes() if isinstance(path, Path) else path
    file = SimpleUploadedFile(name or getattr(path, "name", "plan.xlsx"), data)
    return client.post(reverse("imports:import"), {"file": file, "slug": slug})


def test_upload_preview_confirm(users, client_for, django_assert_max_num_queries):
    client = client_for(users.administrator)
    assert client.get(reverse("imports:import")).status_code == 200
    response = upload(client)
    assert response.status_code == 302
    session = ImportSession.objects.get()
    assert not Workplan.objects.filter(slug="ehp").exists()  # uploading writes no plan
    with django_assert_max_num_queries(20):  # 14: the session, the snapshot (the plan is new), proposals
        preview = client.get(response.url)
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "25" in body and "54" in body and "PRÉVENIR ET FAIRE CESSER" in body
    assert not Workplan.objects.filter(slug="ehp").exists()  # the preview is a dry run
    assert not Activity.objects.exists()
    done = client.post(reverse("imports:import_confirm", args=[session.pk]))
    assert done.status_code == 302 and done.url == "/workplans/ehp/"
    assert Activity.objects.filter(workplan__slug="ehp").count() == 25
    assert Indicator.objects.filter(workplan__slug="ehp").count() == 54
    session.refresh_from_db()
    assert session.committed_at and session.workplan.slug == "ehp"


def test_the_file_is_stored_privately(users, client_for):
    client = client_for(users.administrator)
    upload(client)
    session = ImportSession.objects.get()
    stored = Path(session.file.path)
    assert stored.is_file() and Path(settings.IMPORT_ROOT) in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    with pytest.raises(ValueError):
        _ = session.file.url


def test_confirm_needs_post(users, client_for):
    client = client_for(users.administrator)
    upload(client)
    session = ImportSession.objects.get()
    assert client.get(reverse("imports:import_confirm", args=[session.pk])).status_code == 405
    assert not Activity.objects.exists()
    assert client.put(reverse("imports:import")).status_code == 405


@pytest.mark.parametrize("role", ["coordinator", "member", "outsider"])
def test_only_administrators(users, client_for, role):
    admin_client = client_for(users.administrator)
    upload(admin_client)
    session = ImportSession.objects.get()
    client = client_for(getattr(users, role))
    assert client.get(reverse("imports:import")).status_code == 403
    assert upload(client).status_code == 403
    assert client.get(reverse("imports:import_preview", args=[session.pk])).status_code == 403
    assert client.post(reverse("imports:import_confirm", args=[session.pk])).status_code == 403
    assert client.get(reverse("imports:import_template")).status_code == 403
    assert not Activity.objects.exists()


def test_another_administrators_upload_is_not_found(users, client_for):
    from django.contrib.auth.models import Group

    client = client_for(users.administrator)
    upload(client)
    session = ImportSession.objects.get()
    other = users.coordinator
    other.groups.add(Group.objects.get(name="Administrators"))
    client = client_for(other)
    assert client.get(reverse("imports:import_preview", args=[session.pk])).status_code == 404
    assert client.post(reverse("imports:import_confirm", args=[session.pk])).status_code == 404
    assert client.get(reverse("imports:import_preview", args=[session.pk + 100])).status_code == 404


def test_bad_file_gets_a_message_and_nothing_is_stored(users, client_for):
    client = client_for(users.administrator)
    response = upload(client, b"not a workbook at all\x00\x01", name="plan.xlsx")
    assert response.status_code == 400
    assert "truncated" in response.content.decode() or "tronqu" in response.content.decode()
    assert not ImportSession.objects.exists() and not Workplan.objects.exists()


def test_reimport_keeps_identity_and_progress(users, client_for, hcr):
    client = client_for(users.administrator)
    upload(client)
    client.post(reverse("imports:import_confirm", args=[ImportSession.objects.get().pk]))
    indicator = Indicator.objects.get(text__startswith="Un forum est organisé")
    activity = indicator.activity
    report = ProgressReport.objects.create(
        indicator=indicator, quarter=Quarter.objects.get(year=2020, number=3), organisation=hcr, value=1)
    # a new version: one activity renamed away, one added; the rest untouched
    workbook = openpyxl.load_workbook(EHP)
    sheet = workbook.active
    removed = sheet["B24"].value
    sheet["B24"] = "Une activité toute nouvelle"
    out = io.BytesIO()
    workbook.save(out)
    upload(client, out.getvalue(), name="ehp-v2.xlsx")
    session = ImportSession.objects.latest("id")
    preview = client.get(reverse("imports:import_preview", args=[session.pk])).content.decode()
    assert "Une activité toute nouvelle" in preview
    client.post(reverse("imports:import_confirm", args=[session.pk]))
    indicator.refresh_from_db()
    activity.refresh_from_db()
    assert indicator.archived_at is None and activity.archived_at is None
    assert ProgressReport.objects.get(pk=report.pk).indicator_id == indicator.pk
    old = Activity.objects.get(title=removed)
    assert old.archived_at is not None  # archived, not deleted
    assert Activity.objects.active().filter(workplan__slug="ehp").count() == 25
    assert Activity.objects.filter(title="Une activité toute nouvelle", archived_at__isnull=True).exists()


def test_template_and_annotated_workbook(users, client_for):
    client = client_for(users.administrator)
    template = client.get(reverse("imports:import_template"))
    assert template.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    headers = [c.value for c in workbook["Plan"][3]]
    assert "Activités" in headers and "Type d'indicateur" in headers
    assert workbook["Plan"].data_validations.dataValidation
    upload(client, WORKBOOKS / "plan-mise-en-oeuvre-cp-2020-2022.xlsx", slug="pmo")
    session = ImportSession.objects.get()
    annotated = client.get(reverse("imports:import_annotated", args=[session.pk]))
    assert annotated.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(annotated.content)).active
    assert sheet["C7"].comment is not None and "2" in sheet["C7"].comment.text
    assert sheet["C7"].fill.fgColor.rgb.endswith("FFFF9C")
    assert sheet["B7"].comment is None
