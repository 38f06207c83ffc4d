"""Contacts: the list page, and import/export through the django-import-export resource."""

import tablib
from django.urls import reverse

from clusterplan.lib import admin_formats
from meetings.models import Contact
from meetings.resources import ContactResource
from workplans.models import ActorAlias, SubCluster


def _dataset(*rows):
    return tablib.Dataset(*rows, headers=["name", "role", "organisation", "subcluster", "region", "email", "phone"])


def test_import_matches_organisation_and_subcluster_by_alias(db, hcr, nrc):
    ActorAlias.objects.create(actor=hcr, name="UNHCR")
    data = _dataset(
        ["Marie-Emilie Dozin", "Coordinatrice", "unhcr", "CP", "", "dozin@unhcr.org", ""],
        ["Nadia Elise Gateka", "Co-coordinatrice", "NRC", "Cluster Protection", "", "nadia.gateka@nrc.no", ""],
        ["Christ-Nathalie Mbondji-Kenat", "Associé Cluster Protection-Gao", "UNHCR", "", "Gao", "mbondji@unhcr.org", ""],
    )
    result = ContactResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    dozin = Contact.objects.get(name="Marie-Emilie Dozin")
    assert (dozin.organisation, dozin.subcluster.code) == (hcr, "CP")
    assert Contact.objects.get(email="nadia.gateka@nrc.no").organisation == nrc
    assert Contact.objects.get(region="Gao").subcluster is None


def test_reimport_updates_by_email_instead_of_duplicating(db, hcr):
    Contact.objects.create(name="M. Keita", email="keitama@unhcr.org", organisation=hcr)
    data = _dataset(["Makan Keita", "Assistant Gestionnaire de l'Information", "HCR", "", "", "KEITAMA@unhcr.org", "+223 1"])
    result = ContactResource().import_data(data, dry_run=False)
    assert not result.has_errors()
    assert Contact.objects.count() == 1
    assert Contact.objects.get().name == "Makan Keita"


def test_unknown_organisation_is_a_row_error_and_nothing_is_imported(db, hcr):
    data = _dataset(
        ["A", "", "HCR", "", "", "", ""],
        ["B", "", "Organisation inconnue", "", "", "", ""],
    )
    result = ContactResource().import_data(data, dry_run=False, use_transactions=True, rollback_on_validation_errors=True)
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "Organisation inconnue" in str(invalid.error_dict["organisation"])
    assert not Contact.objects.exists()


def test_admin_import_reports_the_unknown_organisation(client_for, users, hcr):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = "name,role,organisation,subcluster,region,email,phone\nX,,ONG inconnue,,,,\n"
    upload = SimpleUploadedFile("contacts.csv", content.encode(), content_type="text/csv")
    response = client_for(users.administrator).post(
        reverse("admin:meetings_contact_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert "ONG inconnue" in response.content.decode()
    assert not Contact.objects.exists()


def test_export_gives_acronyms_codes_and_guards_formulas(db, hcr):
    Contact.objects.create(name="=HYPERLINK(1)", role="Coordinatrice", organisation=hcr,
                           subcluster=SubCluster.objects.get(code="SCVBG"), email="a@b.org", phone="+223 20 29 05 16")
    dataset = ContactResource().export()
    assert dataset.headers == ["name", "role", "organisation", "subcluster", "region", "email", "phone"]
    assert dataset[0] == ("=HYPERLINK(1)", "Coordinatrice", "HCR", "SCVBG", "", "a@b.org", "+223 20 29 05 16")
    text = admin_formats.CSV().export_data(dataset)  # guarded where a formula can run: the CSV file
    assert "'=HYPERLINK(1)" in text and "'+223 20 29 05 16" in text


def test_export_then_import_round_trips(db, hcr):
    Contact.objects.create(name="Ahmed Nounta", role="Officier", organisation=hcr, region="Tombouctou", email="nounta@unhcr.org")
    dataset = ContactResource().export()
    Contact.objects.all().delete()
    result = ContactResource().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    contact = Contact.objects.get()
    assert (contact.name, contact.organisation, contact.region) == ("Ahmed Nounta", hcr, "Tombouctou")


def test_admin_import_shows_a_confirm_step(client_for, users, hcr):
    client = client_for(users.administrator)
    content = "name,role,organisation,subcluster,region,email,phone\nSiaka Sanogo,Assistant,HCR,,,sanogos@unhcr.org,\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("contacts.csv", content.encode(), content_type="text/csv")
    response = client.post(reverse("admin:meetings_contact_import"), {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Siaka Sanogo" in body and 'name="import_file_name"' in body  # the preview, with its confirm form
    assert not Contact.objects.exists()  # nothing stored before the confirm step
    confirm = {name: response.context["confirm_form"][name].value() for name in response.context["confirm_form"].fields}
    response = client.post(reverse("admin:meetings_contact_process_import"), confirm)
    assert response.status_code == 302
    assert Contact.objects.get().organisation == hcr


def test_admin_export_is_available(client_for, users, hcr):
    Contact.objects.create(name="Makan Keita", organisation=hcr)
    response = client_for(users.administrator).get(reverse("admin:meetings_contact_export"))
    assert response.status_code == 200


def test_contact_list_for_members(client_for, users, hcr, django_assert_num_queries):
    for i in range(15):
        Contact.objects.create(name=f"Contact {i}", organisation=hcr, subcluster=SubCluster.objects.get(code="SCPE"),
                               email=f"c{i}@example.org")
    client = client_for(users.member)
    with django_assert_num_queries(5):  # +1: the unread notifications in the navigation bar
        response = client.get(reverse("meetings:contacts"))
    assert response.status_code == 200
    assert "c14@example.org" in response.content.decode()
    assert client.post(reverse("meetings:contacts")).status_code == 405


def test_contacts_need_a_login(client, db):
    response = client.get(reverse("meetings:contacts"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
