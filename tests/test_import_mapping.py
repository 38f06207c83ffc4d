"""The column-mapping step (issue 11): the preview lists every column, the admin changes meanings and
the header row; no header recognised opens the step; a confirmed mapping is saved and reapplied;
the upload asks which plan and proposes the plan of the same title."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from imports.models import ColumnMapping, ImportSession
from workplans.models import Activity, Workplan

UNKNOWN = b"Plan pilote 2021\nGoal;Task;KPI;Who\nProtect civilians;Train monitors;# trained;UNHCR\n"


def upload(client, data, **fields):
    return client.post(reverse("imports:import"), {"file": SimpleUploadedFile("plan.csv", data), **fields})


def mapping_post(columns, header_row=2):
    post = {"header_row": header_row}
    for k, (label, field) in enumerate(columns):
        post[f"label-{k}"], post[f"col-{k}"] = label, field
    return post


def test_no_header_opens_the_mapping_step_then_the_mapping_is_saved_and_reapplied(users, client_for):
    client = client_for(users.administrator)
    response = upload(client, UNKNOWN, slug="pilote")
    assert response.status_code == 302
    session = ImportSession.objects.get()
    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200 and 'name="col-0"' in body and "Train monitors" in body
    client.post(response.url, mapping_post([("Goal", "objective"), ("Task", "activity"), ("KPI", "indicator"),
                                            ("Who", "lead")]))
    preview = client.get(response.url)
    assert preview.status_code == 200 and "Train monitors" in preview.content.decode()
    client.post(reverse("imports:import_confirm", args=[session.pk]))
    assert Activity.objects.get().title == "Train monitors"
    saved = ColumnMapping.objects.get()
    assert saved.fields["task"] == "activity" and saved.header[:2] == ["Goal", "Task"]
    # the next file with the same header is read with the saved mapping at once
    upload(client, UNKNOWN.replace(b"Train monitors", b"Inform people"), slug="pilote-2")
    second = ImportSession.objects.latest("pk")
    assert second.options["columns"]["kpi"] == "indicator"
    assert "Inform people" in client.get(reverse("imports:import_preview", args=[second.pk])).content.decode()


def test_the_preview_lists_columns_and_a_changed_meaning_is_applied(users, client_for):
    client = client_for(users.administrator)
    data = "Activités;Indicateurs;Commentaires\nFormer;# formés;HCR\n".encode()
    response = upload(client, data, slug="p")
    body = client.get(response.url).content.decode()
    assert "Commentaires" in body and 'value="ignore" selected' in body
    client.post(response.url, mapping_post([("Activités", "activity"), ("Indicateurs", "indicator"),
                                            ("Commentaires", "lead")], header_row=1))
    session = ImportSession.objects.get()
    client.post(reverse("imports:import_confirm", args=[session.pk]))
    assert [a.actor.acronym for a in Activity.objects.get().actor_links.all()] == ["HCR"]


def test_mapping_post_needs_the_uploader(users, client_for):
    client = client_for(users.administrator)
    response = upload(client, UNKNOWN, slug="pilote")
    session = ImportSession.objects.get()
    other = client_for(users.coordinator)
    assert other.post(response.url, mapping_post([("Task", "activity")])).status_code in (403, 404)
    assert ImportSession.objects.get(pk=session.pk).options.get("columns") in (None, {})


def test_a_file_titled_like_an_existing_plan_is_proposed_as_its_update(users, client_for, cluster):
    Workplan.objects.create(slug="ehp", title="Plan pilote 2021", cluster=cluster)
    client = client_for(users.administrator)
    data = "Plan pilote 2021\nActivités;Indicateurs\nFormer;# formés\n".encode()
    response = upload(client, data)
    assert response.status_code == 200 and not ImportSession.objects.exists()
    assert 'value="ehp" selected' in response.content.decode()
    upload(client, data, same_title="on")
    assert ImportSession.objects.get().slug == "plan-pilote-2021"
    upload(client, data, target="ehp")
    assert ImportSession.objects.latest("pk").slug == "ehp"


def test_the_command_takes_a_mapping_header_row_and_sheet(db, tmp_path, capsys):
    path = tmp_path / "plan.csv"
    path.write_bytes(UNKNOWN)
    with pytest.raises(CommandError):
        call_command("import_workplan", str(path))
    call_command("import_workplan", str(path), "--slug", "pilote", "--map", "Goal=objective", "--map", "Task=activity",
                 "--map", "KPI=indicator", "--header-row", "2")
    assert Activity.objects.get().title == "Train monitors"
    with pytest.raises(CommandError):
        call_command("import_workplan", str(path), "--map", "Goal")
    with pytest.raises(CommandError):
        call_command("import_workplan", str(path), "--sheet", "Nope")
