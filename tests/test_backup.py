"""`make backup` / `make restore` (`manage.py backup` / `restore`, clusterplan/lib/backup.py): a dump
restores to the same data, files included, and a bad archive changes nothing."""

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command

from clusterplan.lib.backup import BackupError, backup_dump, backup_restore
from indicators.models import Evidence, Indicator, ProgressReport
from workplans.models import Activity, Workplan


def snapshot():
    """Everything the backup covers, as comparable data (model rows and file contents)."""
    out = io.StringIO()
    call_command("dumpdata", exclude=["contenttypes", "auth.permission", "sessions", "axes"],
                 natural_foreign=True, stdout=out)
    rows = sorted(json.dumps(row, sort_keys=True) for row in json.loads(out.getvalue()))
    files = {e.file.name: e.file.storage.open(e.file.name).read() if e.file.storage.exists(e.file.name) else None
             for e in Evidence.objects.all()}
    return rows, files


@pytest.fixture
def data(users, plan, hcr):
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de rapports",
                                         target=100)
    report = ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[0], organisation=hcr, value=42,
                                           narrative="Rapport « accentué » ✓", created_by=users.member)
    report.value = 43
    report.save()  # a second history row
    evidence = Evidence(report=report, original_name="preuve.pdf", content_type="application/pdf", size=9,
                        uploaded_by=users.member)
    evidence.file.save("preuve.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return evidence


def test_a_dump_restores_to_the_same_data(data, tmp_path):
    before = snapshot()
    assert len(before[0]) > 20 and before[1]
    archive, missing = backup_dump(tmp_path / "backup.tar.gz")
    assert missing == []

    # Damage everything: rows changed, added and deleted, the file overwritten and then removed.
    ProgressReport.objects.update(value=0)
    Workplan.objects.create(title="Intrus", slug="intrus", cluster=data.report.indicator.workplan.cluster)
    Activity.objects.filter(code="1.2").delete()
    get_user_model().objects.filter(username="nrc-member").delete()
    data.file.storage.delete(data.file.name)
    assert snapshot() != before

    assert backup_restore(archive) == 1
    assert snapshot() == before
    assert ProgressReport.objects.get().history.count() == 2


def test_restore_of_a_bad_archive_changes_nothing(data, tmp_path):
    before = snapshot()
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(bad, "w:gz") as archive:
        payload = b"[{not json"
        info = tarfile.TarInfo("data.json")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    with pytest.raises(BackupError):
        backup_restore(bad)
    (tmp_path / "junk.tar.gz").write_bytes(b"not an archive")
    with pytest.raises(BackupError):
        backup_restore(tmp_path / "junk.tar.gz")
    assert snapshot() == before


def test_restore_refuses_file_names_that_escape_the_storage(data, tmp_path):
    archive_path, _ = backup_dump(tmp_path / "ok.tar.gz")
    with tarfile.open(archive_path, "r:gz") as archive:
        members = [(m, archive.extractfile(m).read()) for m in archive.getmembers()]
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        for member, content in members:
            archive.addfile(member, io.BytesIO(content))
        info = tarfile.TarInfo("files/indicators.evidence.file/../../etc/cron.d/x")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    before = snapshot()
    with pytest.raises(BackupError):
        backup_restore(evil)
    assert snapshot() == before


def test_make_backup_and_restore_command_line(tmp_path):
    """`manage.py backup` / `manage.py restore`, as `make backup` / `make restore` run them (own database file)."""
    env_db = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{env_db}", "MEDIA_ROOT": str(tmp_path / "media"), "PATH": "/usr/bin:/bin"}
    root = Path(settings.BASE_DIR)

    def run(*args):
        return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True)

    assert run("manage.py", "migrate", "--noinput").returncode == 0
    assert run("manage.py", "shell", "-c",
               "from django.contrib.auth.models import User; User.objects.create_user('ana', password='x-long-password')"
               ).returncode == 0
    dumped = run("manage.py", "backup", str(tmp_path / "cli.tar.gz"))
    assert dumped.returncode == 0, dumped.stderr
    assert "Backup written to" in dumped.stdout
    assert run("manage.py", "shell", "-c", "from django.contrib.auth.models import User; User.objects.all().delete()").returncode == 0
    restored = run("manage.py", "restore", str(tmp_path / "cli.tar.gz"))
    assert restored.returncode == 0, restored.stderr
    count = run("manage.py", "shell", "-c", "from django.contrib.auth.models import User; print(User.objects.filter(username='ana').count())")
    assert count.stdout.strip().splitlines()[-1] == "1"
    missing = run("manage.py", "restore", str(tmp_path / "missing.tar.gz"))
    assert missing.returncode == 1  # a clear error, no traceback
    assert "Not a clusterplan backup" in missing.stderr and "Traceback" not in missing.stderr
    assert run("manage.py", "restore").returncode == 2  # the archive is required: usage
