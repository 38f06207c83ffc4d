"""``python manage.py send_reminders [--today YYYY-MM-DD] [--dry-run]`` (fixed interface).

Prints ``to=<email> kind=<kind> subject=<…>`` for every email, then ``sent N messages``.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications.reminders import send_reminders


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {text!r}.")


class Command(BaseCommand):
    help = "Send the reminders and notifications due today (each exactly once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=str, help="Work as if today were this day (YYYY-MM-DD).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send and record nothing.")

    def handle(self, *args, today=None, dry_run=False, **options):
        day = _date(today) if today else None
        lines = []

        def echo(line):
            lines.append(line)
            self.stdout.write(line)

        try:
            result = send_reminders(today=day, dry_run=dry_run, echo=echo)
        except OSError as error:  # the mail server failed (SMTPException is an OSError): what was sent is recorded
            self.stdout.write(f"sent {len(lines)} messages")
            raise CommandError(
                f"stopped after {len(lines)} messages: {error.__class__.__name__}: {error}. "
                "The next run sends the rest."
            ) from error
        self.stdout.write(f"sent {result.emailed} messages")
