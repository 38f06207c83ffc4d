"""The admin's import-export: every format offered reads back what it writes (xlsx included),
CSV files carry a byte-order mark and are neutralised, and the protective apostrophe never comes back."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterplan.lib.admin_formats import FORMATS
from indicators.models import Indicator, IndicatorTarget
from indicators.resources import IndicatorResource
from meetings.models import Contact
from meetings.resources import ContactResource
from workplans.models import Actor, ActorAlias, SubCluster
from workplans.resources import ActorResource


def round_trip(resource_class, file_format):
    """Export with the admin's format, read the file back, import it: (import result, file)."""
    fmt = file_format()
    dataset = resource_class().export()
    data = fmt.export_data(dataset)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    read = fmt.create_dataset(raw if fmt.is_binary() else raw.decode("utf-8"))
    return resource_class().import_data(read, dry_run=False, raise_errors=False), raw


@pytest.mark.parametrize("file_format", FORMATS, ids=lambda f: f.__name__)
def test_every_admin_offers_only_these_formats(file_format):
    for model in (Actor, Indicator, Contact):
        formats = admin.site._registry[model].get_export_formats()
        assert formats == admin.site._registry[model].get_import_formats() == FORMATS
    assert file_format().can_import() and file_format().can_export()


@pytest.mark.parametrize("file_format", FORMATS, ids=lambda f: f.__name__)
def test_contacts_round_trip(db, hcr, file_format):
    Contact.objects.create(name="=Awa Traoré", role="", organisation=hcr, region="", email="",
                           phone="+223 76 12 34 56", subcluster=SubCluster.objects.get(code="SCVBG"))
    Contact.objects.create(name="Ahmed Nounta", role="Officier", organisation=None, email="a@b.org", phone="")
    before = sorted(Contact.objects.values_list("name", "role", "organisation", "subcluster", "region", "email", "phone"))
    result, raw = round_trip(ContactResource, file_format)
    assert not result.has_errors() and not result.has_validation_errors(), [
        (r.errors, r.validation_error) for r in result.rows if r.errors or r.validation_error]
    after = sorted(Contact.objects.values_list("name", "role", "organisation", "subcluster", "region", "email", "phone"))
    assert after == before  # the phone is "+223 …", never "'+223 …"; empty cells are "" again
    if file_format.__name__ in ("CSV", "TSV"):
        assert raw.startswith(b"\xef\xbb\xbf") and b"'+223 76 12 34 56" in raw and b"'=Awa" in raw
    if file_format.__name__ == "XLSX":
        assert b"'+223" not in raw


@pytest.mark.parametrize("file_format", FORMATS, ids=lambda f: f.__name__)
def test_actors_round_trip(db, hcr, file_format):
    ActorAlias.objects.create(actor=hcr, name="UNHCR")
    Actor.objects.create(acronym="-ONG-", name="")
    before = sorted(Actor.objects.values_list("acronym", "name", "kind", "subcluster"))
    result, _raw = round_trip(ActorResource, file_format)
    assert not result.has_errors() and not result.has_validation_errors()
    assert sorted(Actor.objects.values_list("acronym", "name", "kind", "subcluster")) == before
    assert Actor.objects.match("UNHCR") == hcr


@pytest.mark.parametrize("file_format", FORMATS, ids=lambda f: f.__name__)
def test_indicators_round_trip(db, plan, file_format):
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de rapports",
                                         target=10, unit="", means_of_verification="")
    IndicatorTarget.objects.create(indicator=indicator, quarter=plan.quarters[0], value=Decimal("4.5"))
    Indicator.objects.create(workplan=plan.workplan, objective=plan.objective, text="+ de comités", code="", baseline=None)
    fields = ("id", "workplan", "activity", "code", "text", "kind", "unit", "baseline", "target", "means_of_verification")
    before = sorted(Indicator.objects.values_list(*fields))
    result, _raw = round_trip(IndicatorResource, file_format)
    assert not result.has_errors() and not result.has_validation_errors(), [
        (r.errors, r.validation_error) for r in result.rows if r.errors or r.validation_error]
    assert sorted(Indicator.objects.values_list(*fields)) == before
    assert [(t.quarter.code, t.value) for t in indicator.targets.select_related("quarter")] == [("2020-Q1", Decimal("4.5"))]


def test_admin_csv_export_has_a_bom_and_the_import_strips_the_apostrophe(client_for, users, hcr):
    client = client_for(users.administrator)
    Contact.objects.create(name="Awa", organisation=hcr, phone="+223 76 12 34 56")
    csv_index = str(FORMATS.index(next(f for f in FORMATS if f.__name__ == "CSV")))
    page = client.get(reverse("admin:meetings_contact_export"))
    assert page.status_code == 200
    fields = dict.fromkeys(re.findall(r'name="(contactresource_[a-z_]+)"', page.content.decode()), "on")
    exported = client.post(reverse("admin:meetings_contact_export"), {"format": csv_index, "resource": "0", **fields})
    assert exported.status_code == 200
    assert exported.content.startswith(b"\xef\xbb\xbf") and b"'+223 76 12 34 56" in exported.content
    Contact.objects.all().delete()
    url = reverse("admin:meetings_contact_import")
    preview = client.post(url, {"resource": "0", "format": csv_index,
                                "import_file": SimpleUploadedFile("contacts.csv", exported.content)})
    assert preview.status_code == 200
    hidden = dict(re.findall(r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"',
                             preview.content.decode()))
    done = client.post(reverse("admin:meetings_contact_process_import"), hidden)
    assert done.status_code == 302
    assert Contact.objects.get().phone == "+223 76 12 34 56"
