# ImportSession, moved from workplans (issue 15) onto its existing table ``workplans_importsession``
# (created by workplans 0004): the model enters imports' state, the database is not touched.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import clusterplan.lib.private_storage


def content_type_follows(apps, schema_editor):
    """Keep the admin permissions and any log entries of the model: its content type changes app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="imports", model="importsession").exists():
        ContentType.objects.using(db).filter(app_label="workplans", model="importsession").update(app_label="imports")


def content_type_returns(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="workplans", model="importsession").exists():
        ContentType.objects.using(db).filter(app_label="imports", model="importsession").update(app_label="workplans")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("workplans", "0007_importsession_moves_to_imports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportSession",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("file", models.FileField(storage=clusterplan.lib.private_storage.import_storage, upload_to="workplan-imports/%Y/%m/", verbose_name="file")),
                        ("original_name", models.CharField(max_length=255, verbose_name="file name")),
                        ("slug", models.SlugField(max_length=100, verbose_name="slug")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded at")),
                        ("committed_at", models.DateTimeField(blank=True, null=True, verbose_name="saved at")),
                        ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="uploaded by")),
                        ("workplan", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="import_sessions", to="workplans.workplan", verbose_name="workplan")),
                    ],
                    options={
                        "verbose_name": "import session",
                        "verbose_name_plural": "import sessions",
                        "ordering": ["-created_at"],
                        "db_table": "workplans_importsession",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_returns),
    ]
