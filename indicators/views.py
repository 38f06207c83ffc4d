from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from .models import Indicator, ProgressReport


def indicator_detail(request, pk):
    indicator = get_object_or_404(
        Indicator.objects.with_tree().prefetch_related(
            "activity__quarters",
            Prefetch(
                "reports",
                queryset=ProgressReport.objects.select_related("quarter", "organisation").order_by("quarter__ordinal"),
            ),
        ),
        pk=pk,
    )
    reports = list(indicator.reports.all())
    progress = indicator.progress(reports=reports)
    return render(
        request, "indicators/indicator_detail.html", {"indicator": indicator, "reports": reports, "progress": progress}
    )
