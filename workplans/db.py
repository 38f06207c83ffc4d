"""Database helpers of the workplans app: folding text (case and accents) inside SQL."""

from django.db.models import Func, TextField

from .text import fold


class Fold(Func):
    """``fold()`` in SQL: lower case, accents dropped.

    PostgreSQL: ``lower(unaccent(…))`` (the ``unaccent`` extension, migration
    ``workplans/0009``); SQLite: the Python ``fold`` registered on each connection
    (``register_sqlite_functions``)."""

    function = "cp_fold"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="lower(unaccent(%(expressions)s::text))", **extra_context)


def register_sqlite_functions(sender, connection, **kwargs):
    """Connected to ``connection_created``: SQLite learns ``cp_fold``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("cp_fold", 1, lambda text: fold(text) if text is not None else None,
                                              deterministic=True)
