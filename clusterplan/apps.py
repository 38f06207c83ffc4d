"""The project's app configurations.

``AdminConfig`` is Django's admin without the autodiscovery at start-up (``SimpleAdminConfig``):
every process that sets Django up (``import_workplan``, ``send_reminders``, a worker…) would
otherwise import every ``admin.py`` and, through django-import-export, openpyxl, XlsxWriter and
the admin resources, which only the admin's pages use. The admin modules are discovered by the
URLconf (``clusterplan/urls.py``, before ``admin.site.urls``), so by every request, test client
and command that resolves a URL, and by the admin's system check below, so that ``manage.py
check`` still checks every registered ModelAdmin whatever order the checks run in.
"""

import gc

from django.apps import AppConfig
from django.contrib.admin.apps import SimpleAdminConfig
from django.contrib.admin.checks import check_admin_app, check_dependencies
from django.core import checks


class ClusterplanConfig(AppConfig):
    """The project itself: no models, its management commands (load_demo, backup, migrate_locked…)."""

    default = True  # this module holds two AppConfigs: "clusterplan" in INSTALLED_APPS means this one
    name = "clusterplan"

    def ready(self):
        # Everything loaded so far (modules, classes, models, settings) lives as long as the process:
        # frozen, the cyclic garbage collector no longer goes through it at each full collection, in a
        # long import as in a server's requests. manage.py turns the collector off while Django
        # loads; on again from here (and on, as it was, in any other process).
        gc.freeze()
        gc.enable()


def check_discovered_admin(app_configs, **kwargs):
    """Django's admin check (every site's ModelAdmins), after the admin modules are discovered."""
    from django.contrib import admin

    admin.autodiscover()
    return check_admin_app(app_configs, **kwargs)


class AdminConfig(SimpleAdminConfig):
    default = False

    def ready(self):
        # SimpleAdminConfig.ready() registers check_admin_app, which could run before anything
        # discovered the admin modules and so check nothing: the same check, discovering first.
        checks.register(check_dependencies, checks.Tags.admin)
        checks.register(check_discovered_admin, checks.Tags.admin)
