"""Mali's regions and cercles: places are data (editable in the admin afterwards)."""

from django.db import migrations

MALI = {
    "Kayes": ["Bafoulabé", "Diéma", "Kayes", "Kéniéba", "Kita", "Nioro du Sahel", "Yélimané"],
    "Koulikoro": ["Banamba", "Dioïla", "Kangaba", "Kati", "Kolokani", "Koulikoro", "Nara"],
    "Sikasso": ["Bougouni", "Kadiolo", "Kolondiéba", "Koutiala", "Sikasso", "Yanfolila", "Yorosso"],
    "Ségou": ["Barouéli", "Bla", "Macina", "Niono", "San", "Ségou", "Tominian"],
    "Mopti": ["Bandiagara", "Bankass", "Djenné", "Douentza", "Koro", "Mopti", "Ténenkou", "Youwarou"],
    "Tombouctou": ["Diré", "Goundam", "Gourma-Rharous", "Niafunké", "Tombouctou"],
    "Gao": ["Ansongo", "Bourem", "Gao"],
    "Kidal": ["Abeïbara", "Kidal", "Tessalit", "Tin-Essako"],
    "Ménaka": ["Andéramboukane", "Inékar", "Ménaka", "Tidermène"],
    "Taoudénit": ["Achouratt", "Al-Ourche", "Arawane", "Boujbeha", "Foum-Alba", "Taoudénit"],
    "Bamako": ["Bamako"],
}


def create(apps, schema_editor):
    Location = apps.get_model("indicators", "Location")
    mali, _ = Location.objects.get_or_create(name="Mali", kind="country", defaults={"pcode": "ML"})
    for region_name, cercles in MALI.items():
        region, _ = Location.objects.get_or_create(name=region_name, kind="region", defaults={"parent": mali})
        for cercle in cercles:
            Location.objects.get_or_create(name=cercle, kind="cercle", defaults={"parent": region})


def remove(apps, schema_editor):
    Location = apps.get_model("indicators", "Location")
    names = [c for cercles in MALI.values() for c in cercles]
    Location.objects.filter(kind="cercle", name__in=names).delete()
    Location.objects.filter(kind="region", name__in=list(MALI)).delete()
    Location.objects.filter(kind="country", name="Mali").delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_evidence_private_storage_and_reopen_reason")]

    operations = [migrations.RunPython(create, remove)]
