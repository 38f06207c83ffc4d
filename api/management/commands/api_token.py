"""``python manage.py api_token USERNAME``: create the user's API token, or show the one they have.

Fixed interface: the token is printed last, alone on its line (``TOKEN=$(… | tail -1)``).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Create or show a user's API token (printed last, on its own line)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"Unknown user: {username}")
        if not user.is_active:
            raise CommandError(f"User {username} is inactive: an API token would not work.")
        token, created = Token.objects.get_or_create(user=user)
        what = "Created a new API token" if created else "Existing API token"
        self.stdout.write(f"{what} for {username} (send it as the header 'Authorization: Token <token>'):")
        self.stdout.write(token.key)
