from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0004_indicator_keeps_one_owner"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='indicator',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('activity__isnull', False), ('objective__isnull', True), ('result__isnull', True)), models.Q(('activity__isnull', True), ('objective__isnull', True), ('result__isnull', False)), models.Q(('activity__isnull', True), ('objective__isnull', False), ('result__isnull', True)), _connector='OR'), name='indicator_has_exactly_one_owner'),
        ),
    ]
