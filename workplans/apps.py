from django.apps import AppConfig


class WorkplansConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'workplans'
