"""The import summary in words: for the command and the preview page."""

from django.utils.translation import gettext as _


def summary_lines(parsed, summary=None):
    counts = parsed.counts()
    lines = [
        _("Title: %(title)s") % {"title": parsed.title or "-"},
        _("Objectives: %(objectives)d (axes: %(axes)d, general objectives: %(general)d)") % counts,
        _("Expected results: %(results)d") % counts,
        _("Activities: %(activities)d") % counts,
        _("Indicators: %(indicators)d") % counts,
    ]
    if parsed.start:
        lines.append(_("Period: %(start)s to %(end)s") % {
            "start": "{}-Q{}".format(*parsed.start), "end": "{}-Q{}".format(*parsed.end)})
    if parsed.unknown_columns:
        lines.append(_("Columns ignored: %(columns)s") % {"columns": ", ".join(parsed.unknown_columns)})
    if parsed.notes:
        lines.append(_("Notes kept: %(n)d") % {"n": len(parsed.notes)})
    lines.append(_("Warnings: %(n)d") % {"n": len(parsed.warnings)})
    lines.extend(f"  - {warning}" for warning in parsed.warnings)
    if summary is not None:
        verb = _("Would create") if summary.dry_run else _("Created")
        lines.append(_("%(verb)s: %(objectives)d objectives, %(results)d results, %(activities)d activities, "
                       "%(indicators)d indicators") % {"verb": verb, **summary.created})
        verb = _("Would update") if summary.dry_run else _("Updated")
        lines.append(_("%(verb)s: %(objectives)d objectives, %(results)d results, %(activities)d activities, "
                       "%(indicators)d indicators") % {"verb": verb, **summary.updated})
        lines.append(_("Archived: %(a)d activities, %(i)d indicators") % {
            "a": len(summary.archived_activities), "i": len(summary.archived_indicators)})
        if summary.new_actors:
            lines.append(_("New actors: %(names)s") % {"names": ", ".join(summary.new_actors)})
        if summary.dry_run and summary.changes:
            lines.append(_("Rows changed (old → new)") + ":")
            lines.extend(f"  - {row}: {name}: {old[:80]} → {new[:80]}" for row, name, old, new in summary.changes)
        if summary.dry_run:
            lines.append(_("Dry run: nothing was saved."))
        elif summary.changed:
            lines.append(_("Saved as “%(slug)s”.") % {"slug": summary.workplan.slug})
        else:
            lines.append(_("Nothing changed: “%(slug)s” is already up to date.") % {"slug": summary.workplan.slug})
    return lines
