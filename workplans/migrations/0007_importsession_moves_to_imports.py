# ImportSession moves to the ``imports`` app (issue 15). Its table ``workplans_importsession``
# stays where it is: this migration only forgets the model in workplans' state;
# imports 0001 declares it again, on the same table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("workplans", "0006_create_cache_table")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ImportSession")],
            database_operations=[],
        ),
    ]
