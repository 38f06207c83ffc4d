"""``python manage.py restore ARCHIVE`` (``make restore ARCHIVE=…``): replace the database content
and the stored files with a backup's, all or nothing. The work is done by clusterplan/lib/backup.py."""

from django.core.management.base import BaseCommand, CommandError

from clusterplan.lib.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Replace the database content and the stored files with those of a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a .tar.gz written by `manage.py backup`")

    def handle(self, *args, archive, **options):
        # BackupError: a bad archive; CommandError from loaddata/flush (schema not migrated…) passes through.
        try:
            count = backup_restore(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {archive} ({count} files)")
