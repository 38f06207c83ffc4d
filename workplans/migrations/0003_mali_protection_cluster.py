"""The Mali Protection Cluster, its sub-clusters and thematic groups, and their aliases (seed 004).

The workplans spell the same bodies many ways; the aliases below are the spellings found in
the three seed plans. They are ordinary data, editable in the admin.
"""

import re
import unicodedata

from django.db import migrations

STRUCTURE = [
    # code, name, kind, aliases
    ("CP", "Cluster Protection", "cluster", ["Cluster Protection", "Coordination du CP", "Coordination Cluster Protection", "Protection Cluster"]),
    ("SCVBG", "Sous-Cluster Violences basées sur le Genre", "subcluster", ["SGBV", "SC VBG", "Sous cluster VSG", "Sous-cluster VBG", "SCVSG", "GBV"]),
    ("SCPE", "Sous-Cluster Protection de l'enfance", "subcluster", ["SC PE", "Sous cluster PE", "CPSC", "Child Protection"]),
    ("GT-LAMH", "Groupe thématique Lutte antimine humanitaire", "working_group", ["GT-LHAM", "GTLHAM", "LHAM", "LAMH", "GT LAMH"]),
    ("GT-LTPRN", "Groupe thématique Logement, Terres, Propriété, et Ressources Naturelles", "working_group", ["LTPRN", "GT LTP", "HLP"]),
    ("CMP", "Commission Mouvement de Populations", "commission", ["Commission Mouvements de Populations", "CMP Mali"]),
    ("GT-CS", "Groupe thématique Cohésion Sociale", "working_group", ["GT cohésion sociale", "CT cohésion sociale", "GT CS"]),
    ("GT-DOC", "Groupe thématique Documentation Civile", "working_group", ["GT documentation civile", "GT DOC", "Documentation civile"]),
]


def normalize(text):
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^0-9a-z]+", "", text)


def create_structure(apps, schema_editor):
    Cluster = apps.get_model("workplans", "Cluster")
    SubCluster = apps.get_model("workplans", "SubCluster")
    SubClusterAlias = apps.get_model("workplans", "SubClusterAlias")
    Actor = apps.get_model("workplans", "Actor")
    ActorAlias = apps.get_model("workplans", "ActorAlias")
    cluster, _ = Cluster.objects.get_or_create(
        code="CP-MLI", defaults={"name": "Cluster Protection Mali", "country": "Mali"}
    )
    for order, (code, name, kind, aliases) in enumerate(STRUCTURE):
        sub, _ = SubCluster.objects.get_or_create(
            code=code,
            defaults={"cluster": cluster, "name": name, "kind": kind, "order": order, "normalized_code": normalize(code)},
        )
        actor, _ = Actor.objects.get_or_create(
            acronym=code,
            defaults={"name": name, "kind": "cluster_body", "subcluster": sub, "normalized_code": normalize(code)},
        )
        for alias in [name, *aliases]:
            key = normalize(alias)
            if key != normalize(code) and not SubClusterAlias.objects.filter(normalized=key).exists():
                SubClusterAlias.objects.create(subcluster=sub, name=alias, normalized=key)
            if key != normalize(code) and not ActorAlias.objects.filter(normalized=key).exists():
                ActorAlias.objects.create(actor=actor, name=alias, normalized=key)


class Migration(migrations.Migration):
    dependencies = [("workplans", "0002_create_role_groups")]
    operations = [migrations.RunPython(create_structure, migrations.RunPython.noop)]
