"""``python manage.py migrate_locked`` (``make migrate``): ``migrate`` then ``createcachetable``, one
instance at a time on PostgreSQL (an advisory lock). The work is done by clusterplan/lib/migrate.py."""

from django.core.management.base import BaseCommand, CommandError

from clusterplan.lib.migrate import MigrationLockTimeout, migrate_locked


class Command(BaseCommand):
    help = "Migrate and create the cache table, under a database lock so that instances take turns."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=int, default=600,
                            help="seconds to wait for another instance's migration (default 600)")

    def handle(self, *args, wait, verbosity, **options):
        try:
            migrate_locked(wait_seconds=wait, verbosity=verbosity)
        except MigrationLockTimeout as error:
            raise CommandError(str(error)) from error
