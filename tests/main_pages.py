"""The main pages of issue 16 on the demo data (``load_demo``), shared by the weight, validator
and browser (390 px, axe) tests."""

from django.core.management import call_command

DEMO_PLAN = "plan-mise-en-oeuvre-cp-2020-2022"


def demo_load(settings):
    """Load the demo (its known passwords need DEBUG on); return (plan, its first indicator)."""
    from indicators.models import Indicator
    from workplans.models import Workplan

    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    plan = Workplan.objects.get(slug=DEMO_PLAN)
    return plan, Indicator.objects.filter(workplan=plan).order_by("pk").first()


def main_pages(plan, indicator):
    """(name, url) of every main page."""
    return [
        ("dashboard", "/"),
        ("activities", "/activities/"),
        ("activities-filtered", "/activities/?subcluster=SCVBG&quarter=2021-Q2"),
        ("indicator", f"/indicators/{indicator.pk}/"),
        ("progress-entry", f"/indicators/{indicator.pk}/report/2021-Q2/"),
        ("plan-tree", f"/workplans/{plan.slug}/"),
        ("quarter-grid", f"/workplans/{plan.slug}/quarters/2021-Q2/"),
        ("performance", f"/reports/{plan.slug}/performance/"),
        ("plan-dashboard", f"/reports/{plan.slug}/dashboard/"),
        ("meeting-new", "/meetings/new/"),
    ]
