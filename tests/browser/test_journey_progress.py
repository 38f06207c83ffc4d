"""Journey 2: a coordinator records a quarter of progress with disaggregation and an evidence
file, then validates the report a member submitted."""

import pytest

from indicators.models import Evidence, Indicator, ProgressReport
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def indicators(plan):
    first = plan.activities[0]  # HCR leads it: the member may report on it
    people = Indicator.objects.create(
        workplan=plan.workplan, activity=first, code="1.1.1a", text="# de personnes sensibilisées",
        target=200, disaggregate_sex=True, disaggregate_age=True, order=1,
    )
    missions = Indicator.objects.create(
        workplan=plan.workplan, activity=first, code="1.1.1b", text="Missions de monitoring conduites",
        target=12, order=2,
    )
    return people, missions


def test_coordinator_records_progress_then_validates_a_members_report(page, chromium, live_server, login, users,
                                                                       indicators, tmp_path, screenshot_dir):
    people, missions = indicators

    # The member (HCR) submits a report on the second indicator, in their own browser.
    member_context = chromium.new_context(locale="fr-FR", base_url=live_server.url)
    member = member_context.new_page()
    member.goto("/accounts/login/")
    member.fill("#id_username", users.member.username)
    member.fill("#id_password", PASSWORD)
    member.click("main form button[type=submit]")
    member.wait_for_load_state()
    member.goto(f"/indicators/{missions.pk}/report/2020-Q1/")
    member.fill("#id_value", "3")
    member.fill("#id_narrative", "Trois missions à Gao et Ménaka.")
    member.click("button[name=submit]")
    member.wait_for_load_state()
    member.screenshot(path=str(screenshot_dir / "test_journey2-membre-soumis.png"), full_page=True)
    member_context.close()
    submitted = ProgressReport.objects.get(indicator=missions)
    assert submitted.state == ProgressReport.State.SUBMITTED and submitted.value == 3

    # The coordinator records 2020-Q1 on the first indicator, with sex and age.
    login(users.coordinator.username, PASSWORD)
    page.goto(people.get_absolute_url())
    page.shot("indicateur")
    page.goto(f"/indicators/{people.pk}/report/2020-Q1/")
    page.fill("#id_value", "120")
    page.fill("#id_narrative", "Sessions dans les sites de déplacés de Mopti.")
    page.fill("#id_sex_F", "70")
    page.fill("#id_sex_M", "40")  # 70 + 40 ≠ 120: refused with a message naming the dimension
    page.fill("#id_age_lt18", "50")
    page.fill("#id_age_ge18", "70")
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() >= 1
    assert not ProgressReport.objects.filter(indicator=people).exists()
    page.shot("erreur-ventilation")

    page.fill("#id_sex_M", "50")
    page.click("button[name=save]")
    page.wait_for_load_state()
    report = ProgressReport.objects.get(indicator=people)
    assert report.value == 120 and report.state == ProgressReport.State.DRAFT
    parts = {(b.dimension, b.category): b.value for b in report.breakdowns.all()}
    assert parts[("sex", "F")] == 70 and parts[("sex", "M")] == 50
    assert parts[("age", "lt18")] == 50 and parts[("age", "ge18")] == 70

    evidence = tmp_path / "liste-de-presence.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("input[type=file][name=file]", str(evidence))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_load_state()
    stored = Evidence.objects.get(report=report)
    assert stored.original_name == "liste-de-presence.pdf"
    assert page.locator(f"a[href='/evidence/{stored.pk}/']").is_visible()
    page.shot("preuve")

    page.click(f"form[action='/reports/{report.pk}/submit/'] button")
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.state == ProgressReport.State.SUBMITTED

    # The member's report waits on the coordinator's dashboard; the coordinator validates it.
    page.goto("/")
    page.click(f"a[href^='/indicators/{missions.pk}/report/2020-Q1/']")
    page.wait_for_load_state()
    page.shot("a-valider")
    page.click(f"form[action='/reports/{submitted.pk}/validate/'] button")
    page.wait_for_load_state()
    submitted.refresh_from_db()
    assert submitted.state == ProgressReport.State.VALIDATED
    assert submitted.reviewed_by == users.coordinator
    page.shot("valide")
