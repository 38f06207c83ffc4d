"""Back up and restore everything clusterplan stores: the database and the uploaded files.

One archive (``.tar.gz``) holds ``data.json`` (Django's ``dumpdata``, with natural keys, so it
loads into any freshly migrated database, SQLite or PostgreSQL) and ``files/<app.model.field>/``:
every file a model's FileField points to (evidence, imported workplans), read through that
field's own storage (Django's storage API), so it works the same on local disk and in an
S3-compatible bucket.

    python manage.py backup [ARCHIVE]      # make backup
    python manage.py restore ARCHIVE       # make restore ARCHIVE=…

Restoring replaces the whole database content with the archive's, in one transaction: the
archive is read and checked first, and if loading fails nothing is changed. Sessions, login
throttling records, content types and permissions are not dumped (they are rebuilt or are
short-lived). For a large PostgreSQL database, ``pg_dump -Fc`` is the faster alternative
(docs/DEPLOYMENT.md); this module is the portable one that the tests check.
The commands (clusterplan/management/commands/backup.py, restore.py) only call it.
"""

import datetime
import io
import json
import tarfile
from pathlib import Path

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]
DATA_NAME = "data.json"
FILES_DIR = "files/"


class BackupError(Exception):
    pass


def default_archive_path():
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("backups") / f"clusterplan-{stamp}.tar.gz"


def file_fields():
    """(model, field) for every FileField of every installed model."""
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield model, field


def _field_key(model, field):
    return f"{model._meta.label_lower}.{field.name}"


def stored_files():
    """(archive key, storage, name) for every file the data points to, each in its field's storage."""
    seen = set()
    for model, field in file_fields():
        key = _field_key(model, field)
        for name in model._default_manager.values_list(field.name, flat=True):
            if name and (key, name) not in seen:
                seen.add((key, name))
                yield key, field.storage, name


def _safe_name(name):
    path = Path(name)
    if path.is_absolute() or ".." in path.parts or not name:
        raise BackupError(f"Unsafe file name in the archive: {name!r}")
    return name


def backup_dump(archive_path):
    """Write the database content and every stored file to ``archive_path``; return the path."""
    from django.core.management import call_command

    data = io.StringIO()
    call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=False,
                 indent=None, stdout=data)
    archive_path = Path(archive_path)
    archive_path.parent.mkdir(parents=True, exist_ok=True)
    missing = []
    with tarfile.open(archive_path, "w:gz") as archive:
        payload = data.getvalue().encode("utf-8")
        info = tarfile.TarInfo(DATA_NAME)
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
        for key, storage, name in stored_files():
            if not storage.exists(name):
                missing.append(name)
                continue
            with storage.open(name, "rb") as handle:
                content = handle.read()
            info = tarfile.TarInfo(f"{FILES_DIR}{key}/{_safe_name(name)}")
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return archive_path, missing


def _read_archive(archive_path):
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            data, files = None, {}
            for member in archive.getmembers():
                if not member.isfile():
                    continue
                content = archive.extractfile(member).read()
                if member.name == DATA_NAME:
                    data = content
                elif member.name.startswith(FILES_DIR):
                    key, _, name = member.name[len(FILES_DIR):].partition("/")
                    files[(key, _safe_name(name))] = content
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Not a clusterplan backup: {error}") from error
    if data is None:
        raise BackupError(f"Not a clusterplan backup: {DATA_NAME} is missing.")
    try:
        json.loads(data)
    except ValueError as error:
        raise BackupError(f"The backup's {DATA_NAME} is not valid JSON: {error}") from error
    return data, files


def backup_restore(archive_path):
    """Replace the database content and the stored files with the archive's."""
    import tempfile

    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db import connection, transaction

    data, files = _read_archive(archive_path)
    storages_by_key = {_field_key(model, field): field.storage for model, field in file_fields()}
    unknown = sorted({key for key, _ in files} - set(storages_by_key))
    if unknown:
        raise BackupError(f"The archive has files for unknown fields: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / DATA_NAME
        fixture.write_bytes(data)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # TRUNCATE refuses to run while deferred foreign-key checks are pending in the
                # transaction: check them now, then defer again so the fixture loads in any order.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            call_command("flush", interactive=False, verbosity=0)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            call_command("loaddata", str(fixture), verbosity=0)
    for (key, name), content in files.items():
        storage = storages_by_key[key]
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(content))
        if saved != name:
            raise BackupError(f"The storage renamed {name!r} to {saved!r}.")
    return len(files)

