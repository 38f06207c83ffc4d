"""Journey 1: an administrator uploads the implementation plan, reads the preview, confirms, finds the plan."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PASSWORD
from workplans.models import Activity, Workplan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WORKBOOK = Path(settings.BASE_DIR) / "fixtures" / "workplans" / "plan-mise-en-oeuvre-cp-2020-2022.xlsx"


def count_cell(page, row_index):
    return page.locator("table.imp-counts tbody tr").nth(row_index).locator("td").inner_text().strip()


def test_admin_imports_a_workplan_through_the_preview(page, login, users):
    login(users.administrator.username, PASSWORD)
    page.goto("/")
    page.click("nav a[href='/imports/new/']")
    page.wait_for_load_state()
    page.shot("formulaire")

    page.set_input_files("main form input[type=file]", str(WORKBOOK))
    page.click("main form.import-form button[type=submit]")
    page.wait_for_load_state()
    assert "/imports/" in page.url and page.url.rstrip("/").split("/")[-1].isdigit(), page.url
    # The preview shows the coordinator's hand counts (issue 3) before anything is saved.
    assert count_cell(page, 0) == "4"      # objectives
    assert count_cell(page, 2) == "15"     # expected results
    assert count_cell(page, 3) == "34"     # activities
    assert count_cell(page, 4) == "34"     # indicators
    assert not Workplan.objects.exists(), "the preview must not write anything"
    page.shot("apercu")

    page.click("form.imp-confirm button[type=submit]")
    page.wait_for_load_state()
    workplan = Workplan.objects.get()
    assert page.url.endswith(workplan.get_absolute_url())
    assert Activity.objects.filter(workplan=workplan).count() == 34
    page.shot("plan-enregistre")

    # The plan is found from the dashboard.
    page.goto("/")
    page.click(f"main a[href='{workplan.get_absolute_url()}']")
    page.wait_for_load_state()
    assert page.url.endswith(workplan.get_absolute_url())
    assert workplan.title in page.inner_text("h1")
    page.shot("plan-trouve")
