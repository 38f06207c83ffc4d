import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports.export import workplan_tree_data, workplan_workbook
from workplans.models import Workplan


class Command(BaseCommand):
    help = "Export a workplan as its JSON tree or as a clean .xlsx that re-imports to the same tree."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("-o", "--output", help="Write to this file (default: standard output).")

    def handle(self, slug, format="json", output=None, **options):
        workplan = Workplan.objects.filter(slug=slug).first()
        if workplan is None:
            raise CommandError(_("No workplan with the slug “%(slug)s”.") % {"slug": slug})
        if format == "json":
            data = (json.dumps(workplan_tree_data(workplan), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        else:
            data = workplan_workbook(workplan)
            if not output and sys.stdout.isatty():
                raise CommandError(_("An .xlsx export needs -o FILE."))
        if output:
            try:
                with open(output, "wb") as handle:
                    handle.write(data)
            except OSError as error:
                raise CommandError(_("Cannot write %(path)s: %(error)s") % {"path": output, "error": error.strerror})
            self.stderr.write(_("Written to %(path)s.") % {"path": output})
        elif format == "json":
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            self.stdout.buffer.write(data) if hasattr(self.stdout, "buffer") else self.stdout.write(data)
