"""Writes across models of the workplans layer: merging two organisations."""

from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import ActivityActor, Actor, ActorAlias, bump_everything
from .text import normalize_name


class ActorMergeError(Exception):
    """A merge that would lose something (two reports of the same indicator and quarter…)."""


def actor_relations():
    """Every foreign key pointing at ``Actor`` (from any app, through tables of many-to-many included).

    Read from the model's relations (``_meta``), so this layer imports no upper app.
    """
    return [
        rel for rel in Actor._meta.get_fields(include_hidden=True)
        if rel.is_relation and rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
    ]


def _is_link(model):
    """A row that only links two things: a duplicate of it can be dropped without losing anything."""
    return model._meta.auto_created or model is ActivityActor


def _move(rel, other, keep):
    """Point every row of ``rel`` from ``other`` to ``keep``; ``(moved, dropped duplicates)``."""
    model, name = rel.related_model, rel.field.name
    rows = model._base_manager.filter(**{name: other})
    try:
        with transaction.atomic():
            return rows.update(**{name: keep}), 0
    except IntegrityError:
        pass
    moved = dropped = 0
    for row in list(rows):
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=row.pk).update(**{name: keep})
            moved += 1
        except IntegrityError:
            if not _is_link(model):
                raise ActorMergeError(
                    _("%(keep)s and %(other)s both have a %(what)s for the same item (%(row)s): settle it first.")
                    % {"keep": keep, "other": other, "what": model._meta.verbose_name, "row": row}
                ) from None
            if model is ActivityActor and row.role_note:
                kept = ActivityActor.objects.get(activity_id=row.activity_id, actor=keep, role=row.role)
                notes = [n for n in (kept.role_note, row.role_note) if n]
                kept.role_note = "; ".join(dict.fromkeys(notes))[:200]
                kept.save(update_fields=["role_note"])
            row.delete()
            dropped += 1
    return moved, dropped


@transaction.atomic
def actor_merge(keep, others, user=None):
    """Merge ``others`` into ``keep``: every row pointing at them moves to ``keep``; their names
    become aliases of ``keep``; blanks of ``keep`` (full names, sub-cluster, kind) are filled from
    them; then they are deleted. Logged in the admin's history. Returns ``{model: rows moved}``.

    Raises ``ActorMergeError`` (and changes nothing) when a move would lose something.
    """
    totals = {}
    others = [o for o in others if o.pk != keep.pk]
    actor_type = ContentType.objects.get_for_model(Actor)
    for other in others:
        for rel in actor_relations():
            moved, dropped = _move(rel, other, keep)
            if moved or dropped:
                model = rel.related_model
                totals[model] = totals.get(model, 0) + moved + dropped
        for field in ("name", "name_en"):
            if not getattr(keep, field) and getattr(other, field):
                setattr(keep, field, getattr(other, field))
        if keep.kind == Actor.Kind.OTHER:
            keep.kind = other.kind
        keep.subcluster_id = keep.subcluster_id or other.subcluster_id
        other_pk, other_repr = other.pk, str(other)
        other.delete()
        key = normalize_name(other_repr)
        if key and key != keep.normalized_code and not ActorAlias.objects.filter(normalized=key).exists():
            ActorAlias.objects.create(actor=keep, name=other_repr)
        if user is not None:
            LogEntry.objects.create(
                user_id=user.pk, content_type=actor_type, object_id=str(other_pk), object_repr=other_repr[:200],
                action_flag=DELETION, change_message=_("Merged into %(keep)s.") % {"keep": keep},
            )
    keep.save()
    bump_everything()  # reports and links moved by update(): every plan's statuses and pages are rebuilt
    if user is not None and others:
        moved = describe_moves(totals) or _("nothing to move")
        LogEntry.objects.create(
            user_id=user.pk, content_type=actor_type, object_id=str(keep.pk), object_repr=str(keep)[:200],
            action_flag=CHANGE, change_message=_("Merged %(others)s into this organisation (%(moved)s).")
            % {"others": ", ".join(str(o) for o in others), "moved": moved},
        )
    return totals


def describe_moves(totals):
    """``{model: count}`` → "progress reports: 2, contacts: 1" (translated names)."""
    return ", ".join(f"{model._meta.verbose_name_plural}: {count}" for model, count in
                     sorted(totals.items(), key=lambda item: item[0]._meta.label))
