"""IMPORT_MAX_BYTES is the upload cap: the page, the command and the reader refuse a larger file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from imports.models import ImportSession
from imports.parsing import WorkplanImportError, parse_file
from workplans.models import Workplan

MB = 1024 * 1024


@pytest.fixture
def cap(settings):
    settings.IMPORT_MAX_BYTES = MB
    return MB


def csv_of(size):
    """A readable CSV plan padded to ``size`` bytes (the cap is checked before it is read)."""
    head = "Objectif;Activité\nO1;A1\n".encode()
    return head + b"\n" * (size - len(head))


def test_the_page_refuses_a_file_over_the_cap(users, client_for, cap):
    client = client_for(users.administrator)
    with translation.override("en"):
        response = client.post(reverse("imports:import"), {
            "file": SimpleUploadedFile("plan.csv", csv_of(cap + 1)), "slug": "big"}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "The file is too large (1.0 MB; at most 1 MB)." in body
    assert not ImportSession.objects.exists() and not Workplan.objects.exists()


def test_the_page_says_it_in_french(users, client_for, cap):
    client = client_for(users.administrator)
    response = client.post(reverse("imports:import"), {
        "file": SimpleUploadedFile("plan.csv", csv_of(cap + 1)), "slug": "big"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Le fichier est trop volumineux (1.0 Mo ; au plus 1 Mo)." in response.content.decode()
    assert not ImportSession.objects.exists()


def test_a_file_at_the_cap_is_accepted(users, client_for, cap):
    client = client_for(users.administrator)
    response = client.post(reverse("imports:import"), {
        "file": SimpleUploadedFile("plan.csv", csv_of(cap)), "slug": "big"})
    assert response.status_code == 302
    assert ImportSession.objects.count() == 1


def test_the_cap_follows_the_setting(users, client_for, settings):
    """A raised cap lets through what the default would let through too; a lowered one refuses it."""
    client = client_for(users.administrator)
    settings.IMPORT_MAX_BYTES = 100
    response = client.post(reverse("imports:import"), {
        "file": SimpleUploadedFile("plan.csv", csv_of(200)), "slug": "small"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "too large" in response.content.decode() and not ImportSession.objects.exists()


def test_the_command_refuses_a_file_over_the_cap(db, tmp_path, cap):
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_of(cap + 1))
    with translation.override("en"), pytest.raises(CommandError, match=r"plan\.csv: The file is too large"):
        call_command("import_workplan", str(path), "--slug", "big")
    assert not Workplan.objects.exists()


def test_the_reader_refuses_bytes_over_the_cap(cap):
    with translation.override("en"), pytest.raises(WorkplanImportError, match="too large"):
        parse_file(csv_of(cap + 1), "plan.csv")
    assert parse_file(csv_of(cap), "plan.csv").counts()["activities"] == 1
