from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from indicators.models import rollup_status

from .models import Workplan
from .tree import workplan_tree


def home(request):
    workplans = (
        Workplan.objects.select_related("cluster")
        .annotate(
            objective_count=Count("objectives", distinct=True),
            activity_count=Count("activities", filter=Q(activities__archived_at__isnull=True), distinct=True),
            indicator_count=Count("indicators", filter=Q(indicators__archived_at__isnull=True), distinct=True),
        )
        .order_by("-start_date", "title")
    )
    return render(request, "workplans/home.html", {"workplans": workplans})


def workplan_detail(request, slug):
    workplan = get_object_or_404(Workplan.objects.select_related("cluster"), slug=slug)
    tree = workplan_tree(workplan)
    status = rollup_status([node.status for node in tree])
    return render(request, "workplans/workplan_detail.html", {"workplan": workplan, "tree": tree, "status": status})
