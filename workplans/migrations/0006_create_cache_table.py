"""The database cache's table (plan statuses, …), created by ``migrate`` itself.

``make migrate`` (``manage.py migrate_locked``) also runs ``createcachetable``; this migration makes a
plain ``manage.py migrate`` enough. ``createcachetable`` skips a table that exists and does
nothing when the cache is Redis.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("workplans", "0005_import_files_follow_storage_url")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
