"""import_workplan: the summary, --slug, --dry-run, and bad files (exit code ≠ 0, no traceback)."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from workplans.models import Activity, Workplan

WORKBOOK = Path(settings.BASE_DIR) / "fixtures" / "workplans" / "plan-de-travail-2019.xlsx"


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_workplan", *args, stdout=out)
    return out.getvalue()


def test_summary_without_slug_writes_nothing(db):
    out = run(str(WORKBOOK))
    assert "23" in out and "Activit" in out
    assert not Workplan.objects.exists()


def test_slug_creates_then_updates(db, cluster):
    run(str(WORKBOOK), "--slug", "p2019")
    assert Activity.objects.filter(workplan__slug="p2019").count() == 23
    ids = sorted(Activity.objects.values_list("id", flat=True))
    run(str(WORKBOOK), "--slug", "p2019")
    assert sorted(Activity.objects.values_list("id", flat=True)) == ids


def test_dry_run_writes_nothing(db, cluster):
    out = run(str(WORKBOOK), "--slug", "p2019", "--dry-run")
    assert not Workplan.objects.exists() and not Activity.objects.exists()
    assert "23" in out


def test_bad_file_is_a_command_error(db, tmp_path):
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(WORKBOOK.read_bytes()[:3000])
    with pytest.raises(CommandError, match="truncated|tronqu"):
        run(str(bad))


def test_bad_file_from_the_shell_exits_non_zero_without_traceback(tmp_path):
    bad = tmp_path / "empty.xlsx"
    bad.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_workplan", str(bad)], cwd=settings.BASE_DIR, capture_output=True, text=True,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "empty.xlsx" in done.stderr
