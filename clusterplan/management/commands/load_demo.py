from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports.demo import demo_workplans_load
from indicators.demo import demo_reports_create
from meetings.demo import demo_meetings_load
from workplans.demo import DEMO_PASSWORD, demo_users_create


class Command(BaseCommand):
    help = "Load the demo users (admin, coordinator, member; password 'demo') and the seed workplans. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _("Refusing to create demo users with a known password while DEBUG is off. Use --force if you mean it.")
            )
        users = demo_users_create()
        workplans = demo_workplans_load()
        demo_meetings_load()  # meetings: seed 004's structure and contacts, seed 002's meeting
        demo_reports_create(workplans)  # progress: reports in every state
        for workplan in workplans:
            self.stdout.write(f"  {workplan.slug}: {workplan.title}")
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data loaded: %(n)d workplans; users %(users)s (password: %(password)s).")
                % {"n": len(workplans), "users": ", ".join(users), "password": DEMO_PASSWORD}
            )
        )
