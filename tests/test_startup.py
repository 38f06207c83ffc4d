"""Process start-up (issue 11, "Fast"): a process that sets Django up loads only what it uses.

The admin modules (and through them django-import-export, openpyxl, XlsxWriter, the admin
resources) are discovered by the URLconf and by the admin's system check, not at start-up
(clusterplan/apps.py); ``import_workplan`` loads the importer only to run, and the importer reads
a spreadsheet without openpyxl, the API or the exports. Each case runs in a fresh Python process:
this one has loaded everything long ago.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "workplans" / "plan-mise-en-oeuvre-cp-2020-2022.xlsx"

# Never needed to start Django, to answer `import_workplan --help`, or to read a spreadsheet.
HEAVY = (
    "openpyxl", "xlsxwriter", "docx", "tablib", "yaml", "import_export.admin", "import_export.formats",
    "rest_framework.views", "rest_framework.serializers", "drf_spectacular.openapi",
    "django.contrib.admin.views.main",
)
PROJECT_APPS = ("workplans", "indicators", "imports", "reports", "meetings", "notifications", "jobs", "api")


def modules_after(code):
    """The modules a fresh process has loaded after setting Django up and running ``code``."""
    script = (
        "import json, os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'clusterplan.settings')\n"
        "import django\n"
        "django.setup()\n"
        f"{code}\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def heavy(modules):
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def project_admin(modules):
    return sorted(m for m in modules if m.split(".")[0] in PROJECT_APPS and m.split(".")[1:2] == ["admin"])


def test_import_workplan_help_loads_neither_the_admin_nor_the_importer():
    modules = modules_after(
        "from django.core.management import load_command_class\n"
        "load_command_class('imports', 'import_workplan').create_parser('manage.py', 'import_workplan')"
    )
    assert "imports.management.commands.import_workplan" in modules  # the probe did load the command
    assert heavy(modules) == []
    assert project_admin(modules) == []
    assert not {"imports.parsing", "imports.services", "imports.readers"} & modules


def test_reading_a_spreadsheet_loads_no_openpyxl_api_or_admin():
    modules = modules_after(
        "from imports.parsing import parse_file\n"
        f"parse_file(open({str(SEED)!r}, 'rb').read(), {SEED.name!r})"
    )
    assert "python_calamine" in modules
    assert heavy(modules) == []
    assert project_admin(modules) == []


def test_the_admin_check_discovers_the_admin_modules_first():
    """Nothing at start-up registers the ModelAdmins; `manage.py check` still checks them all."""
    modules = modules_after(
        "from django.contrib import admin\n"
        "assert not admin.site._registry, 'nothing registered before the check'\n"
        "from django.core import checks\n"
        "assert checks.run_checks(tags=[checks.Tags.admin]) == []\n"
        "from workplans.models import Activity\n"
        "assert Activity in admin.site._registry\n"
    )
    assert {"workplans.admin", "indicators.admin", "meetings.admin"} <= modules


def test_the_admin_check_reports_a_broken_model_admin():
    from django.contrib import admin

    from clusterplan.apps import check_discovered_admin
    from reports.models import SavedView

    class BrokenAdmin(admin.ModelAdmin):
        list_display = ["no_such_field"]

    registered = admin.site._registry.pop(SavedView)
    admin.site.register(SavedView, BrokenAdmin)
    try:
        errors = check_discovered_admin(None)
    finally:
        admin.site.unregister(SavedView)
        admin.site._registry[SavedView] = registered
    assert [error.id for error in errors] == ["admin.E108"]


def test_manage_py_leaves_the_garbage_collector_on_and_the_start_up_heap_frozen():
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "import gc; print(gc.isenabled(), gc.get_freeze_count() > 0)"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].split() == ["True", "True"]
