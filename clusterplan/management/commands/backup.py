"""``python manage.py backup [ARCHIVE]`` (``make backup``): the database and every stored file in one
archive. The work is done by clusterplan/lib/backup.py."""

from django.core.management.base import BaseCommand, CommandError

from clusterplan.lib.backup import BackupError, backup_dump, default_archive_path


class Command(BaseCommand):
    help = "Write the database content and every stored file to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?", help="where to write it (default: backups/clusterplan-<time>.tar.gz)")

    def handle(self, *args, archive=None, **options):
        try:
            path, missing = backup_dump(archive or default_archive_path())
        except BackupError as error:
            raise CommandError(str(error)) from error
        for name in missing:
            self.stderr.write(f"warning: {name} is referenced but missing from the storage")
        self.stdout.write(f"Backup written to {path}")
