"""scale_data builds the benchmark data set; a tiny run checks its shape and idempotence."""

from django.core.management import call_command

from indicators.models import Indicator, ProgressReport
from workplans.models import Activity, Workplan


def test_scale_data_shape(db):
    call_command("scale_data", workplans=2, activities=3)
    call_command("scale_data", workplans=2, activities=3)  # replaces, does not add
    assert Workplan.objects.filter(slug__startswith="scale-").count() == 2
    assert Activity.objects.filter(workplan__slug__startswith="scale-").count() == 6
    assert Indicator.objects.filter(workplan__slug__startswith="scale-").count() == 6
    assert ProgressReport.objects.count() == 6 * 12
    assert ProgressReport.objects.filter(state="validated").count() >= 6 * 11
    assert Activity.objects.search("formation").exists() or Activity.objects.search("monitoring").exists()
