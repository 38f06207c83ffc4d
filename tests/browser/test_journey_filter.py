"""Journey 3: a member filters activities by SCVBG and 2021-Q2, opens an indicator, exports the list."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings

from imports.parsing import parse_file
from imports.services import workplan_import_commit
from tests.conftest import PASSWORD
from workplans.models import Activity, Quarter, SubCluster

pytestmark = pytest.mark.django_db(transaction=True)

WORKBOOK = Path(settings.BASE_DIR) / "fixtures" / "workplans" / "plan-mise-en-oeuvre-cp-2020-2022.xlsx"


@pytest.fixture
def imported_plan(db):
    return workplan_import_commit(parse_file(WORKBOOK.read_bytes(), WORKBOOK.name), slug="plan-cp").workplan


def test_member_filters_opens_an_indicator_and_exports(page, login, users, imported_plan):
    scvbg = SubCluster.objects.get(code="SCVBG")
    expected = set(
        Activity.objects.filter(workplan=imported_plan, archived_at__isnull=True)
        .for_subcluster(scvbg).in_quarter(Quarter.objects.get(year=2021, number=2))
        .values_list("code", flat=True)
    )
    assert expected, "the seed plan has SCVBG activities in 2021-Q2"

    login(users.member.username, PASSWORD)
    page.goto("/")
    page.click("nav a[href='/activities/']")
    page.wait_for_load_state()
    total = Activity.objects.filter(archived_at__isnull=True).count()
    assert str(total) in page.inner_text(".count")
    page.fill("#id_subcluster", "SCVBG")
    page.fill("#id_quarter", "2021-Q2")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "subcluster=SCVBG" in page.url and "quarter=2021-Q2" in page.url  # the filters live in the URL
    assert page.inner_text(".count").split()[0] == str(len(expected))
    shown = set(page.locator("main table tbody tr td:first-child .code").all_inner_texts())
    assert shown == expected
    page.shot("filtre-scvbg-2021-q2")

    # Open the first indicator listed.
    indicator_link = page.locator("main table tbody a[href^='/indicators/']").first
    indicator_text = indicator_link.inner_text().rstrip("…").strip()
    indicator_link.click()
    page.wait_for_load_state()
    assert "/indicators/" in page.url
    assert indicator_text[:30] in page.inner_text("main")
    page.shot("indicateur")
    page.go_back()
    page.wait_for_load_state()

    # Export the filtered list as CSV: the same activities.
    with page.expect_download() as download_info:
        page.click("a[href^='/activities/export.csv']")
    download = download_info.value
    content = Path(download.path()).read_bytes().decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(content.splitlines()[0], delimiters=",;")
    rows = list(csv.reader(io.StringIO(content), dialect))
    assert len(rows) - 1 == len(expected)
    page.shot("apres-export")
