"""Issue 12: the preview lists new organisations and indicator rules; the administrator decides before confirming."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportSession
from indicators.models import Indicator
from workplans.models import Activity, Actor

PLAN_2019 = Path(settings.BASE_DIR) / "fixtures" / "workplans" / "plan-de-travail-2019.xlsx"
PLAN_2020 = Path(settings.BASE_DIR) / "fixtures" / "workplans" / "plan-mise-en-oeuvre-cp-2020-2022.xlsx"

pytestmark = pytest.mark.django_db


def upload(client, path=PLAN_2019, slug="p2019"):
    file = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(reverse("imports:import"), {"file": file, "slug": slug})
    assert response.status_code == 302
    return ImportSession.objects.latest("pk")


def rows(response):
    return {row["name"]: row for row in response.context["organisation_rows"]}


def test_the_preview_lists_new_organisations_with_a_suggestion(users, client_for, django_assert_max_num_queries):
    Actor.objects.create(acronym="HSL-Mali", name="HSL")  # what "HSL" probably is
    client = client_for(users.administrator)
    session = upload(client)
    with django_assert_max_num_queries(70):
        preview = client.get(reverse("imports:import_preview", args=[session.pk]))
    found = rows(preview)
    assert set(found) == {"AFSEJIA", "Brexit protection", "CRT", "HSL", "OIFAM", "ONAR"}
    assert found["HSL"]["suggestion"].acronym == "HSL-Mali" and found["HSL"]["action"] == "map"
    assert found["AFSEJIA"]["suggestion"] is None and found["AFSEJIA"]["action"] == "accept"
    body = preview.content.decode()
    assert 'name="org-0-action"' in body and "Brexit protection" in body


def test_decisions_map_drop_accept_and_correct_an_indicator(users, client_for):
    hsl = Actor.objects.create(acronym="HSL-Mali")
    client = client_for(users.administrator)
    session = upload(client)
    preview = client.get(reverse("imports:import_preview", args=[session.pk]))
    names = [row["name"] for row in preview.context["organisation_rows"]]
    data = {}
    for n, name in enumerate(names):
        data[f"org-{n}-action"] = {"HSL": "map", "Brexit protection": "drop"}.get(name, "accept")
        data[f"org-{n}-actor"] = str(hsl.pk) if name == "HSL" else ""
    sessions = next(r for r in preview.context["indicator_rows"] if r["text"].startswith("24 sessions de sensibilisation"))
    assert sessions["aggregation"] == "sum" and not sessions["sex"]
    data[f"ind-{sessions['index']}-aggregation"] = "latest"
    data[f"ind-{sessions['index']}-sex"] = "1"
    response = client.post(reverse("imports:import_decisions", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.decisions["organisations"]["Brexit protection"]["action"] == "drop"
    # the preview shows the choices kept
    again = client.get(reverse("imports:import_preview", args=[session.pk]))
    assert rows(again)["HSL"]["actor_id"] == hsl.pk
    client.post(reverse("imports:import_confirm", args=[session.pk]))
    assert not Actor.objects.filter(acronym__in=["HSL", "Brexit protection"]).exists()
    assert Actor.objects.filter(acronym="AFSEJIA").exists()
    assert Activity.objects.filter(actor_links__actor=hsl).count() == 3
    indicator = Indicator.objects.get(text__startswith="24 sessions de sensibilisation")
    assert indicator.aggregation == "latest" and indicator.disaggregate_sex
    untouched = Indicator.objects.get(text__startswith="Nombre de personnes touchées")
    assert untouched.aggregation == "sum"


def test_a_map_without_organisation_is_refused_and_nothing_stored(users, client_for):
    client = client_for(users.administrator)
    session = upload(client)
    response = client.post(reverse("imports:import_decisions", args=[session.pk]),
                           {"org-0-action": "map", "org-0-actor": "999999"}, follow=True)
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.decisions == {}
    assert any("existing organisation" in str(m) or "organisation existante" in str(m) for m in response.context["messages"])


def test_the_plan_note_is_proposed_for_indicators_not_counting_people(users, client_for):
    client = client_for(users.administrator)
    session = upload(client, PLAN_2020, "p2020")
    preview = client.get(reverse("imports:import_preview", args=[session.pk]))
    by_text = {r["text"]: r for r in preview.context["indicator_rows"]}
    people = by_text["# de personnes ayant participé aux séances de sensibilisation (désagrégées par sexe, et par cercle)"]
    assert (people["sex"], people["age"], people["cercle"], people["proposed"]) == (True, True, True, [])
    reports = by_text["36 rapports mensuels de monitoring de protection partagés"]
    assert not reports["sex"] and reports["proposed"] == ["age", "cercle", "sex"]


def test_decisions_need_post(users, client_for):
    client = client_for(users.administrator)
    session = upload(client)
    assert client.get(reverse("imports:import_decisions", args=[session.pk])).status_code == 405


@pytest.mark.parametrize("role", ["coordinator", "member", "outsider"])
def test_decisions_are_for_administrators(users, client_for, role):
    session = upload(client_for(users.administrator))
    response = client_for(getattr(users, role)).post(reverse("imports:import_decisions", args=[session.pk]),
                                                     {"org-0-action": "drop"})
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.decisions == {}


def test_another_administrators_session_is_not_found(users, client_for):
    session = upload(client_for(users.administrator))
    other = users.coordinator
    other.groups.add(Group.objects.get(name="Administrators"))
    client = client_for(other)
    assert client.post(reverse("imports:import_decisions", args=[session.pk]), {}).status_code == 404
    assert client.post(reverse("imports:import_decisions", args=[session.pk + 100]), {}).status_code == 404
