"""A double click is harmless (issue 11): a session is confirmed once, an old session cannot roll
the plan back, and two confirms at the same moment on PostgreSQL save the plan once."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from imports.models import ImportSession
from indicators.models import Indicator
from workplans.models import Activity, Workplan

PLAN = "\n".join(["Plan 2021", "Activités;Indicateurs;Lead;Période"]
                 + [f"Activité {k};# de sessions {k};HCR;T{k % 4 + 1} 2021" for k in range(40)]).encode()
SMALLER = "\n".join(["Plan 2021", "Activités;Indicateurs;Lead;Période"]
                    + [f"Activité {k};# de sessions {k};HCR;T1 2021" for k in range(10)]).encode()


def upload(client, data, slug="plan"):
    response = client.post(reverse("imports:import"), {"file": SimpleUploadedFile("plan.csv", data), "slug": slug})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportSession.objects.latest("pk")


def test_a_second_confirm_answers_already_saved_and_changes_nothing(users, client_for):
    client = client_for(users.administrator)
    session = upload(client, PLAN)
    client.post(reverse("imports:import_confirm", args=[session.pk]))
    assert Activity.objects.count() == 40
    saved_at = ImportSession.objects.get(pk=session.pk).committed_at
    response = client.post(reverse("imports:import_confirm", args=[session.pk]), follow=True)
    assert Activity.objects.count() == 40 and Indicator.objects.count() == 40
    assert ImportSession.objects.get(pk=session.pk).committed_at == saved_at
    assert "already saved" in response.content.decode() or "déjà été enregistré" in response.content.decode()


def test_an_old_session_cannot_roll_the_plan_back(users, client_for):
    client = client_for(users.administrator)
    old = upload(client, PLAN)
    client.post(reverse("imports:import_confirm", args=[old.pk]))
    stale = upload(client, PLAN)  # uploaded, never confirmed
    newer = upload(client, SMALLER)
    client.post(reverse("imports:import_confirm", args=[newer.pk]))
    assert Activity.objects.active().count() == 10
    for session in (old, stale):
        client.post(reverse("imports:import_confirm", args=[session.pk]))
        assert Activity.objects.active().count() == 10  # never rolled back to 40
    assert ImportSession.objects.get(pk=stale.pk).committed_at is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row and advisory locks: PostgreSQL only")
def test_two_confirms_at_the_same_moment_save_once(users):
    from django.db import close_old_connections

    from imports.parsing import parse_file
    from imports.services import SessionAlreadySaved, import_session_confirm

    session = ImportSession.objects.create(original_name="plan.csv", slug="plan", created_by=users.administrator)
    session.file.save("plan.csv", SimpleUploadedFile("plan.csv", PLAN))
    barrier, outcomes = threading.Barrier(2), []

    def confirm():
        try:
            mine = ImportSession.objects.get(pk=session.pk)
            barrier.wait()
            import_session_confirm(mine, users.administrator, lambda s: parse_file(s.read(), s.original_name))
            outcomes.append("saved")
        except SessionAlreadySaved:
            outcomes.append("already")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already", "saved"]
    assert Workplan.objects.count() == 1 and Activity.objects.count() == 40 and Indicator.objects.count() == 40


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row and advisory locks: PostgreSQL only")
def test_two_imports_of_one_slug_at_the_same_moment_give_no_duplicates(users):
    from imports.parsing import parse_file
    from imports.services import workplan_import_commit

    barrier, errors = threading.Barrier(2), []

    def commit():
        try:
            parsed = parse_file(PLAN, "plan.csv")
            barrier.wait()
            workplan_import_commit(parsed, slug="same")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=commit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Workplan.objects.filter(slug="same").count() == 1 and Activity.objects.count() == 40


def test_the_preview_of_a_reimport_names_each_changed_row_old_to_new(users, client_for):
    client = client_for(users.administrator)
    session = upload(client, PLAN)
    client.post(reverse("imports:import_confirm", args=[session.pk]))
    changed = PLAN.replace(b"T2 2021", b"T3 2021").replace(b"# de sessions 5;", b"# de sessions tenues 5;")
    second = upload(client, changed)
    body = client.get(reverse("imports:import_preview", args=[second.pk])).content.decode()
    assert "<td>period_text</td><td>T2 2021</td><td>T3 2021</td>" in body
    assert body.count("# de sessions 5<") >= 1  # a reworded indicator: the old one listed as archived
