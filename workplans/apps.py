from django.apps import AppConfig


class WorkplansConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'workplans'

    def ready(self):
        from django.db.backends.signals import connection_created

        from .db import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="workplans-sqlite-fold")
