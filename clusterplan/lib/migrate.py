"""Migrate from any instance, safely: ``python manage.py migrate_locked`` (``make migrate``).

Runs ``migrate`` then ``createcachetable``. On PostgreSQL it first takes a database-wide
advisory lock, so that when several instances (or a deploy job started twice) migrate at the
same moment, one migrates and the others wait, then find nothing left to do. The lock lives
in the database, not on an app server; it is released when the migration ends or the
process dies.
"""

import time

LOCK_KEY = 7_421_001  # any constant; the same for every instance


class MigrationLockTimeout(Exception):
    pass


def migrate_locked(wait_seconds=600, verbosity=1):
    from django.core.management import call_command
    from django.db import connection

    def run():
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("createcachetable", verbosity=verbosity)

    if connection.vendor != "postgresql":
        run()  # SQLite: one machine, one file; its own locking serialises writers
        return
    deadline = time.monotonic() + wait_seconds
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() >= deadline:
                raise MigrationLockTimeout(f"Another instance has been migrating for more than {wait_seconds} s.")
            time.sleep(1)
    try:
        run()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])

