"""Demo data: the three seed workplans, loaded through the importer."""

from pathlib import Path

from django.conf import settings
from django.db import transaction

from workplans.models import Cluster

from .parsing import parse_file
from .services import workplan_import_commit

WORKBOOKS = Path(settings.BASE_DIR) / "fixtures" / "workplans"
DEMO_TITLES = {
    "plan-de-travail-2019": "Plan de travail du cluster 2019",
    "plan-mise-en-oeuvre-cp-2020-2022": "Plan de mise en œuvre et de suivi de la stratégie du Cluster Protection 2020-2022",
    "strategie-protection-ehp-2020-2022": "Stratégie de protection de l'EHP - plan de travail 2020-2022",
}


@transaction.atomic
def demo_workplans_load():
    """Load the three seed workplans from fixtures/workplans/*.xlsx through the importer; idempotent."""
    cluster = Cluster.objects.get(code="CP-MLI")
    loaded = []
    for path in sorted(WORKBOOKS.glob("*.xlsx")):
        parsed = parse_file(path.read_bytes(), path.name)
        summary = workplan_import_commit(parsed, slug=path.stem, title=DEMO_TITLES.get(path.stem), cluster=cluster)
        loaded.append(summary.workplan)
    return loaded
