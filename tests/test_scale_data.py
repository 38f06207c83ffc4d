"""bench/scale_data.py builds the benchmark data set; a tiny run checks its shape and idempotence."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from bench.scale_data import scale_data_create
from indicators.models import Indicator, ProgressReport
from workplans.models import Activity, Workplan


def test_scale_data_shape(db):
    scale_data_create(workplans=2, activities=3, out=lambda line: None)
    scale_data_create(workplans=2, activities=3, out=lambda line: None)  # replaces, does not add
    assert Workplan.objects.filter(slug__startswith="scale-").count() == 2
    assert Activity.objects.filter(workplan__slug__startswith="scale-").count() == 6
    assert Indicator.objects.filter(workplan__slug__startswith="scale-").count() == 6
    assert ProgressReport.objects.count() == 6 * 12
    assert ProgressReport.objects.filter(state="validated").count() >= 6 * 11
    assert Activity.objects.search("formation").exists() or Activity.objects.search("monitoring").exists()


def test_every_scale_indicator_has_exactly_one_owner(db):
    scale_data_create(workplans=1, activities=4, batch=3, out=lambda line: None)
    indicators = Indicator.objects.filter(workplan__slug__startswith="scale-")
    assert indicators.count() == 4
    assert not indicators.filter(activity__isnull=True).exists()
    assert not indicators.filter(Q(result__isnull=False) | Q(objective__isnull=False)).exists()


def test_command_line(tmp_path):
    """`python -m bench.scale_data --plans 1 --activities 2` on its own (migrated) database."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'scale.sqlite3'}", "PATH": "/usr/bin:/bin"}
    root = Path(settings.BASE_DIR)

    def run(*args):
        return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True)

    assert run("manage.py", "migrate", "--noinput", "-v", "0").returncode == 0
    done = run("-m", "bench.scale_data", "--plans", "1", "--activities", "2")
    assert done.returncode == 0, done.stderr
    assert "scale-0: 2 activities" in done.stdout
    count = run("manage.py", "shell", "-c",
                "from indicators.models import Indicator; print(Indicator.objects.filter(activity__isnull=False).count())")
    assert count.stdout.strip().splitlines()[-1] == "2"
