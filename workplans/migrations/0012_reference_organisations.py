"""The reference list of organisations (``workplans.reference``): acronyms, full names, kinds, aliases.

An organisation already present (by acronym or alias) keeps its acronym; an empty full name or
an "other" kind is filled in; missing aliases are added. Editable in the admin afterwards.
"""

import re
import unicodedata

from django.db import migrations


def normalize(text):
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^0-9a-z]+", "", text)


def load_reference(apps, schema_editor):
    from workplans.reference import CLUSTER_BODY_NEW_ALIASES, ORGANISATIONS

    Actor = apps.get_model("workplans", "Actor")
    ActorAlias = apps.get_model("workplans", "ActorAlias")

    def find(names):
        keys = [normalize(n) for n in names]
        actor = Actor.objects.filter(normalized_code__in=keys).first()
        if actor is None:
            alias = ActorAlias.objects.filter(normalized__in=keys).select_related("actor").first()
            actor = alias.actor if alias else None
        return actor

    def add_aliases(actor, aliases):
        for alias in aliases:
            key = normalize(alias)
            if key and key != actor.normalized_code and not ActorAlias.objects.filter(normalized=key).exists() \
                    and not Actor.objects.filter(normalized_code=key).exists():
                ActorAlias.objects.create(actor=actor, name=alias, normalized=key)

    for acronym, name_fr, name_en, kind, aliases in ORGANISATIONS:
        actor = find([acronym, *aliases])
        if actor is None:
            actor = Actor.objects.create(acronym=acronym, normalized_code=normalize(acronym), name=name_fr,
                                         name_en=name_en, kind=kind)
        else:
            actor.name = actor.name or name_fr
            actor.name_en = actor.name_en or name_en
            if actor.kind == "other":
                actor.kind = kind
            actor.save()
        add_aliases(actor, [a for a in [acronym, *aliases] if normalize(a) != actor.normalized_code])
    for code, aliases in CLUSTER_BODY_NEW_ALIASES.items():
        actor = Actor.objects.filter(normalized_code=normalize(code)).first()
        if actor:
            add_aliases(actor, aliases)


class Migration(migrations.Migration):
    dependencies = [("workplans", "0011_actor_name_en_and_red_cross")]
    operations = [migrations.RunPython(load_reference, migrations.RunPython.noop)]
