# Issue 13: the ``q`` filter searches indicators' texts in place (``ActivityQuerySet.search``);
# ``Activity.search_text`` now holds the activity's own words only: recomputed here, once.
# PostgreSQL folds accents with the ``unaccent`` extension (a trusted extension since PG 13).

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


def own_words_only(apps, schema_editor):
    from workplans.text import fold

    Activity = apps.get_model("workplans", "Activity")
    batch = []
    for activity in Activity.objects.only("pk", "code", "title", "place", "search_text").iterator(chunk_size=2000):
        text = fold(" ".join([activity.code, activity.title, activity.place]))
        if text != activity.search_text:
            activity.search_text = text
            batch.append(activity)
        if len(batch) >= 2000:
            Activity.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Activity.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [("workplans", "0008_cluster_settings_and_plan_generation")]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(own_words_only, migrations.RunPython.noop),
    ]
