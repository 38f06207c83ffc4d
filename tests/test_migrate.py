"""`make migrate` (`manage.py migrate_locked`, clusterplan/lib/migrate.py): migrate and create the
cache table, one instance at a time on PostgreSQL (an advisory lock in the database)."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from clusterplan.lib.envconfig import CACHE_TABLE
from clusterplan.lib.migrate import LOCK_KEY, MigrationLockTimeout, migrate_locked


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_cache_table():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(CACHE_TABLE)}")
    assert CACHE_TABLE not in connection.introspection.table_names()
    migrate_locked(verbosity=0)
    assert CACHE_TABLE in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
def test_a_second_instance_waits_for_the_first_one():
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's (run with DATABASE_URL=postgres://…)")
    import psycopg2

    params = connection.get_connection_params()
    other = psycopg2.connect(**params)  # another instance, migrating
    other.autocommit = True
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        with pytest.raises(MigrationLockTimeout):
            migrate_locked(wait_seconds=1, verbosity=0)
        # The command says so in one line and exits 1 (no traceback).
        with pytest.raises(CommandError, match="Another instance has been migrating"):
            call_command("migrate_locked", wait=1, verbosity=0)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        migrate_locked(wait_seconds=5, verbosity=0)  # the lock is free: it runs
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s", [LOCK_KEY])
            assert cursor.fetchone()[0] == 0  # and released it
    finally:
        other.close()


def test_make_migrate_command_line(tmp_path):
    """`manage.py migrate_locked`, as `make migrate` runs it, on a fresh database file."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "manage.py", "migrate_locked", "-v", "0"], cwd=Path(settings.BASE_DIR),
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    tables = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.db import connection; print(sorted(connection.introspection.table_names()))"],
        cwd=Path(settings.BASE_DIR), env=env, capture_output=True, text=True,
    )
    assert CACHE_TABLE in tables.stdout and "workplans_workplan" in tables.stdout
