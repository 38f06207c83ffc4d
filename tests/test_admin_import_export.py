"""Admin import/export of flat lists: actors with aliases, indicators with targets (with the confirm step)."""

import re
from decimal import Decimal

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterplan.lib import admin_formats
from indicators.models import Indicator, IndicatorTarget
from indicators.resources import IndicatorResource
from workplans.models import Actor, ActorAlias
from workplans.resources import ActorResource


def test_actor_export_has_aliases_and_its_csv_is_neutralised(db, hcr):
    ActorAlias.objects.create(actor=hcr, name="UNHCR")
    Actor.objects.create(acronym="=cmd|' /C calc'!A0")
    data = ActorResource().export()
    row = next(r for r in data.dict if r["acronym"] == "HCR")
    assert row["aliases"] == "UNHCR"
    assert any(r["acronym"] == "=cmd|' /C calc'!A0" for r in data.dict)  # the data as it is …
    text = admin_formats.CSV().export_data(data)
    assert text.startswith("\ufeff") and "'=cmd|' /C calc'!A0" in text  # … neutralised where a formula can run


def test_actor_import_creates_and_updates_aliases(db, hcr):
    dataset = tablib.Dataset(headers=["acronym", "name", "kind", "subcluster", "aliases"])
    dataset.append(["HCR", "Haut-Commissariat", "un_agency", "", "UNHCR; H.C.R."])
    dataset.append(["AMSS", "Association malienne pour la survie au Sahel", "ngo", "", "A.M.S.S"])
    result = ActorResource().import_data(dataset, dry_run=True)
    assert not result.has_errors()
    assert not Actor.objects.filter(acronym="AMSS").exists()  # the dry run (the preview) writes nothing
    result = ActorResource().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    assert Actor.objects.match("U.N.H.C.R") == hcr
    assert Actor.objects.match("amss").name.startswith("Association")
    dataset[0] = ["HCR", "Haut-Commissariat", "un_agency", "", "UNHCR"]
    ActorResource().import_data(dataset, dry_run=False)
    assert list(hcr.aliases.values_list("name", flat=True)) == ["UNHCR"]


def test_indicator_round_trip_with_quarterly_targets(db, plan):
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de rapports", target=10)
    IndicatorTarget.objects.create(indicator=indicator, quarter=plan.quarters[0], value=4)
    data = IndicatorResource().export()
    row = data.dict[0]
    assert row["quarterly_targets"] == "2020-Q1: 4" and row["workplan"] == "plan-test"
    dataset = tablib.Dataset(headers=list(row))
    row.update({"target": "12", "quarterly_targets": "2020-Q1: 5; 2020-Q2: 7"})
    dataset.append(list(row.values()))
    result = IndicatorResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    indicator.refresh_from_db()
    assert indicator.target == Decimal("12")
    assert sorted((t.quarter.code, t.value) for t in indicator.targets.select_related("quarter")) == [
        ("2020-Q1", Decimal("5")), ("2020-Q2", Decimal("7"))]


def test_indicator_import_with_a_bad_target_is_reported_and_writes_nothing(db, plan):
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de rapports", target=10)
    dataset = tablib.Dataset(headers=["id", "workplan", "activity", "text", "target", "quarterly_targets"])
    dataset.append([indicator.pk, "plan-test", plan.activities[0].pk, "# de rapports", "20", "2020-Q9: x"])
    result = IndicatorResource().import_data(dataset, dry_run=False, raise_errors=False)
    assert result.has_errors() or result.has_validation_errors()
    indicator.refresh_from_db()
    assert indicator.target == Decimal("10")


def test_admin_actor_import_with_its_confirm_step(client_for, users):
    client = client_for(users.administrator)
    url = reverse("admin:workplans_actor_import")
    page = client.get(url)
    assert page.status_code == 200
    csv = b"acronym,name,kind,subcluster,aliases\nAMSS,Association malienne,ngo,,Ass. malienne survie Sahel\n"
    formats = re.findall(r'<option value="(\d+)"[^>]*>\s*csv', page.content.decode())
    preview = client.post(url, {"resource": "0", "format": formats[0] if formats else "0",
                                "import_file": SimpleUploadedFile("actors.csv", csv)})
    assert preview.status_code == 200
    assert not Actor.objects.filter(acronym="AMSS").exists()  # the confirm step comes first
    body = preview.content.decode()
    hidden = dict(re.findall(r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"', body))
    assert "import_file_name" in hidden
    done = client.post(reverse("admin:workplans_actor_process_import"), hidden)
    assert done.status_code == 302
    assert Actor.objects.get(acronym="AMSS").aliases.get().name == "Ass. malienne survie Sahel"


def test_admin_import_is_for_administrators_only(client_for, users):
    assert client_for(users.member).get(reverse("admin:workplans_actor_import")).status_code == 302
