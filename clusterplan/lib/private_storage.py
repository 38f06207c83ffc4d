"""Private file storages: evidence and uploaded workplans, never served by a URL.

On disk each lives under the directory a setting names (read at each use, so a deployment or
a test can move it); with an ``s3://`` ``STORAGE_URL`` each goes under its own prefix of the
bucket (docs/DEPLOYMENT.md). Files are read back only through the app's permission-checked views.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class SettingRootedStorage(FileSystemStorage):
    """Files under the directory ``settings.<root_setting>``, with no URL."""

    root_setting = ""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(getattr(settings, self.root_setting))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError(f"{self.root_setting}: private files have no URL; read them through the app's views.")

    def deconstruct(self):
        return (f"{type(self).__module__}.{type(self).__qualname__}", (), {})


def private_storage_for(local_class, subfolder):
    """``local_class()`` on disk, or the bucket's ``subfolder`` prefix when ``STORAGE_URL`` is ``s3://…``."""
    storage_url = getattr(settings, "STORAGE_URL", "")
    if storage_url.startswith("s3://"):
        from django.core.files.storage import storages

        from clusterplan.lib.envconfig import storage_config

        return storages.create_storage(storage_config(storage_url, subfolder=subfolder))
    return local_class()


class PrivateImportStorage(SettingRootedStorage):
    """Uploaded workplan files on disk, under ``settings.IMPORT_ROOT``: out of MEDIA_ROOT and static files."""

    root_setting = "IMPORT_ROOT"


def import_storage():
    """Where uploaded workplan files wait for their preview to be confirmed: ``IMPORT_ROOT`` on
    disk, or the bucket's ``private/imports/`` prefix when ``STORAGE_URL`` is an s3:// URL, so
    that the preview and the confirm step may run on different app servers (docs/DEPLOYMENT.md).

    It lives here, not in the ``imports`` app, because the historical ``workplans`` migrations
    (0004, 0005: the table was created there) name it too."""
    return private_storage_for(PrivateImportStorage, "private/imports")
