from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    requires_system_checks = []  # a data command: the project's checks (URLs, templates…) cost a second each run
    help = "Read a workplan file (.xlsx, .csv, .docx) and print what it holds; with --slug, create or update that workplan."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--slug", help="Create or update the workplan with this slug.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD",
                            help='Read a column as a field, e.g. --map "Outcome=objective" --map "Column 12=ignore".')
        parser.add_argument("--header-row", type=int, help="The row number of the table's header.")
        parser.add_argument("--sheet", help="Read only this sheet.")

    def handle(self, path, slug=None, dry_run=False, **options):
        # The importer is loaded here, not when the command is: `--help` and a wrong option answer without it.
        from imports.mapping import ReadOptions, parse_map_option
        from imports.parsing import WorkplanImportError, parse_file
        from imports.readers import size_error
        from imports.services import workplan_import_commit
        from imports.summary import summary_lines

        file = Path(path)
        try:
            if error := size_error(file.stat().st_size):  # refused before it is read into memory
                raise CommandError(f"{file.name}: {error}")
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror})
        try:
            read = ReadOptions(columns=parse_map_option(options.get("map")), header_row=options.get("header_row"),
                               sheet=options.get("sheet"))
            parsed = parse_file(data, file.name, read)
        except WorkplanImportError as error:
            raise CommandError(f"{file.name}: {error}")
        summary = None
        if slug:  # --dry-run: the diff alone (imports.diff), no transaction, nothing written
            summary = workplan_import_commit(parsed, slug=slug, dry_run=dry_run)
        for line in summary_lines(parsed, summary):
            self.stdout.write(line)
