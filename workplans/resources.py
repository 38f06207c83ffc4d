"""Flat lists imported and exported from the admin (django-import-export, with its confirm step)."""

import re

from import_export import fields, resources, widgets

from clusterplan.lib.admin_formats import RoundTripMixin
from clusterplan.lib.numbers import NumberError, parse_decimal

from .models import Actor, ActorAlias, SubCluster
from .text import normalize_name

ALIAS_SEPARATOR = re.compile(r"\s*[;|\n]\s*")


class RoundTripResource(RoundTripMixin, resources.ModelResource):
    """Reads back what the admin's formats write (``clusterplan.lib.admin_formats``: CSV cells are
    neutralised by the CSV format, and the protective apostrophe is removed here on import)."""


class ActorResource(RoundTripResource):
    """Actors by acronym, with their aliases as one ``;``-separated cell."""

    subcluster = fields.Field(
        attribute="subcluster", column_name="subcluster", widget=widgets.ForeignKeyWidget(SubCluster, field="code")
    )
    aliases = fields.Field(column_name="aliases")

    class Meta:
        model = Actor
        import_id_fields = ["acronym"]
        fields = ["acronym", "name", "kind", "subcluster", "aliases"]
        export_order = ["acronym", "name", "kind", "subcluster", "aliases"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return Actor.objects.select_related("subcluster").prefetch_related("aliases")

    def dehydrate_aliases(self, actor):
        return "; ".join(alias.name for alias in actor.aliases.all())

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "aliases":
            return  # saved after the actor, below
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        wanted = {normalize_name(n) for n in ALIAS_SEPARATOR.split(row.get("aliases") or "") if n.strip()}
        if original and original.pk and wanted != set(original.aliases.values_list("normalized", flat=True)):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run") and not instance.pk:
            return
        names = [n for n in ALIAS_SEPARATOR.split(row.get("aliases") or "") if n.strip()]
        wanted = {}
        for name in names:
            key = normalize_name(name)
            if key and key != instance.normalized_code:
                wanted.setdefault(key, name.strip()[:300])
        instance.aliases.exclude(normalized__in=list(wanted)).delete()
        existing = set(ActorAlias.objects.filter(normalized__in=list(wanted)).values_list("normalized", flat=True))
        ActorAlias.objects.bulk_create(
            [ActorAlias(actor=instance, name=name, normalized=key) for key, name in wanted.items() if key not in existing]
        )


def parse_targets(text):
    """``"2020-Q3: 10; 2021-Q1: 5"`` → ``{(2020, 3): Decimal(10), …}``; ``ValueError`` on a bad item."""
    from .models import Quarter

    targets = {}
    for item in re.split(r"\s*[;\n]\s*", text or ""):
        if not item.strip():
            continue
        code, _sep, value = item.partition(":")
        pair = Quarter.parse_code(code)
        try:
            number = parse_decimal(value) if value.strip() else None
        except NumberError:
            number = None
        if pair is None or number is None:
            raise ValueError(f"« {item} » : attendu « 2020-Q3: 10 »")
        targets[pair] = number
    return targets
